// The door pass: the door page's script checks people in with it instead of the session cookie and a CSRF token.
// It speaks for the login it was issued to, on its training session's check-in API only, and stops at once when
// that login ends (logout, account disabled, password changed) or the session is taken away from the account.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../server/services/audit.ts';
import { DOOR_PASS_HOURS, doorPassKey, issueDoorPass, readDoorPass } from '../server/services/door-pass.ts';
import { loadOrCreateSecrets } from '../server/services/secrets.ts';
import { setSessionStaff } from '../server/services/sessions.ts';
import { changeOwnPassword, resetUserPassword, setUserDisabled } from '../server/services/users.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { liveSession } from './helpers/checkin.ts';
import { TEST_PASSWORD, loggedInUser, loginAs } from './helpers/factories.ts';
import { csrfFrom, type Visitor } from './helpers/http.ts';

const passIn = (html: string) => /data-door-pass="([^"]+)"/.exec(html)?.[1];

describe('door pass', () => {
  let t: TestApp;
  let staff: { visitor: Visitor; id: number; username: string };
  beforeEach(async () => {
    t = await buildApp({ LOGIN_MAX_PER_IP: '100', PUBLIC_URL: 'https://taphuan.example.gov.vn' });
    staff = await loggedInUser(t.app, ['checkin']);
  });
  afterEach(() => t.close());

  /** The pass the door page hands to its script. */
  async function doorPass(visitor: Visitor, sessionId: number): Promise<string> {
    const page = await visitor.get(`/sessions/${sessionId}/door`);
    expect(page.statusCode).toBe(200);
    const pass = passIn(page.body);
    expect(pass).toMatch(/^d1\./);
    return pass!;
  }

  /** What door-scanner.js sends: JSON, the pass in the Authorization header, no cookie, no CSRF token. */
  const scan = (sessionId: number, pass: string, code: string, url = `/sessions/${sessionId}/checkin`) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: { code, method: 'door' },
      headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${pass}` },
    });

  const key = () => doorPassKey(loadOrCreateSecrets(t.dataDir, {}).sessionSecret);
  const loginHashOf = async (userId: number) =>
    (await t.app.db.selectFrom('auth_sessions').select('id_hash').where('user_id', '=', userId).executeTakeFirstOrThrow()).id_hash;

  it('checks in with the pass alone, logged as the staff member, and sets no cookie', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const pass = await doorPass(staff.visitor, sessionId);
    const answer = await scan(sessionId, pass, codeOf(people[0]!).token);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ result: 'ok', person: { name: 'Nguyễn Văn An' } });
    expect(answer.headers['set-cookie']).toBeUndefined();
    // The X-Door-Pass header works as well.
    const other = await t.app.inject({
      method: 'POST',
      url: `/sessions/${sessionId}/checkin`,
      payload: { code: codeOf(people[1]!).token },
      headers: { accept: 'application/json', 'x-door-pass': pass },
    });
    expect(other.json()).toMatchObject({ result: 'ok', person: { name: 'Trần Thị Bình' } });
    const attendance = await t.app.db.selectFrom('attendances').select(['person_id', 'recorded_by', 'method']).where('session_id', '=', sessionId).orderBy('person_id').execute();
    expect(attendance).toEqual([
      { person_id: people[0], recorded_by: staff.id, method: 'door' },
      { person_id: people[1], recorded_by: staff.id, method: 'door' },
    ]);
    const attempts = await t.app.db.selectFrom('checkin_attempts').select(['user_id', 'result']).where('session_id', '=', sessionId).execute();
    expect(attempts).toEqual([{ user_id: staff.id, result: 'ok' }, { user_id: staff.id, result: 'ok' }]);
    const audit = await t.app.db.selectFrom('audit_log').select(['user_id', 'username']).where('action', '=', 'attendance.checkin').execute();
    expect(audit.every((a) => a.user_id === staff.id && a.username === staff.username)).toBe(true);
    // No login session was created for the cookie-less requests.
    expect(await t.app.db.selectFrom('auth_sessions').select('id_hash').execute()).toHaveLength(1);
  });

  it('answers bad input sent with a pass with a 4xx and a Vietnamese message, and no cookie', async () => {
    const { sessionId } = await liveSession(t);
    const pass = await doorPass(staff.visitor, sessionId);
    const headers = { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${pass}` };
    const tooLong = await t.app.inject({ method: 'POST', url: `/sessions/${sessionId}/checkin`, payload: { code: 'x'.repeat(501) }, headers });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().message).toBe('Dữ liệu gửi lên không hợp lệ.');
    const broken = await t.app.inject({ method: 'POST', url: `/sessions/${sessionId}/checkin`, payload: '{"code":', headers });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().message).toBe('Dữ liệu JSON gửi lên không hợp lệ.');
    const empty = await t.app.inject({ method: 'POST', url: `/sessions/${sessionId}/checkin`, payload: {}, headers });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().fields).toEqual({ code: 'Thiếu mã cần điểm danh.' });
    const notAnId = await t.app.inject({ method: 'POST', url: '/sessions/abc/checkin', payload: { code: 'ABC' }, headers });
    expect(notAnId.statusCode).toBe(403);
    for (const answer of [tooLong, broken, empty, notAnId]) expect(answer.headers['set-cookie']).toBeUndefined();
    expect(await t.app.db.selectFrom('auth_sessions').select('id_hash').execute()).toHaveLength(1);
  });

  it('refuses tampered, malformed, expired, other-session and other-user passes with a Vietnamese message', async () => {
    const a = await liveSession(t);
    const b = await liveSession(t, { names: ['Phạm Văn Dũng'] });
    const pass = await doorPass(staff.visitor, a.sessionId);
    const code = a.codeOf(a.people[0]!).token;
    const [version, userId, sessionId, prefix, expiry, signature] = pass.split('.') as [string, string, string, string, string, string];
    const refused = async (candidate: string, status: number, message: RegExp, sessionOfUrl = a.sessionId) => {
      const answer = await scan(sessionOfUrl, candidate, code);
      expect(answer.statusCode, candidate).toBe(status);
      expect(answer.json().message).toMatch(message);
    };
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    await refused([version, userId, sessionId, prefix, expiry, flipped].join('.'), 401, /Phiên quét mã không hợp lệ/);
    await refused([version, String(Number(userId) + 1), sessionId, prefix, expiry, signature].join('.'), 401, /không hợp lệ/);
    await refused([version, userId, String(b.sessionId), prefix, expiry, signature].join('.'), 401, /không hợp lệ/, b.sessionId);
    await refused([version, userId, sessionId, prefix, String(Number(expiry) + 3600), signature].join('.'), 401, /không hợp lệ/);
    await refused(['d2', userId, sessionId, prefix, expiry, signature].join('.'), 401, /không hợp lệ/);
    await refused('', 401, /không hợp lệ/);
    await refused('rác', 401, /không hợp lệ/);
    await refused('x'.repeat(5000), 401, /không hợp lệ/);
    // Signed with another key (another installation's, or the cookie secret itself).
    const foreignKey = doorPassKey('một bí mật khác dài hơn ba mươi hai ký tự nhé');
    await refused(issueDoorPass(foreignKey, { userId: staff.id, sessionId: a.sessionId, authSessionHash: await loginHashOf(staff.id) }), 401, /không hợp lệ/);

    const loginHash = await loginHashOf(staff.id);
    const expired = issueDoorPass(key(), { userId: staff.id, sessionId: a.sessionId, authSessionHash: loginHash }, Date.now() - (DOOR_PASS_HOURS * 3600 + 60) * 1000);
    expect(readDoorPass(key(), expired)).toEqual({ ok: false, problem: 'expired' });
    await refused(expired, 401, /đã hết hạn/);
    // Valid, but for another training session than the one in the address.
    await refused(pass, 403, /buổi tập huấn khác/, b.sessionId);
    // Correctly signed for another account, on this login: the login is not that account's.
    const other = await loggedInUser(t.app, ['checkin']);
    await t.app.db.insertInto('session_staff').values({ session_id: a.sessionId, user_id: other.id }).execute();
    await refused(issueDoorPass(key(), { userId: other.id, sessionId: a.sessionId, authSessionHash: loginHash }), 401, /Phiên đăng nhập của trang quét mã đã kết thúc/);
    // And a login that never existed.
    await refused(issueDoorPass(key(), { userId: staff.id, sessionId: a.sessionId, authSessionHash: 'f'.repeat(64) }), 401, /đã kết thúc/);

    expect(await t.app.db.selectFrom('attendances').select('id').execute()).toEqual([]);
    expect(await t.app.db.selectFrom('checkin_attempts').select('id').execute()).toEqual([]);
    // The genuine pass still works after all that.
    expect((await scan(a.sessionId, pass, code)).json()).toMatchObject({ result: 'ok' });
  });

  it('stops at once after logout', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const pass = await doorPass(staff.visitor, sessionId);
    expect((await scan(sessionId, pass, codeOf(people[0]!).token)).statusCode).toBe(200);
    const logout = await staff.visitor.submit('/', '/logout', {});
    expect(logout.statusCode).toBe(303);
    const after = await scan(sessionId, pass, codeOf(people[1]!).token);
    expect(after.statusCode).toBe(401);
    expect(after.json().message).toContain('Hãy đăng nhập lại');
  });

  it('stops at once when the account is disabled', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const pass = await doorPass(staff.visitor, sessionId);
    expect((await scan(sessionId, pass, codeOf(people[0]!).token)).statusCode).toBe(200);
    await setUserDisabled(t.app.db, CLI_ACTOR, staff.id, true);
    expect((await scan(sessionId, pass, codeOf(people[1]!).token)).statusCode).toBe(401);
    // Enabled again, the old login stays ended.
    await setUserDisabled(t.app.db, CLI_ACTOR, staff.id, false);
    expect((await scan(sessionId, pass, codeOf(people[1]!).token)).statusCode).toBe(401);
  });

  it('stops at once when the password is reset, or changed from another login', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const pass = await doorPass(staff.visitor, sessionId);
    expect((await scan(sessionId, pass, codeOf(people[0]!).token)).statusCode).toBe(200);
    await resetUserPassword(t.app.db, CLI_ACTOR, staff.id, 'mat-khau-tam-thoi-1');
    expect((await scan(sessionId, pass, codeOf(people[1]!).token)).statusCode).toBe(401);

    // The staff member logs in again (temporary password, changed at once), opens the door on a phone, then
    // changes the password from the laptop: the phone's login ends, and its pass with it.
    const laptop = await loginAs(t.app, staff.username, 'mat-khau-tam-thoi-1');
    const changed = await laptop.submit('/account/password', '/account/password', { currentPassword: 'mat-khau-tam-thoi-1', newPassword: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });
    expect(changed.statusCode).toBe(303);
    const phone = await loginAs(t.app, staff.username);
    const phonePass = await doorPass(phone, sessionId);
    expect((await scan(sessionId, phonePass, codeOf(people[1]!).token)).json()).toMatchObject({ result: 'ok' });
    const laptopHash = (await t.app.db.selectFrom('auth_sessions').select('id_hash').where('user_id', '=', staff.id).execute()).map((r) => r.id_hash).find((h) => !phonePass.includes(h.slice(0, 32)))!;
    await changeOwnPassword(t.app.db, CLI_ACTOR, { userId: staff.id, currentPassword: TEST_PASSWORD, newPassword: 'mat-khau-moi-hoan-toan', confirmPassword: 'mat-khau-moi-hoan-toan', keepSessionHash: laptopHash });
    const after = await scan(sessionId, phonePass, codeOf(people[2]!).token);
    expect(after.statusCode).toBe(401);
    expect(await t.app.db.selectFrom('attendances').select('person_id').where('person_id', '=', people[2]!).execute()).toEqual([]);
  });

  it('stops at once when the session is no longer given to the account', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const pass = await doorPass(staff.visitor, sessionId);
    expect((await scan(sessionId, pass, codeOf(people[0]!).token)).statusCode).toBe(200);
    await setSessionStaff(t.app.db, CLI_ACTOR, sessionId, staff.id, false);
    const after = await scan(sessionId, pass, codeOf(people[1]!).token);
    expect(after.statusCode).toBe(403);
    expect(after.json().message).toContain('chưa được giao cho bạn điểm danh');
  });

  it('works on the check-in API only: other routes treat the request as not logged in', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const pass = await doorPass(staff.visitor, sessionId);
    const headers = { accept: 'application/json', authorization: `Bearer ${pass}`, 'x-door-pass': pass };
    const excuse = await t.app.inject({ method: 'POST', url: `/sessions/${sessionId}/excuse`, payload: { personId: String(people[0]), reason: 'Ốm' }, headers });
    expect(excuse.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/admin/users', headers })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/sessions/${sessionId}/live/counts.json`, headers })).statusCode).toBe(401);
    const door = await t.app.inject({ method: 'GET', url: `/sessions/${sessionId}/door`, headers: { ...headers, accept: 'text/html' } });
    expect(door.statusCode).toBe(303);
    expect(door.headers.location).toMatch(/^\/login/);
    // Asking for a page rather than JSON, the check-in route itself does not take it either.
    const asPage = await t.app.inject({ method: 'POST', url: `/sessions/${sessionId}/checkin`, payload: { code: codeOf(people[0]!).token }, headers: { ...headers, accept: 'text/html' } });
    expect(asPage.statusCode).toBe(401);
    expect(await t.app.db.selectFrom('attendances').select('id').execute()).toEqual([]);
  });

  it('keeps the cookie and CSRF token for the form without JavaScript, and never lets a pass stand in for the token', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const page = await staff.visitor.get(`/sessions/${sessionId}/door`);
    const pass = passIn(page.body)!;
    // The form as a browser without JavaScript posts it.
    const form = await staff.visitor.post(`/sessions/${sessionId}/checkin`, { method: 'door', code: codeOf(people[0]!).token, _csrf: csrfFrom(page.body) });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Nguyễn Văn An');
    // The page coming back gives its script a fresh pass.
    expect(passIn(form.body)).toMatch(/^d1\./);
    // A request that has the cookie goes the cookie's way: the token is required, the pass changes nothing.
    const noToken = await t.app.inject({
      method: 'POST',
      url: `/sessions/${sessionId}/checkin`,
      payload: { code: codeOf(people[1]!).token },
      headers: { accept: 'application/json', cookie: staff.visitor.cookieHeader, authorization: `Bearer ${pass}` },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().message).toContain('Biểu mẫu đã hết hạn');
    expect(await t.app.db.selectFrom('attendances').select('person_id').execute()).toEqual([{ person_id: people[0] }]);
  });
});
