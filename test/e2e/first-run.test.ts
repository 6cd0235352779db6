// First run in a real browser, on a desktop and a phone: the not-installed notice, the setup form (an error,
// then success), the dashboard, logging out, a wrong password, and logging back in through the login form.
// Set SCREENSHOT_DIR (e.g. /tmp/shots) to also save a full-page PNG of every screen visited.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupToken } from '../../server/services/setup.ts';
import { collectProblems, horizontalOverflow, launchBrowser, servedApp, type ServedApp } from '../helpers/browser.ts';

const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

interface Viewport {
  name: string;
  phone: boolean;
  options: BrowserContextOptions;
}

const viewports: Viewport[] = [
  { name: 'desktop', phone: false, options: { viewport: { width: 1280, height: 800 } } },
  {
    name: 'phone',
    phone: true,
    options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  },
];

const admin = {
  fullName: 'Nguyễn Thị Hồng Nhung',
  username: 'nhung.nt',
  password: 'Tap-huan-2025!',
};

const agency = {
  parentName: 'UBND TỈNH TÂY NINH',
  nameLines: 'ỦY BAN NHÂN DÂN\nHUYỆN GÒ DẦU',
  placeName: 'Gò Dầu',
  symbol: 'UBND',
  signerAuthorityLines: 'KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH',
  signerName: 'Trần Văn Minh',
  address: 'Khu phố 1, thị trấn Gò Dầu',
  phone: '0276 3853 000',
  email: 'vanphong@godau.tayninh.gov.vn',
  website: 'https://godau.tayninh.gov.vn',
};

let browser: Browser;

/**
 * The form control whose <label for> reads exactly `label`, allowing the required-field star
 * (Playwright matches the label's text, which includes the aria-hidden "*").
 */
