// Queries on units (đơn vị): offices and commune bodies.
import { sql, type Insertable, type Kysely, type RawBuilder, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { DB, UnitsTable } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type UnitRow = Selectable<UnitsTable>;

/** Units print offices first, then communes, then others (the order of Vietnamese lists: I., II., III.). */
export function unitKindRank(column: 'kind' | 'units.kind' = 'units.kind'): RawBuilder<number> {
  return sql<number>`case ${sql.ref(column)} when 'office' then 0 when 'commune' then 1 else 2 end`;
}

export const UNIT_KIND_RANK: Record<string, number> = { office: 0, commune: 1, other: 2 };

export function listUnits(db: Executor): Promise<UnitRow[]> {
  return db.selectFrom('units').selectAll().orderBy(unitKindRank('kind')).orderBy('sort_order').orderBy('name').execute();
}

export function findUnitById(db: Executor, id: number): Promise<UnitRow | undefined> {
  return db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUnitsByIds(db: Executor, ids: number[]): Promise<UnitRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('units').selectAll().where('id', 'in', ids).execute();
}

/** Units whose name matches a search key exactly (names differ only in accents or case). */
export function findUnitsByNameSearch(db: Executor, nameSearch: string): Promise<UnitRow[]> {
  return db.selectFrom('units').selectAll().where('name_search', '=', nameSearch).execute();
}

export async function insertUnit(db: Executor, values: Insertable<UnitsTable>): Promise<number> {
  const row = await db.insertInto('units').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUnit(db: Executor, id: number, values: Updateable<UnitsTable>): Promise<void> {
  await db.updateTable('units').set(values).where('id', '=', id).execute();
}

export async function deleteUnit(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('units').where('id', '=', id).execute();
}

export async function countPeopleByUnit(db: Executor): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('people')
    .select(['unit_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('unit_id')
    .execute();
  return new Map(rows.map((r) => [r.unit_id, Number(r.n)]));
}
