// Evidence kept after a session: uploaded files (materials, photos, recordings, the plan document) and news links.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('materials')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    // Always set; round_id too when attached to a round or session; session_id when attached to a session.
    .addColumn('plan_id', 'integer', (col) => col.notNull().references('plans.id').onDelete('restrict'))
    .addColumn('round_id', 'integer', (col) => col.references('rounds.id').onDelete('restrict'))
    .addColumn('session_id', 'integer', (col) => col.references('sessions.id').onDelete('restrict'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('document', 'photo', 'video', 'plan')`))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('original_name', 'text', (col) => col.notNull())
    .addColumn('storage_key', 'text', (col) => col.notNull().unique())
    .addColumn('mime_type', 'text', (col) => col.notNull())
    .addColumn('bytes', 'integer', (col) => col.notNull())
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('captured_at', 'text')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('thumbnail_key', 'text')
    .addColumn('uploaded_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('uploaded_at', 'text', (col) => col.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('deleted_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('delete_reason', 'text')
    .addCheckConstraint('materials_scope_ck', sql`session_id is null or round_id is not null`)
    .execute();
  await db.schema.createIndex('materials_plan_idx').on('materials').columns(['plan_id', 'round_id', 'session_id']).execute();
  await db.schema.createIndex('materials_session_idx').on('materials').column('session_id').execute();
  await db.schema.createIndex('materials_sha256_idx').on('materials').column('sha256').execute();

  await db.schema
    .createTable('news_links')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (col) => col.notNull().references('plans.id').onDelete('restrict'))
    .addColumn('round_id', 'integer', (col) => col.references('rounds.id').onDelete('restrict'))
    .addColumn('session_id', 'integer', (col) => col.references('sessions.id').onDelete('restrict'))
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('outlet', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('published_on', 'text', (col) => col.notNull())
    .addColumn('created_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('deleted_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('delete_reason', 'text')
    .addCheckConstraint('news_links_scope_ck', sql`session_id is null or round_id is not null`)
    .execute();
  await db.schema.createIndex('news_links_plan_idx').on('news_links').columns(['plan_id', 'round_id', 'session_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('news_links').execute();
  await db.schema.dropTable('materials').execute();
}
