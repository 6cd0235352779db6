// The rotating room code on the projector: derived from a per-session secret and the time step, so any
// instance computes the same code without storing it. The current and the previous step are accepted.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

export const ROOM_STEP_SECONDS = 25;
const PASS_MINUTES = 10;

function step(at: number): number {
  return Math.floor(at / 1000 / ROOM_STEP_SECONDS);
}

function mac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}

/** The session's secret, created on first use (one row update; later calls only read). */
export async function roomSecret(db: Kysely<DB>, sessionId: number): Promise<string> {
  const row = await db.selectFrom('sessions').select('room_secret').where('id', '=', sessionId).executeTakeFirst();
  if (row?.room_secret) return row.room_secret;
  const secret = randomBytes(32).toString('base64url');
  await db.updateTable('sessions').set({ room_secret: secret }).where('id', '=', sessionId).where('room_secret', 'is', null).execute();
  const again = await db.selectFrom('sessions').select('room_secret').where('id', '=', sessionId).executeTakeFirstOrThrow();
  return again.room_secret!;
}

/** The code shown now (10 characters), and when it changes. */
export function currentRoomCode(secret: string, sessionId: number, at = Date.now()): { code: string; expiresAt: number } {
  const s = step(at);
  return { code: mac(secret, `room:${sessionId}:${s}`).slice(0, 10), expiresAt: (s + 1) * ROOM_STEP_SECONDS * 1000 };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True for this step's code or the previous one's, for this session only. */
export function isValidRoomCode(secret: string, sessionId: number, code: string, at = Date.now()): boolean {
  const s = step(at);
  return [s, s - 1].some((candidate) => same(mac(secret, `room:${sessionId}:${candidate}`).slice(0, 10), code));
}

/**
 * A pass handed to a phone that scanned a valid room code, so the person may take a few minutes to type
 * their personal code: "expiry.signature", valid for this session only.
 */
export function issueRoomPass(secret: string, sessionId: number, at = Date.now()): string {
  const expiry = at + PASS_MINUTES * 60_000;
  return `${expiry}.${mac(secret, `pass:${sessionId}:${expiry}`)}`;
}

export function isValidRoomPass(secret: string, sessionId: number, pass: string, at = Date.now()): boolean {
  const [expiryText, signature] = pass.split('.');
  const expiry = Number(expiryText);
  if (!Number.isFinite(expiry) || !signature || expiry < at || expiry > at + PASS_MINUTES * 60_000) return false;
  return same(mac(secret, `pass:${sessionId}:${expiry}`), signature);
}
