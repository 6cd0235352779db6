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
