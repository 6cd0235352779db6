// The training programme: units and people, plans with their rounds and sessions, invitations, attendance.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('units')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('office', 'commune', 'other')`))
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('short_name', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('sort_order', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('name_search', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('units_name_search_idx').on('units').column('name_search').execute();

  await db.schema
    .createTable('people')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('full_name', 'text', (col) => col.notNull())
    .addColumn('full_name_search', 'text', (col) => col.notNull())
    .addColumn('position', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('unit_id', 'integer', (col) => col.notNull().references('units.id').onDelete('restrict'))
    .addColumn('phone', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('phone_digits', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('email', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('notes', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('people_unit_id_idx').on('people').column('unit_id').execute();
  await db.schema.createIndex('people_full_name_search_idx').on('people').column('full_name_search').execute();
  await db.schema.createIndex('people_phone_digits_idx').on('people').column('phone_digits').execute();

  // One row per word of a person's normalized name: a prefix search on any word uses this index.
  await db.schema
    .createTable('person_name_tokens')
    .addColumn('token', 'text', (col) => col.notNull())
    .addColumn('person_id', 'integer', (col) => col.notNull().references('people.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('person_name_tokens_pk', ['token', 'person_id'])
    .execute();
  await db.schema.createIndex('person_name_tokens_person_idx').on('person_name_tokens').column('person_id').execute();

  await db.schema
    .createTable('plans')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('number', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('symbol', 'text', (col) => col.notNull())
    .addColumn('issued_on', 'text', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    .addColumn('basis', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('year', 'integer', (col) => col.notNull())
    .addColumn('required_rounds', 'integer', (col) => col.notNull().defaultTo(2).check(sql`required_rounds between 1 and 50`))
    .addColumn('is_demo', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('plan_units')
    .addColumn('plan_id', 'integer', (col) => col.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (col) => col.notNull().references('units.id').onDelete('restrict'))
    .addPrimaryKeyConstraint('plan_units_pk', ['plan_id', 'unit_id'])
    .execute();

  await db.schema
    .createTable('rounds')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (col) => col.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('number', 'integer', (col) => col.notNull().check(sql`number >= 1`))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('topics', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('notes', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('rounds_plan_number_unique', ['plan_id', 'number'])
    .execute();

  await db.schema
    .createTable('round_quotas')
    .addColumn('round_id', 'integer', (col) => col.notNull().references('rounds.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (col) => col.notNull().references('units.id').onDelete('restrict'))
    .addColumn('quota', 'integer', (col) => col.notNull().check(sql`quota between 0 and 10000`))
    .addPrimaryKeyConstraint('round_quotas_pk', ['round_id', 'unit_id'])
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('round_id', 'integer', (col) => col.notNull().references('rounds.id').onDelete('cascade'))
    .addColumn('starts_at', 'text', (col) => col.notNull())
    .addColumn('ends_at', 'text', (col) => col.notNull())
    .addColumn('venue', 'text', (col) => col.notNull())
    .addColumn('chair', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('capacity', 'integer')
    .addColumn('checkin_opens_minutes', 'integer', (col) => col.notNull().defaultTo(30))
    .addColumn('late_after_minutes', 'integer', (col) => col.notNull().defaultTo(15))
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('planned').check(sql`status in ('planned', 'open', 'closed', 'cancelled')`),
    )
    .addColumn('notes', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addCheckConstraint('sessions_ends_after_start', sql`ends_at > starts_at`)
    .execute();
  await db.schema.createIndex('sessions_round_id_idx').on('sessions').column('round_id').execute();
  await db.schema.createIndex('sessions_starts_at_idx').on('sessions').column('starts_at').execute();

  await db.schema
    .createTable('session_units')
    .addColumn('session_id', 'integer', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (col) => col.notNull().references('units.id').onDelete('restrict'))
    .addColumn('quota', 'integer', (col) => col.notNull().check(sql`quota between 0 and 10000`))
    .addPrimaryKeyConstraint('session_units_pk', ['session_id', 'unit_id'])
    .execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('session_id', 'integer', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (col) => col.notNull().references('people.id').onDelete('restrict'))
    .addColumn('unit_id', 'integer', (col) => col.notNull().references('units.id').onDelete('restrict'))
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('invited').check(sql`status in ('invited', 'confirmed', 'declined', 'substituted')`),
    )
    .addColumn('replaces_invitation_id', 'integer', (col) => col.references('invitations.id').onDelete('set null'))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('invitations_session_person_unique', ['session_id', 'person_id'])
    .execute();
  await db.schema.createIndex('invitations_person_id_idx').on('invitations').column('person_id').execute();

  // Written by check-in (a later migration may add columns); read by the dashboards from the start.
  await db.schema
    .createTable('attendances')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('session_id', 'integer', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (col) => col.notNull().references('people.id').onDelete('restrict'))
    .addColumn('invitation_id', 'integer', (col) => col.references('invitations.id').onDelete('set null'))
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('present', 'late', 'excused', 'absent', 'substitute')`),
    )
    .addColumn('checked_in_at', 'text')
    .addColumn('reason', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('attendances_session_person_unique', ['session_id', 'person_id'])
    .execute();
  await db.schema.createIndex('attendances_person_id_idx').on('attendances').column('person_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'attendances', 'invitations', 'session_units', 'sessions', 'round_quotas', 'rounds',
    'plan_units', 'plans', 'person_name_tokens', 'people', 'units',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
