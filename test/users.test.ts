import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRolesByUserId, findUserByUsername } from '../server/db/queries/users.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { TEST_PASSWORD, createTestUser, loginAs, loggedInUser } from './helpers/factories.ts';
import { Visitor, csrfFrom } from './helpers/http.ts';

describe('account administration', () => {
  let t: TestApp;
  let admin: Visitor;
  let adminId: number;
  beforeEach(async () => {
    t = await buildApp({ LOGIN_MAX_PER_IP: '100' });
    const created = await loggedInUser(t.app, ['admin']);
    admin = created.visitor;
    adminId = created.id;
  });
  afterEach(() => t.close());

  it('creates an account with roles and a temporary password the user must change', async () => {
    const response = await admin.submit('/admin/users/new', '/admin/users', {
      fullName: '  Lê Văn Đức ',
      username: 'LeVanDuc',
      password: 'mat-khau-tam-1',
      roles: ['checkin', 'reporter'],
    });
    expect(response.statusCode).toBe(303);
    const user = await findUserByUsername(t.app.db, 'levanduc');
    expect(user).toMatchObject({ full_name: 'Lê Văn Đức', must_change_password: 1, is_disabled: 0 });
    expect(response.headers.location).toBe(`/admin/users/${user!.id}`);
    expect(await findRolesByUserId(t.app.db, user!.id)).toEqual(['checkin', 'reporter']);
    const list = await admin.get('/admin/users');
    expect(list.body).toContain('levanduc');
    expect(list.body).toContain('Cán bộ điểm danh, Người báo cáo');
    const visitor = new Visitor(t.app);
    const login = await visitor.submit('/login', '/login', { username: 'levanduc', password: 'mat-khau-tam-1' });
    expect(login.headers.location).toBe('/account/password');
  });

  it('re-renders the new-account form with 422 and field messages, creating nothing', async () => {
    await createTestUser(t.app, { username: 'trung' });
    const cases: [Record<string, string | string[]>, string][] = [
      [{ fullName: 'A', username: 'trung', password: 'mat-khau-dai', roles: 'reporter' }, 'Tên đăng nhập này đã có người dùng'],
      [{ fullName: 'A', username: 'ab', password: 'mat-khau-dai', roles: 'reporter' }, 'Tên đăng nhập gồm 3–32 ký tự'],
      [{ fullName: 'A', username: 'nguyễn', password: 'mat-khau-dai', roles: 'reporter' }, 'Tên đăng nhập gồm 3–32 ký tự'],
      [{ fullName: '', username: 'hople', password: 'mat-khau-dai', roles: 'reporter' }, 'Nhập họ và tên'],
      [{ fullName: 'A', username: 'hople', password: 'ngan', roles: 'reporter' }, 'Mật khẩu cần ít nhất 8 ký tự'],
      [{ fullName: 'A', username: 'hople', password: 'mat-khau-dai' }, 'Chọn ít nhất một vai trò'],
      [{ fullName: 'A', username: 'hople', password: 'mat-khau-dai', roles: 'superuser' }, 'Vai trò không hợp lệ'],
      [{ fullName: 'A', username: 'hople', password: 'hople', roles: 'reporter' }, 'Mật khẩu cần ít nhất 8 ký tự'],
      [{ fullName: 'A', username: 'hople12345', password: 'HOPLE12345', roles: 'reporter' }, 'không được trùng tên đăng nhập'],
      [{ username: 'hople' }, 'Vui lòng nhập ô này'],
    ];
    for (const [form, message] of cases) {
      const response = await admin.submit('/admin/users/new', '/admin/users', form);
      expect(response.statusCode, message).toBe(422);
      expect(response.body, message).toContain(message);
    }
    expect(await findUserByUsername(t.app.db, 'hople')).toBeUndefined();
    expect(await findUserByUsername(t.app.db, 'hople12345')).toBeUndefined();
  });

  it('escapes HTML typed into names everywhere it is shown', async () => {
    await admin.submit('/admin/users/new', '/admin/users', {
      fullName: '<script>alert(1)</script>',
      username: 'xss-test',
      password: 'mat-khau-dai',
      roles: 'reporter',
    });
    const list = await admin.get('/admin/users');
    expect(list.body).not.toContain('<script>alert(1)</script>');
    expect(list.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('changes roles, and the change applies to the user at once', async () => {
    const user = await createTestUser(t.app, { roles: ['reporter'] });
    const theUser = await loginAs(t.app, user.username);
    expect((await theUser.get('/admin/users')).statusCode).toBe(403);
    const saved = await admin.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}`, {
      fullName: 'Tên mới',
      roles: ['admin', 'reporter'],
    });
    expect(saved.statusCode).toBe(303);
    expect(await findRolesByUserId(t.app.db, user.id)).toEqual(['admin', 'reporter']);
    expect((await theUser.get('/admin/users')).statusCode).toBe(200);
  });

  it('disabling a user ends their sessions at once and stops their logins; enabling restores them', async () => {
    const user = await createTestUser(t.app, { roles: ['organizer'] });
    const theirs = await loginAs(t.app, user.username);
    expect((await theirs.get('/')).statusCode).toBe(200);
    const disabled = await admin.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/disable`, {});
    expect(disabled.statusCode).toBe(303);
    expect((await theirs.get('/')).headers.location).toBe('/login');
    const again = await new Visitor(t.app).submit('/login', '/login', { username: user.username, password: TEST_PASSWORD });
    expect(again.statusCode).toBe(401);
    expect((await admin.get(`/admin/users/${user.id}`)).body).toContain('Đã khóa');
    await admin.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/enable`, {});
    await loginAs(t.app, user.username);
  });

  it('never leaves the agency without a working admin', async () => {
    const self = await admin.submit(`/admin/users/${adminId}`, `/admin/users/${adminId}/disable`, {});
    expect(self.statusCode).toBe(422);
    expect(self.body).toContain('Bạn không thể tự khóa tài khoản của mình');
    const demote = await admin.submit(`/admin/users/${adminId}`, `/admin/users/${adminId}`, { fullName: 'Quản trị', roles: ['reporter'] });
    expect(demote.statusCode).toBe(422);
    expect(demote.body).toContain('tài khoản quản trị cuối cùng');
    expect(await findRolesByUserId(t.app.db, adminId)).toEqual(['admin']);
  });

  it('resets a password: the old one stops working, the user must choose a new one, their sessions end', async () => {
    const user = await createTestUser(t.app);
    const theirs = await loginAs(t.app, user.username);
    const short = await admin.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/reset-password`, { password: 'ngan' });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('Mật khẩu cần ít nhất 8 ký tự');
    const reset = await admin.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/reset-password`, { password: 'mat-khau-tam-2' });
    expect(reset.statusCode).toBe(303);
    expect((await theirs.get('/')).headers.location).toBe('/login');
    await expect(loginAs(t.app, user.username, TEST_PASSWORD)).rejects.toThrow();
    const visitor = new Visitor(t.app);
    const login = await visitor.submit('/login', '/login', { username: user.username, password: 'mat-khau-tam-2' });
    expect(login.headers.location).toBe('/account/password');
  });

  it('answers edits of a missing account with a Vietnamese 404', async () => {
    const page = await admin.get('/admin/users/4242');
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Không tìm thấy tài khoản');
    const csrf = csrfFrom((await admin.get('/')).body);
    expect((await admin.post('/admin/users/4242/reset-password', { _csrf: csrf, password: 'mat-khau-dai-3' })).statusCode).toBe(404);
  });
});
