// The SHA-256 of each evidence bundle as last built, keyed by a fingerprint of everything that goes into it:
// the reports page shows a bundle's checksum without rebuilding it while its inputs stay the same.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bundle_digests')
    .addColumn('scope_kind', 'text', (col) => col.notNull().check(sql`scope_kind in ('plan', 'round')`))
    .addColumn('scope_id', 'integer', (col) => col.notNull())
    .addColumn('fingerprint', 'text', (col) => col.notNull())
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('bytes', 'integer', (col) => col.notNull())
    .addColumn('computed_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('bundle_digests_pk', ['scope_kind', 'scope_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bundle_digests').execute();
}
