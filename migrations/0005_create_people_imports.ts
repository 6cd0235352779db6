// People imports waiting for confirmation: the checked rows of an uploaded list, kept until confirmed, cancelled or expired.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('people_imports')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('created_by', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('filename', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('people_imports_expires_at_idx').on('people_imports').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('people_imports').execute();
}
