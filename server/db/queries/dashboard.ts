// Aggregates behind a plan's dashboard. Every query starts from the plan's rounds and walks indexed
// foreign keys (rounds.plan_id → sessions.round_id → invitations/attendances.session_id → people.id),
// so its cost follows the plan's own invitations and attendances, never the size of `people`.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AttendanceStatus, DB, InvitationStatus, PlansTable } from '../types.ts';
import { unitKindRank } from './units.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type PlanRow = Selectable<PlansTable>;

// An invitation counts unless it was declined or handed to a substitute (whose own invitation counts instead).
const COUNTED_INVITATIONS: readonly InvitationStatus[] = ['invited', 'confirmed'];
// Attendance statuses that mean the person was in the room.
const ATTENDED_STATUSES: readonly AttendanceStatus[] = ['present', 'late', 'substitute'];

export function findPlanById(db: Executor, id: number): Promise<PlanRow | undefined> {
  return db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface RoundProgressRow {
  id: number;
  number: number;
  title: string;
  /** Sessions not cancelled. */
  sessions: number;
  /** Sessions held: closed, or not cancelled and already ended. */
  held_sessions: number;
  first_start: string | null;
  last_end: string | null;
}

/** The plan's rounds in order, each with how many of its sessions are scheduled and held at `now`. */
export async function listRoundProgress(db: Executor, planId: number, now: string): Promise<RoundProgressRow[]> {
  const rows = await db
    .selectFrom('rounds as r')
    .leftJoin('sessions as s', (join) => join.onRef('s.round_id', '=', 'r.id').on('s.status', '!=', 'cancelled'))
    .where('r.plan_id', '=', planId)
    .select((eb) => [
      'r.id',
      'r.number',
      'r.title',
      eb.fn.count<number>('s.id').as('sessions'),
      eb.fn
        .sum<number>(eb.case().when(eb.or([eb('s.status', '=', 'closed'), eb('s.ends_at', '<=', now)])).then(1).else(0).end())
        .as('held_sessions'),
      eb.fn.min('s.starts_at').as('first_start'),
      eb.fn.max('s.ends_at').as('last_end'),
    ])
    .groupBy(['r.id', 'r.number', 'r.title'])
    .orderBy('r.number')
    .execute();
  return rows.map((row) => ({
    ...row,
    sessions: Number(row.sessions),
    held_sessions: Number(row.held_sessions ?? 0),
    first_start: row.first_start ?? null,
    last_end: row.last_end ?? null,
  }));
}

/** Units named by the plan (from_plan = 1) and those its rounds give a quota or a session seat (0); may repeat. */
export async function listPlanUnitSources(db: Executor, planId: number): Promise<{ unit_id: number; from_plan: number }[]> {
  const rows = await db
    .selectFrom('plan_units')
    .where('plan_id', '=', planId)
    .select(['unit_id', sql<number>`1`.as('from_plan')])
    .unionAll(
      db
        .selectFrom('round_quotas as rq')
        .innerJoin('rounds as r', 'r.id', 'rq.round_id')
        .where('r.plan_id', '=', planId)
        .select(['rq.unit_id', sql<number>`0`.as('from_plan')]),
    )
    .unionAll(
      db
        .selectFrom('session_units as su')
        .innerJoin('sessions as s', 's.id', 'su.session_id')
        .innerJoin('rounds as r', 'r.id', 's.round_id')
        .where('r.plan_id', '=', planId)
        .select(['su.unit_id', sql<number>`0`.as('from_plan')]),
    )
    .execute();
  return rows.map((row) => ({ unit_id: row.unit_id, from_plan: Number(row.from_plan) }));
}

export interface UnitLabelRow {
  id: number;
  name: string;
  kind: string;
  sort_order: number;
}

/** Names of the given units in display order (kind, order, name), as the units list shows them. */
export function listUnitLabels(db: Executor, ids: number[]): Promise<UnitLabelRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('units')
    .where('id', 'in', ids)
    .select(['id', 'name', 'kind', 'sort_order'])
    .orderBy(unitKindRank('kind'))
    .orderBy('sort_order')
    .orderBy('name')
    .orderBy('id')
    .execute();
}

