// Queries on the single agency profile row.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AgencyTable, DB } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type AgencyRow = Selectable<AgencyTable>;

export function findAgency(db: Executor): Promise<AgencyRow | undefined> {
  return db.selectFrom('agency').selectAll().where('id', '=', 1).executeTakeFirst();
}

export async function saveAgency(db: Executor, values: Omit<AgencyTable, 'id'>): Promise<void> {
  await db
    .insertInto('agency')
    .values({ id: 1, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}
