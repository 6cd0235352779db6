// Diacritic-free name search must cost the same with 100,000 people as with 1,000 (word index, no table scan).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../server/db/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import type { DB } from '../../server/db/types.ts';
import { searchPeople } from '../../server/services/people.ts';
import { searchKey, searchTokens } from '../../server/services/text.ts';
import type { Bench } from './run.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Phan', 'Trương', 'Đặng', 'Bùi', 'Đỗ', 'Ngô', 'Dương', 'Lý', 'Hồ', 'Mai'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hoàng', 'Quốc', 'Kim', 'Hữu', 'Đức', 'Thành', 'Bảo'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Đào', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hòa', 'Khoa', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Nga', 'Phúc', 'Quyên', 'Sang', 'Tâm', 'Thảo', 'Tuấn', 'Vy', 'Xuân', 'Yến'];

function nameOf(i: number): string {
  return `${FAMILY[i % FAMILY.length]} ${MIDDLE[Math.floor(i / 16) % MIDDLE.length]} ${GIVEN[Math.floor(i / 192) % GIVEN.length]} ${i}`;
}

async function seed(db: Kysely<DB>, count: number): Promise<void> {
  const now = new Date().toISOString();
  const { id: unitId } = await db
    .insertInto('units')
    .values({ kind: 'commune', name: 'UBND xã Thử', name_search: 'ubnd xa thu', created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < count; start += 400) {
      const names = Array.from({ length: Math.min(400, count - start) }, (_, k) => nameOf(start + k));
      const ids = await trx
        .insertInto('people')
        .values(names.map((full_name) => ({ full_name, full_name_search: searchKey(full_name), unit_id: unitId, created_at: now, updated_at: now })))
        .returning('id')
        .execute();
      await trx
        .insertInto('person_name_tokens')
        .values(ids.flatMap((row, k) => searchTokens(names[k]!).map((token) => ({ token, person_id: row.id }))))
        .execute();
    }
  });
}

/** Median microseconds per search, over searches typed as an organizer would (no accents, partial words). */
async function timeSearches(db: Kysely<DB>, count: number): Promise<number> {
  // Three ways organizers type: the name from the start, the given name alone, family and given name.
  const queries = Array.from({ length: 300 }, (_, q) => {
    const words = searchKey(nameOf((q * 7919) % count)).split(' ');
    if (q % 3 === 0) return words.slice(0, 3).join(' ').slice(0, -1); // "nguyen van ha"
    if (q % 3 === 1) return words[2]!; // "hanh"
    return `${words[0]} ${words[2]}`; // "nguyen hanh"
  });
  for (const q of queries.slice(0, 30)) await searchPeople(db, q, { limit: 20 });
  const samples: number[] = [];
  for (const q of queries) {
    const started = process.hrtime.bigint();
    const found = await searchPeople(db, q, { limit: 20 });
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
    if (found.length === 0) throw new Error(`no result for ${q}`);
  }
  samples.sort((a, b) => a - b);
  return Math.round(samples[Math.floor(samples.length / 2)]!);
}

async function measure(count: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tap-huan-bench-'));
  const db = openDatabase(path.join(dir, 'bench.sqlite'), 2);
  try {
    await migrateToLatest(db);
    await seed(db, count);
    return await timeSearches(db, count);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bench: Bench = {
  name: 'people-search',
  description: 'median name search (no diacritics) with 100,000 people vs 1,000 people',
  async run() {
    const baseline = await measure(1_000);
    const value = await measure(100_000);
    const ratio = Math.round((value / baseline) * 100) / 100;
    return { name: 'people-search', value, unit: 'µs/search', baseline, ratio, target: '≤ 2 × the 1,000-person time', met: ratio <= 2 };
  },
};

export default bench;
