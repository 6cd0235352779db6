// Queries on server-side login sessions (auth_sessions; "sessions" are training sessions) (keyed by a hash of the cookie's id, never the id itself).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, AuthSessionsTable } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export function findSession(db: Executor, idHash: string): Promise<Selectable<AuthSessionsTable> | undefined> {
  return db.selectFrom('auth_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

/** The session whose id hash starts with `prefix` (hex): a range on the primary key, so one index probe. */
export function findSessionByHashPrefix(db: Executor, prefix: string): Promise<Pick<Selectable<AuthSessionsTable>, 'id_hash' | 'user_id' | 'expires_at'> | undefined> {
  return db
    .selectFrom('auth_sessions')
    .select(['id_hash', 'user_id', 'expires_at'])
    .where('id_hash', '>=', prefix)
    // 'g' sorts after every hex digit: the range holds exactly the hashes that start with the prefix.
    .where('id_hash', '<', `${prefix}g`)
    .executeTakeFirst();
}

export async function upsertSession(db: Executor, row: AuthSessionsTable): Promise<void> {
  await db
    .insertInto('auth_sessions')
    .values(row)
    .onConflict((oc) =>
      oc.column('id_hash').doUpdateSet({
        user_id: row.user_id,
        data: row.data,
        expires_at: row.expires_at,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function deleteSession(db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('auth_sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of a user, optionally keeping one (the one making the change). */
export async function deleteSessionsOfUser(db: Executor, userId: number, exceptIdHash?: string): Promise<number> {
  let query = db.deleteFrom('auth_sessions').where('user_id', '=', userId);
  if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: Executor, nowIso: string): Promise<number> {
  const result = await db.deleteFrom('auth_sessions').where('expires_at', '<=', nowIso).executeTakeFirst();
  return Number(result.numDeletedRows);
}
