// Evidence-bundle test helpers: stored files and news links put in place as the upload feature will (bytes
// under a generated key, a row with their size and SHA-256), bundles read whole, archives checked with the
// system's unzip and sha256sum.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { DB, MaterialKind } from '../../server/db/types.ts';
import { generateStorageKey, type LocalFileStorage } from '../../server/services/storage.ts';

export interface MaterialSpec {
  planId: number;
  roundId?: number | null;
  sessionId?: number | null;
  kind: MaterialKind;
  title: string;
  originalName: string;
  mimeType: string;
  content: Buffer;
  uploadedAt?: string;
}

/** Stores a file and registers it, as a finished upload leaves it. */
export async function addMaterial(db: Kysely<DB>, storage: LocalFileStorage, spec: MaterialSpec): Promise<{ id: number; key: string; file: string }> {
  const extension = /\.([a-z0-9]{1,8})$/i.exec(spec.originalName)?.[1]?.toLowerCase() ?? '';
  const key = generateStorageKey(extension);
  const file = storage.pathOf(key);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, spec.content);
  const { id } = await db
    .insertInto('materials')
    .values({
      plan_id: spec.planId, round_id: spec.roundId ?? null, session_id: spec.sessionId ?? null, kind: spec.kind, title: spec.title,
      original_name: spec.originalName, storage_key: key, mime_type: spec.mimeType, bytes: spec.content.length,
      sha256: createHash('sha256').update(spec.content).digest('hex'), captured_at: null, width: null, height: null, thumbnail_key: null,
      uploaded_by: null, uploaded_at: spec.uploadedAt ?? '2022-05-14T02:00:00.000Z', deleted_at: null, deleted_by: null, delete_reason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, key, file };
}

export async function addNewsLink(db: Kysely<DB>, spec: { planId: number; roundId?: number | null; sessionId?: number | null; url: string; title: string; outlet?: string; publishedOn: string }): Promise<number> {
  const at = `${spec.publishedOn}T03:00:00.000Z`;
  const { id } = await db
    .insertInto('news_links')
    .values({
      plan_id: spec.planId, round_id: spec.roundId ?? null, session_id: spec.sessionId ?? null, url: spec.url, title: spec.title, outlet: spec.outlet ?? '',
      published_on: spec.publishedOn, created_by: null, created_at: at, updated_at: at, deleted_at: null, deleted_by: null, delete_reason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Deterministic bytes that look random (xorshift), so no layer can shortcut them as zeros. */
export function pseudoRandomBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i + 4 <= length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  for (let i = length - (length % 4); i < length; i++) out[i] = i & 0xff;
  return out;
}

/** A small JPEG-looking and an MP4-looking file: the bundle stores bytes as they are, whatever they hold. */
export const FAKE_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), pseudoRandomBytes(20_000, 7), Buffer.from([0xff, 0xd9])]);
export const FAKE_MP4 = Buffer.concat([Buffer.from('000000186674797069736f6d', 'hex'), pseudoRandomBytes(300_000, 9)]);

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `unzip -t` on a file: throws with its output when the archive is broken. */
export function unzipTest(file: string): string {
  return execFileSync('unzip', ['-t', file], { encoding: 'utf8', maxBuffer: 16 << 20 });
}

/** Extracts into a new folder. */
export function unzipTo(file: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('unzip', ['-q', file, '-d', dir]);
}

/** The archive's entries as `zipinfo` lists them: name, size, method ("stor" or "defN"), in archive order. */
export function zipEntries(file: string): { name: string; size: number; method: string }[] {
  const out = execFileSync('zipinfo', ['-l', file], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return out
    .split('\n')
    .filter((line) => /^[-d]/.test(line))
    .map((line) => {
      const parts = line.trim().split(/\s+/);
      // mode version os size type csize method date time name
      return { name: parts.slice(9).join(' '), size: Number(parts[3]), method: parts[6]! };
    });
}

/** The demo's plan and its two rounds, by id. */
export async function demoIds(db: Kysely<DB>): Promise<{ planId: number; round1: number; round2: number }> {
  const plan = await db.selectFrom('plans').select('id').executeTakeFirstOrThrow();
  const rounds = await db.selectFrom('rounds').select('id').where('plan_id', '=', plan.id).orderBy('number').execute();
  return { planId: plan.id, round1: rounds[0]!.id, round2: rounds[1]!.id };
}
