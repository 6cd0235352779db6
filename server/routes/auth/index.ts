// Logging in and out.
import type { FastifyInstance } from 'fastify';
import { LoginBody, LoginQuery } from './schemas.ts';
import { limitAttempts } from '../../plugins/security.ts';
import { recordAudit } from '../../services/audit.ts';
import { authenticate, normalizeUsername } from '../../services/users.ts';
import { text, validationErrorOf } from '../forms.ts';

const LOGIN_WINDOW = 15 * 60_000;

/** Only paths on this site: "/x" but not "//evil.example" or "/\\evil". */
export function safeNextPath(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

export default async function authRoutes(app: FastifyInstance) {
  const { loginMaxPerIp, loginMaxPerAccount } = app.config;
  const limitLogins = limitAttempts(app, [
    { max: loginMaxPerIp, windowMs: LOGIN_WINDOW, key: (r) => `login-ip:${r.ip}` },
    { max: loginMaxPerAccount, windowMs: LOGIN_WINDOW, key: (r) => `login-account:${normalizeUsername(text(r.body, 'username')).slice(0, 100)}` },
  ]);

  app.get<{ Querystring: { next?: string; out?: string } }>(
    '/login',
    { config: { access: 'public' }, schema: { querystring: LoginQuery } },
    async (request, reply) => {
      if (request.user) return reply.redirect(safeNextPath(request.query.next), 303);
      return reply.view('pages/auth/login', {
        title: 'Đăng nhập',
        values: { username: '', next: request.query.next ?? '' },
        loggedOut: request.query.out === '1',
        csrfToken: reply.generateCsrf(),
      });
    },
  );

  app.post<{ Body: { username: string; password: string; next?: string } }>(
    '/login',
    {
      config: { access: 'public' },
      schema: { body: LoginBody },
      attachValidation: true,
      preHandler: limitLogins,
    },
    async (request, reply) => {
      const values = { username: text(request.body, 'username'), next: text(request.body, 'next') };
      const invalid = validationErrorOf(request);
      const user = invalid ? undefined : await authenticate(app.db, request.body.username, request.body.password);
      if (!user) {
        if (!invalid) {
          await recordAudit(app.db, { userId: null, username: normalizeUsername(values.username).slice(0, 100), ip: request.ip }, {
            action: 'user.login_failed',
            entityType: 'user',
          });
        }
        return reply.code(invalid ? 422 : 401).view('pages/auth/login', {
          title: 'Đăng nhập',
          values,
          errors: invalid?.fieldErrors ?? {},
          formError: invalid ? invalid.message : 'Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.',
          csrfToken: reply.generateCsrf(),
        });
      }
      // A fresh session id at login: a session fixed before login is worthless afterwards.
      await request.session.regenerate();
      request.session.userId = user.id;
      await recordAudit(app.db, { userId: user.id, username: user.username, ip: request.ip }, {
        action: 'user.login',
        entityType: 'user',
        entityId: user.id,
      });
      return reply.redirect(user.mustChangePassword ? '/account/password' : safeNextPath(values.next), 303);
    },
  );

  app.post('/logout', { config: { access: 'user', allowPasswordChangePending: true } }, async (request, reply) => {
    await recordAudit(app.db, request.actor(), { action: 'user.logout', entityType: 'user', entityId: request.user?.id });
    await request.session.destroy();
    return reply.redirect('/login?out=1', 303);
  });
}
