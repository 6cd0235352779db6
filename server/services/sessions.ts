// Sessions (buổi tập huấn): when and where a round meets, who is invited, and the clashes worth a warning.
import type { Kysely, Transaction } from 'kysely';
import { cachedReadsFor } from '../db/cached-reads.ts';
import { findUnitsByIds, unitKindRank } from '../db/queries/units.ts';
import type { DB, InvitationStatus, SessionStatus } from '../db/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { formatVnRange, isoToVnParts, nowIso, vnLocalToIso } from './clock.ts';
import { SESSION_STATUS_LABELS, getPlan, getRound } from './plans.ts';
import { requirePerson } from './people.ts';
import { cleanText, searchKey } from './text.ts';
import { endCodes, formatShortCode, issueCodes } from './invitation-codes.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export const SESSION_STATUSES: readonly SessionStatus[] = ['planned', 'open', 'closed', 'cancelled'];

export interface SessionInput {
  date: string;
  startTime: string;
  endTime: string;
  venue: string;
  chair: string;
  capacity: string;
  checkinOpensMinutes: string;
  lateAfterMinutes: string;
  status: string;
  notes: string;
}

interface CheckedSession {
  startsAt: string;
  endsAt: string;
  venue: string;
  chair: string;
  capacity: number | null;
  checkinOpensMinutes: number;
  lateAfterMinutes: number;
  status: SessionStatus;
  notes: string;
}

function wholeNumber(raw: string, min: number, max: number): number | undefined {
  if (raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : NaN;
}

/** Checks a session's fields; times are typed in Vietnam's time zone. */
export function validateSessionInput(input: SessionInput): CheckedSession {
  const errors: Record<string, string> = {};
  const startsAt = vnLocalToIso(input.date, input.startTime);
  const endsAt = vnLocalToIso(input.date, input.endTime);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date) || !vnLocalToIso(input.date, '00:00')) errors.date = 'Ngày không hợp lệ.';
  else {
    if (!startsAt) errors.startTime = 'Giờ bắt đầu dạng 07:30.';
    if (!endsAt) errors.endTime = 'Giờ kết thúc dạng 11:00.';
    if (startsAt && endsAt && endsAt <= startsAt) errors.endTime = 'Giờ kết thúc phải sau giờ bắt đầu.';
  }
  const venue = cleanText(input.venue);
  const chair = cleanText(input.chair);
  const notes = cleanText(input.notes);
  if (!venue) errors.venue = 'Nhập địa điểm.';
  else if (venue.length > 300) errors.venue = 'Địa điểm quá dài (tối đa 300 ký tự).';
  if (chair.length > 300) errors.chair = 'Chủ trì quá dài (tối đa 300 ký tự).';
  if (notes.length > 2000) errors.notes = 'Ghi chú quá dài.';
  const capacity = wholeNumber(input.capacity, 1, 100000);
  if (Number.isNaN(capacity)) errors.capacity = 'Sức chứa là số nguyên dương (để trống nếu không giới hạn).';
  const opens = wholeNumber(input.checkinOpensMinutes, 0, 720) ?? 30;
  if (Number.isNaN(opens)) errors.checkinOpensMinutes = 'Số phút từ 0 đến 720.';
  const late = wholeNumber(input.lateAfterMinutes, 0, 720) ?? 15;
  if (Number.isNaN(late)) errors.lateAfterMinutes = 'Số phút từ 0 đến 720.';
  if (!(SESSION_STATUSES as readonly string[]).includes(input.status)) errors.status = 'Trạng thái không hợp lệ.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return {
    startsAt: startsAt!,
    endsAt: endsAt!,
    venue,
    chair,
    capacity: capacity ?? null,
    checkinOpensMinutes: opens,
    lateAfterMinutes: late,
    status: input.status as SessionStatus,
    notes,
  };
}

function sessionColumns(s: CheckedSession) {
  return {
    starts_at: s.startsAt,
    ends_at: s.endsAt,
    venue: s.venue,
    chair: s.chair,
    capacity: s.capacity,
    checkin_opens_minutes: s.checkinOpensMinutes,
    late_after_minutes: s.lateAfterMinutes,
    status: s.status,
    notes: s.notes,
  };
}

