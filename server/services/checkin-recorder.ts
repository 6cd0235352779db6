// Writes check-ins. Scans that arrive together are recorded together: one transaction per batch (group commit),
// so a rush at the door costs a handful of statements per batch instead of six per person, and every caller is
// answered only after the COMMIT that holds its record (an acknowledged check-in survives a crash).
import type { Insertable, Kysely, Transaction } from 'kysely';
import { insertJsonRows, JsonText, pairIn, type JsonRow } from '../db/json-rows.ts';
import type { AttendanceStatus, AttendancesTable, CheckinAttemptsTable, CheckinMethod, DB, SessionsTable } from '../db/types.ts';
import type { Selectable } from 'kysely';
import { recordAudits, type Actor, type AuditChange } from './audit.ts';
import { isoToVnParts, nowIso } from './clock.ts';
import { cleanText, phoneDigits, searchKey, searchTokens } from './text.ts';

export const ATTENDANCE_STATUS_LABELS: Record<AttendanceStatus, string> = {
  present: 'Có mặt',
  late: 'Đến muộn',
  excused: 'Vắng có phép',
  absent: 'Vắng',
  substitute: 'Đi thay',
};

/** Statuses that mean the person was in the room. */
export const ATTENDED: readonly AttendanceStatus[] = ['present', 'late', 'substitute'];

export interface PersonCard {
  personId: number;
  name: string;
  position: string;
  unit: string;
}

export type CheckinResult =
  | { result: 'ok'; status: AttendanceStatus; statusLabel: string; at: string; person: PersonCard; needsReview: boolean }
  | { result: 'duplicate'; person: PersonCard; firstAt: string; firstBy: string; message: string }
  | { result: 'refused'; reason: RefusalReason; message: string; person?: PersonCard };

export type RefusalReason = 'unknown' | 'revoked' | 'replaced' | 'other-session' | 'not-open' | 'closed' | 'not-invited';

export interface CheckinRequest {
  sessionId: number;
  method: CheckinMethod;
  actor: Actor;
  device?: string;
  /** What was scanned or typed: the personal link, its token, or the 9-character code. */
  code?: string;
  /** The desk picks a person directly. */
  personId?: number;
  /** A walk-in or self-declared substitute registering in the room. */
  walkIn?: { fullName: string; position: string; unitId: number; substituteFor: string };
  /** Same nonce, same answer: a retried request never acts twice. */
  nonce?: string;
}

export type SessionRow = Selectable<SessionsTable>;

/** What the reads before the write decided: a final refusal, or the person to record. */
export type Resolved = CheckinResult | { personId?: number; invitationId: number | null; person?: PersonCard };

/** One check-in waiting for the writer. */
export interface PendingCheckin {
  session: SessionRow;
  request: CheckinRequest;
  resolved: Resolved;
  /** Trimmed client nonce, or null. */
  nonce: string | null;
}

type AttendanceRow = Pick<Selectable<AttendancesTable>, 'id' | 'status' | 'checked_in_at' | 'created_at' | 'recorded_by' | 'method'>;

/** A bound on a batch: every answer in it waits for its COMMIT. */
const MAX_BATCH = 200;

export const hhmm = (iso: string) => isoToVnParts(iso).time;

export async function personCard(db: Kysely<DB> | Transaction<DB>, personId: number): Promise<PersonCard> {
  const row = await db
    .selectFrom('people')
    .innerJoin('units', 'units.id', 'people.unit_id')
    .select(['people.id', 'people.full_name', 'people.position', 'units.name'])
    .where('people.id', '=', personId)
    .executeTakeFirstOrThrow();
  return { personId: row.id, name: row.full_name, position: row.position, unit: row.name };
}

interface Queued extends PendingCheckin {
  resolve(result: CheckinResult): void;
  reject(error: unknown): void;
}

/** Queues check-ins and writes whatever has queued up while the previous batch was being committed. */
class CheckinRecorder {
  readonly #db: Kysely<DB>;
  #queue: Queued[] = [];
  #draining = false;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Check-ins in the batch being written now. */
  #writing = 0;

  get waiting(): number {
    return this.#queue.length;
  }

