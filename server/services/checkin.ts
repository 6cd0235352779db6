// Check-in (điểm danh): one rule for the door scanner, the room code, the desk and walk-ins. Every attempt is
// logged; a person is recorded once per session however many scans arrive; a retried request gets its first answer.
import type { Kysely, Transaction } from 'kysely';
import { cachedReadsFor } from '../db/cached-reads.ts';
import type { DB } from '../db/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { ATTENDANCE_STATUS_LABELS, ATTENDED, hhmm, personCard, submitCheckin, type CheckinRequest, type CheckinResult, type PersonCard, type Resolved, type SessionRow } from './checkin-recorder.ts';
import { isoToVnParts, nowIso } from './clock.ts';
import { findCodeWithHolder, findSessionCodesWithHolder, isWellFormedToken, normalizeShortCode, type CodeWithHolder } from './invitation-codes.ts';
import { cleanText } from './text.ts';

export { ATTENDANCE_STATUS_LABELS, type CheckinRequest, type CheckinResult, type PersonCard, type RefusalReason } from './checkin-recorder.ts';

/** The token inside a scanned personal link ("https://…/i/<token>"), the token itself, or a typed short code. */
function parseCode(raw: string): { token?: string; shortCode?: string } {
  const text = raw.trim();
  const fromUrl = /\/i\/([A-Za-z0-9_-]{22,64})(?:[/?#]|$)/.exec(text)?.[1];
  if (fromUrl) return { token: fromUrl };
  if (isWellFormedToken(text) && text.length > 12) return { token: text };
  const shortCode = normalizeShortCode(text);
  return shortCode ? { shortCode } : {};
}

async function sessionRow(trx: Transaction<DB>, id: number): Promise<SessionRow> {
  const row = await trx.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Không tìm thấy buổi tập huấn.');
  return row;
}

type WindowFields = Pick<SessionRow, 'starts_at' | 'ends_at' | 'checkin_opens_minutes' | 'status'>;

/** Check-in is open from N minutes before the start until the end, unless staff closed or cancelled the session. */
function checkinWindow(session: WindowFields, at = Date.now()) {
  const opens = new Date(session.starts_at).getTime() - session.checkin_opens_minutes * 60_000;
  const ends = new Date(session.ends_at).getTime();
  if (session.status === 'closed' || session.status === 'cancelled') return { open: false, reason: 'closed' as const, opens, ends };
  if (at < opens) return { open: false, reason: 'not-open' as const, opens, ends };
  if (at > ends) return { open: false, reason: 'closed' as const, opens, ends };
  return { open: true as const, opens, ends };
}

/** "07:00 ngày 12/05/2022", in Vietnam's time. */
function timeOnDay(iso: string): string {
  const { date, time } = isoToVnParts(iso);
  return `${time} ngày ${date.split('-').reverse().join('/')}`;
}

/** "07:00" on the day of `at` (in Vietnam), "07:00 ngày 12/05/2022" on another day. */
function momentSeenFrom(ms: number, at: number): string {
  const iso = new Date(ms).toISOString();
  const moment = isoToVnParts(iso);
  return moment.date === isoToVnParts(new Date(at).toISOString()).date ? moment.time : timeOnDay(iso);
}

/**
 * What the door, the desk and the projector say while check-in is not open: when it opens, or why it is over (null
 * while open). Worded to stay true on a page left open past the moment it names.
 */
export function checkinWindowNotice(session: WindowFields, at = Date.now()): string | null {
  const window = checkinWindow(session, at);
  if (window.open) return null;
  if (session.status === 'cancelled') return 'Buổi tập huấn đã bị hủy: không điểm danh.';
  if (session.status === 'closed') return 'Điểm danh của buổi này đã kết thúc.';
  if (window.reason === 'not-open') return `Điểm danh mở lúc ${momentSeenFrom(window.opens, at)}, ${session.checkin_opens_minutes} phút trước giờ bắt đầu.`;
  return `Đã hết giờ điểm danh: buổi tập huấn kết thúc lúc ${momentSeenFrom(window.ends, at)}.`;
}

/** Why a scan made now is refused by the window, or null while it is open. */
function windowRefusal(session: WindowFields, at = Date.now()): { reason: 'not-open' | 'closed'; message: string } | null {
  const window = checkinWindow(session, at);
  if (window.open) return null;
  if (window.reason === 'not-open') return { reason: 'not-open', message: `Chưa đến giờ điểm danh: mở lúc ${momentSeenFrom(window.opens, at)}.` };
  return { reason: 'closed', message: checkinWindowNotice(session, at)! };
}

/** The notice for the session's pages, from the session's row as the door reads it. */
export async function checkinNotice(db: Kysely<DB>, sessionId: number): Promise<string | null> {
  const session = await findSessionForCheckin(db, sessionId);
  if (!session) throw new NotFoundError('Không tìm thấy buổi tập huấn.');
  return checkinWindowNotice(session);
}

/**
 * After a quiet spell at the door, the first scans get the session's row and roster as last read (at most a minute
 * old) while they are read again: this process's own changes are never served stale (they forget the memo at once),
 * only another app instance's change could be seen up to a minute late by those first scans.
 */
const DOOR_STALE_MS = 60_000;

/** The session's row, read once a second at most during a rush; closing or editing it is seen at once. */
const checkinSessions = cachedReadsFor({ tables: ['sessions'], ttlMs: 1000, staleMs: DOOR_STALE_MS, maxEntries: 1000 }, (db, id: number) =>
  db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst(),
);

function findSessionForCheckin(db: Kysely<DB>, sessionId: number): Promise<SessionRow | undefined> {
  return checkinSessions(db).get(sessionId);
}

interface Roster {
  byToken: Map<string, CodeWithHolder>;
  byShortCode: Map<string, CodeWithHolder>;
}

/**
 * Every code of the session's invitations with its holder, read in one query and remembered for a second, so a
 * scan at the door needs no read of its own. Revoking, reissuing, replacing or substituting writes these tables,
 * which forgets the roster at once in this process; another instance's write is seen within the second.
 */
const rosters = cachedReadsFor({ tables: ['invitation_tokens', 'invitations', 'people', 'units'], ttlMs: 1000, staleMs: DOOR_STALE_MS, maxEntries: 200 }, async (db, id: number) => {
  const roster: Roster = { byToken: new Map(), byShortCode: new Map() };
  for (const code of await findSessionCodesWithHolder(db, id)) {
    roster.byToken.set(code.token, code);
    roster.byShortCode.set(code.shortCode, code);
  }
  return roster;
});

function sessionRoster(db: Kysely<DB>, sessionId: number): Promise<Roster> {
  return rosters(db).get(sessionId);
}

/** A scanned code from the session's roster; another session's code or an unknown one from the database. */
async function findScannedCode(db: Kysely<DB>, sessionId: number, parsed: { token?: string; shortCode?: string }): Promise<CodeWithHolder | undefined> {
  if (parsed.token === undefined && parsed.shortCode === undefined) return undefined;
  const roster = await sessionRoster(db, sessionId);
  const known = parsed.token !== undefined ? roster.byToken.get(parsed.token) : roster.byShortCode.get(parsed.shortCode!);
  if (known) return known;
  return findCodeWithHolder(db, parsed.token !== undefined ? { token: parsed.token } : { shortCode: parsed.shortCode! });
}

/** Starts reading what a scan of this session needs (its row and its roster), if they are not remembered. */
export function warmUpCheckin(db: Kysely<DB>, sessionId: number): void {
  checkinSessions(db).warm(sessionId);
  rosters(db).warm(sessionId);
}

/** Records one check-in attempt and returns what the scanner, the phone or the desk should show. */
export async function checkIn(db: Kysely<DB>, request: CheckinRequest): Promise<CheckinResult> {
  const nonce = request.nonce?.trim().slice(0, 100) || null;
  // Everything that only reads runs first, on the read connections; the writer then records whole batches of
  // check-ins (and answers a repeated nonce with its first answer) in one transaction each.
  // A scanned code is looked up in the session's roster: read alongside the session's row, not after it, when
  // neither is remembered yet (the first scans of a rush).
  if (request.code !== undefined) rosters(db).warm(request.sessionId);
  const session = await findSessionForCheckin(db, request.sessionId);
  if (!session) throw new NotFoundError('Không tìm thấy buổi tập huấn.');
  const resolved = await resolve(db, session, request);
  return submitCheckin(db, { session, request, resolved, nonce });
}

/** Who is checking in and whether they may, from reads only: a final refusal, or the person to record. */
async function resolve(db: Kysely<DB>, session: SessionRow, request: CheckinRequest): Promise<Resolved> {
  let personId: number | undefined;
  let invitationId: number | null = null;
  if (request.code !== undefined) {
    const parsed = parseCode(request.code);
    const code = await findScannedCode(db, session.id, parsed);
    if (!code) return { result: 'refused', reason: 'unknown', message: 'Mã không hợp lệ: không có giấy mời nào với mã này.' };
    const person: PersonCard = { personId: code.personId, name: code.fullName, position: code.position, unit: code.unitName };
    if (code.status === 'replaced') return { result: 'refused', reason: 'replaced', message: 'Mã đã được thay bằng giấy mời mới hoặc đã có người đi thay.', person };
    if (code.status === 'revoked') return { result: 'refused', reason: 'revoked', message: 'Mã giấy mời đã bị thu hồi.', person };
    if (code.sessionId !== session.id) {
      const other = await db.selectFrom('sessions').select(['starts_at']).where('id', '=', code.sessionId).executeTakeFirst();
      const when = other ? timeOnDay(other.starts_at) : '';
      return { result: 'refused', reason: 'other-session', message: `Giấy mời của buổi khác${when ? ` (${when})` : ''}.`, person };
    }
    if (checkinWindow(session).open) return { personId: code.personId, invitationId: code.invitationId, person };
    personId = code.personId;
    invitationId = code.invitationId;
  } else if (request.personId !== undefined) {
    personId = request.personId;
    const exists = await db.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst();
    if (!exists) return { result: 'refused', reason: 'unknown', message: 'Không tìm thấy người này.' };
    const invitation = await db
      .selectFrom('invitations')
      .select('id')
      .where('session_id', '=', session.id)
      .where('person_id', '=', personId)
      .where('status', 'in', ['invited', 'confirmed'])
      .executeTakeFirst();
    invitationId = invitation?.id ?? null;
  }
  const refusal = windowRefusal(session);
  if (refusal) return { result: 'refused', ...refusal, person: personId ? await personCard(db, personId) : undefined };
  if (!personId && !request.walkIn) return { result: 'refused', reason: 'unknown', message: 'Không đọc được mã.' };
  return { personId, invitationId };
}

/** Excused absence (vắng có phép): a reason is required. */
export async function markExcused(db: Kysely<DB>, actor: Actor, sessionId: number, personId: number, reasonRaw: string): Promise<void> {
  const reason = cleanText(reasonRaw);
  if (!reason) throw new ValidationError({ reason: 'Nhập lý do vắng.' });
  if (reason.length > 500) throw new ValidationError({ reason: 'Lý do quá dài (tối đa 500 ký tự).' });
  await db.transaction().execute(async (trx) => {
    await sessionRow(trx, sessionId);
    const person = await personCard(trx, personId);
    const existing = await trx.selectFrom('attendances').selectAll().where('session_id', '=', sessionId).where('person_id', '=', personId).executeTakeFirst();
    if (existing && ATTENDED.includes(existing.status)) throw new ConflictError(`${person.name} đã điểm danh có mặt; hoàn tác trước nếu cần.`);
    const now = nowIso();
    const values = { status: 'excused' as const, reason, checked_in_at: null, method: 'desk' as const, recorded_by: actor.userId, needs_review: 0, updated_at: now };
    if (existing) await trx.updateTable('attendances').set(values).where('id', '=', existing.id).execute();
    else await trx.insertInto('attendances').values({ ...values, session_id: sessionId, person_id: personId, invitation_id: null, substitute_for: '', created_at: now }).execute();
    await recordAudit(trx, actor, { action: 'attendance.excuse', entityType: 'session', entityId: sessionId, before: existing ? { person: person.name, status: existing.status } : undefined, after: { person: person.name, status: 'excused', reason } });
  });
}

/** Undo a recorded attendance (a wrong scan): the reason is required and audited with what was removed. */
export async function undoAttendance(db: Kysely<DB>, actor: Actor, attendanceId: number, reasonRaw: string): Promise<number> {
  const reason = cleanText(reasonRaw);
  if (!reason) throw new ValidationError({ reason: 'Nhập lý do hoàn tác.' });
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('attendances').selectAll().where('id', '=', attendanceId).executeTakeFirst();
    if (!row) throw new NotFoundError('Không tìm thấy lượt điểm danh.');
    const person = await personCard(trx, row.person_id);
    await trx.deleteFrom('attendances').where('id', '=', attendanceId).execute();
    await recordAudit(trx, actor, {
      action: 'attendance.undo',
      entityType: 'session',
      entityId: row.session_id,
      before: { person: person.name, status: row.status, checkedInAt: row.checked_in_at ? hhmm(row.checked_in_at) : null, method: row.method },
      after: { reason },
    });
    return row.session_id;
  });
}