export async function createSession(db: Kysely<DB>, actor: Actor, roundId: number, input: SessionInput): Promise<number> {
  const session = validateSessionInput(input);
  return db.transaction().execute(async (trx) => {
    await getRound(trx, roundId);
    const now = nowIso();
    const { id } = await trx
      .insertInto('sessions')
      .values({ round_id: roundId, ...sessionColumns(session), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'session.create', entityType: 'session', entityId: id, after: session });
    return id;
  });
}

export async function updateSession(db: Kysely<DB>, actor: Actor, id: number, input: SessionInput): Promise<void> {
  const session = validateSessionInput(input);
  await db.transaction().execute(async (trx) => {
    const before = await requireSessionRow(trx, id);
    await trx.updateTable('sessions').set({ ...sessionColumns(session), updated_at: nowIso() }).where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'session.update', entityType: 'session', entityId: id, before: toSessionInput(before), after: session });
  });
}

async function requireSessionRow(db: Executor, id: number) {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Không tìm thấy buổi tập huấn.');
  return row;
}

export function toSessionInput(row: { starts_at: string; ends_at: string; venue: string; chair: string; capacity: number | null; checkin_opens_minutes: number; late_after_minutes: number; status: string; notes: string }): SessionInput {
  const start = isoToVnParts(row.starts_at);
  return {
    date: start.date,
    startTime: start.time,
    endTime: isoToVnParts(row.ends_at).time,
    venue: row.venue,
    chair: row.chair,
    capacity: row.capacity === null ? '' : String(row.capacity),
    checkinOpensMinutes: String(row.checkin_opens_minutes),
    lateAfterMinutes: String(row.late_after_minutes),
    status: row.status,
    notes: row.notes,
  };
}

/** Clashes worth a warning (never a refusal): the venue booked twice at once, people invited to overlapping sessions. */
export async function findSessionWarnings(db: Executor, sessionId: number): Promise<string[]> {
  const session = await requireSessionRow(db, sessionId);
  if (session.status === 'cancelled') return [];
  const overlapping = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '!=', sessionId)
    .where('status', '!=', 'cancelled')
    .where('starts_at', '<', session.ends_at)
    .where('ends_at', '>', session.starts_at)
    .execute();
  const warnings: string[] = [];
  const venueKey = searchKey(session.venue);
  for (const other of overlapping.filter((o) => searchKey(o.venue) === venueKey)) {
    warnings.push(`Địa điểm “${session.venue}” đã có buổi khác cùng lúc (${formatVnRange(other.starts_at, other.ends_at)}).`);
  }
  if (overlapping.length > 0) {
    const people = await db
      .selectFrom('invitations as mine')
      .innerJoin('invitations as theirs', 'theirs.person_id', 'mine.person_id')
      .innerJoin('people', 'people.id', 'mine.person_id')
      .where('mine.session_id', '=', sessionId)
      .where('theirs.session_id', 'in', overlapping.map((o) => o.id))
      .where('mine.status', 'in', ['invited', 'confirmed'])
      .where('theirs.status', 'in', ['invited', 'confirmed'])
      .select(['people.full_name'])
      .distinct()
      .orderBy('people.full_name')
      .execute();
    if (people.length > 0) {
      const names = people.slice(0, 5).map((p) => p.full_name).join(', ');
      warnings.push(`${people.length} người được mời cả buổi khác trùng giờ: ${names}${people.length > 5 ? '…' : ''}.`);
    }
  }
  return warnings;
}

// ---- Invitations ----

export const INVITATION_STATUS_LABELS: Record<InvitationStatus, string> = {
  invited: 'Đã mời',
  confirmed: 'Đã xác nhận',
  declined: 'Từ chối',
  substituted: 'Đã cử người thay',
};

/** Invites a unit to a session with how many people it must send (updates the quota when already invited). */
export async function inviteUnit(db: Kysely<DB>, actor: Actor, sessionId: number, unitId: number, quotaRaw: string): Promise<void> {
  const quota = Number(quotaRaw);
  if (!Number.isInteger(quota) || quota < 1 || quota > 10000) throw new ValidationError({ quota: 'Số người cử là số nguyên từ 1 đến 10000.' });
  await db.transaction().execute(async (trx) => {
    await requireSessionRow(trx, sessionId);
    if ((await findUnitsByIds(trx, [unitId])).length === 0) throw new ValidationError({ unitId: 'Chọn đơn vị.' });
    await trx
      .insertInto('session_units')
      .values({ session_id: sessionId, unit_id: unitId, quota })
      .onConflict((oc) => oc.columns(['session_id', 'unit_id']).doUpdateSet({ quota }))
      .execute();
    await recordAudit(trx, actor, { action: 'session.invite_unit', entityType: 'session', entityId: sessionId, after: { unitId, quota } });
  });
}

