// Check-in: how each attendance was recorded, every scan attempt, and each session's room-code secret.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('attendances').addColumn('method', 'text', (col) => col.notNull().defaultTo('desk')).execute();
  await db.schema.alterTable('attendances').addColumn('recorded_by', 'integer', (col) => col.references('users.id').onDelete('set null')).execute();
  await db.schema.alterTable('attendances').addColumn('needs_review', 'integer', (col) => col.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('attendances').addColumn('substitute_for', 'text', (col) => col.notNull().defaultTo('')).execute();
  await db.schema.alterTable('sessions').addColumn('room_secret', 'text').execute();

  await db.schema
    .createTable('checkin_attempts')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('session_id', 'integer', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('method', 'text', (col) => col.notNull().check(sql`method in ('door', 'room', 'desk', 'walk-in')`))
    .addColumn('ip', 'text')
    .addColumn('device', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('input', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('result', 'text', (col) => col.notNull().check(sql`result in ('ok', 'duplicate', 'refused')`))
    .addColumn('reason', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('person_id', 'integer', (col) => col.references('people.id').onDelete('set null'))
    .addColumn('client_nonce', 'text')
    .addColumn('response_json', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('checkin_attempts_session_idx').on('checkin_attempts').columns(['session_id', 'id']).execute();
  // A retried request with the same nonce finds its first answer here instead of acting twice.
  await db.schema.createIndex('checkin_attempts_nonce_idx').on('checkin_attempts').columns(['session_id', 'client_nonce']).unique().where(sql.ref('client_nonce'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('checkin_attempts').execute();
  await db.schema.alterTable('sessions').dropColumn('room_secret').execute();
  for (const column of ['substitute_for', 'needs_review', 'recorded_by', 'method']) {
    await db.schema.alterTable('attendances').dropColumn(column).execute();
  }
}