/** Staff confirm a walk-in or substitute registered from the room. */
export async function confirmReview(db: Kysely<DB>, actor: Actor, attendanceId: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('attendances').selectAll().where('id', '=', attendanceId).executeTakeFirst();
    if (!row) throw new NotFoundError('Không tìm thấy lượt điểm danh.');
    await trx.updateTable('attendances').set({ needs_review: 0, updated_at: nowIso() }).where('id', '=', attendanceId).execute();
    const person = await personCard(trx, row.person_id);
    await recordAudit(trx, actor, { action: 'attendance.confirm', entityType: 'session', entityId: row.session_id, after: { person: person.name } });
    return row.session_id;
  });
}

/** Closes the session: everyone invited who has no attendance is recorded absent (vắng). */
export async function closeSession(db: Kysely<DB>, actor: Actor, sessionId: number): Promise<{ absent: number }> {
  return db.transaction().execute(async (trx) => {
    const session = await sessionRow(trx, sessionId);
    if (session.status === 'closed') throw new ConflictError('Buổi này đã kết thúc điểm danh.');
    if (session.status === 'cancelled') throw new ConflictError('Buổi này đã bị hủy.');
    const missing = await trx
      .selectFrom('invitations')
      .select(['invitations.id', 'invitations.person_id'])
      .where('invitations.session_id', '=', sessionId)
      .where('invitations.status', 'in', ['invited', 'confirmed'])
      .where((eb) => eb.not(eb.exists(eb.selectFrom('attendances').select('attendances.id').whereRef('attendances.person_id', '=', 'invitations.person_id').where('attendances.session_id', '=', sessionId))))
      .execute();
    const now = nowIso();
    if (missing.length) {
      await trx
        .insertInto('attendances')
        .values(missing.map((m) => ({ session_id: sessionId, person_id: m.person_id, invitation_id: m.id, status: 'absent' as const, checked_in_at: null, reason: '', method: 'close' as const, recorded_by: actor.userId, needs_review: 0, substitute_for: '', created_at: now, updated_at: now })))
        .execute();
    }
    await trx.updateTable('sessions').set({ status: 'closed', updated_at: now }).where('id', '=', sessionId).execute();
    await recordAudit(trx, actor, { action: 'attendance.close', entityType: 'session', entityId: sessionId, after: { absent: missing.length } });
    return { absent: missing.length };
  });
}

