// Units: list, create, edit, delete.
import type { FastifyInstance } from 'fastify';
import { MANAGE_PROGRAMME, READ_PROGRAMME, IdParams } from '../access.ts';
import { submitForm, textFields, textsOf } from '../forms.ts';
import { listPeopleOfUnit } from '../../db/queries/people.ts';
import { UNIT_KINDS, UNIT_KIND_LABELS, createUnit, deleteUnit, listUnitViews, requireUnit, toUnitView, updateUnit } from '../../services/units.ts';
import { toPersonView } from '../../services/people.ts';
import { ValidationError } from '../../errors.ts';

const FIELDS = ['kind', 'name', 'shortName', 'sortOrder'] as const;
const kindOptions = UNIT_KINDS.map((value) => ({ value, label: UNIT_KIND_LABELS[value] }));
type Id = { Params: { id: number } };

export default async function unitRoutes(app: FastifyInstance) {
  app.get('/units', { config: { access: READ_PROGRAMME } }, async (request, reply) => {
    const units = await listUnitViews(app.db);
    return reply.view('pages/units/list', {
      title: 'Đơn vị',
      groups: kindOptions.map((k) => ({ label: k.label, units: units.filter((u) => u.kind === k.value) })).filter((g) => g.units.length),
      canManage: request.user!.roles.includes('organizer'),
    });
  });

  app.get('/units/new', { config: { access: MANAGE_PROGRAMME } }, async (_request, reply) =>
    reply.view('pages/units/form', { title: 'Thêm đơn vị', action: '/units', kindOptions, values: { kind: 'commune', name: '', shortName: '', sortOrder: '' }, errors: {} }),
  );

  app.post('/units', { config: { access: MANAGE_PROGRAMME }, schema: { body: textFields([...FIELDS]) }, attachValidation: true }, async (request, reply) => {
    const values = textsOf(request.body, FIELDS);
    return submitForm(request, reply, {
      page: 'pages/units/form',
      data: () => ({ title: 'Thêm đơn vị', action: '/units', kindOptions, values }),
      action: async () => {
        await createUnit(app.db, request.actor(), values);
        return '/units';
      },
      success: `Đã thêm đơn vị ${values.name.trim()}.`,
    });
  });

  app.get<Id>('/units/:id', { config: { access: READ_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const unit = toUnitView(await requireUnit(app.db, request.params.id));
    const people = (await listPeopleOfUnit(app.db, unit.id)).map(toPersonView);
    return reply.view('pages/units/form', {
      title: unit.name,
      action: `/units/${unit.id}`,
      unit,
      people,
      kindOptions,
      values: { kind: unit.kind, name: unit.name, shortName: unit.shortName, sortOrder: String(unit.sortOrder) },
      errors: {},
      canManage: request.user!.roles.includes('organizer'),
    });
  });

  app.post<Id>('/units/:id', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields([...FIELDS]) }, attachValidation: true }, async (request, reply) => {
    const id = Number((request.params as { id: unknown }).id);
    const values = textsOf(request.body, FIELDS);
    return submitForm(request, reply, {
      page: 'pages/units/form',
      data: async () => ({ title: 'Sửa đơn vị', action: `/units/${id}`, unit: toUnitView(await requireUnit(app.db, id)), people: [], kindOptions, values, canManage: true }),
      action: async () => {
        await updateUnit(app.db, request.actor(), id, values);
        return `/units/${id}`;
      },
      success: 'Đã lưu đơn vị.',
    });
  });

  app.post<Id>('/units/:id/delete', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    try {
      await deleteUnit(app.db, request.actor(), request.params.id);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      reply.flash('error', Object.values(error.fieldErrors).join(' '));
      return reply.redirect(`/units/${request.params.id}`, 303);
    }
    reply.flash('success', 'Đã xóa đơn vị.');
    return reply.redirect('/units', 303);
  });
}
