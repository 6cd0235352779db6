import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLI_ACTOR } from '../server/services/audit.ts';
import { checkIn, checkinWindowNotice } from '../server/services/checkin.ts';
import { waitingCheckins, writingCheckins } from '../server/services/checkin-recorder.ts';
import { isoToVnParts } from '../server/services/clock.ts';
import { revokeInvitationCode } from '../server/services/letters.ts';
import { createPerson } from '../server/services/people.ts';
import { substituteInvitation } from '../server/services/sessions.ts';
import { currentRoomCode, isValidRoomCode, isValidRoomPass, issueRoomPass, ROOM_STEP_SECONDS } from '../server/services/room-codes.ts';
import { formatShortCode } from '../server/services/invitation-codes.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { liveSession } from './helpers/checkin.ts';
import { loggedInUser } from './helpers/factories.ts';
import { Visitor, csrfFrom } from './helpers/http.ts';

/** Polls until `condition` holds (never a timing assertion: the test's own timeout is the limit). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('check-in', () => {
  let t: TestApp;
  let staff: Visitor;
  let csrf: string;
  beforeEach(async () => {
    t = await buildApp({ LOGIN_MAX_PER_IP: '100', PUBLIC_URL: 'https://taphuan.example.gov.vn' });
    staff = (await loggedInUser(t.app, ['checkin'])).visitor;
    csrf = csrfFrom((await staff.get('/')).body);
  });
  afterEach(() => t.close());

  const scan = (sessionId: number, body: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: `/sessions/${sessionId}/checkin`,
      payload: { method: 'door', ...body },
      headers: { accept: 'application/json', cookie: staff.cookieHeader, 'x-csrf-token': csrf },
    });

  it('checks in by the personal link, the token or the typed code, once per person', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const first = await scan(sessionId, { code: `https://taphuan.example.gov.vn/i/${codeOf(people[0]!).token}` });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ result: 'ok', status: 'present', person: { name: 'Nguyễn Văn An' } });
    expect((await scan(sessionId, { code: codeOf(people[1]!).token })).json()).toMatchObject({ result: 'ok' });
    const typed = formatShortCode(codeOf(people[2]!).short_code).toLowerCase().replace(/-/g, ' ');
    expect((await scan(sessionId, { code: typed })).json()).toMatchObject({ result: 'ok', person: { name: 'Lê Văn Cường' } });

    const again = (await scan(sessionId, { code: codeOf(people[0]!).token })).json();
    expect(again.result).toBe('duplicate');
    expect(again.firstAt).toMatch(/^\d{2}:\d{2}$/);
    expect(again.firstBy).toMatch(/^Người dùng \d+$/);
    const rows = await t.app.db.selectFrom('attendances').select('person_id').where('session_id', '=', sessionId).execute();
    expect(rows).toHaveLength(3);
  });

  it('records one attendance when the same code arrives many times at once', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const answers = await Promise.all(Array.from({ length: 12 }, () => scan(sessionId, { code: codeOf(people[0]!).token })));
    const results = answers.map((a) => a.json().result);
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(11);
    expect(await t.app.db.selectFrom('attendances').select('id').where('session_id', '=', sessionId).execute()).toHaveLength(1);
    const attempts = await t.app.db.selectFrom('checkin_attempts').select('result').where('session_id', '=', sessionId).execute();
    expect(attempts).toHaveLength(12);
  });

  /** Holds the writer while `submit` queues `count` check-ins, so they are written as one batch. */
  async function asOneBatch<T>(count: number, submit: () => Promise<T>): Promise<T> {
    const held = await t.app.db.startTransaction().execute();
    const first = checkIn(t.app.db, { sessionId: 1, method: 'door', actor: CLI_ACTOR, code: 'x' }).catch(() => undefined);
    // That one is taken by the writer, which waits for the held transaction.
    await until(() => writingCheckins(t.app.db) === 1 && waitingCheckins(t.app.db) === 0);
    const all = submit();
    await until(() => waitingCheckins(t.app.db) === count);
    await held.rollback().execute();
    await first;
    return all;
  }

  it('records a rush of many people as one batch, each once, each answered with their own card', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `Đại biểu Số ${i + 1}`);
    const { sessionId, people, codeOf } = await liveSession(t, { names });
    // Every person twice, plus one retry of the same request: all in one write transaction.
    const responses = await asOneBatch(people.length * 2 + 1, () =>
      Promise.all([
        ...people.map((id, i) => scan(sessionId, { code: codeOf(id).token, nonce: `a-${i}` })),
        ...people.map((id, i) => scan(sessionId, { code: codeOf(id).token, nonce: `b-${i}` })),
        scan(sessionId, { code: codeOf(people[0]!).token, nonce: 'a-0' }),
      ]),
    );
    const answers = responses.map((r) => r.json());
    for (let i = 0; i < people.length; i++) {
      const pair = [answers[i], answers[people.length + i]];
      expect(pair.map((a) => a.result).sort()).toEqual(['duplicate', 'ok']);
      expect(pair.every((a) => a.person.name === names[i])).toBe(true);
      expect(pair.find((a) => a.result === 'duplicate').message).toMatch(/^Đã điểm danh lúc \d{2}:\d{2} \(Người dùng \d+\)\.$/);
    }
    expect(answers.at(-1)).toEqual(answers[0]);
    const rows = await t.app.db.selectFrom('attendances').select('person_id').where('session_id', '=', sessionId).execute();
    expect(rows.map((r) => r.person_id).sort((a, b) => a - b)).toEqual([...people].sort((a, b) => a - b));
    // The attempt that held the batch back (a typed "x", no nonce) is logged too.
    const attempts = await t.app.db.selectFrom('checkin_attempts').select('client_nonce').where('session_id', '=', sessionId).where('client_nonce', 'is not', null).execute();
    expect(attempts).toHaveLength(people.length * 2);
    const audits = await t.app.db.selectFrom('audit_log').select('after_json').where('action', '=', 'attendance.checkin').where('entity_id', '=', String(sessionId)).execute();
    expect(audits).toHaveLength(people.length);
  });

  it('one bad check-in in a batch fails alone: the others are recorded', async () => {
    const { sessionId, people, codeOf } = await liveSession(t, { names: ['Phạm Văn Dũng', 'Võ Thị Em', 'Đặng Văn Giang', 'Bùi Thị Hoa'] });
    const actor = { userId: null, username: 'test', ip: '127.0.0.1' };
    const outcomes = await asOneBatch(people.length + 1, () =>
      Promise.allSettled([
        ...people.map((id) => checkIn(t.app.db, { sessionId, method: 'door', actor, code: codeOf(id).token })),
        // A walk-in naming a unit that does not exist: its insert breaks the shared transaction.
        checkIn(t.app.db, { sessionId, method: 'walk-in', actor, walkIn: { fullName: 'Người Lạ', position: '', unitId: 987654, substituteFor: '' } }),
      ]),
    );
    expect(outcomes.slice(0, people.length).map((o) => o.status === 'fulfilled' && o.value.result)).toEqual(people.map(() => 'ok'));
    expect(outcomes.at(-1)!.status).toBe('rejected');
    expect(await t.app.db.selectFrom('attendances').select('id').where('session_id', '=', sessionId).execute()).toHaveLength(people.length);
    expect(await t.app.db.selectFrom('people').select('id').where('full_name', '=', 'Người Lạ').execute()).toHaveLength(0);
  });

  it('answers a retried request with the same nonce exactly as the first time, without acting twice', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    const first = (await scan(sessionId, { code: codeOf(people[0]!).token, nonce: 'n-1' })).json();
    const retry = (await scan(sessionId, { code: codeOf(people[0]!).token, nonce: 'n-1' })).json();
    expect(retry).toEqual(first);
    expect(retry.result).toBe('ok');
    expect(await t.app.db.selectFrom('checkin_attempts').select('id').where('client_nonce', '=', 'n-1').execute()).toHaveLength(1);

    // The same request sent several times at once (a flaky network): one record, one answer for all.
    const burst = await Promise.all(Array.from({ length: 8 }, () => scan(sessionId, { code: codeOf(people[1]!).token, nonce: 'n-2' })));
    expect(burst.map((r) => r.statusCode)).toEqual(burst.map(() => 200));
    const answers = burst.map((r) => r.json());
    expect(answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]))).toBe(true);
    expect(answers[0].result).toBe('ok');
    expect(await t.app.db.selectFrom('checkin_attempts').select('id').where('client_nonce', '=', 'n-2').execute()).toHaveLength(1);
    expect(await t.app.db.selectFrom('attendances').select('id').where('person_id', '=', people[1]!).execute()).toHaveLength(1);
  });

  it('refuses unknown, revoked, replaced and other-session codes, and logs every attempt', async () => {
    const a = await liveSession(t);
    const b = await liveSession(t, { names: ['Phạm Văn Dũng'] });
    expect((await scan(a.sessionId, { code: 'AAAAAAAAA' })).json()).toMatchObject({ result: 'refused', reason: 'unknown' });
    expect((await scan(a.sessionId, { code: 'không phải mã' })).json()).toMatchObject({ result: 'refused', reason: 'unknown' });
    const other = (await scan(a.sessionId, { code: b.codeOf(b.people[0]!).token })).json();
    expect(other).toMatchObject({ result: 'refused', reason: 'other-session', person: { name: 'Phạm Văn Dũng' } });
    expect(other.message).toMatch(/^Giấy mời của buổi khác \(\d{2}:\d{2} ngày \d{2}\/\d{2}\/\d{4}\)\.$/);
    await revokeInvitationCode(t.app.db, CLI_ACTOR, a.codeOf(a.people[0]!).invitation_id, false);
    expect((await scan(a.sessionId, { code: a.codeOf(a.people[0]!).token })).json()).toMatchObject({ result: 'refused', reason: 'revoked' });
    const newcomer = await createPerson(t.app.db, CLI_ACTOR, { fullName: 'Đặng Văn Giang', position: '', unitId: String(a.unit), phone: '', email: '', notes: '' });
    await substituteInvitation(t.app.db, CLI_ACTOR, a.codeOf(a.people[1]!).invitation_id, newcomer);
    expect((await scan(a.sessionId, { code: a.codeOf(a.people[1]!).token })).json()).toMatchObject({ result: 'refused', reason: 'replaced' });
    const log = await t.app.db.selectFrom('checkin_attempts').select(['result', 'reason', 'ip', 'user_id', 'device']).where('session_id', '=', a.sessionId).orderBy('id').execute();
    expect(log.map((l) => l.reason)).toEqual(['unknown', 'unknown', 'other-session', 'revoked', 'replaced']);
    expect(log.every((l) => l.result === 'refused' && l.ip === '127.0.0.1' && l.user_id !== null)).toBe(true);
  });

  it('sees a revoked, reissued or substituted code at once, though the session\'s codes are remembered for a second', async () => {
    const a = await liveSession(t, { names: ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung'] });
    const b = await liveSession(t, { names: ['Võ Văn Em'] });
    // The clock stands still: the remembered codes never grow old, so only the writes themselves can make them forgotten.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const token = (i: number) => a.codeOf(a.people[i]!).token;
      expect((await scan(a.sessionId, { code: token(0) })).json()).toMatchObject({ result: 'ok', person: { name: 'Nguyễn Văn An' } });
      // Another session's code and an unknown one are not in this session's roster: still refused for what they are.
      expect((await scan(a.sessionId, { code: b.codeOf(b.people[0]!).token })).json()).toMatchObject({ result: 'refused', reason: 'other-session', person: { name: 'Võ Văn Em' } });
      expect((await scan(a.sessionId, { code: 'A'.repeat(30) })).json()).toMatchObject({ result: 'refused', reason: 'unknown' });

      // Revoked, then scanned again.
      await revokeInvitationCode(t.app.db, CLI_ACTOR, a.codeOf(a.people[1]!).invitation_id, false);
      expect((await scan(a.sessionId, { code: token(1) })).json()).toMatchObject({ result: 'refused', reason: 'revoked', person: { name: 'Trần Thị Bình' } });
      expect((await scan(a.sessionId, { code: formatShortCode(a.codeOf(a.people[1]!).short_code) })).json()).toMatchObject({ result: 'refused', reason: 'revoked' });

      // Reissued: the old code stops, the new one works.
      await revokeInvitationCode(t.app.db, CLI_ACTOR, a.codeOf(a.people[2]!).invitation_id, true);
      expect((await scan(a.sessionId, { code: token(2) })).json()).toMatchObject({ result: 'refused', reason: 'revoked' });
      const fresh = await t.app.db.selectFrom('invitation_tokens').select(['token', 'short_code']).where('invitation_id', '=', a.codeOf(a.people[2]!).invitation_id).where('status', '=', 'active').executeTakeFirstOrThrow();
      expect((await scan(a.sessionId, { code: formatShortCode(fresh.short_code) })).json()).toMatchObject({ result: 'ok', person: { name: 'Lê Văn Cường' } });

      // Substituted: the invitee's code is replaced; the holder's name shown is the one now in the database.
      const newcomer = await createPerson(t.app.db, CLI_ACTOR, { fullName: 'Đặng Văn Giang', position: '', unitId: String(a.unit), phone: '', email: '', notes: '' });
      await substituteInvitation(t.app.db, CLI_ACTOR, a.codeOf(a.people[3]!).invitation_id, newcomer);
      expect((await scan(a.sessionId, { code: token(3) })).json()).toMatchObject({ result: 'refused', reason: 'replaced', person: { name: 'Phạm Thị Dung' } });
      await t.app.db.updateTable('people').set({ full_name: 'Nguyễn Văn Ân' }).where('id', '=', a.people[0]!).execute();
      expect((await scan(a.sessionId, { code: token(0) })).json()).toMatchObject({ result: 'duplicate', person: { name: 'Nguyễn Văn Ân' } });
    } finally {
      vi.useRealTimers();
    }
  });

  it('is open only in the window: refused before it opens and after the session is closed', async () => {
    const early = await liveSession(t, { minutesAgo: -120 });
    expect((await scan(early.sessionId, { code: early.codeOf(early.people[0]!).token })).json()).toMatchObject({ result: 'refused', reason: 'not-open' });
    const late = await liveSession(t, { minutesAgo: 40 });
    expect((await scan(late.sessionId, { code: late.codeOf(late.people[0]!).token })).json()).toMatchObject({ result: 'ok', status: 'late' });
    const closed = await staff.submit(`/sessions/${late.sessionId}/desk`, `/sessions/${late.sessionId}/close`, {});
    expect(closed.statusCode).toBe(303);
    const statuses = await t.app.db.selectFrom('attendances').select(['person_id', 'status', 'method']).where('session_id', '=', late.sessionId).orderBy('person_id').execute();
    expect(statuses.map((s) => s.status)).toEqual(['late', 'absent', 'absent']);
    expect((await scan(late.sessionId, { code: late.codeOf(late.people[1]!).token })).json()).toMatchObject({ result: 'refused', reason: 'closed' });
    const twice = await staff.submit(`/sessions/${late.sessionId}/desk`, `/sessions/${late.sessionId}/close`, {});
    expect(twice.statusCode).toBe(409);
  });

  it('says when check-in opens, or why it is over, in words that stay true on a page left open', () => {
    const session = { starts_at: '2022-05-12T00:30:00.000Z', ends_at: '2022-05-12T04:00:00.000Z', checkin_opens_minutes: 30, status: 'planned' as const };
    const at = (iso: string) => Date.parse(iso);
    expect(checkinWindowNotice(session, at('2022-05-11T23:30:00.000Z'))).toBe('Điểm danh mở lúc 07:00, 30 phút trước giờ bắt đầu.');
    expect(checkinWindowNotice(session, at('2022-05-11T05:00:00.000Z'))).toBe('Điểm danh mở lúc 07:00 ngày 12/05/2022, 30 phút trước giờ bắt đầu.');
    expect(checkinWindowNotice(session, at('2022-05-12T00:00:00.000Z'))).toBeNull();
    expect(checkinWindowNotice(session, at('2022-05-12T04:00:00.000Z'))).toBeNull();
    expect(checkinWindowNotice(session, at('2022-05-12T05:00:00.000Z'))).toBe('Đã hết giờ điểm danh: buổi tập huấn kết thúc lúc 11:00.');
    expect(checkinWindowNotice(session, at('2022-05-13T02:00:00.000Z'))).toBe('Đã hết giờ điểm danh: buổi tập huấn kết thúc lúc 11:00 ngày 12/05/2022.');
    expect(checkinWindowNotice({ ...session, status: 'closed' }, at('2022-05-12T01:00:00.000Z'))).toBe('Điểm danh của buổi này đã kết thúc.');
    expect(checkinWindowNotice({ ...session, status: 'cancelled' }, at('2022-05-11T23:30:00.000Z'))).toBe('Buổi tập huấn đã bị hủy: không điểm danh.');
  });

  it('shows the window on the door, the desk and the projector, and the projector hides its code while check-in is not open', async () => {
    const early = await liveSession(t, { minutesAgo: -120 });
    const opensAt = isoToVnParts(new Date(Date.now() + 90 * 60_000).toISOString()).time;
    for (const page of ['door', 'desk']) {
      expect((await staff.get(`/sessions/${early.sessionId}/${page}`)).body).toMatch(/Điểm danh mở lúc \d{2}:\d{2}(?: ngày [\d/]+)?, 30 phút trước giờ bắt đầu\./);
    }
    const refused = (await scan(early.sessionId, { code: early.codeOf(early.people[0]!).token })).json();
    expect(refused).toMatchObject({ result: 'refused', reason: 'not-open', person: { name: 'Nguyễn Văn An' } });
    expect(refused.message).toMatch(/^Chưa đến giờ điểm danh: mở lúc \d{2}:\d{2}/);
    // Within the minute either side of the computed opening (the test may cross a minute boundary).
    expect([opensAt, isoToVnParts(new Date(Date.now() + 89 * 60_000).toISOString()).time]).toContain(/mở lúc (\d{2}:\d{2})/.exec(refused.message)![1]);
    const projector = await staff.get(`/sessions/${early.sessionId}/room`);
    expect(projector.body).toContain('id="room-code" hidden');
    expect(projector.body).toMatch(/<p class="room-notice" id="room-notice">Điểm danh mở lúc/);
    expect((await staff.get(`/sessions/${early.sessionId}/room/code.json`, { accept: 'application/json' })).json().notice).toMatch(/^Điểm danh mở lúc/);

    const live = await liveSession(t);
    for (const page of ['door', 'desk']) expect((await staff.get(`/sessions/${live.sessionId}/${page}`)).body).not.toContain('notice-warning');
    const open = await staff.get(`/sessions/${live.sessionId}/room`);
    expect(open.body).toContain('<div id="room-code">');
    expect(open.body).toContain('id="room-notice" hidden');
    const code = (await staff.get(`/sessions/${live.sessionId}/room/code.json`, { accept: 'application/json' })).json() as { url: string; notice: string | null };
    expect(code.notice).toBeNull();

    // Closed by staff: every page says so, and a phone holding the room link is told the same.
    await staff.submit(`/sessions/${live.sessionId}/desk`, `/sessions/${live.sessionId}/close`, {});
    expect((await staff.get(`/sessions/${live.sessionId}/door`)).body).toContain('Điểm danh của buổi này đã kết thúc.');
    expect((await staff.get(`/sessions/${live.sessionId}/room/code.json`, { accept: 'application/json' })).json().notice).toBe('Điểm danh của buổi này đã kết thúc.');
    const phone = await new Visitor(t.app).get(new URL(code.url).pathname);
    expect(phone.statusCode).toBe(409);
    expect(phone.body).toContain('Điểm danh của buổi này đã kết thúc.');
    expect((await scan(live.sessionId, { code: live.codeOf(live.people[1]!).token })).json()).toMatchObject({ result: 'refused', reason: 'closed', message: 'Điểm danh của buổi này đã kết thúc.' });
  });

  it('the desk finds people without diacritics, checks in with one tap, records excused with a reason, and undoes with a reason', async () => {
    const { sessionId, people } = await liveSession(t);
    const page = await staff.get(`/sessions/${sessionId}/desk?q=tran%20binh`);
    expect(page.body).toContain('Trần Thị Bình');
    expect(page.body).not.toContain('Nguyễn Văn An');
    const tap = await staff.post(`/sessions/${sessionId}/checkin`, { method: 'desk', personId: String(people[1]), _csrf: csrfFrom(page.body) });
    expect(tap.statusCode).toBe(303);
    const noReason = await staff.post(`/sessions/${sessionId}/excuse`, { personId: String(people[0]), reason: '  ', _csrf: csrfFrom(page.body) });
    expect(noReason.statusCode).toBe(303);
    expect((await staff.get(`/sessions/${sessionId}/desk`)).body).toContain('Nhập lý do vắng');
    await staff.post(`/sessions/${sessionId}/excuse`, { personId: String(people[0]), reason: 'Đi công tác', _csrf: csrfFrom(page.body) });
    const rows = await t.app.db.selectFrom('attendances').selectAll().where('session_id', '=', sessionId).orderBy('person_id').execute();
    expect(rows.map((r) => [r.person_id, r.status, r.reason])).toEqual([[people[0], 'excused', 'Đi công tác'], [people[1], 'present', '']]);

    const attendance = rows[1]!;
    const withoutReason = await staff.post(`/attendances/${attendance.id}/undo`, { reason: '', _csrf: csrfFrom(page.body) });
    expect(withoutReason.statusCode).toBe(422);
    const undone = await staff.post(`/attendances/${attendance.id}/undo`, { reason: 'Quét nhầm người', _csrf: csrfFrom(page.body) });
    expect(undone.statusCode).toBe(303);
    expect(await t.app.db.selectFrom('attendances').select('id').where('id', '=', attendance.id).execute()).toEqual([]);
    const audit = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'attendance.undo').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after_json!)).toEqual({ reason: 'Quét nhầm người' });
    expect(JSON.parse(audit.before_json!)).toMatchObject({ person: 'Trần Thị Bình', status: 'present' });
    const actions = (await t.app.db.selectFrom('audit_log').select('action').where('action', 'like', 'attendance.%').execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['attendance.checkin', 'attendance.excuse', 'attendance.undo']));
  });

  it('rotates room codes: this step and the previous accepted, older and other sessions refused', () => {
    const secret = 'bí mật của buổi';
    const at = 1_800_000_000_000;
    const now = currentRoomCode(secret, 7, at);
    expect(now.code).toHaveLength(10);
    expect(isValidRoomCode(secret, 7, now.code, at)).toBe(true);
    const step = ROOM_STEP_SECONDS * 1000;
    expect(isValidRoomCode(secret, 7, now.code, at + step)).toBe(true);
    expect(isValidRoomCode(secret, 7, now.code, at + 2 * step)).toBe(false);
    expect(isValidRoomCode(secret, 8, now.code, at)).toBe(false);
    expect(isValidRoomCode('khác', 7, now.code, at)).toBe(false);
    expect(currentRoomCode(secret, 7, at + step).code).not.toBe(now.code);
    const pass = issueRoomPass(secret, 7, at);
    expect(isValidRoomPass(secret, 7, pass, at + 9 * 60_000)).toBe(true);
    expect(isValidRoomPass(secret, 7, pass, at + 11 * 60_000)).toBe(false);
    expect(isValidRoomPass(secret, 8, pass, at)).toBe(false);
    expect(isValidRoomPass(secret, 7, pass.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), at)).toBe(false);
  });

  it('lets a phone in the room check in with the personal code, or register as a walk-in for review', async () => {
    const { sessionId, people, codeOf, unit } = await liveSession(t);
    const code = (await staff.get(`/sessions/${sessionId}/room/code.json`, { accept: 'application/json' })).json() as { url: string };
    const path = new URL(code.url).pathname;
    const phone = new Visitor(t.app);
    const stale = await phone.get(`/r/${sessionId}/AAAAAAAAAA`);
    expect(stale.statusCode).toBe(410);
    expect(stale.body).toContain('Mã phòng đã hết hạn');
    const form = await phone.get(path);
    expect(form.statusCode).toBe(200);
    const pass = /name="pass" value="([^"]+)"/.exec(form.body)![1]!;
    const done = await phone.post(`/r/${sessionId}`, { pass, personalCode: formatShortCode(codeOf(people[0]!).short_code), _csrf: csrfFrom(form.body) });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Nguyễn Văn An');
    expect(done.body).toContain('Có mặt');
    const forged = await phone.post(`/r/${sessionId}`, { pass: '1.abc', personalCode: 'X', _csrf: csrfFrom(form.body) });
    expect(forged.statusCode).toBe(410);
    const walkIn = await phone.post(`/r/${sessionId}`, { pass, mode: 'walk-in', fullName: 'Võ Thị Em', position: 'Công chức', unitId: String(unit), substituteFor: 'Lê Văn Cường', _csrf: csrfFrom(form.body) });
    expect(walkIn.body).toContain('Chờ cán bộ xác nhận');
    const row = await t.app.db.selectFrom('attendances').innerJoin('people', 'people.id', 'attendances.person_id').selectAll('attendances').where('people.full_name', '=', 'Võ Thị Em').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'substitute', needs_review: 1, method: 'walk-in', substitute_for: 'Lê Văn Cường' });
    const desk = await staff.get(`/sessions/${sessionId}/desk`);
    expect(desk.body).toContain('Chờ xác nhận');
    await staff.post(`/attendances/${row.id}/confirm`, { _csrf: csrfFrom(desk.body) });
    expect((await t.app.db.selectFrom('attendances').select('needs_review').where('id', '=', row.id).executeTakeFirstOrThrow()).needs_review).toBe(0);
    const badWalkIn = await phone.post(`/r/${sessionId}`, { pass, mode: 'walk-in', fullName: '', unitId: '999', _csrf: csrfFrom(form.body) });
    expect(badWalkIn.statusCode).toBe(422);
    expect(badWalkIn.body).toContain('Nhập họ và tên');
  });

  it('pushes live counts to the board over server-sent events', async () => {
    const { sessionId, people, codeOf } = await liveSession(t);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as { port: number };
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/sessions/${sessionId}/live/events`, { headers: { cookie: staff.cookieHeader }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    // The stream is written to the raw response; the app's security headers still go with it.
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const events: { attended: number }[] = [];
    let buffer = '';
    const readEvent = async () => {
      for (;;) {
        const index = buffer.indexOf('\n\n');
        if (index >= 0) {
          const chunk = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          const data = chunk.split('\n').find((l) => l.startsWith('data: '));
          if (data) return JSON.parse(data.slice(6)) as { attended: number };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    events.push(await readEvent());
    expect(events[0]!.attended).toBe(0);
    await scan(sessionId, { code: codeOf(people[0]!).token });
    await scan(sessionId, { code: codeOf(people[1]!).token });
    let latest = await readEvent();
    while (latest.attended < 2) latest = await readEvent();
    expect(latest.attended).toBe(2);
    controller.abort();
  });
});

describe('attendance exports', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildApp({ LOGIN_MAX_PER_IP: '100' });
  });
  afterEach(() => t.close());

  it('gives the blank sheet to sign, then the filled one with times, an XLSX and a CSV that Excel reads as UTF-8', async () => {
    const { visitor: staff } = await loggedInUser(t.app, ['checkin']);
    const csrf = csrfFrom((await staff.get('/')).body);
    const { sessionId, people, codeOf } = await liveSession(t);
    await t.app.inject({ method: 'POST', url: `/sessions/${sessionId}/checkin`, payload: { code: codeOf(people[0]!).token }, headers: { accept: 'application/json', cookie: staff.cookieHeader, 'x-csrf-token': csrf } });
    const { execFileSync } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    const text = (body: Buffer) => {
      const file = `${t.dataDir}/sheet-${Math.random().toString(36).slice(2)}.pdf`;
      writeFileSync(file, body);
      return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    };
    const blank = await staff.get(`/sessions/${sessionId}/attendance.pdf?blank=1`);
    expect(blank.headers['content-type']).toBe('application/pdf');
    const blankText = text(blank.rawPayload);
    expect(blankText).toContain('DANH SÁCH ĐẠI BIỂU THAM DỰ');
    expect(blankText).toContain('Nguyễn Văn An');
    expect(blankText).not.toMatch(/\b\d{2}:\d{2}\b.*Nguyễn Văn An|Nguyễn Văn An.*\b\d{2}:\d{2}\b/);
    const filled = text((await staff.get(`/sessions/${sessionId}/attendance.pdf`)).rawPayload);
    const at = (await t.app.db.selectFrom('attendances').select('checked_in_at').executeTakeFirstOrThrow()).checked_in_at!;
    expect(filled).toContain(isoToVnParts(at).time);
    expect(filled).toMatch(/có mặt: 1; vắng: 2/);
    const csv = await staff.get(`/sessions/${sessionId}/attendance.csv`);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body).toContain('Trần Thị Bình');
    const xlsx = await staff.get(`/sessions/${sessionId}/attendance.xlsx`);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(String(xlsx.headers['content-disposition'])).toMatch(/attachment; filename="\d{4}-\d{2}-\d{2}_diem-danh\.xlsx"/);
  });
});

describe('check-in staff work only on the sessions given to them', () => {
  it('refuses an account the session was not given to, until an organizer gives it', async () => {
    const t = await buildApp({ LOGIN_MAX_PER_IP: '100' });
    try {
      const organizer = (await loggedInUser(t.app, ['organizer'])).visitor;
      const { sessionId, people, codeOf } = await liveSession(t);
      const other = await loggedInUser(t.app, ['checkin']);
      const csrf = csrfFrom((await other.visitor.get('/')).body);
      const door = await other.visitor.get(`/sessions/${sessionId}/door`);
      expect(door.statusCode).toBe(403);
      expect(door.body).toContain('chưa được giao cho bạn điểm danh');
      const scanned = await t.app.inject({ method: 'POST', url: `/sessions/${sessionId}/checkin`, payload: { code: codeOf(people[0]!).token }, headers: { accept: 'application/json', cookie: other.visitor.cookieHeader, 'x-csrf-token': csrf } });
      expect(scanned.statusCode).toBe(403);
      expect(await t.app.db.selectFrom('attendances').select('id').execute()).toEqual([]);
      expect((await other.visitor.get('/')).body).not.toContain(`/sessions/${sessionId}/door`);

      const page = await organizer.get(`/sessions/${sessionId}`);
      expect(page.body).toContain('Cán bộ điểm danh');
      const given = await organizer.post(`/sessions/${sessionId}/staff`, { userId: String(other.id), assigned: '1', _csrf: csrfFrom(page.body) });
      expect(given.statusCode).toBe(303);
      expect((await other.visitor.get(`/sessions/${sessionId}/door`)).statusCode).toBe(200);
      expect((await other.visitor.get('/')).body).toContain(`/sessions/${sessionId}/door`);
      const reporter = (await loggedInUser(t.app, ['reporter'])).visitor;
      expect((await reporter.get(`/sessions/${sessionId}/live`)).statusCode).toBe(200);
      expect((await reporter.get(`/sessions/${sessionId}/door`)).statusCode).toBe(403);
    } finally {
      await t.close();
    }
  });
});
