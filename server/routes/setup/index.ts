// First-run setup: the page that creates the first admin and the agency profile, opened by the printed link.
import type { FastifyInstance } from 'fastify';
import { SetupBody, SetupQuery } from './schemas.ts';
import { limitAttempts } from '../../plugins/security.ts';
import { ValidationError } from '../../errors.ts';
import { completeSetup, isSetupNeeded, isValidSetupToken } from '../../services/setup.ts';
import { agencyInputFrom } from '../agency/index.ts';
import { renderFormErrors, text, validationErrorOf } from '../forms.ts';

const INVALID_LINK = 'Liên kết cài đặt không hợp lệ hoặc đã hết hạn. Dùng liên kết mới nhất in ra khi khởi động máy chủ.';

export default async function setupRoutes(app: FastifyInstance) {
  const limitPerIp = limitAttempts(app, [{ max: 30, windowMs: 15 * 60_000, key: (r) => `setup:${r.ip}` }]);

  app.get<{ Querystring: { token?: string } }>(
    '/setup',
    { config: { access: 'public' }, schema: { querystring: SetupQuery }, preHandler: limitPerIp },
    async (request, reply) => {
      if (!(await isSetupNeeded(app.db))) return reply.redirect('/', 303);
      if (!(await isValidSetupToken(app.db, request.query.token))) {
        return reply.code(403).view('errors/error', { title: 'Không có quyền truy cập', status: 403, message: INVALID_LINK });
      }
      return reply.view('pages/setup/form', {
        title: 'Cài đặt lần đầu',
        values: { token: request.query.token, ...agencyInputFrom({}), username: '', fullName: '' },
        errors: {},
        csrfToken: reply.generateCsrf(),
      });
    },
  );

  app.post(
    '/setup',
    { config: { access: 'public' }, schema: { body: SetupBody }, attachValidation: true, preHandler: limitPerIp },
    async (request, reply) => {
      const body = request.body;
      const values = {
        token: text(body, 'token'),
        username: text(body, 'username'),
        fullName: text(body, 'fullName'),
        loadDemo: text(body, 'loadDemo'),
        ...agencyInputFrom(body),
      };
      let userId: number;
      try {
        const invalid = validationErrorOf(request);
        if (invalid) throw invalid;
        userId = await completeSetup(app.db, request.ip, {
          token: values.token,
          admin: {
            username: values.username,
            fullName: values.fullName,
            password: text(body, 'password'),
            confirmPassword: text(body, 'confirmPassword'),
          },
          agency: agencyInputFrom(body),
          loadDemo: text(body, 'loadDemo') === '1',
        });
      } catch (error) {
        if (error instanceof ValidationError) {
          return renderFormErrors(reply, 'pages/setup/form', { title: 'Cài đặt lần đầu', values }, error);
        }
        throw error;
      }
      await request.session.regenerate();
      request.session.userId = userId;
      reply.flash('success', text(body, 'loadDemo') === '1' ? 'Đã cài đặt xong và nạp dữ liệu minh họa năm 2022. Chào mừng bạn đến với Tập huấn.' : 'Đã cài đặt xong. Chào mừng bạn đến với Tập huấn.');
      return reply.redirect('/', 303);
    },
  );
}
