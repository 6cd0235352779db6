import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loggedInUser } from './helpers/factories.ts';
import type { Visitor } from './helpers/http.ts';
import { formatVnRange, isoToVnParts, vnLocalToIso } from '../server/services/clock.ts';
import { phoneDigits, searchKey, searchTokens } from '../server/services/text.ts';
import { CLI_ACTOR } from '../server/services/audit.ts';
import { createPerson, searchPeople } from '../server/services/people.ts';
import { createUnit } from '../server/services/units.ts';

const idFrom = (location: string | string[] | undefined) => Number(String(location).split('/').pop());

describe('text keys and Vietnam time', () => {
  it('searches without case or diacritics, đ as d, NFD as NFC', () => {
    expect(searchKey('Nguyễn Văn Ánh')).toBe('nguyen van anh');
    expect(searchKey('ĐỖ Thị Đào')).toBe('do thi dao');
    expect(searchKey('Nguyễn'.normalize('NFD'))).toBe('nguyen');
    expect(searchTokens('  Lê   lê  Văn-Tám ')).toEqual(['le', 'van', 'tam']);
    expect(phoneDigits('+84 912.345.678')).toBe('0912345678');
    expect(phoneDigits('0912 345 678')).toBe('0912345678');
  });

  it('stores a 07:30 session in Vietnam as 00:30 UTC and shows 07:30 whatever the server zone', () => {
    expect(process.env.TZ ?? 'UTC').toBeDefined();
    const iso = vnLocalToIso('2022-05-12', '07:30');
    expect(iso).toBe('2022-05-12T00:30:00.000Z');
    expect(isoToVnParts(iso!)).toEqual({ date: '2022-05-12', time: '07:30', weekday: 4 });
    expect(formatVnRange(iso!, vnLocalToIso('2022-05-12', '11:00')!)).toBe('07:30 – 11:00, thứ Năm, 12/05/2022');
    // Just after midnight in Vietnam is still the previous day in UTC.
    expect(vnLocalToIso('2022-05-12', '06:00')).toBe('2022-05-11T23:00:00.000Z');
    // Whatever zone the server runs in, Vietnam's wall clock comes out.
    const zone = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Tokyo']) {
        process.env.TZ = tz;
        expect(vnLocalToIso('2022-05-12', '07:30')).toBe('2022-05-12T00:30:00.000Z');
        expect(formatVnRange(iso!, vnLocalToIso('2022-05-12', '11:00')!)).toBe('07:30 – 11:00, thứ Năm, 12/05/2022');
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    expect(vnLocalToIso('2022-02-30', '07:30')).toBeUndefined();
    expect(vnLocalToIso('2022-05-12', '24:00')).toBeUndefined();
  });
});

