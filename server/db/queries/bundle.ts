// Queries behind the evidence bundle: what goes into a plan's or a round's bundle, the fingerprint of those
// inputs, and the stored checksums of bundles already built.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** A bundle's scope as stored: the whole plan, or one round of it. */
export interface ScopeKey {
  kind: 'plan' | 'round';
  id: number;
  planId: number;
  /** The round of a round scope; undefined for a plan. */
  roundId?: number;
}

export function findPlanRow(db: Executor, id: number) {
  return db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findRoundRow(db: Executor, id: number) {
  return db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The scope's rounds by number. */
export function listScopeRounds(db: Executor, scope: ScopeKey) {
  let query = db.selectFrom('rounds').selectAll().where('plan_id', '=', scope.planId);
  if (scope.roundId !== undefined) query = query.where('id', '=', scope.roundId);
  return query.orderBy('number').orderBy('id').execute();
}

/** The sessions of some rounds in time order. */
export function listScopeSessions(db: Executor, roundIds: number[]) {
  if (roundIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('sessions').selectAll().where('round_id', 'in', roundIds).orderBy('starts_at').orderBy('id').execute();
}

/** Letters of the register (issued, and issued then replaced) for some rounds, in register order. */
export function listRegisterLetters(db: Executor, roundIds: number[]) {
  if (roundIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('letters')
    .select(['id', 'kind', 'status', 'year', 'number', 'symbol', 'issued_on', 'issued_at', 'round_id', 'session_id', 'updated_at'])
    .where('round_id', 'in', roundIds)
    .where('status', 'in', ['issued', 'replaced'])
    .orderBy('issued_on')
    .orderBy('kind')
    .orderBy('number')
    .orderBy('id')
    .execute();
}

/**
 * Files kept (not deleted) for the scope: all of the plan's for a plan; for a round, the round's own and the
 * plan document (the round is carried out under it).
 */
export function listScopeMaterials(db: Executor, scope: ScopeKey) {
  let query = db.selectFrom('materials').selectAll().where('plan_id', '=', scope.planId).where('deleted_at', 'is', null);
  if (scope.roundId !== undefined) {
    const roundId = scope.roundId;
    query = query.where((eb) => eb.or([eb('round_id', '=', roundId), eb.and([eb('round_id', 'is', null), eb('kind', '=', 'plan')])]));
  }
  return query.orderBy('uploaded_at').orderBy('id').execute();
}

/** News items kept for the scope (a round's: its own), by publication date. */
export function listScopeNews(db: Executor, scope: ScopeKey) {
  let query = db.selectFrom('news_links').selectAll().where('plan_id', '=', scope.planId).where('deleted_at', 'is', null);
  if (scope.roundId !== undefined) query = query.where('round_id', '=', scope.roundId);
  return query.orderBy('published_on').orderBy('id').execute();
}

/** Latest attendance change per session (the filled sign-in sheet's date). */
export async function lastAttendanceChange(db: Executor, sessionIds: number[]): Promise<Map<number, string>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('attendances')
    .select(['session_id', (eb) => eb.fn.max('updated_at').as('at')])
    .where('session_id', 'in', sessionIds)
    .groupBy('session_id')
    .execute();
  return new Map(rows.map((row) => [row.session_id, String(row.at)]));
}

/**
 * Every row that shapes a plan's bundles, reduced to what changes when it changes (ids, update times, statuses,
 * checksums), in a stable order; hashing it gives a bundle's fingerprint. The whole plan counts even for a round:
 * the results report shows the plan's progress and coverage. Time enters only through which sessions have ended
 * at `now` (the report counts an ended session as held), so that flag is part of it too.
 */
export async function loadFingerprintRows(db: Executor, planId: number, now: string): Promise<unknown[]> {
  const rounds = await db.selectFrom('rounds').select(['id', 'updated_at']).where('plan_id', '=', planId).orderBy('id').execute();
  const rids = rounds.length ? rounds.map((r) => r.id) : [-1];
  const sessions = await db.selectFrom('sessions').select(['id', 'updated_at', 'status', 'ends_at']).where('round_id', 'in', rids).orderBy('id').execute();
  const sids = sessions.length ? sessions.map((s) => s.id) : [-1];
  const [agency, plan, planUnits, quotas, sessionUnits, letters, invitations, attendances, people, units, materials, news] = await Promise.all([
    db.selectFrom('agency').select(['id', 'updated_at']).orderBy('id').execute(),
    db.selectFrom('plans').select(['id', 'updated_at']).where('id', '=', planId).execute(),
    db.selectFrom('plan_units').select(['unit_id']).where('plan_id', '=', planId).orderBy('unit_id').execute(),
    db.selectFrom('round_quotas').select(['round_id', 'unit_id', 'quota']).where('round_id', 'in', rids).orderBy('round_id').orderBy('unit_id').execute(),
    db.selectFrom('session_units').select(['session_id', 'unit_id', 'quota']).where('session_id', 'in', sids).orderBy('session_id').orderBy('unit_id').execute(),
    db.selectFrom('letters').select(['id', 'status', 'updated_at']).where('round_id', 'in', rids).orderBy('id').execute(),
    db.selectFrom('invitations').select(['id', 'status', 'updated_at']).where('session_id', 'in', sids).orderBy('id').execute(),
    db.selectFrom('attendances').select(['id', 'status', 'updated_at']).where('session_id', 'in', sids).orderBy('id').execute(),
    db
      .selectFrom('people')
      .select(['id', 'updated_at'])
      .where((eb) =>
        eb.or([
          eb('id', 'in', eb.selectFrom('invitations').select('person_id').where('session_id', 'in', sids)),
          eb('id', 'in', eb.selectFrom('attendances').select('person_id').where('session_id', 'in', sids)),
        ]),
      )
      .orderBy('id')
      .execute(),
    db.selectFrom('units').select(['id', 'updated_at']).orderBy('id').execute(),
    db
      .selectFrom('materials')
      .select(['id', 'kind', 'round_id', 'session_id', 'title', 'description', 'original_name', 'storage_key', 'mime_type', 'bytes', 'sha256', 'uploaded_at', 'deleted_at'])
      .where('plan_id', '=', planId)
      .orderBy('id')
      .execute(),
    db.selectFrom('news_links').select(['id', 'updated_at', 'deleted_at']).where('plan_id', '=', planId).orderBy('id').execute(),
  ]);
  return [
    agency, plan, planUnits, rounds,
    sessions.map((s) => [s.id, s.updated_at, s.status, s.ends_at <= now]),
    quotas, sessionUnits, letters, invitations, attendances, people, units, materials, news,
  ];
}

export function findBundleDigest(db: Executor, scope: Pick<ScopeKey, 'kind' | 'id'>) {
  return db.selectFrom('bundle_digests').selectAll().where('scope_kind', '=', scope.kind).where('scope_id', '=', scope.id).executeTakeFirst();
}

/** Keeps the latest checksum of a scope's bundle (one row per scope). */
export async function saveBundleDigest(
  db: Executor,
  scope: Pick<ScopeKey, 'kind' | 'id'>,
  digest: { fingerprint: string; sha256: string; bytes: number; computedAt: string },
): Promise<void> {
  const values = { fingerprint: digest.fingerprint, sha256: digest.sha256, bytes: digest.bytes, computed_at: digest.computedAt };
  await db
    .insertInto('bundle_digests')
    .values({ scope_kind: scope.kind, scope_id: scope.id, ...values })
    .onConflict((oc) => oc.columns(['scope_kind', 'scope_id']).doUpdateSet(values))
    .execute();
}
