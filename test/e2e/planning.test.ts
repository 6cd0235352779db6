// The organizer's whole setup in a real browser: import the people list from Excel, then create a plan,
// a round with quotas and a session through the pages, and invite someone found by a diacritic-free search.
import ExcelJS from 'exceljs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectProblems, horizontalOverflow, launchBrowser, servedApp } from '../helpers/browser.ts';
import { TEST_PASSWORD, createTestUser } from '../helpers/factories.ts';

const viewports: { name: string; options: BrowserContextOptions }[] = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
];

async function peopleXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Danh sách');
  sheet.addRow(['STT', 'Họ và tên', 'Chức vụ', 'Đơn vị', 'Số điện thoại', 'Email']);
  sheet.addRow([1, 'Nguyễn Thị Ánh Tuyết', 'Phó Chủ tịch UBND', 'UBND xã Bàu Đồn', '0912000001', '']);
  sheet.addRow([2, 'Lê Văn Đức', 'Công chức Văn phòng - Thống kê', 'UBND xã Bàu Đồn', '0912000002', '']);
  sheet.addRow([3, 'Trần Minh Quang', 'Chuyên viên', 'Phòng Nội vụ', '0912000003', 'quang@example.vn']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(viewports)('planning in the browser ($name)', ({ name, options }) => {
  it('imports an xlsx, creates a plan, a round and a session, and invites a person', async () => {
    const served = await servedApp({ LOGIN_MAX_PER_IP: '100' });
    const context = await browser.newContext(options);
    const page: Page = await context.newPage();
    const problems = await collectProblems(page);
    const go = async (action: () => Promise<unknown>) => {
      await Promise.all([page.waitForLoadState('load'), action()]);
      await page.waitForLoadState('load');
    };
    try {
      const user = await createTestUser(served.app, { roles: ['organizer'] });
      await page.goto(`${served.baseUrl}/login`);
      await page.fill('#f-username', user.username);
      await page.fill('#f-password', TEST_PASSWORD);
      await go(() => page.click('button.primary'));

      // 1. The people list from Excel: preview, then confirm creating the two new units.
      await page.goto(`${served.baseUrl}/people/import`);
      await page.setInputFiles('#f-file', {
        name: 'danh-sach.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: await peopleXlsx(),
      });
      await go(() => page.getByRole('button', { name: 'Tải lên và xem trước' }).click());
      await expect(page.locator('main').textContent()).resolves.toContain('Nguyễn Thị Ánh Tuyết');
      await page.check('input[name="createUnits"]');
      await go(() => page.getByRole('button', { name: 'Nhập 3 người' }).click());
      const people = await served.app.db.selectFrom('people').select('full_name').orderBy('full_name').execute();
      expect(people.map((p) => p.full_name)).toEqual(['Lê Văn Đức', 'Nguyễn Thị Ánh Tuyết', 'Trần Minh Quang']);

      // 2. The plan, for both imported units.
      await page.goto(`${served.baseUrl}/plans/new`);
      await page.fill('#f-number', '95');
      await page.fill('#f-issuedOn', '2022-05-06');
      await page.fill('#f-summary', 'Tuyên truyền cải cách hành chính năm 2022');
      await page.check('label:has-text("UBND xã Bàu Đồn") input');
      await page.check('label:has-text("Phòng Nội vụ") input');
      await go(() => page.getByRole('button', { name: 'Lưu kế hoạch' }).click());
      expect(page.url()).toMatch(/\/plans\/\d+$/);
      await expect(page.locator('h1').textContent()).resolves.toContain('Kế hoạch số 95/KH-UBND ngày 06/5/2022');

      // 3. Round 1 with a quota for the commune.
      await go(() => page.getByRole('link', { name: 'Thêm đợt' }).click());
      await page.fill('#f-title', 'Tập huấn nghiệp vụ CCHC');
      await page.fill('#f-topics', 'Rà soát thủ tục hành chính\nDịch vụ công trực tuyến');
      await page.fill('label.quota:has-text("UBND xã Bàu Đồn") input', '2');
      await go(() => page.getByRole('button', { name: 'Lưu đợt' }).click());
      expect(page.url()).toMatch(/\/rounds\/\d+$/);
      await expect(page.locator('main').textContent()).resolves.toContain('Dịch vụ công trực tuyến');

      // 4. A session on 12 May 2022, 07:30–11:00 Vietnam time.
      await go(() => page.getByRole('link', { name: 'Thêm buổi' }).click());
      await page.fill('#f-date', '2022-05-12');
      await page.fill('#f-startTime', '07:30');
      await page.fill('#f-endTime', '11:00');
      await page.fill('#f-venue', 'Hội trường UBND huyện');
      await go(() => page.getByRole('button', { name: 'Lưu buổi' }).click());
      expect(page.url()).toMatch(/\/sessions\/\d+$/);
      await expect(page.locator('h1').textContent()).resolves.toContain('07:30 – 11:00, thứ Năm, 12/05/2022');

      // 5. Find "Nguyễn Thị Ánh Tuyết" by typing without accents, and invite her.
      await page.fill('input[name="q"]', 'tuyet');
      await go(() => page.getByRole('button', { name: 'Tìm' }).click());
      await go(() => page.locator('li', { hasText: 'Nguyễn Thị Ánh Tuyết' }).getByRole('button', { name: 'Mời' }).click());
      await expect(page.locator('main').textContent()).resolves.toContain('Danh sách mời (1 người)');
      const invitations = await served.app.db.selectFrom('invitations').select('status').execute();
      expect(invitations).toEqual([{ status: 'invited' }]);

      if (name === 'phone') {
        const size = await horizontalOverflow(page);
        expect(size.scrollWidth).toBeLessThanOrEqual(size.clientWidth);
      }
      expect(problems.cspViolations(), problems.describe(problems.cspViolations())).toEqual([]);
      expect(problems.unexpected(), problems.describe(problems.unexpected())).toEqual([]);
    } finally {
      await context.close();
      await served.close();
    }
  });
});
