// Security headers with a strict Content-Security-Policy (no inline script or style), and rate limiting.
import fastifyRateLimit from '@fastify/rate-limit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import { TooManyRequestsError } from '../errors.ts';

function tooManyAttempts(ttlMs: number): TooManyRequestsError {
  return new TooManyRequestsError(`Bạn đã thử quá nhiều lần. Vui lòng thử lại sau ${Math.max(1, Math.ceil(ttlMs / 60_000))} phút.`);
}

export interface AttemptLimit {
  max: number;
  windowMs: number;
  /** What is counted: an address, an account name, a code… */
  key: (request: FastifyRequest) => string;
}

/**
 * A preHandler counting each request against several limits at once (say per address and per account);
 * the route answers 429 as soon as any is exceeded. Counters live in the rate-limit store.
 */
export function limitAttempts(app: FastifyInstance, limits: AttemptLimit[]): preHandlerAsyncHookHandler {
  const checks = limits.map((limit) =>
    app.createRateLimit({ max: limit.max, timeWindow: limit.windowMs, keyGenerator: limit.key }),
  );
  return async function checkAttempts(request) {
    for (const check of checks) {
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) throw tooManyAttempts(result.ttl);
    }
  };
}

/**
 * Takes over the response for a route that writes `reply.raw` itself (a stream of events, an upload protocol).
 * The headers the reply already holds, the security headers among them, go to the raw response first: a hijacked
 * reply never sends them by itself.
 */
export function hijackReply(reply: FastifyReply): ServerResponse {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) reply.raw.setHeader(name, value);
  }
  reply.hijack();
  return reply.raw;
}

type HelmetMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The headers a helmet middleware sets, read once by running it against a recording response. */
function headersOf(middleware: HelmetMiddleware): Readonly<Record<string, string>> {
  const headers = new Map<string, string>();
  const recorder = {
    // Lower case, as Fastify and Node key them: no response makes a lower-cased copy of a name.
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  let failure: unknown;
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (error) => (failure = error));
  if (failure) throw failure;
  return Object.freeze(Object.fromEntries(headers));
}

export default fp(
  async function securityPlugin(app) {
    // helmet decides the headers once, at start: they never vary per request here (no nonces, since nothing
    // inline is allowed), so each response gets the same list without helmet's middleware chain running again.
    const securityHeaders = headersOf(
      helmet({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: {
            'default-src': ["'self'"],
            'script-src': ["'self'"],
            'style-src': ["'self'"],
            'img-src': ["'self'", 'data:', 'blob:'],
            'media-src': ["'self'", 'blob:'],
            'font-src': ["'self'"],
            'connect-src': ["'self'"],
            'form-action': ["'self'"],
            'frame-ancestors': ["'none'"],
            'base-uri': ["'none'"],
            'object-src': ["'none'"],
          },
        },
        // Served on plain HTTP inside agency networks too; HSTS belongs to the HTTPS proxy in front.
        strictTransportSecurity: false,
        crossOriginEmbedderPolicy: false,
      }),
    );
    // Into the reply's own headers, which Fastify hands to Node's writeHead in one object with its own: no
    // header-by-header bookkeeping on the raw response (a hijacked route copies them, see hijackReply).
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(securityHeaders);
      done();
    });
    // Routes opt in (login, code lookups); a general ceiling would throttle a check-in burst from one NAT.
    await app.register(fastifyRateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => tooManyAttempts(context.ttl),
    });
  },
  { name: 'security' },
);