export async function uninviteUnit(db: Kysely<DB>, actor: Actor, sessionId: number, unitId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('session_units').where('session_id', '=', sessionId).where('unit_id', '=', unitId).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new NotFoundError('Đơn vị này không có trong danh sách mời.');
    await recordAudit(trx, actor, { action: 'session.uninvite_unit', entityType: 'session', entityId: sessionId, before: { unitId } });
  });
}

/** Invites one person to a session, on behalf of their unit. */
export async function invitePerson(db: Kysely<DB>, actor: Actor, sessionId: number, personId: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await requireSessionRow(trx, sessionId);
    const person = await requirePerson(trx, personId);
    const existing = await trx.selectFrom('invitations').select(['id', 'status']).where('session_id', '=', sessionId).where('person_id', '=', personId).executeTakeFirst();
    if (existing) throw new ConflictError(`${person.full_name} đã có trong danh sách mời (${INVITATION_STATUS_LABELS[existing.status]}).`);
    const now = nowIso();
    const { id } = await trx
      .insertInto('invitations')
      .values({ session_id: sessionId, person_id: personId, unit_id: person.unit_id, replaces_invitation_id: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'invitation.create', entityType: 'invitation', entityId: id, after: { sessionId, personId, name: person.full_name } });
    return id;
  });
}

async function requireInvitation(db: Executor, id: number) {
  const row = await db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Không tìm thấy lời mời.');
  return row;
}

/** Records a reply: confirmed or declined. A substituted invitation stays as history. */
export async function setInvitationStatus(db: Kysely<DB>, actor: Actor, id: number, status: string): Promise<number> {
  if (status !== 'confirmed' && status !== 'declined' && status !== 'invited') throw new ValidationError({ status: 'Trạng thái không hợp lệ.' });
  return db.transaction().execute(async (trx) => {
    const invitation = await requireInvitation(trx, id);
    if (invitation.status === 'substituted') throw new ConflictError('Lời mời này đã được thay bằng người khác; không đổi được trạng thái.');
    await trx.updateTable('invitations').set({ status, updated_at: nowIso() }).where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'invitation.status', entityType: 'invitation', entityId: id, before: { status: invitation.status }, after: { status } });
    return invitation.session_id;
  });
}

/** The unit sends someone else: the old invitation is kept as 'substituted', the new one says whom it replaces. */
export async function substituteInvitation(db: Kysely<DB>, actor: Actor, id: number, replacementId: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const invitation = await requireInvitation(trx, id);
    if (invitation.status === 'substituted') throw new ConflictError('Lời mời này đã được thay bằng người khác.');
    const replacement = await requirePerson(trx, replacementId);
    if (replacement.id === invitation.person_id) throw new ValidationError({ replacementId: 'Chọn một người khác.' });
    const already = await trx.selectFrom('invitations').select('id').where('session_id', '=', invitation.session_id).where('person_id', '=', replacementId).executeTakeFirst();
    if (already) throw new ConflictError(`${replacement.full_name} đã có trong danh sách mời của buổi này.`);
    const now = nowIso();
    await trx.updateTable('invitations').set({ status: 'substituted', updated_at: now }).where('id', '=', id).execute();
    const { id: newId } = await trx
      .insertInto('invitations')
      .values({ session_id: invitation.session_id, person_id: replacementId, unit_id: invitation.unit_id, replaces_invitation_id: id, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The absent person's personal code stops working; the substitute gets one if letters are already out.
    await endCodes(trx, id, 'replaced');
    const letter = await trx
      .selectFrom('letters')
      .select('id')
      .where('status', '=', 'issued')
      .where((eb) => eb.or([eb('session_id', '=', invitation.session_id), eb.and([eb('session_id', 'is', null), eb('round_id', '=', eb.selectFrom('sessions').select('round_id').where('id', '=', invitation.session_id))])]))
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (letter) await issueCodes(trx, [newId], letter.id);
    await recordAudit(trx, actor, {
      action: 'invitation.substitute',
      entityType: 'invitation',
      entityId: id,
      before: { personId: invitation.person_id },
      after: { personId: replacementId, name: replacement.full_name, invitationId: newId },
    });
    return invitation.session_id;
  });
}

