// Proves the sqlite3 Kysely dialect: CRUD, pragmas, serialized transactions, reader routing, shutdown.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAbortedTransactionError, Kysely, sql, type Generated } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteDialect, type SqliteDialectOptions } from '../server/db/sqlite-dialect.ts';

interface TestDB {
  parent: { id: Generated<number>; name: string };
  child: { id: Generated<number>; parent_id: number };
  counter: { id: number; value: number };
  log: { id: Generated<number>; marker: string };
}

let dir: string;
let filename: string;
const opened: Array<Kysely<TestDB>> = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'db-dialect-'));
  filename = path.join(dir, 'test.sqlite');
});

afterEach(async () => {
  // destroy() is idempotent in Kysely, so tests may already have destroyed their instance.
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
  await rm(dir, { recursive: true, force: true });
});

function open(options: Partial<SqliteDialectOptions> = {}): Kysely<TestDB> {
  const db = new Kysely<TestDB>({ dialect: createSqliteDialect({ filename, ...options }) });
  opened.push(db);
  return db;
}

async function createSchema(db: Kysely<TestDB>): Promise<void> {
  await db.schema
    .createTable('parent')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .execute();
  await db.schema
    .createTable('child')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('parent_id', 'integer', (c) => c.notNull().references('parent.id'))
    .execute();
  await db.schema
    .createTable('counter')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('marker', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('counter').values({ id: 1, value: 0 }).execute();
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise plus its resolver, to hold a transaction open until the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function readCounter(db: Kysely<TestDB>): Promise<number> {
  const row = await db.selectFrom('counter').select('value').where('id', '=', 1).executeTakeFirstOrThrow();
  return row.value;
}

async function markers(db: Kysely<TestDB>): Promise<string[]> {
  const rows = await db.selectFrom('log').select('marker').orderBy('id').execute();
  return rows.map((r) => r.marker);
}

describe('sqlite3 Kysely dialect', () => {
  it('does basic CRUD, insert returning and affected-row counts', async () => {
    const db = open();
    await createSchema(db);

    const inserted = await db.insertInto('parent').values({ name: 'a' }).executeTakeFirstOrThrow();
    expect(inserted.insertId).toBe(1n);
    expect(inserted.numInsertedOrUpdatedRows).toBe(1n);

    const returned = await db.insertInto('parent').values({ name: 'b' }).returning(['id', 'name']).executeTakeFirstOrThrow();
    expect(returned).toEqual({ id: 2, name: 'b' });

    const updated = await db.updateTable('parent').set({ name: sql<string>`name || '!'` }).executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(2n);

    const deleted = await db.deleteFrom('parent').where('name', '=', 'a!').executeTakeFirstOrThrow();
    expect(deleted.numDeletedRows).toBe(1n);

    expect(await db.selectFrom('parent').selectAll().orderBy('id').execute()).toEqual([{ id: 2, name: 'b!' }]);

    // Raw SQL: reads return rows, writes report counts.
    const raw = await sql<{ n: number }>`select count(*) as n from parent`.execute(db);
    expect(raw.rows).toEqual([{ n: 1 }]);
    const rawInsert = await sql`insert into parent (name) values (${'c'})`.execute(db);
    expect(rawInsert.numAffectedRows).toBe(1n);
    expect(rawInsert.insertId).toBe(3n);
  });

  it('enforces foreign keys and uses WAL', async () => {
    const db = open();
    await createSchema(db);

    await expect(db.insertInto('child').values({ parent_id: 999 }).execute()).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT',
    });
    expect(await db.selectFrom('child').selectAll().execute()).toEqual([]);

    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    expect(journal.rows[0]?.journal_mode).toBe('wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);
  });

  it('rolls back a transaction whose callback throws', async () => {
    const db = open();
    await createSchema(db);

    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('parent').values({ name: 'doomed' }).execute();
        await trx.updateTable('counter').set({ value: 42 }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(await db.selectFrom('parent').selectAll().execute()).toEqual([]);
    expect(await readCounter(db)).toBe(0);
  });

  it('serializes concurrent transactions: no lost updates, no interleaving', async () => {
    const db = open();
    await createSchema(db);
    const count = 10;

    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await trx.insertInto('log').values({ marker: `start-${i}` }).execute();
          const value = await readCounter(trx);
          await delay(15);
          await trx.updateTable('counter').set({ value: value + 1 }).execute();
          await trx.insertInto('log').values({ marker: `end-${i}` }).execute();
        }),
      ),
    );

    expect(await readCounter(db)).toBe(count);
    const log = await markers(db);
    expect(log).toHaveLength(2 * count);
    const seen = new Set<string>();
    for (let k = 0; k < log.length; k += 2) {
      const id = log[k]?.replace('start-', '');
      expect(log[k]).toMatch(/^start-\d+$/);
      expect(log[k + 1]).toBe(`end-${id}`);
      seen.add(id ?? '');
    }
    expect(seen.size).toBe(count);
  });

  it('makes a plain write wait for a running transaction instead of joining it', async () => {
    const db = open();
    await createSchema(db);
    const started = gate();
    const release = gate();
    const events: string[] = [];

    const transaction = db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('log').values({ marker: 'trx-start' }).execute();
        started.open();
        await release.promise;
        await trx.insertInto('log').values({ marker: 'trx-end' }).execute();
        throw new Error('roll back');
      })
      .catch(() => events.push('trx-rolled-back'));

    await started.promise;
    const outside = db
      .insertInto('log')
      .values({ marker: 'outside' })
      .execute()
      .then(() => events.push('outside-done'));
    // Give the outside write every chance to run early if it were not serialized.
    await delay(30);
    events.push('release');
    release.open();
    await Promise.all([transaction, outside]);

    expect(events).toEqual(['release', 'trx-rolled-back', 'outside-done']);
    // Had the write joined the open transaction on the writer, the rollback would have erased it too.
    expect(await markers(db)).toEqual(['outside']);
  });

  it('serves selects outside a transaction from a reader without waiting for the writer', async () => {
    const db = open({ readers: 2 });
    await createSchema(db);
    const updated = gate();
    const release = gate();
    let committed = false;

    const transaction = db.transaction().execute(async (trx) => {
      await trx.updateTable('counter').set({ value: 1 }).execute();
      updated.open();
      await release.promise;
    });
    void transaction.then(() => (committed = true));

    await updated.promise;
    try {
      // If the select queued behind the writer lock it would never resolve while `release` is closed.
      const value = await Promise.race([readCounter(db), delay(5000).then(() => 'blocked' as const)]);
      expect(value).toBe(0);
      expect(committed).toBe(false);
    } finally {
      release.open();
    }
    await transaction;
    expect(await readCounter(db)).toBe(1);
  });

  it('without readers, a select waits for the transaction and never sees uncommitted rows', async () => {
    const db = open({ readers: 0 });
    await createSchema(db);
    const updated = gate();
    const release = gate();

    const transaction = db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('counter').set({ value: 99 }).execute();
        updated.open();
        await release.promise;
        throw new Error('roll back');
      })
      .catch(() => 'rolled back');

    await updated.promise;
    const read = readCounter(db);
    await delay(30);
    release.open();
    expect(await transaction).toBe('rolled back');
    // On the single shared connection an unserialized read would have returned the uncommitted 99.
    expect(await read).toBe(0);
  });

  it('rolls back and reports the sqlite error when COMMIT itself fails', async () => {
    const db = open();
    await createSchema(db);
    // A deferred foreign key is only checked at COMMIT, which is the one way to make COMMIT fail.
    await sql`create table deferred_child (id integer primary key, parent_id integer references parent(id) deferrable initially deferred)`.execute(db);

    const failure = await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('log').values({ marker: 'lost' }).execute();
        await sql`insert into deferred_child (parent_id) values (999)`.execute(trx);
      })
      .catch((error: unknown) => error);
    expect(isAbortedTransactionError(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'SQLITE_CONSTRAINT' });

    // The failed transaction left nothing behind and released the writer.
    await db.insertInto('log').values({ marker: 'after' }).execute();
    expect(await markers(db)).toEqual(['after']);
  });

  it("starts a 'read committed' transaction's reads with its BEGIN; its writes wait for the BEGIN, so nothing is lost", async () => {
    const db = open();
    await createSchema(db);
    // Ten at once, each reading then writing: the reads never run outside the writer lock, so each sees the last commit.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db
          .transaction()
          .setIsolationLevel('read committed')
          .execute(async (trx) => {
            const [value, log] = await Promise.all([readCounter(trx as unknown as Kysely<TestDB>), markers(trx as unknown as Kysely<TestDB>)]);
            await trx.updateTable('counter').set({ value: value + 1 }).where('id', '=', 1).execute();
            await trx.insertInto('log').values({ marker: `${i}:${log.length}` }).execute();
          }),
      ),
    );
    expect(await readCounter(db)).toBe(10);
    // Each transaction saw exactly the rows committed before it: 0, 1, …, 9 earlier markers.
    expect((await markers(db)).map((m) => Number(m.split(':')[1]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("fails a 'read committed' transaction whose BEGIN fails at its first write, and frees the writer", async () => {
    const db = open();
    await createSchema(db);
    // Another process (here: another connection pool) holds SQLite's write lock.
    const other = open({ busyTimeoutMs: 50 });
    const held = gate();
    const holding = db.transaction().execute(async (trx) => {
      await trx.insertInto('log').values({ marker: 'other' }).execute();
      await held.promise;
    });
    await delay(20);
    let readWhileBeginWaited = false;
    const failure = await other
      .transaction()
      .setIsolationLevel('read committed')
      .execute(async (trx) => {
        // The read is answered from the last commit even though BEGIN IMMEDIATE is waiting for the lock.
        expect(await readCounter(trx as unknown as Kysely<TestDB>)).toBe(0);
        readWhileBeginWaited = true;
        await trx.updateTable('counter').set({ value: 99 }).execute();
      })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(readWhileBeginWaited).toBe(true);
    held.open();
    await holding;
    // Nothing of the failed transaction was written, and its pool's writer is free again.
    await other.transaction().execute((trx) => trx.insertInto('log').values({ marker: 'after' }).execute());
    expect(await readCounter(db)).toBe(0);
    expect(await markers(db)).toEqual(['other', 'after']);
  });

  it('copies the WAL into the database file shortly after a commit, never inside the COMMIT itself', async () => {
    const db = open({ checkpointDelayMs: 150 });
    await createSchema(db);
    await delay(300);
    const before = (await stat(filename)).size;
    // ~1,500 pages in one transaction: past the 1,000 pages at which SQLite's own COMMIT would checkpoint.
    const filler = 'x'.repeat(3000);
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 10; i++) {
        await trx.insertInto('log').values(Array.from({ length: 200 }, () => ({ marker: filler }))).execute();
      }
    });
    expect((await stat(filename)).size).toBe(before);
    expect((await stat(`${filename}-wal`)).size).toBeGreaterThan(5_000_000);
    await delay(600);
    expect((await stat(filename)).size).toBeGreaterThan(before + 5_000_000);
    // The WAL is used again from its start after that copy: the next commits do not grow it.
    const walSize = (await stat(`${filename}-wal`)).size;
    for (let i = 0; i < 20; i++) await db.insertInto('log').values({ marker: `after ${i}` }).execute();
    expect((await stat(`${filename}-wal`)).size).toBe(walSize);
    expect((await markers(db)).length).toBe(2020);
  });

  it('supports savepoints in controlled transactions', async () => {
    const db = open();
    await createSchema(db);

    const trx = await db.startTransaction().execute();
    await trx.insertInto('parent').values({ name: 'kept' }).execute();
    const sp = await trx.savepoint('before_discard').execute();
    await sp.insertInto('parent').values({ name: 'discarded' }).execute();
    const back = await sp.rollbackToSavepoint('before_discard').execute();
    const released = await back.releaseSavepoint('before_discard').execute();
    await released.commit().execute();

    expect(await db.selectFrom('parent').select('name').execute()).toEqual([{ name: 'kept' }]);
  });

  it('streams select results in chunks', async () => {
    const db = open();
    await createSchema(db);
    await db
      .insertInto('log')
      .values(Array.from({ length: 250 }, (_, i) => ({ marker: `m${i}` })))
      .execute();

    const streamed: string[] = [];
    for await (const row of db.selectFrom('log').select('marker').orderBy('id').stream(100)) {
      streamed.push(row.marker);
    }
    expect(streamed).toHaveLength(250);
    expect(streamed[0]).toBe('m0');
    expect(streamed[249]).toBe('m249');
  });

  it('keeps working after failing statements, inside and outside transactions', async () => {
    const db = open();
    await createSchema(db);
    await db.insertInto('parent').values({ id: 1, name: 'a' }).execute();

    // Outside a transaction: the failing write must release the writer lock.
    await expect(db.insertInto('parent').values({ id: 1, name: 'dup' }).execute()).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT',
    });
    // Inside a transaction: the error propagates with its code and the transaction rolls back.
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('log').values({ marker: 'lost' }).execute();
        await trx.insertInto('parent').values({ name: 'a' }).execute();
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(sql`this is not sql`.execute(db)).rejects.toMatchObject({ code: 'SQLITE_ERROR' });

    // Later writes and transactions still go through (a leaked lock would hang here).
    await db.insertInto('parent').values({ name: 'b' }).execute();
    await db.transaction().execute((trx) => trx.insertInto('log').values({ marker: 'after' }).execute());
    expect(await markers(db)).toEqual(['after']);
    expect(await db.selectFrom('parent').select('name').orderBy('id').execute()).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('destroy() waits for a running transaction, closes everything, and the data persists', async () => {
    const openedRoles: string[] = [];
    const db = open({ readers: 2, onOpen: (_connection, role) => void openedRoles.push(role) });
    await createSchema(db);
    expect(openedRoles).toEqual(['writer', 'reader', 'reader']);

    const started = gate();
    const events: string[] = [];
    const transaction = db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('counter').set({ value: 7 }).execute();
        started.open();
        await delay(30);
      })
      .then(() => events.push('committed'));

    await started.promise;
    await db.destroy().then(() => events.push('destroyed'));
    await transaction;
    expect(events).toEqual(['committed', 'destroyed']);
    await expect(readCounter(db)).rejects.toThrow();

    const reopened = open();
    expect(await readCounter(reopened)).toBe(7);
  });

  it('keeps prepared statements: many distinct statements, failing ones not kept, and close still works', async () => {
    const db = open({ readers: 1 });
    await createSchema(db);
    // More distinct statements than the cache holds, on the writer and on the reader.
    for (let i = 0; i < 400; i++) {
      await db.insertInto('log').values(Array.from({ length: (i % 7) + 1 }, () => ({ marker: `m${i}` }))).execute();
      expect(await db.selectFrom('log').select('marker').where('marker', '=', `m${i}`).limit(i + 1).execute()).toHaveLength((i % 7) + 1);
    }
    // A statement that does not prepare fails every time, and does not break the connection.
    for (let i = 0; i < 2; i++) await expect(sql`select * from no_such_table`.execute(db)).rejects.toThrow(/no such table/);
    await db.schema.createTable('no_such_table').addColumn('x', 'integer').execute();
    expect((await sql`select * from no_such_table`.execute(db)).rows).toEqual([]);
    // The same statement, many at once on one connection, each with its own parameters.
    const names = await Promise.all(Array.from({ length: 50 }, (_, i) => db.selectFrom('log').select('marker').where('marker', '=', `m${i}`).executeTakeFirst()));
    expect(names.map((n) => n?.marker)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    await db.destroy();
    expect(await readCounter(open())).toBe(0);
  });

  it('tells which tables a write changed, after the commit, and nothing for a rollback', async () => {
    const changes: (string[] | null)[] = [];
    const db = open({ onWrite: (tables) => changes.push(tables === null ? null : [...tables].sort()) });
    await createSchema(db);
    changes.length = 0;
    await db.insertInto('parent').values({ name: 'p' }).execute();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('counter').set({ value: 1 }).execute();
      await trx.insertInto('log').values({ marker: 'x' }).execute();
      expect(changes).toEqual([['parent']]);
    });
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('log').execute();
      throw new Error('changed my mind');
    }).catch(() => undefined);
    await db.selectFrom('log').selectAll().execute();
    await sql`update counter set value = 2`.execute(db);
    expect(changes).toEqual([['parent'], ['counter', 'log'], null]);
  });
});
