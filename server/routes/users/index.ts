// The admin manages accounts: create, edit roles, disable and enable, reset passwords.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CreateUserBody, ResetPasswordBody, UpdateUserBody, UserParams } from './schemas.ts';
import { ValidationError } from '../../errors.ts';
import { ROLES, ROLE_LABELS } from '../../services/roles.ts';
import {
  PASSWORD_MIN_LENGTH,
  createUser,
  findUserForAdmin,
  listUsersForAdmin,
  resetUserPassword,
  setUserDisabled,
  updateUserAccount,
} from '../../services/users.ts';
import { renderFormErrors, text, validationErrorOf } from '../forms.ts';

const ADMIN = { access: ['admin'] as const };
const roleOptions = ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }));

function rolesOf(body: unknown): string[] {
  const value = (body as { roles?: unknown } | undefined)?.roles;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

type IdRequest = { Params: { id: number } };

export default async function userRoutes(app: FastifyInstance) {
  async function renderEdit(reply: FastifyReply, id: number, error?: ValidationError, values?: Record<string, unknown>) {
    const account = await findUserForAdmin(app.db, id);
    const data = { title: `Tài khoản ${account.username}`, account, roleOptions, minLength: PASSWORD_MIN_LENGTH, values: values ?? account };
    return error ? renderFormErrors(reply, 'pages/users/edit', data, error) : reply.view('pages/users/edit', { ...data, errors: {} });
  }

  app.get('/admin/users', { config: ADMIN }, async (_request, reply) =>
    reply.view('pages/users/list', { title: 'Tài khoản người dùng', users: await listUsersForAdmin(app.db) }),
  );

  app.get('/admin/users/new', { config: ADMIN }, async (_request, reply) =>
    reply.view('pages/users/new', {
      title: 'Thêm tài khoản',
      roleOptions,
      minLength: PASSWORD_MIN_LENGTH,
      values: { username: '', fullName: '', roles: [] },
      errors: {},
    }),
  );

  app.post('/admin/users', { config: ADMIN, schema: { body: CreateUserBody }, attachValidation: true }, async (request, reply) => {
    const values = { username: text(request.body, 'username'), fullName: text(request.body, 'fullName'), roles: rolesOf(request.body) };
    let id: number;
    try {
      const invalid = validationErrorOf(request);
      if (invalid) throw invalid;
      id = await createUser(app.db, request.actor(), { ...values, password: text(request.body, 'password'), mustChangePassword: true });
    } catch (error) {
      if (error instanceof ValidationError) {
        const page = { title: 'Thêm tài khoản', roleOptions, minLength: PASSWORD_MIN_LENGTH, values };
        return renderFormErrors(reply, 'pages/users/new', page, error);
      }
      throw error;
    }
    reply.flash('success', `Đã tạo tài khoản ${values.username.trim().toLowerCase()}. Người dùng phải đổi mật khẩu tạm khi đăng nhập lần đầu.`);
    return reply.redirect(`/admin/users/${id}`, 303);
  });

  app.get<IdRequest>('/admin/users/:id', { config: ADMIN, schema: { params: UserParams } }, async (request, reply) =>
    renderEdit(reply, request.params.id),
  );

  app.post<IdRequest>(
    '/admin/users/:id',
    { config: ADMIN, schema: { params: UserParams, body: UpdateUserBody }, attachValidation: true },
    async (request, reply) => {
      const id = Number((request.params as { id: unknown }).id);
      const values = { fullName: text(request.body, 'fullName'), roles: rolesOf(request.body) };
      try {
        const invalid = validationErrorOf(request);
        if (invalid) throw invalid;
        await updateUserAccount(app.db, request.actor(), id, values);
      } catch (error) {
        if (error instanceof ValidationError) return renderEdit(reply, id, error, values);
        throw error;
      }
      reply.flash('success', 'Đã lưu tài khoản.');
      return reply.redirect(`/admin/users/${id}`, 303);
    },
  );

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post<IdRequest>(`/admin/users/:id/${action}`, { config: ADMIN, schema: { params: UserParams } }, async (request, reply) => {
      const id = request.params.id;
      try {
        await setUserDisabled(app.db, request.actor(), id, disabled);
      } catch (error) {
        if (error instanceof ValidationError) return renderEdit(reply, id, error);
        throw error;
      }
      reply.flash('success', disabled ? 'Đã khóa tài khoản; mọi phiên đăng nhập của tài khoản đã kết thúc.' : 'Đã mở khóa tài khoản.');
      return reply.redirect(`/admin/users/${id}`, 303);
    });
  }

  app.post<IdRequest>(
    '/admin/users/:id/reset-password',
    { config: ADMIN, schema: { params: UserParams, body: ResetPasswordBody }, attachValidation: true },
    async (request, reply) => {
      const id = Number((request.params as { id: unknown }).id);
      try {
        const invalid = validationErrorOf(request);
        if (invalid) throw invalid;
        await resetUserPassword(app.db, request.actor(), id, text(request.body, 'password'));
      } catch (error) {
        if (error instanceof ValidationError) return renderEdit(reply, id, error);
        throw error;
      }
      reply.flash('success', 'Đã đặt mật khẩu tạm; người dùng phải đổi mật khẩu khi đăng nhập lại.');
      return reply.redirect(`/admin/users/${id}`, 303);
    },
  );
}
