// Check-in in a real browser: the door scanner reading a personal QR code from Chromium's fake camera (desktop
// and phone), a USB scanner typing into the page (and the same form without JavaScript), and a phone checking in
// through the rotating room code, then registering a walk-in.
// Set SCREENSHOT_DIR (e.g. /tmp/shots-checkin) to also save PNGs of the door and room pages.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../server/services/audit.ts';
import { isoToVnParts } from '../../server/services/clock.ts';
import { formatShortCode } from '../../server/services/invitation-codes.ts';
import { createDraft, defaultLetterForm, issueLetter } from '../../server/services/letters.ts';
import { createPerson } from '../../server/services/people.ts';
import { createPlan, createRound } from '../../server/services/plans.ts';
import { createSession, invitePerson } from '../../server/services/sessions.ts';
import { createUnit } from '../../server/services/units.ts';
import { collectProblems, horizontalOverflow, launchBrowser, servedApp, type ServedApp } from '../helpers/browser.ts';
import { TEST_PASSWORD, createTestUser } from '../helpers/factories.ts';
import { fakeCameraArgs, writeFakeCameraVideo } from '../helpers/fake-camera.ts';

const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const PEOPLE = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường'];

/**
 * A session that started 5 minutes ago and lasts 2 hours (so check-in is open), three invitees, and an issued
 * letter giving each a personal code: the QR link and the 9-character code.
 */
async function liveSession(app: FastifyInstance) {
  const unitId = await createUnit(app.db, CLI_ACTOR, { kind: 'commune', name: 'UBND xã Bàu Đồn', shortName: '', sortOrder: '1' });
  const planId = await createPlan(app.db, CLI_ACTOR, { number: '95', symbol: 'KH-UBND', issuedOn: '2026-01-05', summary: 'Tuyên truyền cải cách hành chính', basis: '', year: '2026', requiredRounds: '2', unitIds: [] });
  const roundId = await createRound(app.db, CLI_ACTOR, planId, { number: '1', title: 'Tập huấn nghiệp vụ cải cách hành chính', topics: '', notes: '', quotas: {} });
  const start = isoToVnParts(new Date(Date.now() - 5 * 60_000).toISOString());
  const end = isoToVnParts(new Date(Date.now() + 2 * 3600_000).toISOString());
  const sessionId = await createSession(app.db, CLI_ACTOR, roundId, {
    date: start.date, startTime: start.time, endTime: end.date === start.date ? end.time : '23:59', venue: 'Hội trường UBND', chair: '',
    capacity: '', checkinOpensMinutes: '30', lateAfterMinutes: '15', status: 'planned', notes: '',
  });
  const people: number[] = [];
  // Every check-in account of the test runs this session (the organizer gives sessions to staff).
  const staff = await app.db.selectFrom('user_roles').select('user_id').where('role', '=', 'checkin').execute();
  if (staff.length) await app.db.insertInto('session_staff').values(staff.map((s) => ({ session_id: sessionId, user_id: s.user_id }))).execute();
  for (const fullName of PEOPLE) {
    const id = await createPerson(app.db, CLI_ACTOR, { fullName, position: 'Công chức Văn phòng - Thống kê', unitId: String(unitId), phone: '', email: '', notes: '' });
    await invitePerson(app.db, CLI_ACTOR, sessionId, id);
    people.push(id);
  }
  const letterId = await createDraft(app.db, CLI_ACTOR, { sessionId, kind: 'giay-moi', form: await defaultLetterForm(app.db, sessionId) });
  await issueLetter(app.db, CLI_ACTOR, letterId);
  const codes = await app.db
    .selectFrom('invitation_tokens')
    .innerJoin('invitations', 'invitations.id', 'invitation_tokens.invitation_id')
    .select(['invitations.person_id', 'invitation_tokens.token', 'invitation_tokens.short_code'])
    .where('invitation_tokens.status', '=', 'active')
    .where('invitations.session_id', '=', sessionId)
    .execute();
  const codeOf = (personId: number) => {
    const code = codes.find((c) => c.person_id === personId);
    if (!code) throw new Error(`no personal code for person ${personId}`);
    // What the QR code on the slip encodes.
    return { link: `${app.config.publicUrl}/i/${code.token}`, shortCode: formatShortCode(code.short_code) };
  };
  return { sessionId, unitId, people, codeOf };
}

