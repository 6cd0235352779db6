// Public pages behind the personal QR codes: the invitation itself, and a box to type the short code.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { limitAttempts } from '../../plugins/security.ts';
import { findTokenByShortCode, getInvitationPage } from '../../services/invitation-page.ts';
import { REMEMBERED_INVITATION_COOKIE } from '../checkin/index.ts';

const LookupQuery = Type.Object({ code: Type.Optional(Type.String({ maxLength: 40 })) });
const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });

export default async function invitationRoutes(app: FastifyInstance) {
  // Tokens carry 144 random bits, so guessing is hopeless; the limits keep scanners and typos from hammering.
  const limitTokens = limitAttempts(app, [{ max: 120, windowMs: 60_000, key: (r) => `invitation-token:${r.ip}` }]);
  const limitCodes = limitAttempts(app, [{ max: 30, windowMs: 15 * 60_000, key: (r) => `invitation-code:${r.ip}` }]);

  app.get<{ Querystring: { code?: string } }>(
    '/i',
    { config: { access: 'public' }, schema: { querystring: LookupQuery }, preHandler: limitCodes },
    async (request, reply) => {
      const typed = request.query.code?.trim() ?? '';
      if (typed) {
        const token = await findTokenByShortCode(app.db, typed);
        if (token) return reply.redirect(`/i/${token}`, 303);
        return reply.code(404).view('pages/invitation/lookup', { title: 'Tra cứu giấy mời', code: typed, notFound: true });
      }
      return reply.view('pages/invitation/lookup', { title: 'Tra cứu giấy mời', code: '', notFound: false });
    },
  );

  app.get<{ Params: { token: string } }>(
    '/i/:token',
    { config: { access: 'public' }, schema: { params: TokenParams }, preHandler: limitTokens },
    async (request, reply) => {
      const page = await getInvitationPage(app.db, app.config.publicUrl, request.params.token);
      reply.header('cache-control', 'no-store');
      reply.header('x-robots-tag', 'noindex');
      if (page.state === 'active') {
        // The room-code page on this phone can then offer "điểm danh" in one tap.
        reply.setCookie(REMEMBERED_INVITATION_COOKIE, request.params.token, { path: '/r', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 60 * 24 * 3600 });
        return reply.view('pages/invitation/show', { title: `Giấy mời — ${page.fullName}`, page });
      }
      return reply.code(page.state === 'unknown' ? 404 : 410).view('pages/invitation/ended', { title: 'Giấy mời không còn hiệu lực', page });
    },
  );
}