  get writing(): number {
    return this.#writing;
  }

  submit(pending: PendingCheckin): Promise<CheckinResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ ...pending, resolve, reject });
      if (!this.#draining) {
        // The first batch starts after this turn of the event loop: scans that arrived together (a wave of
        // clients) are all queued by then and written as one, instead of the first alone and the rest after it.
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        this.#writing = batch.length;
        let answers: CheckinResult[];
        try {
          answers = await this.#db.transaction().setIsolationLevel('read committed').execute((trx) => recordBatch(trx, batch));
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          // One item broke the batch (rolled back whole): each on its own now, so only that one fails.
          for (const item of batch) {
            try {
              item.resolve((await this.#db.transaction().execute((trx) => recordBatch(trx, [item])))[0]!);
            } catch (itemError) {
              item.reject(itemError);
            }
          }
          continue;
        }
        batch.forEach((item, i) => item.resolve(answers[i]!));
      }
    } finally {
      this.#writing = 0;
      this.#draining = false;
    }
  }
}

const recorders = new WeakMap<Kysely<DB>, CheckinRecorder>();

/** Records a resolved check-in (or logs its refusal) and answers once it is committed. */
export function submitCheckin(db: Kysely<DB>, pending: PendingCheckin): Promise<CheckinResult> {
  let recorder = recorders.get(db);
  if (!recorder) recorders.set(db, (recorder = new CheckinRecorder(db)));
  return recorder.submit(pending);
}

/** Check-ins waiting for the writer behind the batch being written (zero when the door is quiet). */
export function waitingCheckins(db: Kysely<DB>): number {
  return recorders.get(db)?.waiting ?? 0;
}

/** Check-ins in the batch being written now (zero when the writer is idle). */
export function writingCheckins(db: Kysely<DB>): number {
  return recorders.get(db)?.writing ?? 0;
}

const nonceKey = (sessionId: number, nonce: string) => `${sessionId} ${nonce}`;
const personKey = (sessionId: number, personId: number) => `${sessionId} ${personId}`;

