// Queries on people imports awaiting confirmation (previews).
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB, PeopleImportsTable } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type PeopleImportRow = Selectable<PeopleImportsTable>;

export async function insertPeopleImport(db: Executor, values: Insertable<PeopleImportsTable>): Promise<void> {
  await db.insertInto('people_imports').values(values).execute();
}

export function findPeopleImport(db: Executor, id: string): Promise<PeopleImportRow | undefined> {
  return db.selectFrom('people_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes one preview; true when it was there (so only one confirmation can use it). */
export async function deletePeopleImport(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('people_imports').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteExpiredPeopleImports(db: Executor, nowIso: string): Promise<void> {
  await db.deleteFrom('people_imports').where('expires_at', '<=', nowIso).execute();
}