async function attendanceOf(app: FastifyInstance, sessionId: number, personId: number) {
  return app.db.selectFrom('attendances').select(['status', 'method']).where('session_id', '=', sessionId).where('person_id', '=', personId).execute();
}

async function logIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', TEST_PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.click('button.primary')]);
}

/** The whole page, or (fullPage false) only what fits on the screen. */
async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const size = await horizontalOverflow(page);
  expect(size.scrollWidth, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(size.clientWidth);
}

/**
 * A stand-in for the native BarcodeDetector, which Chromium on Linux lacks (Android, macOS and ChromeOS have it):
 * the same interface, decoding with jsQR inside, so the page's native path runs against the fake camera too.
 */
function nativeDetectorStub(): string {
  const jsqr = readFileSync(createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js'), 'utf8');
  return `${jsqr}
  (() => {
    const decode = self.jsQR;
    delete self.jsQR;
    class BarcodeDetector {
      static async getSupportedFormats() { return ['qr_code', 'ean_13']; }
      constructor(options) { this.formats = options.formats; this.canvas = document.createElement('canvas'); }
      async detect(source) {
        const width = source.videoWidth, height = source.videoHeight;
        if (!width) return [];
        this.canvas.width = width;
        this.canvas.height = height;
        const context = this.canvas.getContext('2d', { willReadFrequently: true });
        context.drawImage(source, 0, 0);
        const found = decode(context.getImageData(0, 0, width, height).data, width, height);
        return found ? [{ format: 'qr_code', rawValue: found.data }] : [];
      }
    }
    self.BarcodeDetector = BarcodeDetector;
  })();`;
}

/** Turns the camera on unless the page already did (it does by itself once the browser has the permission). */
async function startCamera(page: Page): Promise<void> {
  const permission = await page.evaluate(async () => {
    const nav = (globalThis as unknown as { navigator: { permissions: { query(d: { name: string }): Promise<{ state: string }> } } }).navigator;
    return (await nav.permissions.query({ name: 'camera' })).state;
  });
  if (permission !== 'granted') await page.click('#scan-camera-toggle');
  await page.locator('#door-scanner.is-live').waitFor({ timeout: 10_000 });
}

describe.each([
  { name: 'desktop', options: DESKTOP, person: 0, native: false },
  { name: 'phone', options: PHONE, person: 1, native: true },
])('door scanner with a camera ($name, native detector: $native)', ({ name, options, person, native }) => {
  let served: ServedApp;
  let browser: Browser | undefined;
  let videoDir: string;
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (videoDir) rmSync(videoDir, { recursive: true, force: true });
  });

  it('checks in the person whose personal QR code is held up, once, and tells a repeat apart', { timeout: 90_000 }, async () => {
    served = await servedApp({ LOGIN_MAX_PER_IP: '100' });
    const staff = await createTestUser(served.app, { roles: ['checkin'], fullName: 'Phạm Thu Hà' });
    const { sessionId, people, codeOf } = await liveSession(served.app);
    const personId = people[person]!;
    const fullName = PEOPLE[person]!;
    // The slip's QR code for 2 s, then an empty view for 4 s (longer than the scanner's repeat window); Chromium loops it.
    videoDir = mkdtempSync(path.join(tmpdir(), 'tap-huan-camera-'));
    const video = writeFakeCameraVideo(path.join(videoDir, 'qr.y4m'), [{ qr: codeOf(personId).link, seconds: 2 }, { seconds: 4 }]);
    browser = await launchBrowser(fakeCameraArgs(video));
    const context = await browser.newContext(options);
    if (native) await context.addInitScript({ content: nativeDetectorStub() });
    const page = await context.newPage();
    const problems = await collectProblems(page);
    const decoderLoads: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/assets/vendor/jsqr.js')) decoderLoads.push(`${response.status()} ${response.headers()['content-type']}`);
    });

    // The scans go with the door pass the page was given, not the session cookie and a CSRF token.
    const scanHeaders: Promise<Record<string, string>>[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/checkin')) scanHeaders.push(request.allHeaders());
    });

    await logIn(page, served.baseUrl, staff.username);
    await page.goto(`${served.baseUrl}/sessions/${sessionId}/door`);
    await expect(page.locator('#scan-result-slot .scan-idle').textContent()).resolves.toContain('Sẵn sàng');
    await startCamera(page);

    const ok = page.locator('#scan-result-slot .scan-ok');
    await ok.waitFor({ timeout: 15_000 });
    await expect(ok.textContent()).resolves.toContain(fullName);
    // jsQR is fetched from our own origin only when there is no native detector.
    await expect(page.locator('#door-scanner').getAttribute('data-decoder')).resolves.toBe(native ? 'native' : 'jsqr');
    expect(decoderLoads).toEqual(native ? [] : ['200 application/javascript; charset=utf-8']);
    await screenshot(page, `door-${name}-camera-ok`);
    await screenshot(page, `door-${name}-camera-ok-screen`, false);
    const first = await attendanceOf(served.app, sessionId, personId);
    expect(first).toHaveLength(1);
    expect(['present', 'late']).toContain(first[0]!.status);
    expect(first[0]!.method).toBe('door');
    const sentHeaders = await Promise.all(scanHeaders);
    expect(sentHeaders.length).toBeGreaterThan(0);
    for (const headers of sentHeaders) {
      expect(headers.authorization).toMatch(/^Bearer d1\./);
      expect(headers.cookie).toBeUndefined();
      expect(headers['x-csrf-token']).toBeUndefined();
    }

    // The code comes back into view after the repeat window: amber, with the first scan's time and who made it.
    const duplicate = page.locator('#scan-result-slot .scan-duplicate');
    await duplicate.waitFor({ timeout: 20_000 });
    await expect(duplicate.textContent()).resolves.toMatch(new RegExp(`${fullName}[\\s\\S]*Đã điểm danh lúc \\d{2}:\\d{2} \\(Phạm Thu Hà\\)`));
    expect(await attendanceOf(served.app, sessionId, personId)).toHaveLength(1);
    const attempts = await served.app.db.selectFrom('checkin_attempts').select('result').where('person_id', '=', personId).orderBy('id').execute();
    expect(attempts.map((a) => a.result)).toEqual(['ok', 'duplicate']);

    // A code that is no invitation: red, with the reason, and the camera keeps going.
    await page.fill('#f-code', 'ABC-DEF-GHJ');
    await page.press('#f-code', 'Enter');
    const refused = page.locator('#scan-result-slot .scan-refused');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toContain('Mã không hợp lệ');
    await screenshot(page, `door-${name}-refused`);
    await expect(page.locator('#door-scanner').getAttribute('class')).resolves.toContain('is-live');
    if (name === 'phone') await expectNoSidewaysScroll(page);

    // Once the browser holds the permission the camera starts by itself; once staff turn it off, it stays off.
    await context.grantPermissions(['camera'], { origin: served.baseUrl });
    await page.reload();
    await page.locator('#door-scanner.is-live').waitFor({ timeout: 10_000 });
    await page.click('#scan-camera-toggle');
    await expect(page.locator('#scan-camera-toggle').textContent()).resolves.toBe('Bật camera');
    await page.reload();
    await page.waitForTimeout(500);
    await expect(page.locator('#door-scanner').getAttribute('class')).resolves.not.toContain('is-live');

    expect(problems.cspViolations(), problems.describe(problems.cspViolations())).toEqual([]);
    expect(problems.unexpected(), problems.describe(problems.unexpected())).toEqual([]);
    await context.close();
  });
});

