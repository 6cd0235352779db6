// Which check-in staff run which session: a check-in account works only on the sessions given to it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('session_staff')
    .addColumn('session_id', 'integer', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('session_staff_pk', ['session_id', 'user_id'])
    .execute();
  await db.schema.createIndex('session_staff_user_idx').on('session_staff').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('session_staff').execute();
}
