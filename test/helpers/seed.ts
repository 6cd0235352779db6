// Seeds a data directory for check-in against the real server: an account that may run check-in, the agency
// profile, units, N people, a plan and round with sessions whose check-in window is open now, invitations, and
// one issued letter per session (the letter service gives every invitee a personal code). Bulk rows (people,
// invitations) go in with plain inserts so 100,000 people take seconds; everything else goes through the services.
import path from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../server/db/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import type { DB } from '../../server/db/types.ts';
import { saveAgencyProfile } from '../../server/services/agency.ts';
import { CLI_ACTOR } from '../../server/services/audit.ts';
import { isoToVnParts, nowIso, vnLocalToIso } from '../../server/services/clock.ts';
import { createDraft, defaultLetterForm, issueLetter } from '../../server/services/letters.ts';
import { createPlan, createRound } from '../../server/services/plans.ts';
import { setSessionStaff } from '../../server/services/sessions.ts';
import { searchKey } from '../../server/services/text.ts';
import { createUnit } from '../../server/services/units.ts';
import { createUser } from '../../server/services/users.ts';
import { sampleAgency } from './factories.ts';

const BATCH = 500;

/** The file the server opens in DATA_DIR. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'tap-huan.sqlite');
}

const UNITS: { kind: 'office' | 'commune'; name: string }[] = [
  { kind: 'commune', name: 'UBND thị trấn Gò Dầu' },
  { kind: 'commune', name: 'UBND xã Bàu Đồn' },
  { kind: 'commune', name: 'UBND xã Cẩm Giang' },
  { kind: 'commune', name: 'UBND xã Hiệp Thạnh' },
  { kind: 'commune', name: 'UBND xã Phước Đông' },
  { kind: 'commune', name: 'UBND xã Phước Thạnh' },
  { kind: 'commune', name: 'UBND xã Phước Trạch' },
  { kind: 'commune', name: 'UBND xã Thạnh Đức' },
  { kind: 'commune', name: 'UBND xã Thanh Phước' },
  { kind: 'office', name: 'Văn phòng HĐND và UBND huyện' },
  { kind: 'office', name: 'Phòng Nội vụ' },
  { kind: 'office', name: 'Phòng Tư pháp' },
  { kind: 'office', name: 'Phòng Tài chính - Kế hoạch' },
  { kind: 'office', name: 'Phòng Tài nguyên và Môi trường' },
  { kind: 'office', name: 'Phòng Lao động - Thương binh và Xã hội' },
  { kind: 'office', name: 'Phòng Văn hóa và Thông tin' },
  { kind: 'office', name: 'Phòng Giáo dục và Đào tạo' },
  { kind: 'office', name: 'Phòng Y tế' },
  { kind: 'office', name: 'Thanh tra huyện' },
  { kind: 'office', name: 'Phòng Kinh tế và Hạ tầng' },
  { kind: 'office', name: 'Phòng Nông nghiệp và Phát triển nông thôn' },
];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Phan', 'Trương', 'Bùi', 'Đặng'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Minh', 'Thanh', 'Ngọc'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Đức', 'Hà', 'Hạnh', 'Hùng', 'Lan', 'Long', 'Mai', 'Nam', 'Phúc', 'Quang', 'Sơn', 'Thảo', 'Trí', 'Tuấn', 'Vy', 'Yến'];
const POSITIONS = ['Chuyên viên', 'Phó Chủ tịch UBND', 'Công chức Văn phòng - Thống kê', 'Trưởng phòng', 'Công chức Tư pháp - Hộ tịch'];

/** An invented, deterministic name for the n-th person. */
function personName(n: number): string {
  return `${FAMILY[n % FAMILY.length]} ${MIDDLE[Math.floor(n / 10) % MIDDLE.length]} ${GIVEN[Math.floor(n / 60) % GIVEN.length]} ${n + 1}`;
}

export interface SeedOptions {
  /** People in the database. */
  people: number;
  /** How many of them each session invites: spread evenly over the whole table (every people/invited-th person). */
  invited: number;
  /** Sessions open for check-in now, each inviting the same people (default 1). */
  sessions?: number;
  username?: string;
  password?: string;
}

export interface SeededCode {
  sessionId: number;
  personId: number;
  /** The 24-character token of the personal QR link. */
  token: string;
  shortCode: string;
}

export interface SeededCheckin {
  username: string;
  password: string;
  userId: number;
  sessionIds: number[];
  /** One active personal code per invitation, in session then invitation order. */
  codes: SeededCode[];
}

