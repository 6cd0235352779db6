// Sessions: create and edit them, invite units with a quota and persons, record replies and substitutions.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { MANAGE_PROGRAMME, READ_PROGRAMME, IdParams } from '../access.ts';
import { submitForm, text, textFields, textsOf } from '../forms.ts';
import { ConflictError, ValidationError } from '../../errors.ts';
import { getRound, getPlan, unitChoices } from '../../services/plans.ts';
import { searchPeople } from '../../services/people.ts';
import {
  SESSION_STATUSES, createSession, listSessionStaff, setSessionStaff, findSessionWarnings, getSessionDetail, invitePerson, inviteUnit, setInvitationStatus,
  substituteInvitation, uninviteUnit, updateSession, type SessionInput,
} from '../../services/sessions.ts';
import { SESSION_STATUS_LABELS } from '../../services/plans.ts';
import { listLetters, revokeInvitationCode } from '../../services/letters.ts';
import { loadEvidence } from '../materials/evidence.ts';

const FIELDS = ['date', 'startTime', 'endTime', 'venue', 'chair', 'capacity', 'checkinOpensMinutes', 'lateAfterMinutes', 'status', 'notes'] as const;
const statusOptions = SESSION_STATUSES.map((value) => ({ value, label: SESSION_STATUS_LABELS[value] }));
type Id = { Params: { id: number } };

const SessionQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), replace: Type.Optional(Type.Integer({ minimum: 1 })) });
const UnitParams = Type.Object({ id: Type.Integer({ minimum: 1 }), unitId: Type.Integer({ minimum: 1 }) });