describe('planning through the pages', () => {
  let t: TestApp;
  let organizer: Visitor;
  beforeEach(async () => {
    t = await buildApp({ LOGIN_MAX_PER_IP: '100' });
    organizer = (await loggedInUser(t.app, ['organizer'])).visitor;
  });
  afterEach(() => t.close());

  async function unit(name: string, kind = 'commune') {
    const response = await organizer.submit('/units/new', '/units', { kind, name, shortName: '', sortOrder: '' });
    expect(response.statusCode).toBe(303);
    return (await t.app.db.selectFrom('units').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  }

  it('creates units and refuses nonsense, duplicates by accent, and deleting a unit with people', async () => {
    const id = await unit('UBND xã Bàu Đồn');
    const dup = await organizer.submit('/units/new', '/units', { kind: 'commune', name: 'ubnd xa bau don', shortName: '', sortOrder: '' });
    expect(dup.statusCode).toBe(422);
    expect(dup.body).toContain('Đã có đơn vị “UBND xã Bàu Đồn”');
    const bad = await organizer.submit('/units/new', '/units', { kind: 'moon', name: '', shortName: '', sortOrder: '-3' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Chọn loại đơn vị');
    expect(bad.body).toContain('Nhập tên đơn vị');
    expect(bad.body).toContain('Thứ tự là số nguyên');
    await createPerson(t.app.db, CLI_ACTOR, { fullName: 'Trần Văn Tư', position: '', unitId: String(id), phone: '', email: '', notes: '' });
    const del = await organizer.submit(`/units/${id}`, `/units/${id}/delete`, {});
    expect(del.statusCode).toBe(303);
    expect((await organizer.get(`/units/${id}`)).body).toContain('Đơn vị còn 1 người');
  });

  it('creates people, finds them without diacritics, and refuses bad fields', async () => {
    const unitId = await unit('Phòng Nội vụ', 'office');
    const created = await organizer.submit('/people/new', '/people', {
      fullName: 'Nguyễn Văn A'.normalize('NFD'), position: 'Chuyên viên', unitId: String(unitId), phone: '0912 345 678', email: '', notes: '',
    });
    expect(created.statusCode).toBe(303);
    await createPerson(t.app.db, CLI_ACTOR, { fullName: 'Đỗ Thị Đào', position: '', unitId: String(unitId), phone: '', email: '', notes: '' });
    const found = await organizer.get('/people?q=nguyen+van+a');
    expect(found.body).toContain('Nguyễn Văn A'.normalize('NFC'));
    expect(found.body).not.toContain('Đỗ Thị Đào');
    expect((await organizer.get('/people?q=d')).body).toContain('Đỗ Thị Đào');
    expect((await organizer.get('/people?q=dao')).body).toContain('Đỗ Thị Đào');
    expect((await organizer.get('/people?q=VAN%20nguy')).body).toContain('Nguyễn Văn A');
    const bad = await organizer.submit('/people/new', '/people', { fullName: '   ', unitId: '999', phone: 'abc', email: 'x@', position: '', notes: '' });
    expect(bad.statusCode).toBe(422);
    for (const message of ['Nhập họ và tên', 'Chọn đơn vị', 'Số điện thoại không hợp lệ', 'Địa chỉ thư điện tử không hợp lệ']) expect(bad.body).toContain(message);
  });

  it('finds a name among 5,000 people through the word index', async () => {
    const unitId = Number((await createUnitRow(t, 'UBND xã Cẩm Giang')));
    const now = new Date().toISOString();
    await t.app.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 5000; i += 500) {
        const rows = Array.from({ length: 500 }, (_, k) => ({ full_name: `Người Số ${i + k}`, full_name_search: `nguoi so ${i + k}`, unit_id: unitId, created_at: now, updated_at: now }));
        const ids = await trx.insertInto('people').values(rows).returning('id').execute();
        await trx.insertInto('person_name_tokens').values(ids.flatMap((r, k) => ['nguoi', 'so', String(i + k)].map((token) => ({ token, person_id: r.id })))).execute();
      }
    });
    await createPerson(t.app.db, CLI_ACTOR, { fullName: 'Huỳnh Thị Ánh Tuyết', position: '', unitId: String(unitId), phone: '', email: '', notes: '' });
    const result = await searchPeople(t.app.db, 'huynh tuyet');
    expect(result.map((p) => p.fullName)).toEqual(['Huỳnh Thị Ánh Tuyết']);
    expect((await searchPeople(t.app.db, 'so 4999')).map((p) => p.fullName)).toEqual(['Người Số 4999']);
    // The search reads the word index by range, never the whole people table.
    const sqlText = sql.raw<{ detail: string }>(
      `explain query plan select people.id from person_name_tokens as t0 join people on people.id = t0.person_id
       where t0.token >= 'tuyet' and t0.token < 'tuyet' || char(65535)
       and exists (select 1 from person_name_tokens tn where tn.person_id = people.id and tn.token >= 'huynh' and tn.token < 'huynh' || char(65535)) limit 20`,
    );
    const plan = await sqlText.execute(t.app.db);
    const details = plan.rows.map((r) => r.detail).join(' | ');
    expect(details).toMatch(/SEARCH t0 USING (COVERING )?INDEX/);
    expect(details).toMatch(/SEARCH people USING INTEGER PRIMARY KEY/);
    expect(details).not.toMatch(/SCAN people\b/);
  });

  it('builds a plan, a round with quotas and a session; warns on a double-booked venue without blocking', async () => {
    const unitA = await unit('UBND xã Hiệp Thạnh');
    const unitB = await unit('Phòng Tư pháp', 'office');
    const badPlan = await organizer.submit('/plans/new', '/plans', { number: '9x', symbol: 'kh ubnd', issuedOn: '2022-02-30', summary: '', year: '1999', requiredRounds: '0' });
    expect(badPlan.statusCode).toBe(422);
    for (const message of ['Số văn bản chỉ gồm chữ số', 'Ký hiệu dạng KH-UBND', 'Ngày ban hành không hợp lệ', 'Nhập trích yếu', 'Năm là số', 'Số đợt phải tổ chức']) {
      expect(badPlan.body).toContain(message);
    }
    expect(await t.app.db.selectFrom('plans').select('id').execute()).toEqual([]);

    const plan = await organizer.submit('/plans/new', '/plans', {
      number: '95', symbol: 'kh-ubnd', issuedOn: '2022-05-06', summary: 'Tuyên truyền cải cách hành chính năm 2022', basis: '', year: '2022', requiredRounds: '2', unitIds: [String(unitA), String(unitB)],
    });
    expect(plan.statusCode).toBe(303);
    const planId = idFrom(plan.headers.location);
    const planPage = await organizer.get(`/plans/${planId}`);
    expect(planPage.body).toContain('Kế hoạch số 95/KH-UBND ngày 06/5/2022');

    const round = await organizer.submit(`/plans/${planId}/rounds/new`, `/plans/${planId}/rounds`, {
      number: '1', title: 'Tập huấn nghiệp vụ CCHC', topics: 'Cải cách thủ tục hành chính\n\nDịch vụ công trực tuyến', notes: '', [`quota_${unitA}`]: '3', [`quota_${unitB}`]: '',
    });
    expect(round.statusCode).toBe(303);
    const roundId = idFrom(round.headers.location);
    const twice = await organizer.submit(`/plans/${planId}/rounds/new`, `/plans/${planId}/rounds`, { number: '1', title: 'Trùng', [`quota_${unitA}`]: '-2' });
    expect(twice.statusCode).toBe(422);
    expect(twice.body).toContain('Kế hoạch đã có Đợt 1');
    expect(twice.body).toContain('Số người là số nguyên');
    const roundPage = await organizer.get(`/rounds/${roundId}`);
    expect(roundPage.body).toContain('Dịch vụ công trực tuyến');
    expect(roundPage.body).toContain('UBND xã Hiệp Thạnh: <strong>3</strong> người');

    const backwards = await organizer.submit(`/rounds/${roundId}/sessions/new`, `/rounds/${roundId}/sessions`, {
      date: '2022-05-12', startTime: '11:00', endTime: '07:30', venue: 'Hội trường UBND huyện', status: 'planned',
    });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.body).toContain('Giờ kết thúc phải sau giờ bắt đầu');
    const form = { date: '2022-05-12', startTime: '07:30', endTime: '11:00', venue: 'Hội trường UBND huyện', chair: 'Phó Chủ tịch UBND huyện', capacity: '120', checkinOpensMinutes: '30', lateAfterMinutes: '15', status: 'planned', notes: '' };
    const first = await organizer.submit(`/rounds/${roundId}/sessions/new`, `/rounds/${roundId}/sessions`, form);
    expect(first.statusCode).toBe(303);
    const sessionId = idFrom(first.headers.location);
    const stored = await t.app.db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(stored.starts_at).toBe('2022-05-12T00:30:00.000Z');
    const page = await organizer.get(`/sessions/${sessionId}`);
    expect(page.body).toContain('07:30 – 11:00, thứ Năm, 12/05/2022');

    const clash = await organizer.submit(`/rounds/${roundId}/sessions/new`, `/rounds/${roundId}/sessions`, { ...form, venue: 'hội trường ubnd huyện', startTime: '09:00', endTime: '10:00' });
    expect(clash.statusCode).toBe(303);
    const clashPage = await organizer.get(String(clash.headers.location));
    expect(clashPage.body).toContain('đã có buổi khác cùng lúc');
  });

  it('invites units with a quota and people, records replies, and keeps substitution history', async () => {
    const unitId = await unit('UBND thị trấn Gò Dầu');
    const planId = idFrom((await organizer.submit('/plans/new', '/plans', { number: '', symbol: 'KH-UBND', issuedOn: '2022-05-06', summary: 'Kế hoạch thử', year: '2022', requiredRounds: '2' })).headers.location);
    const roundId = idFrom((await organizer.submit(`/plans/${planId}/rounds/new`, `/plans/${planId}/rounds`, { number: '1', title: 'Đợt một' })).headers.location);
    const mk = (startTime: string, endTime: string) =>
      organizer.submit(`/rounds/${roundId}/sessions/new`, `/rounds/${roundId}/sessions`, { date: '2022-05-12', startTime, endTime, venue: 'Phòng họp A', status: 'planned', capacity: '', checkinOpensMinutes: '', lateAfterMinutes: '' });
    const sessionId = idFrom((await mk('07:30', '11:00')).headers.location);
    const otherId = idFrom((await mk('08:00', '09:00')).headers.location);
    const ids: number[] = [];
    for (const name of ['Lê Thị Hoa', 'Phan Văn Bình', 'Võ Minh Châu']) {
      ids.push(await createPerson(t.app.db, CLI_ACTOR, { fullName: name, position: 'Công chức', unitId: String(unitId), phone: '', email: '', notes: '' }));
    }
    expect((await organizer.submit(`/sessions/${sessionId}`, `/sessions/${sessionId}/units`, { unitId: String(unitId), quota: '2' })).statusCode).toBe(303);
    const badQuota = await organizer.submit(`/sessions/${sessionId}`, `/sessions/${sessionId}/units`, { unitId: String(unitId), quota: 'nhiều' });
    expect(badQuota.statusCode).toBe(303);
    expect((await organizer.get(`/sessions/${sessionId}`)).body).toContain('Số người cử là số nguyên');

    await organizer.submit(`/sessions/${sessionId}`, `/sessions/${sessionId}/invitations`, { personId: String(ids[0]) });
    await organizer.submit(`/sessions/${otherId}`, `/sessions/${otherId}/invitations`, { personId: String(ids[0]) });
    const again = await organizer.submit(`/sessions/${sessionId}`, `/sessions/${sessionId}/invitations`, { personId: String(ids[0]) });
    expect(again.statusCode).toBe(303);
    const page = await organizer.get(`/sessions/${sessionId}`);
    expect(page.body).toContain('đã có trong danh sách mời');
    expect(page.body).toContain('thiếu 1');
    expect(page.body).toContain('1 người được mời cả buổi khác trùng giờ: Lê Thị Hoa');

    const invitation = await t.app.db.selectFrom('invitations').select('id').where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    expect((await organizer.submit(`/sessions/${sessionId}`, `/invitations/${invitation.id}/status`, { status: 'confirmed' })).statusCode).toBe(303);
    const swap = await organizer.submit(`/sessions/${sessionId}?replace=${invitation.id}`, `/invitations/${invitation.id}/substitute`, { replacementId: String(ids[1]) });
    expect(swap.statusCode).toBe(303);
    const rows = await t.app.db.selectFrom('invitations').selectAll().where('session_id', '=', sessionId).orderBy('id').execute();
    expect(rows.map((r) => [r.person_id, r.status, r.replaces_invitation_id])).toEqual([
      [ids[0], 'substituted', null],
      [ids[1], 'invited', invitation.id],
    ]);
    const after = await organizer.get(`/sessions/${sessionId}`);
    expect(after.body).toContain('đi thay Lê Thị Hoa');
    const twice = await organizer.submit(`/sessions/${sessionId}`, `/invitations/${invitation.id}/substitute`, { replacementId: String(ids[2]) });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('đã được thay bằng người khác');
    const badStatus = await organizer.submit(`/sessions/${sessionId}`, `/invitations/${rows[1]!.id}/status`, { status: 'hacked' });
    expect(badStatus.statusCode).toBe(422);
  });

  it('lets a reporter read the programme but not change it', async () => {
    const reporter = (await loggedInUser(t.app, ['reporter'])).visitor;
    await unit('Thanh tra huyện', 'office');
    expect((await reporter.get('/units')).body).toContain('Thanh tra huyện');
    expect((await reporter.get('/units')).body).not.toContain('Thêm đơn vị');
    expect((await reporter.get('/plans')).statusCode).toBe(200);
    expect((await reporter.get('/plans/new')).statusCode).toBe(403);
  });
});

async function createUnitRow(t: TestApp, name: string): Promise<number> {
  return createUnit(t.app.db, CLI_ACTOR, { kind: 'commune', name, shortName: '', sortOrder: '' });
}
