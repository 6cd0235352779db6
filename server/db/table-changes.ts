// Which tables this process has just written, for caches of reads that must forget at once what a write changed.
// Published after the COMMIT (or the single statement) succeeded; null means "could be any table" (raw SQL,
// schema changes), so listeners forget everything.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './types.ts';

export type ChangedTables = ReadonlySet<string> | null;
type Listener = (tables: ChangedTables) => void;

/** A publisher the dialect feeds and caches subscribe to. */
export class TableChanges {
  readonly #listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(tables: ChangedTables): void {
    for (const listener of this.#listeners) listener(tables);
  }
}

const registry = new WeakMap<object, TableChanges>();

/** Ties a database to the publisher its dialect feeds. */
export function registerTableChanges(db: Kysely<DB>, changes: TableChanges): void {
  registry.set(db, changes);
}

/** The publisher of a database opened by `openDatabase`, or undefined (then nothing may be cached). */
export function tableChangesOf(db: Kysely<DB> | Transaction<DB>): TableChanges | undefined {
  return registry.get(db);
}