export interface SeatRow {
  round_id: number;
  unit_id: number;
  /** session_units rows of the round's sessions not cancelled. */
  sessions: number;
  /** Of those, sessions not held yet. */
  upcoming: number;
}

/** Per round and unit: the sessions that convene the unit (session_units), and how many are still to come. */
export async function listSessionSeats(db: Executor, planId: number, now: string): Promise<SeatRow[]> {
  const rows = await db
    .selectFrom('rounds as r')
    .innerJoin('sessions as s', 's.round_id', 'r.id')
    .innerJoin('session_units as su', 'su.session_id', 's.id')
    .where('r.plan_id', '=', planId)
    .where('s.status', '!=', 'cancelled')
    .select((eb) => [
      's.round_id',
      'su.unit_id',
      eb.fn.countAll<number>().as('sessions'),
      eb.fn
        .sum<number>(eb.case().when(eb.and([eb('s.status', '!=', 'closed'), eb('s.ends_at', '>', now)])).then(1).else(0).end())
        .as('upcoming'),
    ])
    .groupBy(['s.round_id', 'su.unit_id'])
    .execute();
  return rows.map((row) => ({ ...row, sessions: Number(row.sessions), upcoming: Number(row.upcoming ?? 0) }));
}

export interface AttendedRow {
  round_id: number;
  unit_id: number;
  attended: number;
}

/** Per round and unit (the person's own unit): distinct people who were in the room at a session of the round. */
export async function countAttendedByRoundUnit(db: Executor, planId: number): Promise<AttendedRow[]> {
  const rows = await db
    .selectFrom('rounds as r')
    .innerJoin('sessions as s', 's.round_id', 'r.id')
    .innerJoin('attendances as a', 'a.session_id', 's.id')
    .innerJoin('people as p', 'p.id', 'a.person_id')
    .where('r.plan_id', '=', planId)
    .where('s.status', '!=', 'cancelled')
    .where('a.status', 'in', ATTENDED_STATUSES)
    .select((eb) => ['s.round_id', 'p.unit_id', eb.fn.count<number>('a.person_id').distinct().as('attended')])
    .groupBy(['s.round_id', 'p.unit_id'])
    .execute();
  return rows.map((row) => ({ ...row, attended: Number(row.attended) }));
}

/**
 * One row per round, inviting unit and invited person (counted invitations to sessions not cancelled):
 * `attended` = 1 when the person was in the room at any session of that round (invited there or not);
 * `pending` = 1 when one of the person's invited sessions is not held yet and has no attendance record;
 * `excused` = 1 when one of their records says 'excused'.
 * Grouped here so each flag is computed once per invitation, not once per use in the outer query.
 */
