// Server-side sessions in the database (so ending a user's sessions is one DELETE), CSRF tokens, and flash messages.
import { createHash } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession, { type FastifySessionOptions } from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely, Selectable } from 'kysely';
import { cachedReadsFor, type CachedReads } from '../db/cached-reads.ts';
import { deleteExpiredSessions, deleteSession, findSession, upsertSession } from '../db/queries/auth-sessions.ts';
import type { AuthSessionsTable, DB } from '../db/types.ts';
import { nowIso } from '../services/clock.ts';

export interface Flash {
  type: 'success' | 'error' | 'info';
  message: string;
}

declare module 'fastify' {
  interface Session {
    userId?: number;
    flash?: Flash;
  }
  interface FastifyRequest {
    /** SHA-256 of the session id, as stored; lets a service keep this session while ending the others. */
    sessionHash(): string;
  }
  interface FastifyReply {
    flash(type: Flash['type'], message: string): void;
  }
}

export const SESSION_COOKIE = 'th_sid';

/** The stored key for a session id: a database reader never sees a usable cookie value. */
export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

type Callback = (error?: unknown, session?: unknown) => void;

const authSessions = cachedReadsFor({ tables: ['auth_sessions'], ttlMs: 1000, maxEntries: 10_000 }, findSession);

// The store interface @fastify/session expects (express-session compatible, callback style).
class DatabaseSessionStore {
  // Every request of a logged-in user reads its session: remembered for a second, forgotten on any write to it.
  readonly #sessions: CachedReads<string, Selectable<AuthSessionsTable> | undefined>;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly ttlMs: number,
  ) {
    this.#sessions = authSessions(db);
  }

  set(sessionId: string, session: { userId?: number; cookie?: { expires?: Date | string | null } }, callback: Callback): void {
    const now = Date.now();
    const cookieExpiry = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : NaN;
    const expires = Number.isFinite(cookieExpiry) ? cookieExpiry : now + this.ttlMs;
    upsertSession(this.db, {
      id_hash: hashSessionId(sessionId),
      user_id: session.userId ?? null,
      data: JSON.stringify(session),
      expires_at: new Date(expires).toISOString(),
      updated_at: new Date(now).toISOString(),
    }).then(() => callback(), callback);
  }

  get(sessionId: string, callback: Callback): void {
    this.#sessions.get(hashSessionId(sessionId)).then((row) => {
      if (!row) return callback(null, null);
      if (row.expires_at <= nowIso()) {
        return deleteSession(this.db, row.id_hash).then(() => callback(null, null), callback);
      }
      callback(null, JSON.parse(row.data));
    }, callback);
  }

  destroy(sessionId: string, callback: Callback): void {
    deleteSession(this.db, hashSessionId(sessionId)).then(() => callback(), callback);
  }
}

/**
 * @fastify/session, except that requests `skip` picks out get no session at all (`request.session` is `{}`, as
 * the plugin itself leaves it outside its cookie path): without a cookie the plugin would otherwise build a new
 * session for each of them (a random id, its signature, two hashes of the content) only to throw it away. The
 * plugin has no option for this, so its own request hook is wrapped as it registers it; everything else it
 * registers (decorators, the onSend hook, which passes over a `{}` session) is left as it is.
 */
const sessionSkipping = fp(
  function sessionSkipping(instance, options: FastifySessionOptions & { skip: (request: FastifyRequest) => boolean }, done) {
    const { skip, ...sessionOptions } = options;
    const host = new Proxy(instance, {
      get(target, property) {
        if (property === 'addHook') {
          return (name: string, hook: (request: FastifyRequest, reply: FastifyReply, next: () => void) => void) => {
            if (name !== 'onRequest') return target.addHook(name as 'onSend', hook as never);
            return target.addHook('onRequest', function (this: FastifyInstance, request, reply, next) {
              if (!skip(request)) return hook.call(this, request, reply, next);
              request.session = {} as FastifyRequest['session'];
              next();
            });
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    fastifySession.fastifySession(host, sessionOptions, done);
  },
  { fastify: '5.x', name: '@fastify/session', dependencies: ['@fastify/cookie'] },
);

export default fp(
  async function sessionPlugin(app, options: { secret: string; ttlHours: number; skip: (request: FastifyRequest) => boolean }) {
    const ttlMs = options.ttlHours * 3600_000;
    await app.register(fastifyCookie);
    await app.register(sessionSkipping, {
      skip: options.skip,
      secret: options.secret,
      cookieName: SESSION_COOKIE,
      saveUninitialized: false,
      rolling: false,
      store: new DatabaseSessionStore(app.db, ttlMs) as never,
      cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: ttlMs },
    });
    await app.register(fastifyCsrf, {
      sessionPlugin: '@fastify/session',
      getToken: (request: FastifyRequest) => (request.body as { _csrf?: string } | undefined)?._csrf ?? (request.headers['x-csrf-token'] as string | undefined),
    });

    app.decorateRequest('sessionHash', function (this: FastifyRequest) {
      return hashSessionId(this.session.sessionId);
    });
    app.decorateReply('flash', function (this: FastifyReply, type: Flash['type'], message: string) {
      this.request.session.flash = { type, message };
    });

    const sweep = () => deleteExpiredSessions(app.db, nowIso()).catch((error) => app.log.warn({ err: error }, 'session sweep failed'));
    app.addHook('onReady', async () => {
      await sweep();
    });
    const timer = setInterval(sweep, 3600_000).unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'session', dependencies: ['db'] },
);
