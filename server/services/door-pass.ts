// The door pass: the credential the door page's script sends with each scan instead of the session cookie and a
// CSRF token, so a rush at the door skips the cookie session (unsign, load, parse, re-sign) and the CSRF check.
// It is handed out by the door page (already logged in and allowed) and binds who, which training session, which
// login (a prefix of the auth session's id hash) and until when, signed with a key of its own. It is never a
// bearer of more than the login behind it: each use checks that the login still exists (logout, disabling the
// account and a password change delete it), that the account is still enabled and holding its role, and that the
// session is still given to it, all from the memoized reads every request uses.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { cachedReadsFor } from '../db/cached-reads.ts';
import { findSessionByHashPrefix } from '../db/queries/auth-sessions.ts';
import type { DB } from '../db/types.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { nowIso } from './clock.ts';
import { isSessionStaff, mayRunCheckin } from './sessions.ts';
import { findCurrentUser, type CurrentUser } from './users.ts';

const VERSION = 'd1';
/** A working day at the door; the login behind the pass may end it sooner. */
export const DOOR_PASS_HOURS = 12;
/** 128 bits of the auth session's id hash: enough to name it, not the whole stored key. */
const AUTH_PREFIX_LENGTH = 32;
/** Longest well-formed pass (with room to spare): anything longer is refused before any parsing. */
const MAX_PASS_LENGTH = 200;
const PASS_SHAPE = /^d1\.([1-9]\d{0,9})\.([1-9]\d{0,9})\.([0-9a-f]{32})\.(\d{10,11})\.([A-Za-z0-9_-]{43})$/;

/** The pass key, derived from the cookie secret with a label of its own (HKDF): it signs nothing else, and nothing signed with the cookie secret is a pass. */
export function doorPassKey(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'tap-huan', 'door pass v1', 32));
}

export interface DoorPassClaims {
  userId: number;
  /** The training session the door page was opened for. */
  sessionId: number;
  /** The first characters of the login's id hash (auth_sessions.id_hash). */
  authPrefix: string;
  /** Unix seconds. */
  expiresAt: number;
}

function sign(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** "d1.<user>.<session>.<login hash prefix>.<expiry s>.<HMAC-SHA256>", to be sent as `Authorization: Bearer …`. */
export function issueDoorPass(key: Buffer, input: { userId: number; sessionId: number; authSessionHash: string }, at = Date.now()): string {
  const expiresAt = Math.floor(at / 1000) + DOOR_PASS_HOURS * 3600;
  const payload = `${VERSION}.${input.userId}.${input.sessionId}.${input.authSessionHash.slice(0, AUTH_PREFIX_LENGTH)}.${expiresAt}`;
  return `${payload}.${sign(key, payload)}`;
}

export type DoorPassReading = { ok: true; claims: DoorPassClaims } | { ok: false; problem: 'malformed' | 'signature' | 'expired' };

/**
 * Passes whose signature was found good, per key: a door sends the same pass with every scan, so its HMAC is
 * computed once. Only exact strings that verified are kept (the expiry is still checked on every use).
 */
const verified = new WeakMap<Buffer, Map<string, DoorPassClaims>>();
const MAX_VERIFIED = 1000;

/** Checks the form, the signature (in constant time) and the expiry; nothing here reads the database. */
export function readDoorPass(key: Buffer, pass: string, at = Date.now()): DoorPassReading {
  let known = verified.get(key);
  const remembered = known?.get(pass);
  if (remembered) return remembered.expiresAt * 1000 <= at ? { ok: false, problem: 'expired' } : { ok: true, claims: remembered };
  const match = pass.length <= MAX_PASS_LENGTH ? PASS_SHAPE.exec(pass) : null;
  if (!match) return { ok: false, problem: 'malformed' };
  const [, userId, sessionId, authPrefix, expiresAt, signature] = match as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(sign(key, pass.slice(0, pass.length - signature.length - 1)));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, problem: 'signature' };
  const claims = Object.freeze({ userId: Number(userId), sessionId: Number(sessionId), authPrefix, expiresAt: Number(expiresAt) });
  if (claims.expiresAt * 1000 <= at) return { ok: false, problem: 'expired' };
  if (!known) verified.set(key, (known = new Map()));
  if (known.size >= MAX_VERIFIED) known.clear();
  known.set(pass, claims);
  return { ok: true, claims };
}

/** The pass as sent: `Authorization: Bearer <pass>` or `X-Door-Pass: <pass>`; undefined when there is none. */
export function doorPassOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) return authorization.slice(7).trim();
  const header = headers['x-door-pass'];
  return typeof header === 'string' ? header.trim() : undefined;
}

/** The login a pass names, remembered for a second and forgotten at once on any change to auth_sessions. */
const logins = cachedReadsFor({ tables: ['auth_sessions'], ttlMs: 1000, maxEntries: 10_000 }, findSessionByHashPrefix);

/**
 * The account a pass speaks for on the route of training session `sessionId`, or a 401/403 with the reason.
 * The role itself is checked by the route's access rule afterwards, as for a cookie.
 */
export async function authenticateDoorPass(db: Kysely<DB>, key: Buffer, pass: string, sessionId: number, onGenuine?: () => void): Promise<CurrentUser> {
  const reading = readDoorPass(key, pass);
  if (!reading.ok) {
    throw new UnauthorizedError(
      reading.problem === 'expired'
        ? 'Phiên quét mã đã hết hạn. Hãy tải lại trang quét mã (đăng nhập lại nếu được hỏi).'
        : 'Phiên quét mã không hợp lệ. Hãy tải lại trang quét mã.',
    );
  }
  const { claims } = reading;
  if (claims.sessionId !== sessionId) throw new ForbiddenError('Trang quét mã này được mở cho buổi tập huấn khác. Hãy mở trang quét mã của buổi này.');
  // Signed by us for this session: the route may start its own reads now, alongside the ones below.
  onGenuine?.();
  // The remembered reads at once (the assignment's is used below): when they are not remembered (a second has
  // passed, a new session's rush begins) they cost one wait, not three.
  const [login, user] = await Promise.all([logins(db).get(claims.authPrefix), findCurrentUser(db, claims.userId), isSessionStaff(db, claims.userId, sessionId)]);
  if (!login || login.user_id !== claims.userId || login.expires_at <= nowIso()) {
    throw new UnauthorizedError('Phiên đăng nhập của trang quét mã đã kết thúc (đăng xuất, đổi mật khẩu hoặc tài khoản bị khóa). Hãy đăng nhập lại rồi mở lại trang quét mã.');
  }
  if (!user) throw new UnauthorizedError('Tài khoản không còn hoạt động. Hãy đăng nhập lại.');
  if (!(await mayRunCheckin(db, user, sessionId))) {
    throw new ForbiddenError('Buổi tập huấn này chưa được giao cho bạn điểm danh. Liên hệ cán bộ tổ chức.');
  }
  return user;
}