describe('door scanner without a camera', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('takes a USB scanner typing the short code and Enter without reloading, and keeps the field focused', async () => {
    const served = await servedApp({ LOGIN_MAX_PER_IP: '100' });
    const context = await browser.newContext(DESKTOP);
    try {
      const staff = await createTestUser(served.app, { roles: ['checkin'] });
      const { sessionId, people, codeOf } = await liveSession(served.app);
      const page = await context.newPage();
      const problems = await collectProblems(page);
      await logIn(page, served.baseUrl, staff.username);
      await page.goto(`${served.baseUrl}/sessions/${sessionId}/door`);
      await page.evaluate(() => {
        (globalThis as unknown as { doorMarker: string }).doorMarker = 'same page';
      });

      // The scanner types wherever the focus happens to be: the page sends the keys to the code field.
      await page.click('h1');
      await page.keyboard.type(codeOf(people[2]!).shortCode);
      await page.keyboard.press('Enter');
      const ok = page.locator('#scan-result-slot .scan-ok');
      await ok.waitFor();
      await expect(ok.textContent()).resolves.toContain('Lê Văn Cường');
      await screenshot(page, 'door-desktop-usb-ok');
      expect(await page.evaluate(() => (globalThis as unknown as { doorMarker?: string }).doorMarker)).toBe('same page');
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('f-code');
      await expect(page.inputValue('#f-code')).resolves.toBe('');
      expect(await attendanceOf(served.app, sessionId, people[2]!)).toEqual([{ status: expect.stringMatching(/^(present|late)$/), method: 'door' }]);

      // The next scan needs no click: the focus stayed in the field.
      await page.keyboard.type(codeOf(people[2]!).link);
      await page.keyboard.press('Enter');
      await page.locator('#scan-result-slot .scan-duplicate').waitFor();
      expect(await attendanceOf(served.app, sessionId, people[2]!)).toHaveLength(1);
      expect(await page.evaluate(() => (globalThis as unknown as { doorMarker?: string }).doorMarker)).toBe('same page');
      expect(problems.cspViolations(), problems.describe(problems.cspViolations())).toEqual([]);
      expect(problems.unexpected(), problems.describe(problems.unexpected())).toEqual([]);

      // The answer is lost on the way back (the server did record it): the page resends the same scan with the same
      // nonce and shows the first answer, green, not a duplicate of itself.
      const sent: { nonce: string; code: string }[] = [];
      await page.route('**/checkin', async (route) => {
        sent.push(JSON.parse(route.request().postData() ?? '{}') as { nonce: string; code: string });
        if (sent.length === 1) {
          await route.fetch();
          await route.abort('connectionreset');
        } else {
          await route.continue();
        }
      });
      await page.keyboard.type(codeOf(people[1]!).shortCode);
      await page.keyboard.press('Enter');
      const retried = page.locator('#scan-result-slot .scan-ok');
      await retried.waitFor({ timeout: 10_000 });
      await expect(retried.textContent()).resolves.toContain('Trần Thị Bình');
      expect(sent).toHaveLength(2);
      expect(sent[1]).toEqual(sent[0]);
      expect(sent[0]!.nonce).toMatch(/^[0-9a-f-]{32,36}$/);
      expect(await attendanceOf(served.app, sessionId, people[1]!)).toHaveLength(1);
      await page.unroute('**/checkin');

      // The decoder for browsers without a native one: from our origin, cached, revalidated cheaply.
      const decoder = await served.app.inject({ url: '/assets/vendor/jsqr.js' });
      expect(decoder.statusCode).toBe(200);
      expect(decoder.headers['content-type']).toBe('application/javascript; charset=utf-8');
      expect(decoder.headers['cache-control']).toMatch(/^public, max-age=\d{6,}$/);
      expect(decoder.body).toContain('jsQR');
      const revalidated = await served.app.inject({ url: '/assets/vendor/jsqr.js', headers: { 'if-none-match': String(decoder.headers.etag) } });
      expect(revalidated.statusCode).toBe(304);

      // Without JavaScript the same form posts and the page comes back with the result.
      const noScript = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
      try {
        const plain = await noScript.newPage();
        await logIn(plain, served.baseUrl, staff.username);
        await plain.goto(`${served.baseUrl}/sessions/${sessionId}/door`);
        await expect(plain.locator('#door-scanner').isHidden()).resolves.toBe(true);
        await plain.fill('#f-code', codeOf(people[0]!).shortCode);
        await Promise.all([plain.waitForLoadState('load'), plain.press('#f-code', 'Enter')]);
        await expect(plain.locator('.scan-ok').textContent()).resolves.toContain('Nguyễn Văn An');
      } finally {
        await noScript.close();
      }
    } finally {
      await context.close();
      await served.close();
    }
  });
});

