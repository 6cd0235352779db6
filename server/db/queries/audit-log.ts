// Queries on the append-only audit log.
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { insertJsonRows } from '../json-rows.ts';
import type { AuditLogTable, DB } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type AuditRow = Selectable<AuditLogTable>;

export async function insertAuditEntry(db: Executor, entry: Insertable<AuditLogTable>): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

/** Several entries in one statement (a batch of check-ins), in the order given. */
export async function insertAuditEntries(db: Executor, entries: Insertable<AuditLogTable>[]): Promise<void> {
  await insertJsonRows(db, 'audit_log', entries);
}

export interface AuditFilter {
  entityType?: string;
  username?: string;
  limit: number;
  offset: number;
}

export function listAuditEntries(db: Executor, filter: AuditFilter): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.username) query = query.where('username', '=', filter.username);
  return query.orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
}

export async function listAuditEntityTypes(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('entity_type').distinct().orderBy('entity_type').execute();
  return rows.map((r) => r.entity_type);
}
