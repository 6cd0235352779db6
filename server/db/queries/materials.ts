// Queries on materials (uploaded evidence files) and the plan, round and session they belong to.
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB, MaterialsTable } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type MaterialRow = Selectable<MaterialsTable>;

/** A material with what its pages show beside it: uploader, round number, session start. */
export interface MaterialListRow extends MaterialRow {
  uploader_name: string | null;
  round_number: number | null;
  session_starts_at: string | null;
}

/** Which materials: all of a plan, of a round (with its sessions), or of one session. */
export type MaterialFilter = { planId: number } | { roundId: number } | { sessionId: number };

function materialsWithContext(db: Executor) {
  return db
    .selectFrom('materials')
    .leftJoin('users', 'users.id', 'materials.uploaded_by')
    .leftJoin('rounds', 'rounds.id', 'materials.round_id')
    .leftJoin('sessions', 'sessions.id', 'materials.session_id')
    .selectAll('materials')
    .select(['users.full_name as uploader_name', 'rounds.number as round_number', 'sessions.starts_at as session_starts_at']);
}

export function listMaterialRows(db: Executor, filter: MaterialFilter, options: { deleted?: boolean } = {}): Promise<MaterialListRow[]> {
  let query = materialsWithContext(db);
  if ('planId' in filter) query = query.where('materials.plan_id', '=', filter.planId);
  else if ('roundId' in filter) query = query.where('materials.round_id', '=', filter.roundId);
  else query = query.where('materials.session_id', '=', filter.sessionId);
  query = options.deleted ? query.where('materials.deleted_at', 'is not', null) : query.where('materials.deleted_at', 'is', null);
  return query.orderBy('materials.kind').orderBy('materials.captured_at').orderBy('materials.uploaded_at').orderBy('materials.id').execute();
}

/** Soft-deleted materials across all plans, newest deletion first (the admin's purge list). */
export function listDeletedMaterialRows(db: Executor): Promise<MaterialListRow[]> {
  return materialsWithContext(db).where('materials.deleted_at', 'is not', null).orderBy('materials.deleted_at', 'desc').execute();
}

export function findMaterialRow(db: Executor, id: number): Promise<MaterialListRow | undefined> {
  return materialsWithContext(db).where('materials.id', '=', id).executeTakeFirst();
}

/** A live (not deleted) material of the plan with this content, if any. */
export function findLiveMaterialBySha(db: Executor, planId: number, sha256: string): Promise<{ id: number; title: string } | undefined> {
  return db
    .selectFrom('materials')
    .select(['id', 'title'])
    .where('plan_id', '=', planId)
    .where('sha256', '=', sha256)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function insertMaterial(db: Executor, values: Insertable<MaterialsTable>): Promise<number> {
  const row = await db.insertInto('materials').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function markMaterialDeleted(db: Executor, id: number, values: { deleted_at: string; deleted_by: number | null; delete_reason: string }): Promise<void> {
  await db.updateTable('materials').set(values).where('id', '=', id).execute();
}

export async function deleteMaterialRow(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('materials').where('id', '=', id).execute();
}

/** Which of these storage keys (file or thumbnail) the database knows. */
export async function findKnownStorageKeys(db: Executor, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .selectFrom('materials')
    .select(['storage_key', 'thumbnail_key'])
    .where((eb) => eb.or([eb('storage_key', 'in', keys), eb('thumbnail_key', 'in', keys)]))
    .execute();
  return new Set(rows.flatMap((r) => [r.storage_key, r.thumbnail_key]).filter((k): k is string => k !== null));
}
