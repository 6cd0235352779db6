// Queries on the append-only audit log.
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { insertJsonRows, type JsonRow } from '../json-rows.ts';
import type { AuditLogTable, DB } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type AuditRow = Selectable<AuditLogTable>;

/** An entry whose before/after may be given as objects (stored as their JSON text). */
export type NewAuditEntry = JsonRow<Insertable<AuditLogTable>>;

export async function insertAuditEntry(db: Executor, entry: NewAuditEntry): Promise<void> {
  await insertJsonRows(db, 'audit_log', [entry]);
}

/** Several entries in one statement (a batch of check-ins), in the order given. */
export async function insertAuditEntries(db: Executor, entries: NewAuditEntry[]): Promise<void> {
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
