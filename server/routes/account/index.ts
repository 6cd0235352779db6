// A user's own account: changing the password (required after an admin's reset).
import type { FastifyInstance } from 'fastify';
import { ChangePasswordBody } from './schemas.ts';
import { ValidationError } from '../../errors.ts';
import { PASSWORD_MIN_LENGTH, changeOwnPassword } from '../../services/users.ts';
import { renderFormErrors, text, validationErrorOf } from '../forms.ts';

export default async function accountRoutes(app: FastifyInstance) {
  const page = { title: 'Đổi mật khẩu', minLength: PASSWORD_MIN_LENGTH };

  app.get('/account/password', { config: { access: 'user', allowPasswordChangePending: true } }, async (request, reply) =>
    reply.view('pages/account/password', { ...page, errors: {}, mustChange: request.user?.mustChangePassword ?? false }),
  );

  app.post(
    '/account/password',
    {
      config: { access: 'user', allowPasswordChangePending: true },
      schema: { body: ChangePasswordBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const user = request.user!;
      try {
        const invalid = validationErrorOf(request);
        if (invalid) throw invalid;
        await changeOwnPassword(app.db, request.actor(), {
          userId: user.id,
          currentPassword: text(request.body, 'currentPassword'),
          newPassword: text(request.body, 'newPassword'),
          confirmPassword: text(request.body, 'confirmPassword'),
          keepSessionHash: request.sessionHash(),
        });
      } catch (error) {
        if (error instanceof ValidationError) {
          return renderFormErrors(reply, 'pages/account/password', { ...page, mustChange: user.mustChangePassword }, error);
        }
        throw error;
      }
      reply.flash('success', 'Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã được đăng xuất.');
      return reply.redirect('/', 303);
    },
  );
}