/** The whole batch inside one write transaction; answers in the order of the batch. */
async function recordBatch(trx: Transaction<DB>, batch: PendingCheckin[]): Promise<CheckinResult[]> {
  const answers: (CheckinResult | undefined)[] = new Array(batch.length);
  // Both reads at once (one wait for the connection instead of two), under the write lock: the answers already
  // given to these nonces, and the attendances already recorded for these people — of two scans of one person,
  // here or in different batches, exactly one records.
  const [stored, attendances] = await Promise.all([storedAnswers(trx, batch), existingAttendances(trx, batch)]);
  // Same nonce, same answer: a request answered before, or an earlier request of this very batch.
  const firstWithNonce = new Map<string, number>();
  const repeatOf = new Map<number, number>();
  batch.forEach((item, i) => {
    if (!item.nonce) return;
    const key = nonceKey(item.session.id, item.nonce);
    const earlier = stored.get(key);
    if (earlier) answers[i] = earlier;
    else if (firstWithNonce.has(key)) repeatOf.set(i, firstWithNonce.get(key)!);
    else firstWithNonce.set(key, i);
  });
  const fresh = batch.map((_, i) => i).filter((i) => answers[i] === undefined && !repeatOf.has(i));
  // One moment for the whole batch: its check-ins are committed together, within milliseconds of arriving.
  const now = nowIso();
  const at = hhmm(now);

  const inserts: Insertable<AttendancesTable>[] = [];
  const audits: { actor: Actor; change: AuditChange }[] = [];
  const duplicates: { index: number; first: AttendanceRow; person: PersonCard }[] = [];
  for (const i of fresh) {
    const { session, request, resolved } = batch[i]!;
    if ('result' in resolved) {
      answers[i] = resolved;
      continue;
    }
    if (request.walkIn) {
      // Rare (a person registering in the room): the one-at-a-time path, which may create the person.
      answers[i] = await recordWalkIn(trx, session, request, resolved.invitationId);
      continue;
    }
    const personId = resolved.personId!;
    const person = resolved.person ?? (await personCard(trx, personId));
    const key = personKey(session.id, personId);
    const before = attendances.get(key);
    if (before && ATTENDED.includes(before.status)) {
      duplicates.push({ index: i, first: before, person });
      continue;
    }
    const status = arrivalStatus(session, '', now);
    const values = { status, checked_in_at: now, reason: '', method: request.method, recorded_by: request.actor.userId, invitation_id: resolved.invitationId, needs_review: 0, substitute_for: '', updated_at: now };
    if (before) {
      // Marked excused or absent earlier, and here after all.
      await trx.updateTable('attendances').set(values).where('id', '=', before.id).execute();
    } else {
      inserts.push({ ...values, session_id: session.id, person_id: personId, created_at: now });
    }
    attendances.set(key, { id: before?.id ?? 0, status, checked_in_at: now, created_at: now, recorded_by: request.actor.userId, method: request.method });
    audits.push({ actor: request.actor, change: checkinAudit(session.id, person, before?.status, status, request.method, false) });
    answers[i] = { result: 'ok', status, statusLabel: ATTENDANCE_STATUS_LABELS[status], at, person, needsReview: false };
  }
  if (duplicates.length > 0) {
    const names = await recorderNames(trx, duplicates.map((d) => d.first.recorded_by));
    for (const { index, first, person } of duplicates) {
      const firstAt = hhmm(first.checked_in_at ?? first.created_at);
      const firstBy = (first.recorded_by && names.get(first.recorded_by)) || (first.method === 'room' || first.method === 'walk-in' ? 'tự điểm danh bằng mã phòng' : 'hệ thống');
      answers[index] = { result: 'duplicate', person, firstAt, firstBy, message: `Đã điểm danh lúc ${firstAt} (${firstBy}).` };
    }
  }
  const attempts = fresh.map((i) => attemptRow(batch[i]!, answers[i]!, now));
  // Three independent inserts sent together; all of them settle before the transaction ends either way.
  await allSettledOrThrow([
    insertJsonRows(trx, 'attendances', inserts),
    recordAudits(trx, audits),
    insertJsonRows(trx, 'checkin_attempts', attempts),
  ]);
  for (const [i, first] of repeatOf) answers[i] = answers[first];
  return answers as CheckinResult[];
}

/** Waits for every statement (none may still be queued when the transaction ends), then throws the first failure. */
async function allSettledOrThrow(work: (Promise<unknown> | undefined)[]): Promise<void> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

async function storedAnswers(trx: Transaction<DB>, batch: PendingCheckin[]): Promise<Map<string, CheckinResult>> {
  const withNonce = batch.filter((item) => item.nonce);
  if (withNonce.length === 0) return new Map();
  const rows = await trx
    .selectFrom('checkin_attempts')
    .select(['session_id', 'client_nonce', 'response_json'])
    .where('client_nonce', 'is not', null)
    .where(pairIn('session_id', 'client_nonce', withNonce.map((item) => [item.session.id, item.nonce!] as const)))
    .execute();
  return new Map(rows.map((row) => [nonceKey(row.session_id, row.client_nonce!), JSON.parse(row.response_json) as CheckinResult]));
}

async function existingAttendances(trx: Transaction<DB>, items: PendingCheckin[]): Promise<Map<string, AttendanceRow>> {
  const pairs = items.flatMap((item) => ('result' in item.resolved || !item.resolved.personId ? [] : [[item.session.id, item.resolved.personId] as const]));
  if (pairs.length === 0) return new Map();
  const rows = await trx
    .selectFrom('attendances')
    .select(['id', 'session_id', 'person_id', 'status', 'checked_in_at', 'created_at', 'recorded_by', 'method'])
    .where(pairIn('session_id', 'person_id', pairs))
    .execute();
  return new Map(rows.map((row) => [personKey(row.session_id, row.person_id), row]));
}

