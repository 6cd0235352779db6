// Many rows in one bound JSON value: the same rows and types as binding them one by one, refused when they cannot
// be sent as JSON, and the check-in lookups by pairs found through their indexes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery, Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertJsonRows, JsonText, pairIn } from '../server/db/json-rows.ts';
import { createSqliteDialect } from '../server/db/sqlite-dialect.ts';
import { openDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import type { DB } from '../server/db/types.ts';

interface TestDB {
  sample: { id: number; label: string | null; amount: number | null; flag: number | null };
}

let dir: string;
const opened: Kysely<never>[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'json-rows-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
  await rm(dir, { recursive: true, force: true });
});

async function sampleDb(onWrite?: (tables: ReadonlySet<string> | null) => void): Promise<Kysely<TestDB>> {
  const db = new Kysely<TestDB>({ dialect: createSqliteDialect({ filename: path.join(dir, 'sample.sqlite'), onWrite }) });
  opened.push(db as Kysely<never>);
  await sql`create table sample (id integer not null, label text, amount, flag integer)`.execute(db);
  return db;
}

const asAppDb = (db: Kysely<TestDB>) => db as unknown as Kysely<DB>;

describe('insertJsonRows', () => {
  it('stores the same values and types as bound parameters, in the order given', async () => {
    const db = await sampleDb();
    const rows = [
      { id: 3, label: 'Nguyễn Văn Ánh', amount: 12, flag: 1 },
      { id: 1, label: `quote ' double " backslash \\ tab \t newline \n NUL \u0000 end`, amount: 1.5, flag: null },
      { id: 2, label: null, amount: -0.25, flag: 0 },
      { id: 4, label: '😀 lone \ud800 surrogate', amount: 2 ** 40, flag: 1 },
    ];
    await insertJsonRows(asAppDb(db), 'sample' as keyof DB, rows as never);
    await sql`insert into sample (id, label, amount, flag) values (${10}, ${rows[1]!.label}, ${1.5}, ${null}), (${11}, ${rows[3]!.label}, ${2 ** 40}, ${1})`.execute(db);
    const stored = await sql<{ id: number; label: string | null; amount: number | null; flag: number | null; types: string }>`
      select id, label, amount, flag, typeof(label) || ' ' || typeof(amount) || ' ' || typeof(flag) as types from sample order by rowid`.execute(db);
    expect(stored.rows.map((r) => r.id)).toEqual([3, 1, 2, 4, 10, 11]);
    expect(stored.rows[0]).toEqual({ ...rows[0], types: 'text integer integer' });
    expect(stored.rows[1]).toEqual({ ...rows[1], types: 'text real null' });
    expect(stored.rows[2]).toEqual({ ...rows[2], types: 'null real integer' });
    expect(stored.rows[3]!.types).toBe('text integer integer');
    // Bound one by one, a lone surrogate becomes U+FFFD; sent as JSON it does too, and nothing else differs.
    expect(stored.rows[3]!.label).toBe('😀 lone \ufffd surrogate');
    expect(stored.rows[3]!.label).toBe(stored.rows[5]!.label);
    expect(stored.rows[1]!.label).toBe(stored.rows[4]!.label);
  });

  it('stores booleans as 1 and 0, and writes nothing for no rows', async () => {
    const db = await sampleDb();
    await insertJsonRows(asAppDb(db), 'sample' as keyof DB, [] as never);
    await insertJsonRows(asAppDb(db), 'sample' as keyof DB, [{ id: 1, flag: true }, { id: 2, flag: false }] as never);
    expect((await db.selectFrom('sample').select(['id', 'flag']).orderBy('id').execute())).toEqual([{ id: 1, flag: 1 }, { id: 2, flag: 0 }]);
  });

  it('stores a JsonText as the JSON text JSON.stringify gives, and null as NULL', async () => {
    const db = await sampleDb();
    const answer = { result: 'ok', person: { name: 'Nguyễn Thị "Hoa"', unit: 'UBND xã \\ Phước Thạnh' }, at: '07:45', lone: 'a\ud800b', list: [1, 2.5, null, true], empty: {} };
    await insertJsonRows(asAppDb(db), 'sample' as keyof DB, [{ id: 1, label: new JsonText(answer) }, { id: 2, label: new JsonText([]) }, { id: 3, label: null }] as never);
    const rows = await sql<{ id: number; label: string | null; kind: string }>`select id, label, typeof(label) as kind from sample order by id`.execute(db);
    expect(rows.rows[0]!.label).toBe(JSON.stringify(answer));
    expect(JSON.parse(rows.rows[0]!.label!)).toEqual(answer);
    expect(rows.rows[1]).toEqual({ id: 2, label: '[]', kind: 'text' });
    expect(rows.rows[2]).toEqual({ id: 3, label: null, kind: 'null' });
    expect(() => new JsonText('text' as never)).toThrow(TypeError);
    expect(() => new JsonText(null as never)).toThrow(TypeError);
  });

  it('refuses values JSON cannot carry and rows with other columns, writing nothing', async () => {
    const db = await sampleDb();
    const refused = [
      [{ id: 1, label: 'a' }, { id: 2, label: undefined }],
      [{ id: 1, amount: Number.NaN }],
      [{ id: 1, amount: Number.POSITIVE_INFINITY }],
      [{ id: 1, amount: 10n }],
      [{ id: 1, label: { text: 'a' } }],
      [{ id: 1, label: new Uint8Array([1]) }],
      [{ id: 1, label: 'a' }, { id: 2, amount: 3 }],
      [{ id: 1, label: 'a' }, { id: 2, label: 'b', amount: 3 }],
    ];
    for (const rows of refused) {
      await expect(insertJsonRows(asAppDb(db), 'sample' as keyof DB, rows as never)).rejects.toThrow(TypeError);
    }
    expect(await db.selectFrom('sample').selectAll().execute()).toEqual([]);
  });

  it('tells the dialect which table was written, so memoized reads of it are forgotten', async () => {
    const written: (string[] | null)[] = [];
    const db = await sampleDb((tables) => written.push(tables === null ? null : [...tables]));
    await insertJsonRows(asAppDb(db), 'sample' as keyof DB, [{ id: 1, label: 'a' }] as never);
    await db.transaction().execute((trx) => insertJsonRows(asAppDb(trx as unknown as Kysely<TestDB>), 'sample' as keyof DB, [{ id: 2, label: 'b' }] as never));
    expect(written.slice(-2)).toEqual([['sample'], ['sample']]);
  });
});