export interface InvitationView {
  id: number;
  personId: number;
  fullName: string;
  position: string;
  unitName: string;
  status: InvitationStatus;
  statusLabel: string;
  replaces: string | null;
  /** The personal code printed on the slip, when a letter gave one. */
  code: string | null;
}

export interface SessionDetail {
  id: number;
  roundId: number;
  planId: number;
  roundLabel: string;
  roundTitle: string;
  planReference: string;
  when: string;
  venue: string;
  chair: string;
  capacity: number | null;
  checkinOpensMinutes: number;
  lateAfterMinutes: number;
  status: string;
  statusLabel: string;
  notes: string;
  input: SessionInput;
  units: { unitId: number; unitName: string; quota: number; invited: number }[];
  invitations: InvitationView[];
  warnings: string[];
}

/** Everything the session's page shows. */
export async function getSessionDetail(db: Kysely<DB>, id: number): Promise<SessionDetail> {
  const row = await requireSessionRow(db, id);
  const round = await getRound(db, row.round_id);
  const plan = await getPlan(db, round.planId);
  const invitations = await db
    .selectFrom('invitations')
    .innerJoin('people', 'people.id', 'invitations.person_id')
    .innerJoin('units', 'units.id', 'invitations.unit_id')
    .leftJoin('invitations as old', 'old.id', 'invitations.replaces_invitation_id')
    .leftJoin('people as old_person', 'old_person.id', 'old.person_id')
    .where('invitations.session_id', '=', id)
    .select([
      'invitations.id', 'invitations.person_id', 'invitations.status', 'people.full_name', 'people.position',
      'units.name as unit_name', 'old_person.full_name as replaces_name',
      (eb) => eb.selectFrom('invitation_tokens').select('short_code').whereRef('invitation_tokens.invitation_id', '=', 'invitations.id').where('invitation_tokens.status', '=', 'active').limit(1).as('code'),
    ])
    .orderBy(unitKindRank())
    .orderBy('units.sort_order')
    .orderBy('units.name')
    .orderBy('people.full_name_search')
    .execute();
  const units = await db
    .selectFrom('session_units')
    .innerJoin('units', 'units.id', 'session_units.unit_id')
    .where('session_units.session_id', '=', id)
    .select(['session_units.unit_id', 'units.name', 'session_units.quota'])
    .orderBy(unitKindRank())
    .orderBy('units.sort_order')
    .orderBy('units.name')
    .execute();
  const activeByUnit = new Map<string, number>();
  for (const inv of invitations) {
    if (inv.status === 'invited' || inv.status === 'confirmed') activeByUnit.set(inv.unit_name, (activeByUnit.get(inv.unit_name) ?? 0) + 1);
  }
  return {
    id: row.id,
    roundId: round.id,
    planId: plan.id,
    roundLabel: round.label,
    roundTitle: round.title,
    planReference: plan.reference,
    when: formatVnRange(row.starts_at, row.ends_at),
    venue: row.venue,
    chair: row.chair,
    capacity: row.capacity,
    checkinOpensMinutes: row.checkin_opens_minutes,
    lateAfterMinutes: row.late_after_minutes,
    status: row.status,
    statusLabel: SESSION_STATUS_LABELS[row.status] ?? row.status,
    notes: row.notes,
    input: toSessionInput(row),
    units: units.map((u) => ({ unitId: u.unit_id, unitName: u.name, quota: u.quota, invited: activeByUnit.get(u.name) ?? 0 })),
    invitations: invitations.map((inv) => ({
      id: inv.id,
      personId: inv.person_id,
      fullName: inv.full_name,
      position: inv.position,
      unitName: inv.unit_name,
      status: inv.status,
      statusLabel: INVITATION_STATUS_LABELS[inv.status],
      replaces: inv.replaces_name ?? null,
      code: inv.code ? formatShortCode(inv.code) : null,
    })),
    warnings: await findSessionWarnings(db, id),
  };
}

