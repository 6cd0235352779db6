// The admin reads the audit log: who changed what, when, before and after.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { listAuditPage } from '../../services/audit.ts';

const AuditQuery = Type.Object({
  entity: Type.Optional(Type.String({ maxLength: 50 })),
  user: Type.Optional(Type.String({ maxLength: 100 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, errorMessage: 'Số trang không hợp lệ.' })),
});

export default async function auditRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { entity?: string; user?: string; page?: number } }>(
    '/admin/audit',
    { config: { access: ['admin'] }, schema: { querystring: AuditQuery } },
    async (request, reply) => {
      const filter = { entity: request.query.entity ?? '', user: request.query.user?.trim() ?? '', page: request.query.page ?? 1 };
      const result = await listAuditPage(app.db, {
        entityType: filter.entity || undefined,
        username: filter.user || undefined,
        page: filter.page,
        pageSize: 50,
      });
      const link = (page: number) =>
        `/admin/audit?${new URLSearchParams({ ...(filter.entity && { entity: filter.entity }), ...(filter.user && { user: filter.user }), page: String(page) })}`;
      return reply.view('pages/audit/list', {
        title: 'Nhật ký thao tác',
        ...result,
        filter,
        prevLink: filter.page > 1 ? link(filter.page - 1) : null,
        nextLink: result.hasNext ? link(filter.page + 1) : null,
      });
    },
  );
}
