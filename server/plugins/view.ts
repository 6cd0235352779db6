// Server-rendered pages: Eta templates under views/, with per-request shared data on reply.locals.
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import fp from 'fastify-plugin';
import { PROJECT_ROOT } from '../project-root.ts';
import type { Flash } from './session.ts';
import type { CurrentUser } from '../services/users.ts';

export const VIEWS_DIR = path.join(PROJECT_ROOT, 'views');
export const ASSETS_DIR = path.join(PROJECT_ROOT, 'assets');

/** Data every page's layout reads. */
export interface PageLocals {
  user: CurrentUser | null;
  csrfToken: string;
  flash: Flash | null;
  currentPath: string;
  appName: string;
}

declare module 'fastify' {
  interface FastifyReply {
    locals: PageLocals;
  }
}

export default fp(
  async function viewPlugin(app, options: { production: boolean }) {
    const eta = new Eta({ views: VIEWS_DIR, cache: options.production, autoEscape: true });
    await app.register(fastifyView, {
      engine: { eta },
      templates: VIEWS_DIR,
      production: options.production,
    });
    // Assets are served by an explicit public route, so the route access check sees it like any other.
    await app.register(fastifyStatic, { root: ASSETS_DIR, serve: false, maxAge: options.production ? '1d' : 0 });
    app.get<{ Params: { '*': string } }>('/assets/*', { config: { access: 'public' } }, (request, reply) =>
      reply.sendFile(request.params['*']),
    );

    // @fastify/view already decorates reply.locals and merges it into every render.
    app.addHook('onRequest', (request, reply, done) => {
      const query = request.url.indexOf('?');
      reply.locals = { user: null, csrfToken: '', flash: null, currentPath: query === -1 ? request.url : request.url.slice(0, query), appName: 'Tập huấn' };
      done();
    });
  },
  { name: 'view' },
);
