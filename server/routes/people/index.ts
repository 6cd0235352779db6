// People: search without diacritics, create, edit, delete.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { MANAGE_PROGRAMME, READ_PROGRAMME, IdParams } from '../access.ts';
import { submitForm, textFields, textsOf } from '../forms.ts';
import { ValidationError } from '../../errors.ts';
import { countPeople, createPerson, deletePerson, requirePerson, searchPeople, toPersonView, updatePerson } from '../../services/people.ts';
import { unitChoices } from '../../services/plans.ts';

const FIELDS = ['fullName', 'position', 'unitId', 'phone', 'email', 'notes'] as const;
const PAGE_SIZE = 50;
type Id = { Params: { id: number } };

const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  unit: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('')])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
});

export default async function peopleRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { q?: string; unit?: number | ''; page?: number } }>(
    '/people',
    { config: { access: READ_PROGRAMME }, schema: { querystring: SearchQuery } },
    async (request, reply) => {
      const q = request.query.q ?? '';
      const unitId = request.query.unit || undefined;
      const page = request.query.page ?? 1;
      const people = await searchPeople(app.db, q, { unitId, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
      const link = (p: number) => `/people?${new URLSearchParams({ q, unit: unitId ? String(unitId) : '', page: String(p) })}`;
      return reply.view('pages/people/list', {
        title: 'Đại biểu, học viên',
        q,
        unitId: unitId ?? '',
        unitGroups: await unitChoices(app.db),
        people: people.slice(0, PAGE_SIZE),
        total: await countPeople(app.db, unitId),
        searching: q.trim() !== '',
        page,
        prevLink: page > 1 && !q.trim() ? link(page - 1) : null,
        nextLink: people.length > PAGE_SIZE && !q.trim() ? link(page + 1) : null,
        canManage: request.user!.roles.includes('organizer'),
      });
    },
  );

  app.get<{ Querystring: { unit?: number | '' } }>('/people/new', { config: { access: MANAGE_PROGRAMME }, schema: { querystring: SearchQuery } }, async (request, reply) =>
    reply.view('pages/people/form', {
      title: 'Thêm người',
      action: '/people',
      unitGroups: await unitChoices(app.db),
      values: { fullName: '', position: '', unitId: String(request.query.unit ?? ''), phone: '', email: '', notes: '' },
      errors: {},
    }),
  );

  app.post('/people', { config: { access: MANAGE_PROGRAMME }, schema: { body: textFields([...FIELDS]) }, attachValidation: true }, async (request, reply) => {
    const values = textsOf(request.body, FIELDS);
    return submitForm(request, reply, {
      page: 'pages/people/form',
      data: async () => ({ title: 'Thêm người', action: '/people', unitGroups: await unitChoices(app.db), values }),
      action: async () => `/people/${await createPerson(app.db, request.actor(), values)}`,
      success: `Đã thêm ${values.fullName.trim()}.`,
    });
  });

  app.get<Id>('/people/:id', { config: { access: READ_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const person = toPersonView(await requirePerson(app.db, request.params.id));
    return reply.view('pages/people/form', {
      title: person.fullName,
      action: `/people/${person.id}`,
      person,
      unitGroups: await unitChoices(app.db),
      values: { ...person, unitId: String(person.unitId) },
      errors: {},
      canManage: request.user!.roles.includes('organizer'),
    });
  });

  app.post<Id>('/people/:id', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields([...FIELDS]) }, attachValidation: true }, async (request, reply) => {
    const id = Number((request.params as { id: unknown }).id);
    const values = textsOf(request.body, FIELDS);
    return submitForm(request, reply, {
      page: 'pages/people/form',
      data: async () => ({
        title: 'Sửa thông tin',
        action: `/people/${id}`,
        person: toPersonView(await requirePerson(app.db, id)),
        unitGroups: await unitChoices(app.db),
        values,
        canManage: true,
      }),
      action: async () => {
        await updatePerson(app.db, request.actor(), id, values);
        return `/people/${id}`;
      },
      success: 'Đã lưu thông tin.',
    });
  });

  app.post<Id>('/people/:id/delete', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    try {
      await deletePerson(app.db, request.actor(), request.params.id);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      reply.flash('error', Object.values(error.fieldErrors).join(' '));
      return reply.redirect(`/people/${request.params.id}`, 303);
    }
    reply.flash('success', 'Đã xóa.');
    return reply.redirect('/people', 303);
  });
}