describe('room code on a phone', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('checks in with the personal code, registers a walk-in for review, and refuses an expired room code', async () => {
    const served = await servedApp({ LOGIN_MAX_PER_IP: '100' });
    const organizerContext = await browser.newContext(DESKTOP);
    const phoneContext = await browser.newContext(PHONE);
    try {
      const organizer = await createTestUser(served.app, { roles: ['organizer'] });
      const { sessionId, unitId, people, codeOf } = await liveSession(served.app);
      await logIn(await organizerContext.newPage(), served.baseUrl, organizer.username);
      // The projector's current code, as a phone would read it from the screen (the path: PUBLIC_URL is not this server).
      const roomUrl = async () => {
        const response = await organizerContext.request.get(`${served.baseUrl}/sessions/${sessionId}/room/code.json`, { headers: { accept: 'application/json' } });
        expect(response.status()).toBe(200);
        return `${served.baseUrl}${new URL(((await response.json()) as { url: string }).url).pathname}`;
      };

      const phone = await phoneContext.newPage();
      const problems = await collectProblems(phone);
      await phone.goto(await roomUrl());
      await expect(phone.locator('h1').textContent()).resolves.toBe('Điểm danh');
      await screenshot(phone, 'room-phone-1-form');
      await expectNoSidewaysScroll(phone);
      await phone.fill('#f-personalCode', codeOf(people[0]!).shortCode);
      await Promise.all([phone.waitForLoadState('load'), phone.getByRole('button', { name: 'Điểm danh', exact: true }).click()]);
      const done = phone.locator('.scan-ok');
      await expect(done.textContent()).resolves.toContain('Nguyễn Văn An');
      await screenshot(phone, 'room-phone-2-done');
      await expectNoSidewaysScroll(phone);
      expect(await attendanceOf(served.app, sessionId, people[0]!)).toEqual([{ status: expect.stringMatching(/^(present|late)$/), method: 'room' }]);

      // Someone without a letter scans the room code too and registers on the spot.
      await phone.goto(await roomUrl());
      await phone.getByText('Chưa có giấy mời, hoặc đi thay người khác?').click();
      await phone.fill('#f-fullName', 'Võ Thị Em');
      await phone.fill('#f-position', 'Công chức Tư pháp - Hộ tịch');
      await phone.selectOption('#f-unitId', String(unitId));
      await screenshot(phone, 'room-phone-3-walk-in');
      await expectNoSidewaysScroll(phone);
      await Promise.all([phone.waitForLoadState('load'), phone.getByRole('button', { name: 'Đăng ký tại chỗ' }).click()]);
      const registered = phone.locator('.scan-result');
      await expect(registered.textContent()).resolves.toContain('Võ Thị Em');
      await expect(registered.textContent()).resolves.toContain('Chờ cán bộ xác nhận');
      await screenshot(phone, 'room-phone-4-walk-in-done');
      await expectNoSidewaysScroll(phone);
      const walkIn = await served.app.db
        .selectFrom('attendances')
        .innerJoin('people', 'people.id', 'attendances.person_id')
        .select(['attendances.needs_review', 'attendances.method'])
        .where('attendances.session_id', '=', sessionId)
        .where('people.full_name', '=', 'Võ Thị Em')
        .execute();
      expect(walkIn).toEqual([{ needs_review: 1, method: 'walk-in' }]);

      // A code from an old photo of the screen (or made up) has expired.
      const stale = await phone.goto(`${served.baseUrl}/r/${sessionId}/AAAAAAAAAA`);
      expect(stale?.status()).toBe(410);
      await expect(phone.locator('.notice-error').textContent()).resolves.toContain('hết hạn');
      await screenshot(phone, 'room-phone-5-expired');
      await expectNoSidewaysScroll(phone);

      expect(problems.cspViolations(), problems.describe(problems.cspViolations())).toEqual([]);
      expect(problems.unexpected([410]), problems.describe(problems.unexpected([410]))).toEqual([]);
    } finally {
      await organizerContext.close();
      await phoneContext.close();
      await served.close();
    }
  });
});
