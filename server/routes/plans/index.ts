// Plans and their rounds: list, create, edit, and the plan's page with rounds and sessions.
import type { FastifyInstance } from 'fastify';
import { MANAGE_PROGRAMME, READ_PROGRAMME, IdParams } from '../access.ts';
import { listOf, submitForm, textFields, textsOf } from '../forms.ts';
import {
  createPlan, createRound, getPlan, getPlanDetail, getRound, listPlans, listSessionSummaries, toPlanInput, toRoundInput,
  unitChoices, updatePlan, updateRound, type RoundInput,
} from '../../services/plans.ts';
import { loadEvidence } from '../materials/evidence.ts';

const PLAN_FIELDS = ['number', 'symbol', 'issuedOn', 'summary', 'basis', 'year', 'requiredRounds'] as const;
const ROUND_FIELDS = ['number', 'title', 'topics', 'notes'] as const;
type Id = { Params: { id: number } };

function planInputFrom(body: unknown) {
  return { ...textsOf(body, PLAN_FIELDS), unitIds: listOf(body, 'unitIds') };
}

/** Round fields plus one "quota_<unitId>" field per unit. */
function roundInputFrom(body: unknown): RoundInput {
  const quotas: Record<string, string> = {};
  for (const [key, value] of Object.entries((body as Record<string, unknown>) ?? {})) {
    const match = /^quota_(\d{1,9})$/.exec(key);
    if (match && typeof value === 'string') quotas[match[1]!] = value;
  }
  return { ...textsOf(body, ROUND_FIELDS), quotas };
}

export default async function planRoutes(app: FastifyInstance) {
  app.get('/plans', { config: { access: READ_PROGRAMME } }, async (request, reply) =>
    reply.view('pages/plans/list', { title: 'Kế hoạch', plans: await listPlans(app.db), canManage: request.user!.roles.includes('organizer') }),
  );

  const planForm = async (extra: Record<string, unknown>) => ({ unitGroups: await unitChoices(app.db), ...extra });

  app.get('/plans/new', { config: { access: MANAGE_PROGRAMME } }, async (_request, reply) => {
    const year = new Date().getFullYear();
    return reply.view('pages/plans/form', await planForm({
      title: 'Thêm kế hoạch',
      action: '/plans',
      values: { number: '', symbol: 'KH-UBND', issuedOn: '', summary: '', basis: '', year: String(year), requiredRounds: '2', unitIds: [] },
      errors: {},
    }));
  });

  app.post('/plans', { config: { access: MANAGE_PROGRAMME }, schema: { body: textFields([...PLAN_FIELDS], ['unitIds']) }, attachValidation: true }, async (request, reply) => {
    const values = planInputFrom(request.body);
    return submitForm(request, reply, {
      page: 'pages/plans/form',
      data: () => planForm({ title: 'Thêm kế hoạch', action: '/plans', values }),
      action: async () => `/plans/${await createPlan(app.db, request.actor(), values)}`,
      success: 'Đã thêm kế hoạch. Tiếp theo: thêm các đợt tập huấn.',
    });
  });

  app.get<Id>('/plans/:id', { config: { access: READ_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const detail = await getPlanDetail(app.db, request.params.id);
    const evidence = await loadEvidence(app.db, 'plan', detail.plan.id, request.user!.roles);
    return reply.view('pages/plans/show', { title: detail.plan.reference, ...detail, evidence, canManage: request.user!.roles.includes('organizer') });
  });

  app.get<Id>('/plans/:id/edit', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const plan = await getPlan(app.db, request.params.id);
    return reply.view('pages/plans/form', await planForm({ title: 'Sửa kế hoạch', action: `/plans/${plan.id}`, plan, values: toPlanInput(plan), errors: {} }));
  });

  app.post<Id>('/plans/:id', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields([...PLAN_FIELDS], ['unitIds']) }, attachValidation: true }, async (request, reply) => {
    const id = Number((request.params as { id: unknown }).id);
    const values = planInputFrom(request.body);
    return submitForm(request, reply, {
      page: 'pages/plans/form',
      data: async () => planForm({ title: 'Sửa kế hoạch', action: `/plans/${id}`, plan: await getPlan(app.db, id), values }),
      action: async () => {
        await updatePlan(app.db, request.actor(), id, values);
        return `/plans/${id}`;
      },
      success: 'Đã lưu kế hoạch.',
    });
  });

  // ---- Rounds ----

  const roundForm = async (planId: number, extra: Record<string, unknown>) => {
    const plan = await getPlan(app.db, planId);
    const groups = await unitChoices(app.db);
    // The plan's target units first: they are the usual audience.
    const target = new Set(plan.unitIds);
    return {
      plan,
      unitGroups: groups.map((g) => ({ ...g, units: [...g.units].sort((a, b) => Number(target.has(b.id)) - Number(target.has(a.id))) })),
      targetUnitIds: plan.unitIds,
      ...extra,
    };
  };

  app.get<Id>('/plans/:id/rounds/new', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const detail = await getPlanDetail(app.db, request.params.id);
    const next = Math.max(0, ...detail.rounds.map((r) => r.number)) + 1;
    return reply.view('pages/rounds/form', await roundForm(detail.plan.id, {
      title: `Thêm đợt tập huấn`,
      action: `/plans/${detail.plan.id}/rounds`,
      values: { number: String(next), title: '', topics: '', notes: '', quotas: {} },
      errors: {},
    }));
  });

  app.post<Id>('/plans/:id/rounds', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields([...ROUND_FIELDS]) }, attachValidation: true }, async (request, reply) => {
    const planId = Number((request.params as { id: unknown }).id);
    const values = roundInputFrom(request.body);
    return submitForm(request, reply, {
      page: 'pages/rounds/form',
      data: () => roundForm(planId, { title: 'Thêm đợt tập huấn', action: `/plans/${planId}/rounds`, values }),
      action: async () => `/rounds/${await createRound(app.db, request.actor(), planId, values)}`,
      success: 'Đã thêm đợt. Tiếp theo: thêm buổi tập huấn.',
    });
  });

  app.get<Id>('/rounds/:id', { config: { access: READ_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const round = await getRound(app.db, request.params.id);
    const plan = await getPlan(app.db, round.planId);
    const sessions = (await listSessionSummaries(app.db, [round.id])).get(round.id) ?? [];
    const evidence = await loadEvidence(app.db, 'round', round.id, request.user!.roles);
    return reply.view('pages/rounds/show', { title: `${round.label}: ${round.title}`, round, plan, sessions, evidence, canManage: request.user!.roles.includes('organizer') });
  });

  app.get<Id>('/rounds/:id/edit', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const round = await getRound(app.db, request.params.id);
    return reply.view('pages/rounds/form', await roundForm(round.planId, { title: `Sửa ${round.label}`, action: `/rounds/${round.id}`, round, values: toRoundInput(round), errors: {} }));
  });

  app.post<Id>('/rounds/:id', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields([...ROUND_FIELDS]) }, attachValidation: true }, async (request, reply) => {
    const id = Number((request.params as { id: unknown }).id);
    const values = roundInputFrom(request.body);
    return submitForm(request, reply, {
      page: 'pages/rounds/form',
      data: async () => {
        const round = await getRound(app.db, id);
        return roundForm(round.planId, { title: `Sửa ${round.label}`, action: `/rounds/${id}`, round, values });
      },
      action: async () => {
        await updateRound(app.db, request.actor(), id, values);
        return `/rounds/${id}`;
      },
      success: 'Đã lưu đợt tập huấn.',
    });
  });
}
