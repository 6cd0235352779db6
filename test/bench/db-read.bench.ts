// How much the Kysely-over-sqlite3 dialect costs on the hottest kind of query (a primary-key select),
// beside the raw sqlite3 driver on the same file in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { openDatabase } from '../../server/db/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import type { Bench } from './run.ts';

const ROWS = 10_000;
const QUERIES = 20_000;
const CONCURRENCY = 32;

async function timeQueries(run: (id: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < QUERIES) await run((next++ % ROWS) + 1);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(QUERIES / seconds);
}

const bench: Bench = {
  name: 'db-read',
  description: 'primary-key selects per second through Kysely and our dialect vs the raw sqlite3 driver',
  async run() {
    const dir = mkdtempSync(path.join(tmpdir(), 'tap-huan-bench-'));
    const file = path.join(dir, 'bench.sqlite');
    const db = openDatabase(file, 2);
    await migrateToLatest(db);
    const now = new Date().toISOString();
    for (let start = 0; start < ROWS; start += 500) {
      await db
        .insertInto('users')
        .values(Array.from({ length: 500 }, (_, i) => ({
          username: `u${start + i}`, full_name: `Người ${start + i}`, password_hash: 'x',
          password_changed_at: now, created_at: now, updated_at: now,
        })))
        .execute();
    }
    const raw = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
    const rawGet = (id: number) =>
      new Promise((resolve, reject) => raw.get('select * from users where id = ?', [id], (e, row) => (e ? reject(e) : resolve(row))));
    await timeQueries(rawGet); // warm-up
    const baseline = await timeQueries(rawGet);
    const kyselyGet = (id: number) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    await timeQueries(kyselyGet);
    const value = await timeQueries(kyselyGet);
    await new Promise((resolve) => raw.close(resolve));
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
    const ratio = Math.round((value / baseline) * 100) / 100;
    return { name: 'db-read', value, unit: 'queries/s', baseline, ratio, target: '≥ 0.5 of raw sqlite3', met: ratio >= 0.5 };
  },
};

export default bench;
