// Materials in a real browser: the organizer uploads a photo and a video from the session page (the page's
// script sends them with tus), the video plays and seeks over byte ranges, and the gallery shows both; the
// session page fits a phone.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectProblems, horizontalOverflow, launchBrowser, servedApp } from '../helpers/browser.ts';
import { TEST_PASSWORD, createTestUser } from '../helpers/factories.ts';
import { createProgramme, samplePhoto, sampleVideo } from '../helpers/materials.ts';

/** Browser-side state of the page's <video>, read without the DOM typings this server project does not load. */
interface VideoState {
  readyState: number;
  currentTime: number;
  duration: number;
  paused: boolean;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
});
afterAll(async () => {
  await browser?.close();
});

describe('materials in the browser', () => {
  it('uploads a photo and a video through the page with tus, plays and seeks the video, and shows the gallery', async () => {
    const served = await servedApp({ LOGIN_MAX_PER_IP: '100' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page: Page = await context.newPage();
    const problems = await collectProblems(page);
    const tusRequests: string[] = [];
    const ranged: { status: number; range: string | null }[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/uploads/tus')) tusRequests.push(request.method());
    });
    page.on('response', (response) => {
      if (/\/materials\/\d+\/view$/.test(response.url())) ranged.push({ status: response.status(), range: response.headers()['content-range'] ?? null });
    });
    try {
      const user = await createTestUser(served.app, { roles: ['organizer'] });
      const { sessionId } = await createProgramme(served.app);
      await page.goto(`${served.baseUrl}/login`);
      await page.fill('#f-username', user.username);
      await page.fill('#f-password', TEST_PASSWORD);
      await Promise.all([page.waitForURL(`${served.baseUrl}/`), page.click('button.primary')]);

      const upload = async (kind: 'photo' | 'video', title: string, file: { name: string; mimeType: string; buffer: Buffer }) => {
        await page.goto(`${served.baseUrl}/sessions/${sessionId}`);
        await Promise.all([page.waitForURL(/\/materials\/new/), page.getByRole('link', { name: 'Tải lên tệp' }).click()]);
        await page.selectOption('#f-kind', kind);
        await page.fill('#f-title', title);
        await page.setInputFiles('#f-file', file);
        // The pause button and the progress bar appear only once an upload runs.
        await expect(page.locator('.upload-pause').isVisible()).resolves.toBe(false);
        await expect(page.locator('.upload-progress').isVisible()).resolves.toBe(false);
        await Promise.all([page.waitForURL(/\/materials\/\d+$/, { timeout: 20_000 }), page.getByRole('button', { name: 'Tải lên' }).click()]);
        return Number(/\/materials\/(\d+)$/.exec(page.url())![1]);
      };

      const photoId = await upload('photo', 'Ảnh khai mạc', { name: 'Ảnh khai mạc.jpg', mimeType: 'image/jpeg', buffer: await samplePhoto(11) });
      await expect(page.locator('h1').textContent()).resolves.toContain('Ảnh khai mạc');
      await expect(page.locator('main').textContent()).resolves.toContain('15/06/2022 08:30');
      const videoId = await upload('video', 'Ghi hình buổi học', { name: 'Ghi hình.webm', mimeType: 'video/webm', buffer: sampleVideo() });
      // Both went over the resumable protocol: a creation and at least one PATCH each.
      expect(tusRequests.filter((m) => m === 'POST')).toHaveLength(2);
      expect(tusRequests.filter((m) => m === 'PATCH').length).toBeGreaterThanOrEqual(2);
      const rows = await served.app.db.selectFrom('materials').select(['id', 'kind', 'mime_type']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: photoId, kind: 'photo', mime_type: 'image/jpeg' },
        { id: videoId, kind: 'video', mime_type: 'video/webm' },
      ]);

      // The video plays in the page and seeks; its bytes come as ranges (206).
      const video = page.locator('video.material-video');
      const state = () =>
        video.evaluate((element): VideoState => {
          const v = element as unknown as VideoState;
          return { readyState: v.readyState, currentTime: v.currentTime, duration: v.duration, paused: v.paused };
        });
      await expect.poll(async () => (await state()).readyState, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      await video.evaluate((v) => (v as unknown as { muted: boolean; play(): Promise<void> }).play().then(() => undefined));
      await expect.poll(async () => (await state()).currentTime, { timeout: 15_000 }).toBeGreaterThan(0.2);
      await video.evaluate((v) => {
        (v as unknown as { currentTime: number }).currentTime = 3;
      });
      await expect.poll(async () => (await state()).currentTime, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
      expect(ranged.some((r) => r.status === 206 && /^bytes \d+-\d+\/\d+$/.test(r.range ?? ''))).toBe(true);

      // The session's gallery: the photo's thumbnail decoded, the video with its player.
      await page.goto(`${served.baseUrl}/sessions/${sessionId}/gallery`);
      const thumbnail = page.locator(`img[src="/materials/${photoId}/thumbnail"]`);
      await expect.poll(() => thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
      await expect(page.locator(`video[src="/materials/${videoId}/view"]`).count()).resolves.toBe(1);

      // On a phone the session page with its evidence section does not scroll sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${served.baseUrl}/sessions/${sessionId}`);
      const overflow = await horizontalOverflow(page);
      expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
      const unexpected = problems.unexpected();
      expect(unexpected, problems.describe(unexpected)).toEqual([]);
    } finally {
      await context.close();
      await served.close();
    }
  });
});