async function recorderNames(trx: Transaction<DB>, userIds: (number | null)[]): Promise<Map<number, string>> {
  const ids = [...new Set(userIds.filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('users').select(['id', 'full_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.full_name]));
}

/** On time, late (after the session's threshold), or a substitute. */
function arrivalStatus(session: SessionRow, substituteFor: string, at: string): AttendanceStatus {
  if (substituteFor) return 'substitute';
  return Date.parse(at) > Date.parse(session.starts_at) + session.late_after_minutes * 60_000 ? 'late' : 'present';
}

function checkinAudit(sessionId: number, person: PersonCard, before: AttendanceStatus | undefined, status: AttendanceStatus, method: CheckinMethod, needsReview: boolean): AuditChange {
  return {
    action: 'attendance.checkin',
    entityType: 'session',
    entityId: sessionId,
    before: before ? { person: person.name, status: before } : undefined,
    after: { person: person.name, status, method, needsReview },
  };
}

function attemptRow({ session, request, nonce }: PendingCheckin, outcome: CheckinResult, at: string): JsonRow<Insertable<CheckinAttemptsTable>> {
  return {
    session_id: session.id,
    at,
    user_id: request.actor.userId,
    method: request.method,
    ip: request.actor.ip,
    device: (request.device ?? '').slice(0, 200),
    input: (request.code ?? (request.personId ? `#${request.personId}` : (request.walkIn?.fullName ?? ''))).slice(0, 200),
    result: outcome.result,
    reason: outcome.result === 'refused' ? outcome.reason : '',
    person_id: 'person' in outcome && outcome.person ? outcome.person.personId : null,
    client_nonce: nonce,
    response_json: new JsonText(outcome),
  };
}

/** A walk-in or self-declared substitute: the person record (reused for the same name in the same unit), then the attendance, flagged for review. */
async function recordWalkIn(trx: Transaction<DB>, session: SessionRow, request: CheckinRequest, invitationId: number | null): Promise<CheckinResult> {
  const walkIn = request.walkIn!;
  const fullName = cleanText(walkIn.fullName);
  // The same name in the same unit is the same person: reuse, so a second registration is a duplicate.
  const existingPerson = await trx.selectFrom('people').select('id').where('full_name_search', '=', searchKey(fullName)).where('unit_id', '=', walkIn.unitId).executeTakeFirst();
  let personId: number;
  if (existingPerson) personId = existingPerson.id;
  else {
    const now = nowIso();
    const row = await trx
      .insertInto('people')
      .values({ full_name: fullName, full_name_search: searchKey(fullName), position: cleanText(walkIn.position), unit_id: walkIn.unitId, phone: '', phone_digits: phoneDigits(''), email: '', notes: 'Đăng ký tại chỗ', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    personId = row.id;
    const tokens = searchTokens(fullName);
    if (tokens.length) await trx.insertInto('person_name_tokens').values(tokens.map((token) => ({ token, person_id: row.id }))).execute();
  }
  const person = await personCard(trx, personId);
  const existing = await trx.selectFrom('attendances').selectAll().where('session_id', '=', session.id).where('person_id', '=', personId).executeTakeFirst();
  if (existing && ATTENDED.includes(existing.status)) {
    const firstAt = hhmm(existing.checked_in_at ?? existing.created_at);
    const names = await recorderNames(trx, [existing.recorded_by]);
    const firstBy = (existing.recorded_by && names.get(existing.recorded_by)) || (existing.method === 'room' || existing.method === 'walk-in' ? 'tự điểm danh bằng mã phòng' : 'hệ thống');
    return { result: 'duplicate', person, firstAt, firstBy, message: `Đã điểm danh lúc ${firstAt} (${firstBy}).` };
  }
  const substituteFor = cleanText(walkIn.substituteFor);
  const now = nowIso();
  const status = arrivalStatus(session, substituteFor, now);
  const values = { status, checked_in_at: now, reason: '', method: request.method, recorded_by: request.actor.userId, invitation_id: invitationId, needs_review: 1, substitute_for: substituteFor, updated_at: now };
  if (existing) await trx.updateTable('attendances').set(values).where('id', '=', existing.id).execute();
  else await trx.insertInto('attendances').values({ ...values, session_id: session.id, person_id: personId, created_at: now }).execute();
  await recordAudits(trx, [{ actor: request.actor, change: checkinAudit(session.id, person, existing?.status, status, request.method, true) }]);
  return { result: 'ok', status, statusLabel: ATTENDANCE_STATUS_LABELS[status], at: hhmm(now), person, needsReview: true };
}
