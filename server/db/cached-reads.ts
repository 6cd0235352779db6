// Short-lived memo of hot reads (who is logged in, a session's row) so a rush of requests does not repeat them.
// Entries are forgotten at once when this process writes a table they come from, and after `ttlMs` in any case:
// that bound is how stale another app instance's write can be seen here. A memo may also serve an expired entry,
// no older than `staleMs` more, while one read replaces it in the background (so the first scan after a quiet minute
// does not wait); that read's result is dropped if a write happened meanwhile.
import type { Kysely, Transaction } from 'kysely';
import { tableChangesOf } from './table-changes.ts';
import type { DB } from './types.ts';

export interface CachedReads<K, V> {
  get(key: K): Promise<V>;
  /** Starts reading `key` unless it is remembered: nothing to await, nothing allocated when it is (a hot path's hint). */
  warm(key: K): void;
  /** Stops listening to table changes (the app is closing). */
  close(): void;
}

interface Entry<V> {
  value: Promise<V>;
  expiresAt: number;
  refreshing?: boolean;
}

export interface CachedReadsOptions {
  tables: readonly (keyof DB)[];
  ttlMs: number;
  maxEntries: number;
  /** How long past its TTL an entry may still be served while it is read again (default 0: never). */
  staleMs?: number;
}

/** Memoizes `load(key)` for up to `ttlMs`; without a change feed for `db` (not opened by openDatabase) it never caches. */
export function cachedReads<K, V>(db: Kysely<DB> | Transaction<DB>, options: CachedReadsOptions, load: (key: K) => Promise<V>): CachedReads<K, V> {
  const changes = tableChangesOf(db);
  // Nothing is remembered without a change feed, so there is nothing to warm either.
  if (!changes) return { get: load, warm: () => undefined, close: () => undefined };
  const entries = new Map<K, Entry<V>>();
  const watched = new Set<string>(options.tables as readonly string[]);
  const staleMs = options.staleMs ?? 0;
  const unsubscribe = changes.subscribe((tables) => {
    if (tables === null || [...tables].some((table) => watched.has(table))) entries.clear();
  });
  const memo: CachedReads<K, V> = {
    warm(key) {
      const hit = entries.get(key);
      // A failed read is handled where it is stored (below): nobody has to await this one.
      if (!hit || hit.expiresAt <= Date.now()) void memo.get(key);
    },
    get(key) {
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now) return hit.value;
      if (hit && hit.expiresAt + staleMs > now) {
        if (!hit.refreshing) {
          hit.refreshing = true;
          load(key).then(
            (fresh) => {
              // Stored only if nothing was forgotten meanwhile: a write since would have removed this very entry.
              if (entries.get(key) === hit) entries.set(key, { value: Promise.resolve(fresh), expiresAt: Date.now() + options.ttlMs });
            },
            () => {
              if (entries.get(key) === hit) entries.delete(key);
            },
          );
        }
        return hit.value;
      }
      if (entries.size >= options.maxEntries) entries.clear();
      const value = load(key);
      const entry = { value, expiresAt: now + options.ttlMs };
      entries.set(key, entry);
      // A failed read is not remembered.
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return value;
    },
    close() {
      unsubscribe();
      entries.clear();
    },
  };
  return memo;
}

/**
 * A memo defined once (at module level, for services, which receive only `db`) and made per database on first use.
 * Its options and loader are created once, not on every call of a hot path.
 */
export function cachedReadsFor<K, V>(options: CachedReadsOptions, load: (db: Kysely<DB>, key: K) => Promise<V>): (db: Kysely<DB> | Transaction<DB>) => CachedReads<K, V> {
  const memos = new WeakMap<Kysely<DB> | Transaction<DB>, CachedReads<K, V>>();
  return (db) => {
    let memo = memos.get(db);
    if (!memo) memos.set(db, (memo = cachedReads(db, options, (key: K) => load(db, key))));
    return memo;
  };
}
