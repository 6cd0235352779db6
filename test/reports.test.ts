import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loadDemoData } from '../server/services/demo.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loginAs } from './helpers/factories.ts';
import type { Visitor } from './helpers/http.ts';
import { addMaterial, demoIds, pseudoRandomBytes, sha256Hex, unzipTest, zipEntries } from './helpers/bundle.ts';
import { BUNDLE_FOLDERS } from '../server/services/evidence-bundle.ts';

let work = '';
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'tap-huan-reports-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The SHA-256 shown on the page for a download link, read from the block that holds the link. */
function shownChecksum(html: string, href: string): string | undefined {
  const start = html.indexOf(`href="${href}"`);
  if (start < 0) return undefined;
  const block = html.slice(start, html.indexOf('</dl>', start));
  return /data-sha256>([0-9a-f]{64})</.exec(block)?.[1];
}

describe('reports page and downloads', () => {
  let t: TestApp;
  let ids: { planId: number; round1: number; round2: number };
  beforeEach(async () => {
    t = await buildApp({ LOGIN_MAX_PER_IP: '100' });
    await loadDemoData(t.app.db);
    ids = await demoIds(t.app.db);
  });
  afterEach(() => t.close());

  const login = (username: string): Promise<Visitor> => loginAs(t.app, username, DEMO_PASSWORD);

  it('lets admins, organizers and reporters in, keeps check-in staff and visitors out, and links it from the menu and the plan', async () => {
    for (const username of ['quantri', 'tochuc', 'baocao']) {
      const visitor = await login(username);
      const page = await visitor.get('/reports');
      expect(page.statusCode, username).toBe(200);
      expect(page.body).toContain('<a href="/reports" aria-current="page">Báo cáo</a>');
      expect(page.body).toContain(`href="/reports/rounds/${ids.round1}/bundle.zip"`);
      expect(page.body).toContain(`href="/reports/plans/${ids.planId}/report.pdf"`);
      const download = await visitor.get(`/reports/rounds/${ids.round2}/report.pdf`);
      expect(download.statusCode, username).toBe(200);
    }
    const plan = await (await login('baocao')).get(`/plans/${ids.planId}`);
    expect(plan.body).toContain(`href="/reports#ke-hoach-${ids.planId}"`);

    const checkin = await login('diemdanh');
    const home = await checkin.get('/');
    expect(home.body).not.toContain('href="/reports"');
    for (const url of ['/reports', `/reports/rounds/${ids.round1}/bundle.zip`, `/reports/plans/${ids.planId}/bundle.zip`, `/reports/plans/${ids.planId}/report.pdf`]) {
      expect((await checkin.get(url)).statusCode, url).toBe(403);
    }
    const anonymous = await t.app.inject({ method: 'GET', url: `/reports/plans/${ids.planId}/bundle.zip`, headers: { accept: 'application/json' } });
    expect(anonymous.statusCode).toBe(401);
    const browser = await t.app.inject({ method: 'GET', url: '/reports', headers: { accept: 'text/html' } });
    expect(browser.statusCode).toBe(303);
    expect(browser.headers.location).toMatch(/^\/login/);
  });

  it('answers 404 in Vietnamese for missing plans and rounds, and 400 for ids that are not ids', async () => {
    const reporter = await login('baocao');
    for (const url of ['/reports/plans/999/bundle.zip', '/reports/rounds/999/bundle.zip', '/reports/plans/999/report.pdf', '/reports/rounds/999/report.pdf']) {
      const response = await reporter.get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.body).toMatch(/Không tìm thấy (kế hoạch|đợt tập huấn)/);
    }
    for (const url of ['/reports/plans/abc/bundle.zip', '/reports/rounds/0/bundle.zip', '/reports/rounds/1.5/report.pdf']) {
      expect((await reporter.get(url)).statusCode, url).toBe(400);
    }
  });

  it('serves the bundle as an attachment with an ASCII name, and shows the checksum of exactly the bytes served', async () => {
    const reporter = await login('baocao');
    const page = await reporter.get('/reports');
    const roundLink = `/reports/rounds/${ids.round1}/bundle.zip`;
    const planLink = `/reports/plans/${ids.planId}/bundle.zip`;
    const shownRound = shownChecksum(page.body, roundLink);
    const shownPlan = shownChecksum(page.body, planLink);
    expect(shownRound).toMatch(/^[0-9a-f]{64}$/);
    expect(shownPlan).toMatch(/^[0-9a-f]{64}$/);
    expect(page.body).toContain('2022-05-13_Ho-so-minh-chung_KH-UBND_Dot-1.zip');

    const round = await reporter.get(roundLink);
    expect(round.statusCode).toBe(200);
    expect(round.headers['content-type']).toBe('application/zip');
    expect(round.headers['content-disposition']).toBe('attachment; filename="2022-05-13_Ho-so-minh-chung_KH-UBND_Dot-1.zip"');
    expect(round.headers['x-content-type-options']).toBe('nosniff');
    expect(sha256Hex(round.rawPayload)).toBe(shownRound);
    const file = path.join(work, 'round.zip');
    writeFileSync(file, round.rawPayload);
    expect(unzipTest(file)).toContain('No errors detected');

    const plan = await reporter.get(planLink);
    expect(plan.headers['content-disposition']).toBe('attachment; filename="2022-09-15_Ho-so-minh-chung_KH-UBND.zip"');
    expect(sha256Hex(plan.rawPayload)).toBe(shownPlan);

    const report = await reporter.get(`/reports/rounds/${ids.round1}/report.pdf`);
    expect(report.headers['content-type']).toBe('application/pdf');
    expect(report.headers['content-disposition']).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.pdf"$/);
    expect(report.headers['x-content-type-options']).toBe('nosniff');

    // HEAD answers the headers without building the archive.
    const head = await t.app.inject({ method: 'HEAD', url: roundLink, headers: { cookie: reporter.cookieHeader } });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-disposition']).toContain('Ho-so-minh-chung');
    expect(head.rawPayload.length).toBe(0);
  });

  it('shows a new checksum when the data changes, and the error when a stored file is damaged', async () => {
    const reporter = await login('baocao');
    const link = `/reports/rounds/${ids.round1}/bundle.zip`;
    const before = shownChecksum((await reporter.get('/reports')).body, link);
    const stored = await t.app.db.selectFrom('bundle_digests').selectAll().execute();
    expect(stored.map((d) => `${d.scope_kind}:${d.scope_id}`).sort()).toEqual([`plan:${ids.planId}`, `round:${ids.round1}`, `round:${ids.round2}`]);

    const photo = await addMaterial(t.app.db, t.app.storage, { planId: ids.planId, roundId: ids.round1, kind: 'photo', title: 'Ảnh lớp học', originalName: 'lop.jpg', mimeType: 'image/jpeg', content: pseudoRandomBytes(5000, 3) });
    const after = shownChecksum((await reporter.get('/reports')).body, link);
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
    expect(sha256Hex((await reporter.get(link)).rawPayload)).toBe(after);

    // Same size, other bytes: only reading finds it; the download stops short of a valid archive.
    writeFileSync(photo.file, pseudoRandomBytes(5000, 4));
    await expect(reporter.get(link)).rejects.toThrow(/destroyed before completion/);
    // Another size: the page says so, and the download is refused before it starts.
    writeFileSync(photo.file, pseudoRandomBytes(4000, 4));
    const page = await reporter.get('/reports');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/role="alert">Tệp “Ảnh lớp học” \(hình ảnh\) có kích thước 4000 byte, khác 5000 byte/);
    const refused = await reporter.get(link);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Hồ sơ minh chứng không được lập');
  });

  it('starts the download before the archive is built, and records the checksum once it is complete', async () => {
    // 48 MB of recording: far more than socket buffers hold, so the server waits on the reader.
    await addMaterial(t.app.db, t.app.storage, { planId: ids.planId, roundId: ids.round2, kind: 'video', title: 'Ghi hình đợt 2', originalName: 'dot2.mp4', mimeType: 'video/mp4', content: pseudoRandomBytes(48 << 20, 5) });
    const reporter = await login('baocao');
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${address}/reports/rounds/${ids.round2}/bundle.zip`, { headers: { cookie: reporter.cookieHeader } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('_Dot-2.zip');
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(Buffer.from(first.value!).readUInt32LE(0)).toBe(0x04034b50);
    // The client holds back: the archive cannot be finished, so no checksum is recorded yet.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await t.app.db.selectFrom('bundle_digests').selectAll().execute()).toEqual([]);
    const chunks = [Buffer.from(first.value!)];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
    }
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBeGreaterThan(48 << 20);
    for (let i = 0; i < 50; i++) {
      if ((await t.app.db.selectFrom('bundle_digests').selectAll().execute()).length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [digest] = await t.app.db.selectFrom('bundle_digests').selectAll().execute();
    expect(digest).toMatchObject({ scope_kind: 'round', scope_id: ids.round2, sha256: sha256Hex(bytes), bytes: bytes.length });
    // The page shows that checksum (stored, the inputs unchanged).
    const page = await reporter.get('/reports');
    expect(shownChecksum(page.body, `/reports/rounds/${ids.round2}/bundle.zip`)).toBe(sha256Hex(bytes));
    const file = path.join(work, 'streamed.zip');
    writeFileSync(file, bytes);
    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toContain('No errors detected');
  });

  it('right after `demo` (with its files), a reporter downloads round 1 with its folders filled from the reports page', async () => {
    const fresh = await buildApp({ LOGIN_MAX_PER_IP: '100' });
    try {
      await loadDemoData(fresh.app.db, { storage: fresh.app.storage });
      const round1 = (await fresh.app.db.selectFrom('rounds').select('id').where('number', '=', 1).executeTakeFirstOrThrow()).id;
      const reporter = await loginAs(fresh.app, 'baocao', DEMO_PASSWORD);
      const home = await reporter.get('/');
      expect(home.body).toContain('href="/reports"');
      const page = await reporter.get('/reports');
      const link = `/reports/rounds/${round1}/bundle.zip`;
      const shown = shownChecksum(page.body, link);
      const download = await reporter.get(link);
      expect(download.statusCode).toBe(200);
      expect(sha256Hex(download.rawPayload)).toBe(shown);
      const file = path.join(work, 'demo-round-1.zip');
      writeFileSync(file, download.rawPayload);
      expect(unzipTest(file)).toContain('No errors detected');
      const names = zipEntries(file).map((e) => e.name);
      const filled = (folder: string) => names.filter((n) => n.startsWith(`${folder}/`) && !n.endsWith('/')).length;
      for (const folder of Object.values(BUNDLE_FOLDERS)) expect(filled(folder), folder).toBeGreaterThan(0);
      expect(filled(BUNDLE_FOLDERS.plan)).toBe(1);
      expect(filled(BUNDLE_FOLDERS.media)).toBe(5);
    } finally {
      await fresh.close();
    }
  });
});