/** Sessions from yesterday on (in Vietnam), soonest first: what check-in staff open from the start page. */
export async function upcomingSessions(db: Kysely<DB>, options: { staffUserId?: number; limit?: number } = {}): Promise<{ id: number; when: string; venue: string; roundLabel: string; roundTitle: string; statusLabel: string }[]> {
  const since = new Date(Date.now() - 24 * 3600_000).toISOString();
  let query = db
    .selectFrom('sessions')
    .innerJoin('rounds', 'rounds.id', 'sessions.round_id')
    .where('sessions.ends_at', '>=', since)
    .where('sessions.status', '!=', 'cancelled');
  if (options.staffUserId) {
    const userId = options.staffUserId;
    query = query.where((eb) => eb.exists(eb.selectFrom('session_staff').select('session_staff.user_id').whereRef('session_staff.session_id', '=', 'sessions.id').where('session_staff.user_id', '=', userId)));
  }
  const rows = await query
    .select(['sessions.id', 'sessions.starts_at', 'sessions.ends_at', 'sessions.venue', 'sessions.status', 'rounds.number', 'rounds.title'])
    .orderBy('sessions.starts_at')
    .limit(options.limit ?? 8)
    .execute();
  return rows.map((r) => ({ id: r.id, when: formatVnRange(r.starts_at, r.ends_at), venue: r.venue, roundLabel: `Đợt ${r.number}`, roundTitle: r.title, statusLabel: SESSION_STATUS_LABELS[r.status] ?? r.status }));
}

// ---- Check-in staff of a session ----

/** Check-in accounts, and whether each runs this session. */
export async function listSessionStaff(db: Kysely<DB>, sessionId: number): Promise<{ userId: number; fullName: string; username: string; assigned: boolean }[]> {
  const rows = await db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .leftJoin('session_staff', (join) => join.onRef('session_staff.user_id', '=', 'users.id').on('session_staff.session_id', '=', sessionId))
    .where('user_roles.role', '=', 'checkin')
    .where('users.is_disabled', '=', 0)
    .select(['users.id', 'users.full_name', 'users.username', 'session_staff.session_id'])
    .orderBy('users.full_name')
    .execute();
  return rows.map((r) => ({ userId: r.id, fullName: r.full_name, username: r.username, assigned: r.session_id !== null }));
}

/** Gives a session to a check-in account, or takes it back. */
export async function setSessionStaff(db: Kysely<DB>, actor: Actor, sessionId: number, userId: number, assigned: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await requireSessionRow(trx, sessionId);
    const isStaff = await trx.selectFrom('user_roles').select('user_id').where('user_id', '=', userId).where('role', '=', 'checkin').executeTakeFirst();
    if (!isStaff) throw new ValidationError({ userId: 'Chọn một tài khoản cán bộ điểm danh.' });
    if (assigned) {
      await trx.insertInto('session_staff').values({ session_id: sessionId, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
    } else {
      await trx.deleteFrom('session_staff').where('session_id', '=', sessionId).where('user_id', '=', userId).execute();
    }
    await recordAudit(trx, actor, { action: assigned ? 'session.assign_staff' : 'session.unassign_staff', entityType: 'session', entityId: sessionId, after: { userId } });
  });
}

/** Organizers run any session's check-in; a check-in account only the sessions given to it. */
export async function mayRunCheckin(db: Kysely<DB> | Transaction<DB>, user: { id: number; roles: readonly string[] }, sessionId: number): Promise<boolean> {
  if (user.roles.includes('organizer')) return true;
  if (!user.roles.includes('checkin')) return false;
  return isSessionStaff(db, user.id, sessionId);
}

// Asked on every scan: remembered for a second, forgotten at once when assignments change.
const sessionStaff = cachedReadsFor({ tables: ['session_staff'], ttlMs: 1000, maxEntries: 10_000 }, async (db, key: string) => {
  const [staffId, staffedSessionId] = key.split(' ').map(Number) as [number, number];
  return Boolean(await db.selectFrom('session_staff').select('user_id').where('session_id', '=', staffedSessionId).where('user_id', '=', staffId).executeTakeFirst());
});

/** Whether the session was given to this account (whatever its roles). */
export function isSessionStaff(db: Kysely<DB> | Transaction<DB>, userId: number, sessionId: number): Promise<boolean> {
  return sessionStaff(db).get(`${userId} ${sessionId}`);
}
