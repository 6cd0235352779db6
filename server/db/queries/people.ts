// Queries on people (đại biểu / học viên) and the word index behind the diacritic-free name search.
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { DB, PeopleTable } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type PersonRow = Selectable<PeopleTable>;
export type PersonWithUnit = PersonRow & { unit_name: string; unit_kind: string };

function selectPeopleWithUnit(db: Executor) {
  return db
    .selectFrom('people')
    .innerJoin('units', 'units.id', 'people.unit_id')
    .selectAll('people')
    .select(['units.name as unit_name', 'units.kind as unit_kind']);
}

export function findPersonById(db: Executor, id: number): Promise<PersonWithUnit | undefined> {
  return selectPeopleWithUnit(db).where('people.id', '=', id).executeTakeFirst();
}

export function findPeopleByIds(db: Executor, ids: number[]): Promise<PersonWithUnit[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectPeopleWithUnit(db).where('people.id', 'in', ids).execute();
}

export function listPeopleOfUnit(db: Executor, unitId: number): Promise<PersonWithUnit[]> {
  return selectPeopleWithUnit(db).where('people.unit_id', '=', unitId).orderBy('people.full_name_search').execute();
}

/** A page of people in name order, optionally of one unit. */
export function listPeople(db: Executor, filter: { unitId?: number; limit: number; offset: number }): Promise<PersonWithUnit[]> {
  let query = selectPeopleWithUnit(db);
  if (filter.unitId) query = query.where('people.unit_id', '=', filter.unitId);
  return query.orderBy('people.full_name_search').orderBy('people.id').limit(filter.limit).offset(filter.offset).execute();
}

/**
 * People whose whole normalized name starts with the key ("nguyen van a…"), in name order:
 * an index range scan that stops after `limit` rows, whatever the size of the table.
 */
export function searchPeopleByNamePrefix(db: Executor, key: string, options: { unitId?: number; limit: number }): Promise<PersonWithUnit[]> {
  let query = selectPeopleWithUnit(db).where('people.full_name_search', '>=', key).where('people.full_name_search', '<', `${key}\uffff`);
  if (options.unitId) query = query.where('people.unit_id', '=', options.unitId);
  return query.orderBy('people.full_name_search').limit(options.limit).execute();
}

/**
 * People with a name word starting with each token (tokens are search keys), e.g. "tuyet" or "huynh tuyet".
 * The longest token is read by range from the word index; each other token is checked per candidate
 * through the person's own few words, and the scan stops after `limit` matches: the cost follows the
 * answer, not the number of people.
 */
export function searchPeopleByTokens(db: Executor, tokens: string[], options: { unitId?: number; limit: number }): Promise<PersonWithUnit[]> {
  if (tokens.length === 0) return Promise.resolve([]);
  const [driver, ...rest] = [...tokens].sort((a, b) => b.length - a.length) as [string, ...string[]];
  let query = db
    .selectFrom('person_name_tokens as t0')
    .innerJoin('people', 'people.id', 't0.person_id')
    .innerJoin('units', 'units.id', 'people.unit_id')
    .selectAll('people')
    .select(['units.name as unit_name', 'units.kind as unit_kind'])
    .where('t0.token', '>=', driver)
    .where('t0.token', '<', `${driver}\uffff`);
  for (const token of rest) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('person_name_tokens as tn')
          .select('tn.person_id')
          .whereRef('tn.person_id', '=', 'people.id')
          .where('tn.token', '>=', token)
          .where('tn.token', '<', `${token}\uffff`),
      ),
    );
  }
  if (options.unitId) query = query.where('people.unit_id', '=', options.unitId);
  // A person with two words matching the driver ("Lê Lê") would come twice: distinct keeps one.
  return query.distinct().limit(options.limit).execute();
}

export function findPeopleByPhoneDigits(db: Executor, digits: string[]): Promise<PersonWithUnit[]> {
  if (digits.length === 0) return Promise.resolve([]);
  return selectPeopleWithUnit(db).where('people.phone_digits', 'in', digits).execute();
}

/** People with one of these normalized names in one of these units (duplicate detection). */
export function findPeopleByNameAndUnit(db: Executor, nameSearches: string[], unitIds: number[]): Promise<PersonWithUnit[]> {
  if (nameSearches.length === 0 || unitIds.length === 0) return Promise.resolve([]);
  return selectPeopleWithUnit(db)
    .where('people.full_name_search', 'in', nameSearches)
    .where('people.unit_id', 'in', unitIds)
    .execute();
}

export async function insertPerson(db: Executor, values: Insertable<PeopleTable>, tokens: string[]): Promise<number> {
  const row = await db.insertInto('people').values(values).returning('id').executeTakeFirstOrThrow();
  await replacePersonTokens(db, row.id, tokens);
  return row.id;
}

export async function updatePerson(db: Executor, id: number, values: Updateable<PeopleTable>, tokens?: string[]): Promise<void> {
  await db.updateTable('people').set(values).where('id', '=', id).execute();
  if (tokens) await replacePersonTokens(db, id, tokens);
}

async function replacePersonTokens(db: Executor, personId: number, tokens: string[]): Promise<void> {
  await db.deleteFrom('person_name_tokens').where('person_id', '=', personId).execute();
  if (tokens.length > 0) {
    await db.insertInto('person_name_tokens').values(tokens.map((token) => ({ token, person_id: personId }))).execute();
  }
}

export async function deletePerson(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('people').where('id', '=', id).execute();
}

export async function countPeople(db: Executor, unitId?: number): Promise<number> {
  let query = db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n'));
  if (unitId) query = query.where('unit_id', '=', unitId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