export default async function sessionRoutes(app: FastifyInstance) {
  const sessionForm = async (roundId: number, extra: Record<string, unknown>) => {
    const round = await getRound(app.db, roundId);
    return { round, plan: await getPlan(app.db, round.planId), statusOptions, ...extra };
  };

  /** Saves, then says what clashes, if anything: a warning never blocks the organizer. */
  async function flashWarnings(sessionId: number, reply: { flash(type: 'info', message: string): void }) {
    const warnings = await findSessionWarnings(app.db, sessionId);
    if (warnings.length) reply.flash('info', `Đã lưu, lưu ý: ${warnings.join(' ')}`);
    return warnings.length > 0;
  }

  app.get<Id>('/rounds/:id/sessions/new', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) =>
    reply.view('pages/sessions/form', await sessionForm(request.params.id, {
      title: 'Thêm buổi tập huấn',
      action: `/rounds/${request.params.id}/sessions`,
      values: { date: '', startTime: '07:30', endTime: '11:00', venue: '', chair: '', capacity: '', checkinOpensMinutes: '30', lateAfterMinutes: '15', status: 'planned', notes: '' },
      errors: {},
    })),
  );

  app.post<Id>('/rounds/:id/sessions', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields([...FIELDS]) }, attachValidation: true }, async (request, reply) => {
    const roundId = Number((request.params as { id: unknown }).id);
    const values: SessionInput = textsOf(request.body, FIELDS);
    let created = 0;
    const response = await submitForm(request, reply, {
      page: 'pages/sessions/form',
      data: () => sessionForm(roundId, { title: 'Thêm buổi tập huấn', action: `/rounds/${roundId}/sessions`, values }),
      action: async () => `/sessions/${(created = await createSession(app.db, request.actor(), roundId, values))}`,
      success: 'Đã thêm buổi tập huấn. Tiếp theo: mời đơn vị và đại biểu.',
    });
    if (created) await flashWarnings(created, reply);
    return response;
  });

  app.get<Id & { Querystring: { q?: string; replace?: number } }>(
    '/sessions/:id',
    { config: { access: READ_PROGRAMME }, schema: { params: IdParams, querystring: SessionQuery } },
    async (request, reply) => {
      const session = await getSessionDetail(app.db, request.params.id);
      const q = request.query.q ?? '';
      const invitedIds = new Set(session.invitations.map((i) => i.personId));
      const found = q.trim() ? (await searchPeople(app.db, q, { limit: 20 })).map((p) => ({ ...p, invited: invitedIds.has(p.id) })) : [];
      return reply.view('pages/sessions/show', {
        title: `${session.roundLabel} — ${session.when}`,
        session,
        q,
        found,
        replacing: session.invitations.find((i) => i.id === request.query.replace) ?? null,
        letters: await listLetters(app.db, { sessionId: session.id, includeDrafts: true }),
        staff: await listSessionStaff(app.db, session.id),
        unitGroups: await unitChoices(app.db),
        canManage: request.user!.roles.includes('organizer'),
        evidence: await loadEvidence(app.db, 'session', session.id, request.user!.roles),
      });
    },
  );

  app.get<Id>('/sessions/:id/edit', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const session = await getSessionDetail(app.db, request.params.id);
    return reply.view('pages/sessions/form', await sessionForm(session.roundId, { title: 'Sửa buổi tập huấn', action: `/sessions/${session.id}`, session, values: session.input, errors: {} }));
  });

  app.post<Id>('/sessions/:id', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields([...FIELDS]) }, attachValidation: true }, async (request, reply) => {
    const id = Number((request.params as { id: unknown }).id);
    const values: SessionInput = textsOf(request.body, FIELDS);
    let saved = false;
    const response = await submitForm(request, reply, {
      page: 'pages/sessions/form',
      data: async () => {
        const session = await getSessionDetail(app.db, id);
        return sessionForm(session.roundId, { title: 'Sửa buổi tập huấn', action: `/sessions/${id}`, session, values });
      },
      action: async () => {
        await updateSession(app.db, request.actor(), id, values);
        saved = true;
        return `/sessions/${id}`;
      },
      success: 'Đã lưu buổi tập huấn.',
    });
    if (saved) await flashWarnings(id, reply);
    return response;
  });

  // The small forms on the session page: each redirects back to it with a message.
  async function backToSession(sessionId: number, reply: FastifyReply, work: () => Promise<string>) {
    try {
      reply.flash('success', await work());
    } catch (error) {
      if (error instanceof ValidationError) reply.flash('error', Object.values(error.fieldErrors).join(' '));
      else if (error instanceof ConflictError) reply.flash('error', error.message);
      else throw error;
    }
    return reply.redirect(`/sessions/${sessionId}`, 303);
  }

  app.post<Id>('/sessions/:id/units', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields(['unitId', 'quota']) } }, async (request, reply) =>
    backToSession(request.params.id, reply, async () => {
      const unitId = Number(text(request.body, 'unitId'));
      if (!Number.isInteger(unitId) || unitId < 1) throw new ValidationError({ unitId: 'Chọn đơn vị.' });
      await inviteUnit(app.db, request.actor(), request.params.id, unitId, text(request.body, 'quota'));
      return 'Đã mời đơn vị.';
    }),
  );

  app.post<{ Params: { id: number; unitId: number } }>('/sessions/:id/units/:unitId/delete', { config: { access: MANAGE_PROGRAMME }, schema: { params: UnitParams } }, async (request, reply) =>
    backToSession(request.params.id, reply, async () => {
      await uninviteUnit(app.db, request.actor(), request.params.id, request.params.unitId);
      return 'Đã bỏ đơn vị khỏi danh sách mời.';
    }),
  );

  app.post<Id>('/sessions/:id/invitations', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields(['personId']) } }, async (request, reply) =>
    backToSession(request.params.id, reply, async () => {
      const personId = Number(text(request.body, 'personId'));
      if (!Number.isInteger(personId) || personId < 1) throw new ValidationError({ personId: 'Chọn người cần mời.' });
      await invitePerson(app.db, request.actor(), request.params.id, personId);
      return 'Đã thêm vào danh sách mời.';
    }),
  );

  app.post<Id>('/invitations/:id/status', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields(['status']) } }, async (request, reply) => {
    const sessionId = await setInvitationStatus(app.db, request.actor(), request.params.id, text(request.body, 'status'));
    reply.flash('success', 'Đã cập nhật trạng thái.');
    return reply.redirect(`/sessions/${sessionId}`, 303);
  });

  app.post<Id>('/invitations/:id/substitute', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields(['replacementId']) } }, async (request, reply) => {
    const replacementId = Number(text(request.body, 'replacementId'));
    if (!Number.isInteger(replacementId) || replacementId < 1) throw new ValidationError({ replacementId: 'Chọn người đi thay.' });
    const sessionId = await substituteInvitation(app.db, request.actor(), request.params.id, replacementId);
    reply.flash('success', 'Đã ghi nhận người đi thay; lời mời cũ được giữ lại trong lịch sử.');
    return reply.redirect(`/sessions/${sessionId}`, 303);
  });

  for (const [action, reissue] of [['revoke-code', false], ['reissue-code', true]] as const) {
    app.post<Id>(`/invitations/:id/${action}`, { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
      const sessionId = await revokeInvitationCode(app.db, request.actor(), request.params.id, reissue);
      reply.flash('success', reissue ? 'Đã cấp mã giấy mời mới; mã cũ không còn dùng được.' : 'Đã thu hồi mã giấy mời.');
      return reply.redirect(`/sessions/${sessionId}`, 303);
    });
  }

  app.post<Id>('/sessions/:id/staff', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields(['userId', 'assigned']) } }, async (request, reply) =>
    backToSession(request.params.id, reply, async () => {
      const assigned = text(request.body, 'assigned') === '1';
      await setSessionStaff(app.db, request.actor(), request.params.id, Number(text(request.body, 'userId')), assigned);
      return assigned ? 'Đã giao buổi này cho cán bộ điểm danh.' : 'Đã thôi giao buổi này.';
    }),
  );
}
