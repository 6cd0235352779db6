// The start page: setup notice before first run, the login page for visitors, the dashboard for users.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { getAgencyProfile } from '../../services/agency.ts';
import { ROLE_LABELS } from '../../services/roles.ts';
import { isSetupNeeded, isValidSetupToken } from '../../services/setup.ts';
import { upcomingSessions } from '../../services/sessions.ts';

const HomeQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) });

export default async function homeRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { token?: string } }>(
    '/',
    { config: { access: 'public' }, schema: { querystring: HomeQuery } },
    async (request, reply) => {
      if (await isSetupNeeded(app.db)) {
        const token = request.query.token;
        if (token && (await isValidSetupToken(app.db, token))) {
          return reply.redirect(`/setup?token=${encodeURIComponent(token)}`, 303);
        }
        return reply.view('pages/setup/waiting', { title: 'Chưa cài đặt' });
      }
      const user = request.user;
      if (!user) return reply.redirect('/login', 303);
      if (user.mustChangePassword) return reply.redirect('/account/password', 303);
      return reply.view('pages/home/dashboard', {
        title: 'Trang chính',
        agency: await getAgencyProfile(app.db),
        roleLabels: user.roles.map((role) => ROLE_LABELS[role]),
        isAdmin: user.roles.includes('admin'),
        runsCheckin: user.roles.includes('checkin') || user.roles.includes('organizer'),
        sessions:
          user.roles.includes('organizer') || user.roles.includes('reporter')
            ? await upcomingSessions(app.db)
            : user.roles.includes('checkin')
              ? await upcomingSessions(app.db, { staffUserId: user.id })
              : [],
      });
    },
  );
}
