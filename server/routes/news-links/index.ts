// News links (tin bài): add, edit, soft-delete with a reason, and the admin's purge.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HttpError, ValidationError } from '../../errors.ts';
import { resolveScope } from '../../services/materials.ts';
import { createNewsLink, deleteNewsLink, getNewsLink, purgeNewsLink, updateNewsLink } from '../../services/news-links.ts';
import { IdParams } from '../access.ts';
import { submitForm, text, textFields, textsOf } from '../forms.ts';
import { MANAGE_MATERIALS, PURGE_MATERIALS } from '../materials/access.ts';

const FIELDS = ['url', 'title', 'outlet', 'publishedOn'] as const;
type Id = { Params: { id: number } };

export default async function newsLinkRoutes(app: FastifyInstance) {
  const scopeOr404 = async (value: string) => {
    try {
      return await resolveScope(app.db, value);
    } catch (error) {
      if (error instanceof ValidationError) throw new HttpError(404, Object.values(error.fieldErrors).join(' '));
      throw error;
    }
  };

  app.get<{ Querystring: { scope: string } }>(
    '/news-links/new',
    { config: { access: MANAGE_MATERIALS }, schema: { querystring: Type.Object({ scope: Type.String({ maxLength: 40 }) }) } },
    async (request, reply) => {
      const scope = await scopeOr404(request.query.scope);
      return reply.view('pages/news-links/form', {
        title: 'Thêm tin bài',
        action: '/news-links',
        scope,
        values: { scope: scope.value, url: '', title: '', outlet: '', publishedOn: '' },
        errors: {},
      });
    },
  );

  app.post('/news-links', { config: { access: MANAGE_MATERIALS }, schema: { body: textFields(['scope', ...FIELDS]) }, attachValidation: true }, async (request, reply) => {
    const values = textsOf(request.body, ['scope', ...FIELDS]);
    const scope = await scopeOr404(values.scope);
    return submitForm(request, reply, {
      page: 'pages/news-links/form',
      data: () => ({ title: 'Thêm tin bài', action: '/news-links', scope, values }),
      action: async () => {
        await createNewsLink(app.db, request.actor(), values);
        return scope.url;
      },
      success: 'Đã thêm tin bài.',
    });
  });

  app.get<Id>('/news-links/:id/edit', { config: { access: MANAGE_MATERIALS }, schema: { params: IdParams } }, async (request, reply) => {
    const { link, scope } = await getNewsLink(app.db, request.params.id);
    return reply.view('pages/news-links/form', { title: 'Sửa tin bài', action: `/news-links/${request.params.id}`, scope, values: link, errors: {} });
  });

  app.post<Id>(
    '/news-links/:id',
    { config: { access: MANAGE_MATERIALS }, schema: { params: IdParams, body: textFields([...FIELDS]) }, attachValidation: true },
    async (request, reply) => {
      const id = Number((request.params as { id: unknown }).id);
      const values = textsOf(request.body, FIELDS);
      const { scope } = await getNewsLink(app.db, id);
      return submitForm(request, reply, {
        page: 'pages/news-links/form',
        data: () => ({ title: 'Sửa tin bài', action: `/news-links/${id}`, scope, values }),
        action: async () => (await updateNewsLink(app.db, request.actor(), id, values)).url,
        success: 'Đã lưu tin bài.',
      });
    },
  );

  app.post<Id>('/news-links/:id/delete', { config: { access: MANAGE_MATERIALS }, schema: { params: IdParams, body: textFields(['reason']) } }, async (request, reply) => {
    const { scope } = await getNewsLink(app.db, request.params.id);
    try {
      await deleteNewsLink(app.db, request.actor(), request.params.id, text(request.body, 'reason'));
      reply.flash('success', 'Đã xóa tin bài. Việc xóa được ghi nhật ký; quản trị có thể xóa vĩnh viễn.');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      reply.flash('error', Object.values(error.fieldErrors).join(' '));
    }
    return reply.redirect(scope.url, 303);
  });

  app.post<Id>('/news-links/:id/purge', { config: { access: PURGE_MATERIALS }, schema: { params: IdParams } }, async (request, reply) => {
    await purgeNewsLink(app.db, request.actor(), request.params.id);
    reply.flash('success', 'Đã xóa vĩnh viễn tin bài. Nhật ký vẫn giữ nội dung của tin bài.');
    return reply.redirect('/materials/deleted', 303);
  });
}
