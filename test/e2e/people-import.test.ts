// Importing a people list in a real browser, on a desktop and a phone: a refused file, then a CSV chosen in the
// file input, its preview (counts, new units, per-row notes), and confirming or cancelling it.
// Set SCREENSHOT_DIR (e.g. /tmp/shots) to also save a full-page PNG of every screen visited.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listPeople } from '../../server/db/queries/people.ts';
import { CLI_ACTOR } from '../../server/services/audit.ts';
import { createPerson } from '../../server/services/people.ts';
import { createUnit } from '../../server/services/units.ts';
import { collectProblems, horizontalOverflow, launchBrowser, servedApp, type ServedApp } from '../helpers/browser.ts';
import { TEST_PASSWORD, createTestUser } from '../helpers/factories.ts';

const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

const viewports: { name: string; options: BrowserContextOptions }[] = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
];

const LIST = [
  'STT;Họ và tên;Chức vụ;Đơn vị;Số điện thoại;Email',
  '1;Phạm Văn Em;Trưởng phòng;Phòng Nội vụ;0911000111;em.pv@example.com',
  '2;Nguyễn Văn Xuân;Chuyên viên;Phòng Nội vụ;;',
  '3;;Chuyên viên;Phòng Nội vụ;;',
  '4;Châu Văn Giang;Chủ tịch;UBND xã Phước Đông;0977000001;',
].join('\r\n');

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(viewports)('people import in the browser ($name)', ({ name, options }) => {
  let served: ServedApp;
  let page: Page;
  let step = 0;

  async function shot(label: string) {
    if (!SCREENSHOT_DIR) return;
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `people-import-${name}-${String(++step).padStart(2, '0')}-${label}.png`), fullPage: true });
  }

  async function expectFits() {
    const size = await horizontalOverflow(page);
    expect(size.scrollWidth, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(size.clientWidth);
  }

  async function textOf(selector: string): Promise<string> {
    return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ');
  }

  async function choose(filename: string, content: string) {
    await page.setInputFiles('#f-file', { name: filename, mimeType: 'text/csv', buffer: Buffer.from(content) });
    await page.getByRole('button', { name: 'Tải lên và xem trước' }).click();
    await page.waitForLoadState('load');
  }

  beforeEach(async () => {
    served = await servedApp();
    const user = await createTestUser(served.app, { fullName: 'Nguyễn Thị Hồng Nhung' });
    const noiVu = await createUnit(served.app.db, CLI_ACTOR, { kind: 'office', name: 'Phòng Nội vụ', shortName: '', sortOrder: '1' });
    await createPerson(served.app.db, CLI_ACTOR, { fullName: 'Nguyễn Văn Xuân', position: '', unitId: String(noiVu), phone: '', email: '', notes: '' });
    const context = await browser.newContext(options);
    page = await context.newPage();
    await page.goto(`${served.baseUrl}/login`);
    await page.fill('#f-username', user.username);
    await page.fill('#f-password', TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${served.baseUrl}/`), page.click('button.primary')]);
  });
  afterEach(async () => {
    await page?.context().close();
    await served?.close();
  });

  it('refuses a wrong file, previews a right one, and imports it with the new unit once confirmed', async () => {
    const problems = await collectProblems(page);
    await page.goto(`${served.baseUrl}/people/import`);
    await shot('upload');
    await choose('sai.csv', 'Tên;Nơi ở\r\nA;B\r\n');
    expect(await textOf('[role=alert]')).toContain('Không tìm thấy dòng tiêu đề');
    await expectFits();
    await shot('refused');

    await choose('danh-sach.csv', `\uFEFF${LIST}`);
    expect(page.url()).toMatch(/\/people\/import\/[A-Za-z0-9_-]{22}$/);
    expect(await textOf('.stats')).toMatch(/2 ?dòng sẽ nhập/);
    expect(await textOf('main')).toContain('Đã có trong danh sách: Nguyễn Văn Xuân (Phòng Nội vụ).');
    expect(await textOf('main')).toContain('Nhập họ và tên.');
    expect(await textOf('main')).toContain('UBND xã Phước Đông');
    await expectFits();
    await shot('preview');
    expect(await listPeople(served.app.db, { limit: 10, offset: 0 })).toHaveLength(1);

    await page.getByLabel('Tạo 1 đơn vị mới ở trên').check();
    await Promise.all([page.waitForURL(`${served.baseUrl}/people/import`), page.getByRole('button', { name: 'Nhập 2 người' }).click()]);
    expect(await textOf('main [role=status]')).toContain('Đã nhập 2 người, tạo 1 đơn vị mới. Bỏ qua 1 dòng trùng, 1 dòng lỗi.');
    await shot('imported');
    const names = (await listPeople(served.app.db, { limit: 10, offset: 0 })).map((p) => `${p.full_name} @ ${p.unit_name}`).sort();
    expect(names).toEqual(['Châu Văn Giang @ UBND xã Phước Đông', 'Nguyễn Văn Xuân @ Phòng Nội vụ', 'Phạm Văn Em @ Phòng Nội vụ']);
    expect(problems.unexpected([422]), problems.describe()).toEqual([]);
  });

  it('cancels a preview without writing anything', async () => {
    await page.goto(`${served.baseUrl}/people/import`);
    await choose('danh-sach.csv', LIST);
    await Promise.all([page.waitForURL(`${served.baseUrl}/people/import`), page.getByRole('button', { name: 'Hủy, không nhập' }).click()]);
    expect(await textOf('main [role=status]')).toContain('Đã hủy bản xem trước');
    expect(await listPeople(served.app.db, { limit: 10, offset: 0 })).toHaveLength(1);
    const units = await served.app.db.selectFrom('units').select('name').execute();
    expect(units.map((u) => u.name)).toEqual(['Phòng Nội vụ']);
  });
});
