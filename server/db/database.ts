// Opens the application database: Kysely over the asynchronous sqlite3 driver.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely } from 'kysely';
import { createSqliteDialect } from './sqlite-dialect.ts';
import { registerTableChanges, TableChanges } from './table-changes.ts';
import type { DB } from './types.ts';

/** Opens (creating if needed) the SQLite file with one writer and `readers` read connections. */
export function openDatabase(filename: string, readers: number): Kysely<DB> {
  if (filename !== ':memory:') mkdirSync(path.dirname(filename), { recursive: true });
  const changes = new TableChanges();
  const db = new Kysely<DB>({ dialect: createSqliteDialect({ filename, readers, busyTimeoutMs: 5000, onWrite: (tables) => changes.publish(tables) }) });
  registerTableChanges(db, changes);
  return db;
}