function invitedPeople(db: Executor, planId: number, now: string) {
  return db
    .selectFrom('rounds as r')
    .innerJoin('sessions as s', 's.round_id', 'r.id')
    .innerJoin('invitations as i', 'i.session_id', 's.id')
    .leftJoin('attendances as a', (join) => join.onRef('a.session_id', '=', 'i.session_id').onRef('a.person_id', '=', 'i.person_id'))
    .where('r.plan_id', '=', planId)
    .where('s.status', '!=', 'cancelled')
    .where('i.status', 'in', COUNTED_INVITATIONS)
    .select((eb) => [
      's.round_id',
      'i.unit_id',
      'i.person_id',
      eb.fn
        .max(
          eb
            .case()
            .when(
              eb.exists(
                eb
                  .selectFrom('attendances as a2')
                  .innerJoin('sessions as s2', 's2.id', 'a2.session_id')
                  .select(sql<number>`1`.as('one'))
                  .whereRef('a2.person_id', '=', 'i.person_id')
                  .whereRef('s2.round_id', '=', 's.round_id')
                  .where('s2.status', '!=', 'cancelled')
                  .where('a2.status', 'in', ATTENDED_STATUSES),
              ),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as('attended'),
      eb.fn
        .max(
          eb
            .case()
            .when(eb.and([eb('a.id', 'is', null), eb('s.status', '!=', 'closed'), eb('s.ends_at', '>', now)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('pending'),
      eb.fn.max(eb.case().when('a.status', '=', 'excused').then(1).else(0).end()).as('excused'),
    ])
    .groupBy(['s.round_id', 'i.unit_id', 'i.person_id']);
}

export interface InvitedCellRow {
  round_id: number;
  unit_id: number;
  invited: number;
  invited_attended: number;
  /** Not attended, a session still to come. */
  pending: number;
  /** Not attended, nothing left to come (excused included). */
  absent: number;
  /** Of the absent, those excused. */
  excused: number;
}

/** Per round and inviting unit: invited people and what became of them, counted in SQL. */
export async function countInvitedByRoundUnit(db: Executor, planId: number, now: string): Promise<InvitedCellRow[]> {
  const rows = await db
    .selectFrom(invitedPeople(db, planId, now).as('y'))
    .select((eb) => {
      const notAttended = eb('y.attended', '=', 0);
      return [
        'y.round_id',
        'y.unit_id',
        eb.fn.countAll<number>().as('invited'),
        eb.fn.sum<number>('y.attended').as('invited_attended'),
        eb.fn.sum<number>(eb.case().when(eb.and([notAttended, eb('y.pending', '=', 1)])).then(1).else(0).end()).as('pending'),
        eb.fn.sum<number>(eb.case().when(eb.and([notAttended, eb('y.pending', '=', 0)])).then(1).else(0).end()).as('absent'),
        eb.fn
          .sum<number>(eb.case().when(eb.and([notAttended, eb('y.pending', '=', 0), eb('y.excused', '=', 1)])).then(1).else(0).end())
          .as('excused'),
      ];
    })
    .groupBy(['y.round_id', 'y.unit_id'])
    .execute();
  return rows.map((row) => ({
    round_id: row.round_id,
    unit_id: row.unit_id,
    invited: Number(row.invited),
    invited_attended: Number(row.invited_attended ?? 0),
    pending: Number(row.pending ?? 0),
    absent: Number(row.absent ?? 0),
    excused: Number(row.excused ?? 0),
  }));
}

export interface MissingPersonRow {
  round_id: number;
  person_id: number;
  full_name: string;
  position: string;
  unit_id: number;
  unit_name: string;
  pending: number;
  excused: number;
}

/** Per round, the first `limit` invited people who have not attended, in unit then name order. */
export async function listMissingPeople(db: Executor, planId: number, now: string, limit: number): Promise<MissingPersonRow[]> {
  const ranked = db
    .selectFrom(invitedPeople(db, planId, now).as('y'))
    .innerJoin('people as p', 'p.id', 'y.person_id')
    .innerJoin('units as u', 'u.id', 'y.unit_id')
    .where('y.attended', '=', 0)
    .select((eb) => [
      'y.round_id',
      'y.person_id',
      'p.full_name',
      'p.position',
      'y.unit_id',
      'u.name as unit_name',
      'y.pending',
      'y.excused',
      eb.fn
        .agg<number>('row_number')
        .over((over) =>
          over.partitionBy('y.round_id').orderBy(sql`case ${sql.ref('u.kind')} when 'office' then 0 when 'commune' then 1 else 2 end`).orderBy('u.sort_order').orderBy('u.name').orderBy('p.full_name_search').orderBy('p.id'),
        )
        .as('rank'),
    ]);
  const rows = await db.selectFrom(ranked.as('m')).selectAll().where('m.rank', '<=', limit).orderBy('m.round_id').orderBy('m.rank').execute();
  return rows.map((row) => ({
    round_id: row.round_id,
    person_id: row.person_id,
    full_name: row.full_name,
    position: row.position,
    unit_id: row.unit_id,
    unit_name: row.unit_name,
    pending: Number(row.pending),
    excused: Number(row.excused),
  }));
}
