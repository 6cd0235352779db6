// Queries on small key/value settings kept in the database (shared by every app instance).
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export async function findSetting(db: Executor, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function saveSetting(db: Executor, key: string, value: string, nowIso: string): Promise<void> {
  await db
    .insertInto('app_settings')
    .values({ key, value, updated_at: nowIso })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: nowIso }))
    .execute();
}

export async function deleteSetting(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('app_settings').where('key', '=', key).execute();
}
