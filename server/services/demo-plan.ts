// The historical 2022 Gò Dầu programme (real units, invented people), labelled as demo data.
import type { Kysely, Transaction } from 'kysely';
import type { DB, UnitKind } from '../db/types.ts';
import type { Actor } from './audit.ts';
import { nowIso, vnLocalToIso } from './clock.ts';
import { insertCheckedPerson } from './people.ts';
import { insertCheckedUnit } from './units.ts';
import { createDraft, defaultLetterForm, issueLetter } from './letters.ts';

const OFFICES = [
  'Văn phòng HĐND và UBND huyện', 'Phòng Nội vụ', 'Phòng Tư pháp', 'Phòng Tài chính - Kế hoạch',
  'Phòng Tài nguyên và Môi trường', 'Phòng Lao động - Thương binh và Xã hội', 'Phòng Văn hóa và Thông tin',
  'Phòng Giáo dục và Đào tạo', 'Phòng Y tế', 'Thanh tra huyện', 'Phòng Kinh tế và Hạ tầng',
  'Phòng Nông nghiệp và Phát triển nông thôn',
];
const COMMUNES = [
  'UBND thị trấn Gò Dầu', 'UBND xã Bàu Đồn', 'UBND xã Cẩm Giang', 'UBND xã Hiệp Thạnh', 'UBND xã Phước Đông',
  'UBND xã Phước Thạnh', 'UBND xã Phước Trạch', 'UBND xã Thạnh Đức', 'UBND xã Thanh Phước',
];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Phan', 'Trương', 'Đặng', 'Bùi', 'Đỗ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hoàng', 'Quốc', 'Thị Kim', 'Hữu', 'Đức'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Đào', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hòa', 'Khoa', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Nga', 'Phúc', 'Quyên', 'Sang', 'Tâm', 'Thảo', 'Tuấn', 'Vy'];
const OFFICE_POSITIONS = ['Trưởng phòng', 'Phó Trưởng phòng', 'Chuyên viên'];
const COMMUNE_POSITIONS = ['Phó Chủ tịch UBND', 'Công chức Văn phòng - Thống kê', 'Công chức Tư pháp - Hộ tịch'];