describe('pairIn', () => {
  it('finds exactly the pairs asked for, not every combination of their values', async () => {
    const db = await sampleDb();
    await db.insertInto('sample').values([1, 2, 3, 4].map((id) => ({ id, label: `s${id % 2}`, amount: id, flag: null }))).execute();
    const rows = await db
      .selectFrom('sample')
      .select('id')
      .where(pairIn('label', 'amount', [['s1', 1], ['s0', 4], ['s1', 4]]))
      .orderBy('id')
      .execute();
    expect(rows).toEqual([{ id: 1 }, { id: 4 }]);
  });

  it('lets the check-in reads use their indexes, the partial one on client nonces included', async () => {
    const db = openDatabase(path.join(dir, 'app.sqlite'), 1);
    opened.push(db as Kysely<never>);
    await migrateToLatest(db);
    const plans = [
      db.selectFrom('checkin_attempts').select('response_json').where('client_nonce', 'is not', null).where(pairIn('session_id', 'client_nonce', [[1, 'a'], [2, 'b']])),
      db.selectFrom('attendances').select('id').where(pairIn('session_id', 'person_id', [[1, 10], [2, 20]])),
    ];
    for (const query of plans) {
      const compiled = query.compile();
      const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
      const details = plan.rows.map((row) => row.detail);
      expect(details.some((d) => /^SEARCH (checkin_attempts|attendances) USING (COVERING )?INDEX/.test(d)), details.join(' | ')).toBe(true);
      expect(details.some((d) => /^SCAN (checkin_attempts|attendances)\b/.test(d)), details.join(' | ')).toBe(false);
    }
  });
});