export interface LiveCounts {
  invited: number;
  attended: number;
  late: number;
  excused: number;
  absent: number;
  needsReview: number;
  units: { unit: string; invited: number; attended: number }[];
  recent: { id: number; name: string; unit: string; at: string; status: string; needsReview: boolean; method: string }[];
}

/** Counts per unit and the latest arrivals, for the live board (aggregated in SQL: cost follows the session). */
export async function liveCounts(db: Kysely<DB>, sessionId: number): Promise<LiveCounts> {
  const invited = await db
    .selectFrom('invitations')
    .innerJoin('units', 'units.id', 'invitations.unit_id')
    .where('invitations.session_id', '=', sessionId)
    .where('invitations.status', 'in', ['invited', 'confirmed'])
    .select(['units.name', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('units.name')
    .execute();
  const attended = await db
    .selectFrom('attendances')
    .innerJoin('people', 'people.id', 'attendances.person_id')
    .innerJoin('units', 'units.id', 'people.unit_id')
    .where('attendances.session_id', '=', sessionId)
    .select(['units.name', 'attendances.status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('attendances.needs_review').as('review')])
    .groupBy(['units.name', 'attendances.status'])
    .execute();
  const units = new Map<string, { unit: string; invited: number; attended: number }>();
  for (const row of invited) units.set(row.name, { unit: row.name, invited: Number(row.n), attended: 0 });
  const totals = { attended: 0, late: 0, excused: 0, absent: 0, needsReview: 0 };
  for (const row of attended) {
    const n = Number(row.n);
    totals.needsReview += Number(row.review ?? 0);
    if (ATTENDED.includes(row.status)) {
      totals.attended += n;
      const entry = units.get(row.name) ?? { unit: row.name, invited: 0, attended: 0 };
      entry.attended += n;
      units.set(row.name, entry);
    }
    if (row.status === 'late') totals.late += n;
    if (row.status === 'excused') totals.excused += n;
    if (row.status === 'absent') totals.absent += n;
  }
  const recent = await db
    .selectFrom('attendances')
    .innerJoin('people', 'people.id', 'attendances.person_id')
    .innerJoin('units', 'units.id', 'people.unit_id')
    .where('attendances.session_id', '=', sessionId)
    .where('attendances.status', 'in', [...ATTENDED])
    .select(['attendances.id', 'people.full_name', 'units.name', 'attendances.checked_in_at', 'attendances.status', 'attendances.needs_review', 'attendances.method'])
    .orderBy('attendances.checked_in_at', 'desc')
    .limit(15)
    .execute();
  return {
    invited: invited.reduce((n, r) => n + Number(r.n), 0),
    ...totals,
    units: [...units.values()].sort((a, b) => a.unit.localeCompare(b.unit, 'vi')),
    recent: recent.map((r) => ({ id: r.id, name: r.full_name, unit: r.name, at: r.checked_in_at ? hhmm(r.checked_in_at) : '', status: ATTENDANCE_STATUS_LABELS[r.status], needsReview: r.needs_review === 1, method: r.method })),
  };
}
