import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../server/plugins/session.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { TEST_PASSWORD, createTestUser, loginAs, loggedInUser } from './helpers/factories.ts';
import { Visitor, csrfFrom } from './helpers/http.ts';

describe('login, logout and sessions', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildApp({ LOGIN_MAX_PER_ACCOUNT: '4', LOGIN_MAX_PER_IP: '12' });
  });
  afterEach(() => t.close());

  it('logs in with the right password, on a new session id, and goes back where the user was going', async () => {
    const user = await createTestUser(t.app, { username: 'nhung' });
    const visitor = new Visitor(t.app);
    const protectedPage = await visitor.get('/admin/users');
    expect(protectedPage.statusCode).toBe(303);
    expect(protectedPage.headers.location).toBe('/login?next=%2Fadmin%2Fusers');

    const loginPage = await visitor.get('/login?next=/account/password');
    const anonymousSid = visitor.cookieHeader;
    const response = await visitor.post('/login', {
      username: ' NHUNG ',
      password: user.password,
      next: '/account/password',
      _csrf: csrfFrom(loginPage.body),
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account/password');
    expect(visitor.cookieHeader).not.toBe(anonymousSid);
    expect((await visitor.get('/')).body).toContain('Xin chào, ');
  });

  it('never redirects off-site after login', async () => {
    const user = await createTestUser(t.app);
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const visitor = new Visitor(t.app);
      const page = await visitor.get('/login');
      const response = await visitor.post('/login', { username: user.username, password: user.password, next, _csrf: csrfFrom(page.body) });
      expect(response.headers.location).toBe('/');
    }
  });

  it('refuses a wrong password or a disabled account with the same message', async () => {
    const user = await createTestUser(t.app);
    const visitor = new Visitor(t.app);
    const wrong = await visitor.submit('/login', '/login', { username: user.username, password: 'sai-mat-khau' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Tên đăng nhập hoặc mật khẩu không đúng');
    const unknown = await visitor.submit('/login', '/login', { username: 'khong-co', password: 'sai-mat-khau' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toContain('Tên đăng nhập hoặc mật khẩu không đúng');
    const empty = await visitor.submit('/login', '/login', { username: '', password: '' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Nhập tên đăng nhập.');
  });

  it('rate-limits attempts per account and per IP with a Vietnamese 429', async () => {
    const user = await createTestUser(t.app);
    const visitor = new Visitor(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await visitor.submit('/login', '/login', { username: user.username, password: `sai-${i}-mat-khau` })).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const blocked = await visitor.submit('/login', '/login', { username: user.username, password: user.password });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Bạn đã thử quá nhiều lần');

    // Other accounts from another address are unaffected; one address trying many accounts is stopped.
    const other = await createTestUser(t.app);
    const fromElsewhere = new Visitor(t.app);
    const page = await fromElsewhere.get('/login');
    const ok = await fromElsewhere.post('/login', { username: other.username, password: other.password, _csrf: csrfFrom(page.body) }, {});
    expect(ok.statusCode).toBe(303);
    const sprayer = new Visitor(t.app);
    const sprayed: number[] = [];
    for (let i = 0; i < 8; i++) {
      sprayed.push((await sprayer.submit('/login', '/login', { username: `ten${i}`, password: 'sai-mat-khau' })).statusCode);
    }
    expect(sprayed).toContain(429);
  });

  it('logs out and the old session cookie no longer works', async () => {
    const { visitor } = await loggedInUser(t.app, ['reporter']);
    const cookie = visitor.cookieHeader;
    const home = await visitor.get('/');
    const out = await visitor.post('/logout', { _csrf: csrfFrom(home.body) });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login?out=1');
    const replay = await t.app.inject({ method: 'GET', url: '/', headers: { cookie, accept: 'text/html' } });
    expect(replay.statusCode).toBe(303);
    expect(replay.headers.location).toBe('/login');
  });

  it('treats a tampered or unknown session cookie as anonymous, never as an error', async () => {
    const { visitor } = await loggedInUser(t.app, ['admin']);
    const [name, value] = visitor.cookieHeader.split('=') as [string, string];
    expect(name).toBe(SESSION_COOKIE);
    const tampered = value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    for (const cookie of [`${name}=${tampered}`, `${name}=garbage`, `${name}=`, `${name}=${'x'.repeat(5000)}`]) {
      const response = await t.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie, accept: 'text/html' } });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toContain('/login');
    }
  });

  it('ends the other sessions when a user changes their password, keeping the current one', async () => {
    const user = await createTestUser(t.app);
    const phone = await loginAs(t.app, user.username);
    const desk = await loginAs(t.app, user.username);
    const changed = await desk.submit('/account/password', '/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'mat-khau-moi-123',
      confirmPassword: 'mat-khau-moi-123',
    });
    expect(changed.statusCode).toBe(303);
    expect((await desk.get('/')).statusCode).toBe(200);
    expect((await phone.get('/')).headers.location).toBe('/login');
    await expect(loginAs(t.app, user.username, TEST_PASSWORD)).rejects.toThrow();
    await loginAs(t.app, user.username, 'mat-khau-moi-123');
  });

  it('checks the change-password form: wrong current password, mismatch, too short', async () => {
    const { visitor } = await loggedInUser(t.app, ['reporter']);
    const wrong = await visitor.submit('/account/password', '/account/password', {
      currentPassword: 'khong-dung-dau',
      newPassword: 'mat-khau-moi-123',
      confirmPassword: 'mat-khau-moi-123',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('Mật khẩu hiện tại không đúng');
    const mismatch = await visitor.submit('/account/password', '/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'mat-khau-moi-123',
      confirmPassword: 'mat-khau-moi-456',
    });
    expect(mismatch.body).toContain('Mật khẩu nhập lại không khớp');
    const short = await visitor.submit('/account/password', '/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'ngan',
      confirmPassword: 'ngan',
    });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('Mật khẩu cần ít nhất 8 ký tự');
  });

  it('sends a user with a temporary password to change it before anything else', async () => {
    const user = await createTestUser(t.app, { roles: ['organizer'], mustChangePassword: true });
    const visitor = new Visitor(t.app);
    const login = await visitor.submit('/login', '/login', { username: user.username, password: user.password });
    expect(login.headers.location).toBe('/account/password');
    expect((await visitor.get('/')).headers.location).toBe('/account/password');
    const page = await visitor.get('/account/password');
    expect(page.body).toContain('mật khẩu tạm');
    await visitor.post('/account/password', {
      _csrf: csrfFrom(page.body),
      currentPassword: user.password,
      newPassword: 'mat-khau-that-su',
      confirmPassword: 'mat-khau-that-su',
    });
    expect((await visitor.get('/')).statusCode).toBe(200);
  });
});