function byLabel(page: Page, label: string) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^${escaped}(?: \\*)?$`));
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/**
 * Clicks a submit button, waits until the page it leads to has loaded (after any redirect), and returns
 * the response to the form's POST itself. Waiting for the next `load` event, armed before the click,
 * guarantees that later reads see the new document, not the form that was just filled in.
 */
async function submitForm(page: Page, buttonName: string, action: string): Promise<Response> {
  const loaded = page.waitForEvent('load');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action),
    page.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  await loaded;
  return response;
}

/** The value a field had in the HTML the server sent (not what was typed into it since). */
function servedValue(page: Page, selector: string): Promise<string> {
  return page.locator(selector).evaluate((field) => (field as unknown as { defaultValue: string }).defaultValue);
}

describe.each(viewports)('first run in a browser ($name)', (viewport) => {
  let served: ServedApp;

  beforeAll(async () => {
    served = await servedApp();
  });

  afterAll(async () => {
    await served?.close();
  });

  async function shoot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOT_DIR) return;
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${viewport.name}-${name}.png`), fullPage: true });
  }

  /** On the phone, the page must not scroll sideways. */
  async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
    if (!viewport.phone) return;
    const width = viewport.options.viewport?.width;
    const { scrollWidth, clientWidth, innerWidth } = await horizontalOverflow(page);
    // clientWidth, not innerWidth: on a mobile viewport innerWidth stretches to overflowing content.
    expect(clientWidth, `${where}: layout viewport width`).toBe(width);
    expect(scrollWidth, `${where}: document is ${scrollWidth}px wide in a ${clientWidth}px viewport`).toBeLessThanOrEqual(clientWidth);
    expect(innerWidth, `${where}: window.innerWidth grew to the content's width`).toBeLessThanOrEqual(clientWidth);
  }

  it('sets up the first admin, logs out, rejects a wrong password and logs back in', async () => {
    const context = await browser.newContext({ ...viewport.options, locale: 'vi-VN' });
    try {
      const page = await context.newPage();
      // Fail with Playwright's own message (which step, which locator) well before the test's timeout.
      page.setDefaultTimeout(10_000);
      page.setDefaultNavigationTimeout(15_000);
      const problems = await collectProblems(page);
      const url = (p: string) => `${served.baseUrl}${p}`;

      // Before setup: the start page says the system is not installed, and offers no way in.
      const home = await page.goto(url('/'));
      expect(home?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Hệ thống chưa được cài đặt');
      expect(await page.locator('form').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Đăng xuất' }).count()).toBe(0);
      await expectNoSidewaysScroll(page, 'not-installed page');
      await shoot(page, '01-not-installed');

      // The setup link, as the server prints it at start.
      const token = await issueSetupToken(served.app.db);
      const setup = await page.goto(url(`/setup?token=${encodeURIComponent(token)}`));
      expect(setup?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Cài đặt lần đầu');

      await byLabel(page, 'Họ và tên').fill(admin.fullName);
      await byLabel(page, 'Tên đăng nhập').fill(admin.username);
      await byLabel(page, 'Mật khẩu').fill(admin.password);
      await page.locator('#f-confirmPassword').fill(`${admin.password}x`);
      for (const [name, value] of Object.entries(agency)) await page.locator(`#f-${name}`).fill(value);
      // The labels really point at the fields (getByLabel goes through <label for>).
      await expect(byLabel(page, 'Nhập lại mật khẩu').inputValue()).resolves.toBe(`${admin.password}x`);
      await expect(byLabel(page, 'Tên cơ quan ban hành').inputValue()).resolves.toBe(agency.nameLines);

      // Mismatched confirmation: 422, the error next to the field, the typed values kept (passwords are not echoed).
      const rejected = await submitForm(page, 'Hoàn tất cài đặt', '/setup');
      expect(rejected.status()).toBe(422);
      expect(new URL(page.url()).pathname).toBe('/setup');
      const confirmField = page.locator('.field', { has: page.locator('#f-confirmPassword') });
      await expect(confirmField.locator('.field-error').textContent()).resolves.toBe('Mật khẩu nhập lại không khớp. Vui lòng nhập lại cả hai ô mật khẩu.');
      await expect(page.locator('#f-confirmPassword').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.locator('#f-confirmPassword').getAttribute('aria-describedby')).resolves.toBe('f-confirmPassword-error');
      expect(await page.locator('.field-error').count(), 'only the confirmation field has an error').toBe(1);
      await expect(servedValue(page, '#f-fullName')).resolves.toBe(admin.fullName);
      await expect(servedValue(page, '#f-username')).resolves.toBe(admin.username);
      for (const [name, value] of Object.entries(agency)) {
        await expect(servedValue(page, `#f-${name}`), `#f-${name} keeps what was typed`).resolves.toBe(value);
      }
      await expect(servedValue(page, '#f-password')).resolves.toBe('');
      await expect(servedValue(page, '#f-confirmPassword')).resolves.toBe('');
      await expect(page.locator('#f-confirmPassword').inputValue()).resolves.toBe('');
      await expectNoSidewaysScroll(page, 'setup form with an error');
      await shoot(page, '02-setup-error');

      // Fixed: setup completes, logs the admin in and lands on the dashboard.
      await page.locator('#f-password').fill(admin.password);
      await page.locator('#f-confirmPassword').fill(admin.password);
      const accepted = await submitForm(page, 'Hoàn tất cài đặt', '/setup');
      expect(accepted.status()).toBe(303);
      await page.waitForURL(url('/'));
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Xin chào, ${admin.fullName}`);
      await expect(page.getByRole('status').textContent()).resolves.toMatch(/^Đã cài đặt xong/);
      await expect(page.locator('.agency-summary').textContent()).resolves.toContain('ỦY BAN NHÂN DÂN HUYỆN GÒ DẦU');
      await expectNoSidewaysScroll(page, 'dashboard');
      await shoot(page, '03-dashboard');

      // The admin pages right after setup.
      for (const [pathname, heading, shot] of [
        ['/admin/users', 'Tài khoản người dùng', '04-admin-users'],
        ['/admin/agency', 'Thông tin cơ quan', '05-admin-agency'],
        ['/admin/audit', 'Nhật ký thao tác', '06-admin-audit'],
      ] as const) {
        const response = await page.goto(url(pathname));
        expect(response?.status(), pathname).toBe(200);
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(heading);
        if (pathname === '/admin/users') {
          await expect(page.locator('tbody tr').count()).resolves.toBe(1);
          await expect(page.locator('tbody').textContent()).resolves.toContain(admin.username);
        }
        if (pathname === '/admin/agency') {
          await expect(page.locator('#f-signerName').inputValue()).resolves.toBe(agency.signerName);
        }
        await shoot(page, shot);
      }
      await page.goto(url('/'));

      // Log out with the header button.
      const loggedOut = await submitForm(page, 'Đăng xuất', '/logout');
      expect(loggedOut.status()).toBe(303);
      await page.waitForURL(url('/login?out=1'));
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Đăng nhập');
      await expect(page.getByRole('status').textContent()).resolves.toBe('Bạn đã đăng xuất.');
      expect(await page.getByRole('button', { name: 'Đăng xuất' }).count(), 'no logout button once logged out').toBe(0);
      await expectNoSidewaysScroll(page, 'login page');
      await shoot(page, '07-login-logged-out');

      // A wrong password is refused, with the username kept.
      await byLabel(page, 'Tên đăng nhập').fill(admin.username);
      await byLabel(page, 'Mật khẩu').fill('sai-mat-khau-roi');
      const wrong = await submitForm(page, 'Đăng nhập', '/login');
      expect(wrong.status()).toBe(401);
      expect(new URL(page.url()).pathname).toBe('/login');
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Tên đăng nhập hoặc mật khẩu không đúng');
      await expect(servedValue(page, '#f-username')).resolves.toBe(admin.username);
      await expect(servedValue(page, '#f-password')).resolves.toBe('');
      await expect(page.locator('#f-password').inputValue()).resolves.toBe('');
      await shoot(page, '08-login-wrong-password');

      // Still logged out: the start page sends a visitor to the login page.
      await page.goto(url('/'));
      expect(new URL(page.url()).pathname).toBe('/login');

      // The real login form with the new account.
      await byLabel(page, 'Tên đăng nhập').fill(admin.username);
      await byLabel(page, 'Mật khẩu').fill(admin.password);
      const login = await submitForm(page, 'Đăng nhập', '/login');
      expect(login.status()).toBe(303);
      await page.waitForURL(url('/'));
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Xin chào, ${admin.fullName}`);
      expect(await page.getByRole('button', { name: 'Đăng xuất' }).count()).toBe(1);
      await expectNoSidewaysScroll(page, 'dashboard after login');

      // No console errors, uncaught exceptions or CSP violations on any page visited
      // (the intended 422 setup page and 401 login page aside).
      expect(problems.cspViolations(), problems.describe(problems.cspViolations())).toEqual([]);
      const unexpected = problems.unexpected([401, 422]);
      expect(unexpected, problems.describe(unexpected)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
