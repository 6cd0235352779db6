// A consistent copy of the database while the server keeps running (SQLite's VACUUM INTO reads one snapshot).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { BadRequestError } from '../errors.ts';

/** Writes the copy to `target` (which must not exist yet) and checks it opens as a sound database. */
export async function backupDatabase(db: Kysely<DB>, target: string): Promise<{ file: string; bytes: number }> {
  const file = path.resolve(target);
  if (existsSync(file)) throw new BadRequestError(`Tệp ${file} đã tồn tại; chọn tên khác để không ghi đè bản sao lưu cũ.`);
  mkdirSync(path.dirname(file), { recursive: true });
  await sql`VACUUM INTO ${file}`.execute(db);
  return { file, bytes: statSync(file).size };
}
