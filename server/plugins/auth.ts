// Who is asking and whether they may: every route declares its access, checked on the server before any work.
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../db/types.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import type { Actor } from '../services/audit.ts';
import { authenticateDoorPass, doorPassOf, issueDoorPass } from '../services/door-pass.ts';
import { findCurrentUser, type CurrentUser } from '../services/users.ts';
import { SESSION_COOKIE } from './session.ts';

/** 'public': anyone; 'user': any logged-in account; a role list: an account holding one of them. */
export type Access = 'public' | 'user' | readonly Role[];

export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Routes a user with a temporary password may still reach. */
    allowPasswordChangePending?: boolean;
    /**
     * The route (of a training session, `:id`) also takes a door pass instead of the session cookie, for JSON
     * calls of the door page's script (see server/services/door-pass.ts).
     */
    doorPass?: boolean;
    /**
     * Called when a door pass is found genuine (signed for this route's session), before the reads that decide
     * whether its login still holds: the route starts its own reads there so that both wait together.
     */
    warmUp?: (request: FastifyRequest) => void;
  }
  interface FastifyRequest {
    user: CurrentUser | null;
    actor(): Actor;
    /** True when this request was authenticated by a door pass (no cookie session, no CSRF token). */
    viaDoorPass: boolean;
    /** A door pass for the logged-in user on training session `sessionId`, bound to this login. */
    issueDoorPass(sessionId: number): string;
  }
  interface FastifyInstance {
    routeAccess: RouteAccess[];
  }
}

/** True when a browser asked for a page rather than a program for data. */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  if (!accept) return true;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

/**
 * True for a request that authenticates with a door pass: a JSON call, to a route that takes one, carrying one,
 * and no session cookie (a browser page that has one goes the usual way, CSRF token included). Such a request
 * gets no cookie session at all (see the session plugin).
 */
export function carriesDoorPass(request: FastifyRequest): boolean {
  return Boolean(request.routeOptions.config.doorPass) && request.cookies[SESSION_COOKIE] === undefined && !wantsHtml(request) && doorPassOf(request.headers) !== undefined;
}

function mayAccess(user: CurrentUser, access: Access): boolean {
  if (access === 'public' || access === 'user') return true;
  return access.some((role) => user.roles.includes(role));
}

async function enforceAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.is404) return;
  const { access, allowPasswordChangePending } = request.routeOptions.config;
  if (access === undefined) throw new ForbiddenError();
  if (access === 'public') return;
  const user = request.user;
  if (!user) {
    if (request.method === 'GET' && wantsHtml(request)) {
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    }
    throw new UnauthorizedError();
  }
  if (user.mustChangePassword && !allowPasswordChangePending) {
    if (request.method === 'GET' && wantsHtml(request)) return reply.redirect('/account/password', 303);
    throw new ForbiddenError('Bạn cần đổi mật khẩu tạm trước khi tiếp tục.');
  }
  if (!mayAccess(user, access)) throw new ForbiddenError();
}

export default fp(
  async function authPlugin(app, options: { doorPassKey: Buffer }) {
    const routes: RouteAccess[] = [];
    app.decorate('routeAccess', routes);
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) routes.push({ method, url: route.url, access: route.config?.access });
    });
    // A route without a declared access would be reachable by mistake: refuse to start instead.
    app.addHook('onReady', async () => {
      const missing = routes.filter((r) => r.access === undefined && r.method !== 'HEAD');
      if (missing.length > 0) {
        throw new Error(`Routes without config.access: ${missing.map((r) => `${r.method} ${r.url}`).join(', ')}`);
      }
    });

    app.decorateRequest('user', null);
    app.decorateRequest('actor', function (this: FastifyRequest): Actor {
      return { userId: this.user?.id ?? null, username: this.user?.username ?? null, ip: this.ip };
    });

    app.decorateRequest('viaDoorPass', false);
    app.decorateRequest('issueDoorPass', function (this: FastifyRequest, sessionId: number): string {
      if (!this.user) throw new UnauthorizedError();
      return issueDoorPass(options.doorPassKey, { userId: this.user.id, sessionId, authSessionHash: this.sessionHash() });
    });

    app.addHook('onRequest', async (request, reply) => {
      if (carriesDoorPass(request)) {
        const { warmUp } = request.routeOptions.config;
        const user = await authenticateDoorPass(app.db, options.doorPassKey, doorPassOf(request.headers)!, Number((request.params as { id?: string }).id), warmUp && (() => warmUp(request)));
        request.user = user;
        request.viaDoorPass = true;
        await enforceAccess(request, reply);
        return;
      }
      const userId = request.session.userId;
      if (userId !== undefined) {
        const user = await findCurrentUser(app.db, userId);
        if (user) {
          request.user = user;
          reply.locals.user = user;
        } else {
          // The account was disabled or deleted after this session began.
          await request.session.regenerate();
        }
      }
      await enforceAccess(request, reply);
    });

    app.addHook('preHandler', async (request, reply) => {
      if (request.session.flash && !request.viaDoorPass) {
        reply.locals.flash = request.session.flash;
        request.session.flash = undefined;
      }
      // A page's forms need a token; a JSON answer (the scanner's) never shows one, so it costs nothing there.
      if (request.user && !request.viaDoorPass && wantsHtml(request)) reply.locals.csrfToken = reply.generateCsrf();
    });
  },
  { name: 'auth', dependencies: ['session', 'view', 'db'] },
);