/** Inserts the demo units, people, plan, rounds, sessions and invitations inside the caller's transaction. */
export async function insertDemoPlan(trx: Transaction<DB>, actor: Actor): Promise<{ planId: number; people: number }> {
  const units: { id: number; kind: UnitKind; name: string }[] = [];
  for (const [kind, names] of [['office', OFFICES], ['commune', COMMUNES]] as const) {
    for (const [index, name] of names.entries()) {
      units.push({ id: await insertCheckedUnit(trx, actor, { kind, name, shortName: '', sortOrder: index + 1 }), kind, name });
    }
  }
  // About 60 invented people: three per commune, two or three per office, deterministic so every demo looks the same.
  const people: { id: number; unitId: number; kind: UnitKind }[] = [];
  let n = 0;
  for (const unit of units) {
    const count = unit.kind === 'commune' ? 3 : n % 3 === 0 ? 3 : 2;
    const positions = unit.kind === 'commune' ? COMMUNE_POSITIONS : OFFICE_POSITIONS;
    for (let k = 0; k < count; k++, n++) {
      const fullName = `${FAMILY[(n * 5) % FAMILY.length]} ${MIDDLE[(n * 3) % MIDDLE.length]} ${GIVEN[(n * 7) % GIVEN.length]}`;
      const phone = `09${String(12000000 + n * 7919).padStart(8, '0')}`;
      const id = await insertCheckedPerson(trx, actor, { fullName, position: positions[k % positions.length]!, unitId: unit.id, phone, email: '', notes: '' }, false);
      people.push({ id, unitId: unit.id, kind: unit.kind });
    }
  }
  const now = nowIso();
  const { id: planId } = await trx
    .insertInto('plans')
    .values({
      number: '', symbol: 'KH-UBND', issued_on: '2022-05-06', year: 2022, required_rounds: 2, is_demo: 1,
      summary: 'Tuyên truyền cải cách hành chính và kiểm soát thủ tục hành chính năm 2022 trên địa bàn huyện Gò Dầu',
      basis: 'Thực hiện Kế hoạch số 1183/KH-UBND ngày 08/4/2022 của UBND tỉnh Tây Ninh về tuyên truyền cải cách hành chính năm 2022 trên địa bàn tỉnh Tây Ninh;',
      created_at: now, updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.insertInto('plan_units').values(units.map((u) => ({ plan_id: planId, unit_id: u.id }))).execute();

  const rounds = [
    {
      number: 1, title: 'Tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính',
      topics: ['Kế hoạch cải cách hành chính năm 2022 của huyện', 'Rà soát, đơn giản hóa thủ tục hành chính', 'Cách tra cứu và công khai thủ tục hành chính'],
      sessions: [
        { date: '2022-05-12', start: '07:30', end: '11:00', venue: 'Hội trường UBND huyện Gò Dầu', audience: 'office' as const },
        { date: '2022-05-13', start: '07:30', end: '11:00', venue: 'Hội trường UBND huyện Gò Dầu', audience: 'commune' as const },
      ],
    },
    {
      number: 2, title: 'Tập huấn dịch vụ công trực tuyến và tiếp nhận phản ánh, kiến nghị về thủ tục hành chính',
      topics: ['Dịch vụ công trực tuyến và Cổng Hành chính công tỉnh', 'Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính'],
      sessions: [{ date: '2022-09-15', start: '13:30', end: '16:30', venue: 'Hội trường Trung tâm Chính trị huyện', audience: 'all' as const }],
    },
  ];
  for (const round of rounds) {
    const { id: roundId } = await trx
      .insertInto('rounds')
      .values({ plan_id: planId, number: round.number, title: round.title, topics: round.topics.join('\n'), notes: '', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('round_quotas').values(units.map((u) => ({ round_id: roundId, unit_id: u.id, quota: u.kind === 'commune' ? 2 : 1 }))).execute();
    for (const s of round.sessions) {
      const { id: sessionId } = await trx
        .insertInto('sessions')
        .values({
          round_id: roundId, starts_at: vnLocalToIso(s.date, s.start)!, ends_at: vnLocalToIso(s.date, s.end)!, venue: s.venue,
          chair: 'Phó Chủ tịch UBND huyện', capacity: 150, status: 'planned', notes: 'Đại biểu mang theo tài liệu được gửi kèm.', created_at: now, updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const audienceUnits = units.filter((u) => s.audience === 'all' || u.kind === s.audience);
      await trx.insertInto('session_units').values(audienceUnits.map((u) => ({ session_id: sessionId, unit_id: u.id, quota: u.kind === 'commune' ? 2 : 1 }))).execute();
      const invited = audienceUnits.flatMap((u) => people.filter((p) => p.unitId === u.id).slice(0, u.kind === 'commune' ? 2 : 1));
      await trx
        .insertInto('invitations')
        .values(invited.map((p) => ({ session_id: sessionId, person_id: p.id, unit_id: p.unitId, replaces_invitation_id: null, created_at: now, updated_at: now })))
        .execute();
    }
  }
  return { planId, people: people.length };
}

/** True when a demo plan is already there (the demo loads once). */
export async function hasDemoPlan(db: Kysely<DB> | Transaction<DB>): Promise<boolean> {
  return Boolean(await db.selectFrom('plans').select('id').where('is_demo', '=', 1).executeTakeFirst());
}

/** Round 1's giấy mời issued (with the appendix and personal codes), round 2's left as a draft. */
export async function insertDemoLetters(db: Kysely<DB>, actor: Actor, planId: number): Promise<void> {
  const sessions = await db
    .selectFrom('sessions')
    .innerJoin('rounds', 'rounds.id', 'sessions.round_id')
    .where('rounds.plan_id', '=', planId)
    .select(['sessions.id', 'rounds.number'])
    .orderBy('sessions.starts_at')
    .execute();
  for (const session of sessions) {
    const form = await defaultLetterForm(db, session.id);
    const id = await createDraft(db, actor, { sessionId: session.id, kind: 'giay-moi', form });
    if (session.number === 1) await issueLetter(db, actor, id, { issuedOn: '2022-05-06' });
  }
}

/**
 * Round 1 as it happened: both sessions closed, most invitees on time, some late, one excused with a reason,
 * the rest absent, a walk-in and a substitute registered in the room, and the scan log behind it all.
 */
export async function insertDemoAttendance(db: Kysely<DB>, planId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const sessions = await trx
      .selectFrom('sessions')
      .innerJoin('rounds', 'rounds.id', 'sessions.round_id')
      .where('rounds.plan_id', '=', planId)
      .where('rounds.number', '=', 1)
      .select(['sessions.id', 'sessions.starts_at'])
      .orderBy('sessions.starts_at')
      .execute();
    const staff = await trx.selectFrom('users').select('id').where('username', '=', 'diemdanh').executeTakeFirst();
    // The demo check-in account runs every session of the plan.
    const allSessions = await trx.selectFrom('sessions').innerJoin('rounds', 'rounds.id', 'sessions.round_id').where('rounds.plan_id', '=', planId).select('sessions.id').execute();
    if (staff) await trx.insertInto('session_staff').values(allSessions.map((s) => ({ session_id: s.id, user_id: staff.id }))).execute();
    for (const [index, session] of sessions.entries()) {
      const start = new Date(session.starts_at).getTime();
      const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
      const invited = await trx
        .selectFrom('invitations')
        .innerJoin('people', 'people.id', 'invitations.person_id')
        .leftJoin('invitation_tokens', (join) => join.onRef('invitation_tokens.invitation_id', '=', 'invitations.id').on('invitation_tokens.status', '=', 'active'))
        .where('invitations.session_id', '=', session.id)
        .select(['invitations.id', 'invitations.person_id', 'invitations.unit_id', 'people.full_name', 'invitation_tokens.short_code'])
        .orderBy('invitations.id')
        .execute();
      const attempts: { at: string; input: string; result: 'ok' | 'duplicate' | 'refused'; reason: string; person_id: number | null; method: 'door' | 'room' | 'desk' | 'walk-in'; response: unknown }[] = [];
      for (const [k, person] of invited.entries()) {
        const base = { session_id: session.id, person_id: person.person_id, invitation_id: person.id, recorded_by: staff?.id ?? null, needs_review: 0, substitute_for: '', reason: '' };
        if (k === invited.length - 1) {
          await trx.insertInto('attendances').values({ ...base, status: 'excused', checked_in_at: null, reason: 'Đi công tác theo quyết định của UBND huyện', method: 'desk', created_at: at(-5), updated_at: at(-5) }).execute();
        } else if (k === invited.length - 2 || k === invited.length - 3) {
          await trx.insertInto('attendances').values({ ...base, status: 'absent', checked_in_at: null, method: 'close', created_at: at(200), updated_at: at(200) }).execute();
        } else {
          const late = k % 6 === 5;
          const minute = late ? 20 + k : -25 + k * 2;
          const method = k % 3 === 0 ? 'room' : 'door';
          await trx.insertInto('attendances').values({ ...base, status: late ? 'late' : 'present', checked_in_at: at(minute), method, recorded_by: method === 'room' ? null : base.recorded_by, created_at: at(minute), updated_at: at(minute) }).execute();
          attempts.push({ at: at(minute), input: person.short_code ?? '', result: 'ok', reason: '', person_id: person.person_id, method, response: { result: 'ok', person: { name: person.full_name } } });
          if (k === 1) attempts.push({ at: at(minute + 1), input: person.short_code ?? '', result: 'duplicate', reason: '', person_id: person.person_id, method: 'door', response: { result: 'duplicate' } });
        }
      }
      // A walk-in and a substitute for one of the absentees, registered from the room QR and confirmed by staff.
      const unitId = invited[0]!.unit_id;
      const absentee = invited[invited.length - 2]!;
      for (const [name, substituteFor] of [[index === 0 ? 'Hồ Thị Xuân (minh họa)' : 'Mai Văn Tín (minh họa)', ''], [index === 0 ? 'Lý Minh Khang (minh họa)' : 'Dương Thị Yến (minh họa)', absentee.full_name]] as const) {
        const now = at(3);
        const person = { id: await insertCheckedPerson(trx, { userId: null, username: 'demo', ip: null }, { fullName: name, position: 'Công chức', unitId: substituteFor ? absentee.unit_id : unitId, phone: '', email: '', notes: 'Đăng ký tại chỗ' }, false) };
        await trx.insertInto('attendances').values({ session_id: session.id, person_id: person.id, invitation_id: null, status: substituteFor ? 'substitute' : 'present', checked_in_at: now, reason: '', method: 'walk-in', recorded_by: null, needs_review: 0, substitute_for: substituteFor, created_at: now, updated_at: now }).execute();
        attempts.push({ at: now, input: name, result: 'ok', reason: '', person_id: person.id, method: 'walk-in', response: { result: 'ok', person: { name } } });
      }
      attempts.push({ at: at(-10), input: 'ABC-DEF-GHJ', result: 'refused', reason: 'unknown', person_id: null, method: 'door', response: { result: 'refused', reason: 'unknown' } });
      await trx
        .insertInto('checkin_attempts')
        .values(attempts.map((a) => ({ session_id: session.id, at: a.at, user_id: a.method === 'room' || a.method === 'walk-in' ? null : (staff?.id ?? null), method: a.method, ip: '10.0.0.23', device: 'Demo', input: a.input, result: a.result, reason: a.reason, person_id: a.person_id, client_nonce: null, response_json: JSON.stringify(a.response) })))
        .execute();
      await trx.updateTable('sessions').set({ status: 'closed' }).where('id', '=', session.id).execute();
    }
  });
}