/** Seeds an already migrated (or empty) database through the given connection. */
export async function seedCheckinInto(db: Kysely<DB>, options: SeedOptions): Promise<SeededCheckin> {
  const username = options.username ?? 'diemdanh';
  const password = options.password ?? 'mat-khau-diem-danh';
  const sessionCount = options.sessions ?? 1;
  if (options.invited > options.people) throw new Error('seed: cannot invite more people than exist');
  const actor = CLI_ACTOR;

  const userId = await createUser(db, actor, { username, fullName: 'Cán bộ điểm danh', password, roles: ['admin', 'checkin'], mustChangePassword: false });
  await db.transaction().execute((trx) => saveAgencyProfile(trx, actor, sampleAgency));
  const unitIds: number[] = [];
  for (const [i, unit] of UNITS.entries()) unitIds.push(await createUnit(db, actor, { kind: unit.kind, name: unit.name, shortName: '', sortOrder: String(i + 1) }));

  const now = nowIso();
  const personIds: number[] = [];
  for (let start = 0; start < options.people; start += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, options.people - start) }, (_, i) => {
      const n = start + i;
      const fullName = personName(n);
      return {
        full_name: fullName, full_name_search: searchKey(fullName), position: POSITIONS[n % POSITIONS.length]!, unit_id: unitIds[n % unitIds.length]!,
        phone: '', phone_digits: '', email: '', notes: '', created_at: now, updated_at: now,
      };
    });
    const ids = await db.insertInto('people').values(rows).returning('id').execute();
    personIds.push(...ids.map((r) => r.id));
  }

  const year = Number(isoToVnParts(now).date.slice(0, 4));
  const planId = await createPlan(db, actor, {
    number: '112', symbol: 'KH-UBND', issuedOn: isoToVnParts(now).date, summary: 'Tuyên truyền cải cách hành chính',
    basis: '', year: String(year), requiredRounds: '2', unitIds: unitIds.map(String),
  });
  const roundId = await createRound(db, actor, planId, { number: '1', title: 'Tập huấn nghiệp vụ cải cách hành chính', topics: 'Kiểm soát thủ tục hành chính', notes: '', quotas: {} });

  // Started a few minutes ago (to the minute, in Vietnam time as an organizer types it), ends in four hours.
  const started = isoToVnParts(new Date(Date.now() - 5 * 60_000).toISOString());
  const startsAt = vnLocalToIso(started.date, started.time)!;
  const endsAt = new Date(new Date(startsAt).getTime() + 4 * 3600_000).toISOString();
  const sessionIds: number[] = [];
  for (let s = 0; s < sessionCount; s++) {
    const { id } = await db
      .insertInto('sessions')
      .values({
        round_id: roundId, starts_at: startsAt, ends_at: endsAt, venue: `Hội trường ${s + 1}`, chair: '', capacity: null,
        checkin_opens_minutes: 30, late_after_minutes: 15, status: 'open', notes: '', created_at: now, updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    sessionIds.push(id);
    // A check-in account works only on the sessions given to it.
    await setSessionStaff(db, actor, id, userId, true);
    const stride = Math.floor(personIds.length / options.invited);
    const invitees = Array.from({ length: options.invited }, (_, i) => personIds[i * stride]!);
    for (let start = 0; start < invitees.length; start += BATCH) {
      await db
        .insertInto('invitations')
        .values(invitees.slice(start, start + BATCH).map((personId, i) => ({
          session_id: id, person_id: personId, unit_id: unitIds[((start + i) * stride) % unitIds.length]!, status: 'invited' as const,
          replaces_invitation_id: null, created_at: now, updated_at: now,
        })))
        .execute();
    }
    const letterId = await createDraft(db, actor, { sessionId: id, kind: 'giay-moi', form: await defaultLetterForm(db, id) });
    await issueLetter(db, actor, letterId);
  }

  const rows = await db
    .selectFrom('invitation_tokens')
    .innerJoin('invitations', 'invitations.id', 'invitation_tokens.invitation_id')
    .select(['invitations.session_id', 'invitations.person_id', 'invitation_tokens.token', 'invitation_tokens.short_code'])
    .where('invitation_tokens.status', '=', 'active')
    .where('invitations.session_id', 'in', sessionIds)
    .orderBy('invitations.session_id')
    .orderBy('invitations.id')
    .execute();
  const codes = rows.map((r) => ({ sessionId: r.session_id, personId: r.person_id, token: r.token, shortCode: r.short_code }));
  if (codes.length !== sessionCount * options.invited) throw new Error(`seed: expected ${sessionCount * options.invited} codes, got ${codes.length}`);
  return { username, password, userId, sessionIds, codes };
}

/** Creates and migrates DATA_DIR's database, seeds it, and closes it so a server can open it. */
export async function seedCheckin(dataDir: string, options: SeedOptions): Promise<SeededCheckin> {
  const db = openDatabase(databaseFile(dataDir), 0);
  try {
    await migrateToLatest(db);
    return await seedCheckinInto(db, options);
  } finally {
    await db.destroy();
  }
}
