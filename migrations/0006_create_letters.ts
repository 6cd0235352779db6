// The letter register (giấy mời / công văn triệu tập) and the personal codes printed on invitation slips.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('letters')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('giay-moi', 'cong-van')`))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('draft').check(sql`status in ('draft', 'issued', 'replaced')`))
    .addColumn('year', 'integer')
    .addColumn('number', 'integer')
    .addColumn('symbol', 'text', (col) => col.notNull())
    .addColumn('issued_on', 'text')
    .addColumn('round_id', 'integer', (col) => col.notNull().references('rounds.id').onDelete('restrict'))
    .addColumn('session_id', 'integer', (col) => col.references('sessions.id').onDelete('restrict'))
    .addColumn('content_json', 'text', (col) => col.notNull())
    .addColumn('replaces_letter_id', 'integer', (col) => col.references('letters.id').onDelete('restrict'))
    .addColumn('created_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('issued_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('issued_at', 'text')
    // Two issued letters of one kind never share a number in a year; drafts have none yet.
    .addUniqueConstraint('letters_register_unique', ['kind', 'year', 'number'])
    .addCheckConstraint('letters_issued_have_numbers', sql`status = 'draft' or (year is not null and number is not null and issued_on is not null)`)
    .execute();
  await db.schema.createIndex('letters_round_id_idx').on('letters').column('round_id').execute();
  await db.schema.createIndex('letters_session_id_idx').on('letters').column('session_id').execute();

  await db.schema
    .createTable('invitation_tokens')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('invitation_id', 'integer', (col) => col.notNull().references('invitations.id').onDelete('cascade'))
    .addColumn('token', 'text', (col) => col.notNull().unique())
    .addColumn('short_code', 'text', (col) => col.notNull().unique())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('active').check(sql`status in ('active', 'revoked', 'replaced')`))
    .addColumn('letter_id', 'integer', (col) => col.references('letters.id').onDelete('set null'))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('ended_at', 'text')
    .execute();
  await db.schema.createIndex('invitation_tokens_invitation_idx').on('invitation_tokens').column('invitation_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invitation_tokens').execute();
  await db.schema.dropTable('letters').execute();
}
