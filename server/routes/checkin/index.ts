// Check-in pages and APIs: the door scanner, the desk, the room code (projector and phones), the live board.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import QRCode from 'qrcode';
import { IdParams } from '../access.ts';
import { text, textFields } from '../forms.ts';
import { hijackReply, limitAttempts } from '../../plugins/security.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import {
  ATTENDANCE_STATUS_LABELS, checkIn, checkinNotice, checkinWindowNotice, closeSession, confirmReview, liveCounts, markExcused, undoAttendance, warmUpCheckin, type CheckinResult,
} from '../../services/checkin.ts';
import { isoToVnParts } from '../../services/clock.ts';
import { findCodeByToken } from '../../services/invitation-codes.ts';
import { searchPeople } from '../../services/people.ts';
import { unitChoices } from '../../services/plans.ts';
import { currentRoomCode, isValidRoomCode, isValidRoomPass, issueRoomPass, roomSecret, ROOM_STEP_SECONDS } from '../../services/room-codes.ts';
import { getSessionDetail, mayRunCheckin } from '../../services/sessions.ts';
import { buildSignInSheet } from '../../services/attendance-sheet.ts';
import { renderSignInSheetPdf } from '../../documents/nd30/index.ts';
import { attendanceFileName, buildAttendanceCsv, buildAttendanceXlsx } from '../../documents/attendance-export.ts';
import type { Role } from '../../db/types.ts';
import type { LiveEvents } from '../../services/live-events.ts';
import { LiveBoards } from '../../services/live-boards.ts';

export const RUN_CHECKIN: readonly Role[] = ['checkin', 'organizer'];
const WATCH_CHECKIN: readonly Role[] = ['checkin', 'organizer', 'reporter'];
export const REMEMBERED_INVITATION_COOKIE = 'th_inv';

type Id = { Params: { id: number } };
const ScanBody = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 500 })),
  personId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.String({ maxLength: 12 })])),
  nonce: Type.Optional(Type.String({ maxLength: 100 })),
  method: Type.Optional(Type.Union([Type.Literal('door'), Type.Literal('desk')])),
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
});
const RoomParams = Type.Object({ id: Type.Integer({ minimum: 1 }), code: Type.String({ maxLength: 40 }) });

declare module 'fastify' {
  interface FastifyInstance {
    liveEvents: LiveEvents;
  }
}

function device(request: FastifyRequest): string {
  return String(request.headers['user-agent'] ?? '').slice(0, 200);
}

export default async function checkinRoutes(app: FastifyInstance) {
  const publish = (sessionId: number) => app.liveEvents.publish(sessionId);

  // Beyond the role: a check-in account works only on the sessions given to it; reporters only watch.
  app.addHook('preHandler', async (request) => {
    const user = request.user;
    // A door pass was checked against the staff assignment when it was read (server/services/door-pass.ts).
    if (!user || request.viaDoorPass || request.routeOptions.config.access === 'public') return;
    const params = request.params as { id?: number };
    let sessionId = Number(params.id);
    if (request.routeOptions.url?.startsWith('/attendances/')) {
      const row = await app.db.selectFrom('attendances').select('session_id').where('id', '=', sessionId).executeTakeFirst();
      if (!row) throw new NotFoundError('Không tìm thấy lượt điểm danh.');
      sessionId = row.session_id;
    }
    if (!Number.isInteger(sessionId)) return;
    const watching = request.method === 'GET' && (request.routeOptions.config.access as readonly Role[]).includes('reporter');
    if (watching && user.roles.includes('reporter')) return;
    if (!(await mayRunCheckin(app.db, user, sessionId))) {
      throw new ForbiddenError('Buổi tập huấn này chưa được giao cho bạn điểm danh. Liên hệ cán bộ tổ chức.');
    }
  });
  // Open live-board streams, ended when the server stops so shutdown never waits on them. However many boards are
  // open, a session's counts are computed once per update (at most every 400 ms: 500 arrivals a minute become a
  // few updates a second, each carrying the whole picture).
  const streams = new Set<() => void>();
  const boards = new LiveBoards(app.liveEvents, (id) => liveCounts(app.db, id), 400, (error) => app.log.warn({ err: error }, 'live board update failed'));
  app.addHook('onClose', async () => {
    for (const end of streams) end();
    boards.close();
  });

  async function sessionOr404(id: number) {
    return getSessionDetail(app.db, id);
  }

  // ---- Door: camera or USB scanner; JSON for the page's script, a plain form without it ----

  app.get<Id>('/sessions/:id/door', { config: { access: RUN_CHECKIN }, schema: { params: IdParams } }, async (request, reply) => {
    const session = await sessionOr404(request.params.id);
    // The page's script sends its scans with this pass instead of the cookie and a CSRF token; the session's roster
    // is read now, so the first person at the door does not wait for it.
    warmUpCheckin(app.db, session.id);
    const notice = await checkinNotice(app.db, session.id);
    return reply.view('pages/checkin/door', { title: `Quét mã — ${session.roundLabel}`, session, notice, result: null, doorPass: request.issueDoorPass(session.id) });
  });

  app.post<Id>(
    '/sessions/:id/checkin',
    {
      config: { access: RUN_CHECKIN, doorPass: true, warmUp: (request) => warmUpCheckin(app.db, Number((request.params as { id: string }).id)) },
      schema: { params: IdParams, body: ScanBody },
    },
    async (request, reply) => {
      const body = request.body as { code?: string; personId?: number | string; nonce?: string; method?: 'door' | 'desk' };
      const personId = body.personId === undefined || body.personId === '' ? undefined : Number(body.personId);
      if (body.code === undefined && personId === undefined) throw new ValidationError({ code: 'Thiếu mã cần điểm danh.' });
      if (personId !== undefined && (!Number.isInteger(personId) || personId < 1)) throw new ValidationError({ personId: 'Người cần điểm danh không hợp lệ.' });
      const result = await checkIn(app.db, {
        sessionId: request.params.id,
        method: body.method ?? (personId ? 'desk' : 'door'),
        actor: request.actor(),
        device: device(request),
        code: body.code,
        personId,
        nonce: body.nonce,
      });
      if (result.result === 'ok') publish(request.params.id);
      if (request.headers.accept?.includes('application/json')) return result;
      // Without JavaScript: the door form and the desk buttons come back to their page.
      if (body.method === 'desk' || personId) {
        reply.flash(result.result === 'ok' ? 'success' : 'error', describe(result));
        return reply.redirect(`/sessions/${request.params.id}/desk`, 303);
      }
      const session = await sessionOr404(request.params.id);
      const doorPass = request.viaDoorPass ? undefined : request.issueDoorPass(session.id);
      return reply.view('pages/checkin/door', { title: `Quét mã — ${session.roundLabel}`, session, notice: await checkinNotice(app.db, session.id), result, doorPass });
    },
  );

  // ---- Desk: search without diacritics, one tap, excused with a reason ----

  app.get<Id & { Querystring: { q?: string } }>(
    '/sessions/:id/desk',
    { config: { access: RUN_CHECKIN }, schema: { params: IdParams, querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }) } },
    async (request, reply) => {
      const session = await sessionOr404(request.params.id);
      const q = request.query.q ?? '';
      const attendance = await app.db
        .selectFrom('attendances')
        .select(['id', 'person_id', 'status', 'checked_in_at', 'reason', 'needs_review'])
        .where('session_id', '=', session.id)
        .execute();
      const byPerson = new Map(attendance.map((a) => [a.person_id, a]));
      const invited = session.invitations.filter((i) => i.status === 'invited' || i.status === 'confirmed');
      const candidates = q.trim()
        ? (await searchPeople(app.db, q, { limit: 30 })).map((p) => ({ personId: p.id, fullName: p.fullName, position: p.position, unitName: p.unitName, invited: invited.some((i) => i.personId === p.id) }))
        : invited.map((i) => ({ personId: i.personId, fullName: i.fullName, position: i.position, unitName: i.unitName, invited: true }));
      const rows = candidates.map((c) => {
        const a = byPerson.get(c.personId);
        return { ...c, attendanceId: a?.id ?? null, status: a?.status ?? null, statusLabel: a ? ATTENDANCE_STATUS_LABELS[a.status] : 'Chưa điểm danh', at: a?.checked_in_at ? isoToVnParts(a.checked_in_at).time : '', reason: a?.reason ?? '', needsReview: a?.needs_review === 1 };
      });
      return reply.view('pages/checkin/desk', {
        title: `Bàn điểm danh — ${session.roundLabel}`,
        session,
        q,
        rows,
        // Walk-ins are not on the invitation list: the review list comes from the attendance itself.
        review: (
          await app.db
            .selectFrom('attendances')
            .innerJoin('people', 'people.id', 'attendances.person_id')
            .innerJoin('units', 'units.id', 'people.unit_id')
            .where('attendances.session_id', '=', session.id)
            .where('attendances.needs_review', '=', 1)
            .select(['attendances.id', 'people.full_name', 'units.name', 'attendances.status', 'attendances.checked_in_at', 'attendances.substitute_for'])
            .execute()
        ).map((r) => ({
          attendanceId: r.id,
          fullName: r.full_name,
          unitName: r.name,
          statusLabel: ATTENDANCE_STATUS_LABELS[r.status] + (r.substitute_for ? ` cho ${r.substitute_for}` : ''),
          at: r.checked_in_at ? isoToVnParts(r.checked_in_at).time : '',
        })),
        notice: await checkinNotice(app.db, session.id),
        canClose: request.user!.roles.includes('organizer') || request.user!.roles.includes('checkin'),
      });
    },
  );

  app.post<Id>('/sessions/:id/excuse', { config: { access: RUN_CHECKIN }, schema: { params: IdParams, body: textFields(['personId', 'reason']) } }, async (request, reply) => {
    try {
      await markExcused(app.db, request.actor(), request.params.id, Number(text(request.body, 'personId')), text(request.body, 'reason'));
      reply.flash('success', 'Đã ghi vắng có phép.');
      publish(request.params.id);
    } catch (error) {
      if (error instanceof ValidationError) reply.flash('error', Object.values(error.fieldErrors).join(' '));
      else if (error instanceof ConflictError || error instanceof NotFoundError) reply.flash('error', error.message);
      else throw error;
    }
    return reply.redirect(`/sessions/${request.params.id}/desk`, 303);
  });

  app.post<Id>('/attendances/:id/undo', { config: { access: RUN_CHECKIN }, schema: { params: IdParams, body: textFields(['reason']) } }, async (request, reply) => {
    const reason = text(request.body, 'reason');
    if (!reason.trim()) throw new ValidationError({ reason: 'Nhập lý do hoàn tác.' });
    const sessionId = await undoAttendance(app.db, request.actor(), request.params.id, reason);
    publish(sessionId);
    reply.flash('success', 'Đã hoàn tác lượt điểm danh (đã ghi nhật ký).');
    return reply.redirect(`/sessions/${sessionId}/desk`, 303);
  });

  app.post<Id>('/attendances/:id/confirm', { config: { access: RUN_CHECKIN }, schema: { params: IdParams } }, async (request, reply) => {
    const sessionId = await confirmReview(app.db, request.actor(), request.params.id);
    publish(sessionId);
    reply.flash('success', 'Đã xác nhận người đăng ký tại chỗ.');
    return reply.redirect(`/sessions/${sessionId}/desk`, 303);
  });

  app.post<Id>('/sessions/:id/close', { config: { access: RUN_CHECKIN }, schema: { params: IdParams } }, async (request, reply) => {
    const { absent } = await closeSession(app.db, request.actor(), request.params.id);
    publish(request.params.id);
    reply.flash('success', `Đã kết thúc điểm danh; ${absent} người chưa điểm danh được ghi vắng.`);
    return reply.redirect(`/sessions/${request.params.id}/desk`, 303);
  });

  // ---- Room code: the projector page and the attendee's phone ----

  app.get<Id>('/sessions/:id/room', { config: { access: RUN_CHECKIN }, schema: { params: IdParams } }, async (request, reply) => {
    const session = await sessionOr404(request.params.id);
    const room = await roomView(session.id);
    const notice = await checkinNotice(app.db, session.id);
    return reply.view('pages/checkin/room', { title: `Mã phòng — ${session.roundLabel}`, session, room, notice, counts: await liveCounts(app.db, session.id), stepSeconds: ROOM_STEP_SECONDS });
  });

  app.get<Id>('/sessions/:id/room/code.json', { config: { access: RUN_CHECKIN }, schema: { params: IdParams } }, async (request) => {
    await sessionOr404(request.params.id);
    const room = await roomView(request.params.id);
    const counts = await liveCounts(app.db, request.params.id);
    // While check-in is not open the projector shows why instead of a code that phones would have refused.
    const notice = await checkinNotice(app.db, request.params.id);
    return { url: room.url, svg: room.svg, expiresAt: room.expiresAt, notice, attended: counts.attended, invited: counts.invited };
  });

  async function roomView(sessionId: number) {
    const secret = await roomSecret(app.db, sessionId);
    const { code, expiresAt } = currentRoomCode(secret, sessionId);
    const url = `${app.config.publicUrl}/r/${sessionId}/${code}`;
    return { url, expiresAt, svg: await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
  }

  const limitRoom = limitAttempts(app, [{ max: 600, windowMs: 60_000, key: (r) => `room:${r.ip}` }]);

  app.get<{ Params: { id: number; code: string } }>(
    '/r/:id/:code',
    { config: { access: 'public' }, schema: { params: RoomParams }, preHandler: limitRoom },
    async (request, reply) => {
      const { id, code } = request.params;
      const session = await app.db.selectFrom('sessions').select(['id', 'starts_at', 'ends_at', 'checkin_opens_minutes', 'status', 'venue']).where('id', '=', id).executeTakeFirst();
      if (!session) return reply.code(404).view('pages/checkin/room-phone', { title: 'Điểm danh', state: 'invalid', message: 'Không tìm thấy buổi tập huấn.' });
      const secret = await roomSecret(app.db, id);
      if (!isValidRoomCode(secret, id, code)) {
        return reply.code(410).view('pages/checkin/room-phone', { title: 'Điểm danh', state: 'invalid', message: 'Mã phòng đã hết hạn. Hãy quét lại mã QR đang chiếu trên màn hình.' });
      }
      const notice = checkinWindowNotice(session);
      if (notice) return reply.code(409).view('pages/checkin/room-phone', { title: 'Điểm danh', state: 'invalid', message: notice });
      return reply.view('pages/checkin/room-phone', { ...(await roomForm(request, id, issueRoomPass(secret, id), {})), csrfToken: reply.generateCsrf() });
    },
  );

  async function roomForm(request: FastifyRequest, sessionId: number, pass: string, extra: Record<string, unknown>) {
    const detail = await sessionOr404(sessionId);
    const remembered = request.cookies[REMEMBERED_INVITATION_COOKIE];
    const known = remembered ? await findCodeByToken(app.db, remembered) : undefined;
    const rememberedPerson = known && known.status === 'active' && known.sessionId === sessionId
      ? detail.invitations.find((i) => i.id === known.invitationId) ?? null
      : null;
    return {
      title: 'Điểm danh',
      state: 'form',
      session: detail,
      pass,
      rememberedPerson,
      unitGroups: await unitChoices(app.db),
      values: { personalCode: '', fullName: '', position: '', unitId: '', substituteFor: '' },
      errors: {},
      ...extra,
    };
  }

  app.post<{ Params: { id: number } }>(
    '/r/:id',
    {
      config: { access: 'public' },
      schema: { params: IdParams, body: textFields(['pass', 'personalCode', 'useRemembered', 'fullName', 'position', 'unitId', 'substituteFor', 'mode', 'nonce']) },
      preHandler: limitRoom,
    },
    async (request, reply) => {
      const id = request.params.id;
      const body = request.body;
      const secret = await roomSecret(app.db, id);
      const pass = text(body, 'pass');
      if (!isValidRoomPass(secret, id, pass)) {
        return reply.code(410).view('pages/checkin/room-phone', { title: 'Điểm danh', state: 'invalid', message: 'Phiên điểm danh trên điện thoại đã hết hạn. Hãy quét lại mã QR đang chiếu.' });
      }
      const actor = { userId: null, username: null, ip: request.ip };
      let result: CheckinResult;
      const mode = text(body, 'mode');
      if (mode === 'walk-in') {
        const values = { personalCode: '', fullName: text(body, 'fullName'), position: text(body, 'position'), unitId: text(body, 'unitId'), substituteFor: text(body, 'substituteFor') };
        const errors: Record<string, string> = {};
        if (!values.fullName.trim()) errors.fullName = 'Nhập họ và tên.';
        if (values.fullName.length > 120) errors.fullName = 'Họ và tên quá dài.';
        const unitId = Number(values.unitId);
        if (!Number.isInteger(unitId) || unitId < 1 || !(await app.db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst())) errors.unitId = 'Chọn đơn vị.';
        if (Object.keys(errors).length) {
          reply.code(422);
          return reply.view('pages/checkin/room-phone', { ...(await roomForm(request, id, pass, { values, errors, mode: 'walk-in' })), csrfToken: reply.generateCsrf() });
        }
        result = await checkIn(app.db, { sessionId: id, method: 'walk-in', actor, device: device(request), walkIn: { fullName: values.fullName, position: values.position, unitId, substituteFor: values.substituteFor }, nonce: text(body, 'nonce') });
      } else {
        const remembered = text(body, 'useRemembered') === '1' ? request.cookies[REMEMBERED_INVITATION_COOKIE] : undefined;
        const code = remembered ?? text(body, 'personalCode');
        if (!code.trim()) {
          reply.code(422);
          return reply.view('pages/checkin/room-phone', { ...(await roomForm(request, id, pass, { errors: { personalCode: 'Nhập mã 9 ký tự in trên giấy mời.' } })), csrfToken: reply.generateCsrf() });
        }
        result = await checkIn(app.db, { sessionId: id, method: 'room', actor, device: device(request), code, nonce: text(body, 'nonce') });
      }
      if (result.result === 'ok') publish(id);
      reply.code(result.result === 'refused' ? 422 : 200);
      return reply.view('pages/checkin/room-phone', { title: 'Điểm danh', state: 'done', result, message: describe(result) });
    },
  );

  // ---- Live board: counts per unit and arrivals, pushed by server-sent events ----

  app.get<Id>('/sessions/:id/live', { config: { access: WATCH_CHECKIN }, schema: { params: IdParams } }, async (request, reply) => {
    const session = await sessionOr404(request.params.id);
    return reply.view('pages/checkin/live', { title: `Theo dõi trực tiếp — ${session.roundLabel}`, session, counts: await liveCounts(app.db, session.id) });
  });

  app.get<Id>('/sessions/:id/live/counts.json', { config: { access: WATCH_CHECKIN }, schema: { params: IdParams } }, async (request) => {
    await sessionOr404(request.params.id);
    return liveCounts(app.db, request.params.id);
  });

  app.get<Id>('/sessions/:id/live/events', { config: { access: WATCH_CHECKIN }, schema: { params: IdParams } }, async (request, reply) => {
    await sessionOr404(request.params.id);
    const sessionId = request.params.id;
    const raw = hijackReply(reply);
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let closed = false;
    const watching = { stop: (): void => undefined };
    const heartbeat = setInterval(() => raw.write(': ping\n\n'), 15_000);
    const stop = () => {
      closed = true;
      watching.stop();
      clearInterval(heartbeat);
    };
    const end = () => {
      stop();
      raw.end();
    };
    streams.add(end);
    raw.on('close', () => {
      stop();
      streams.delete(end);
    });
    watching.stop = await boards.watch(sessionId, (payload) => {
      if (!closed) raw.write(`data: ${payload}\n\n`);
    });
    // Closed while the first picture was being computed.
    if (closed) watching.stop();
  });

  function describe(result: CheckinResult): string {
    if (result.result === 'ok') return `${result.person.name} — ${result.statusLabel} lúc ${result.at}${result.needsReview ? ' (chờ cán bộ xác nhận)' : ''}.`;
    if (result.result === 'duplicate') return `${result.person.name}: ${result.message}`;
    return result.person ? `${result.person.name}: ${result.message}` : result.message;
  }

  // ---- Exports: the sign-in sheet (blank before, filled after), XLSX, and CSV with a BOM for Excel ----

  const ExportQuery = Type.Object({ blank: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('0')])) });
  for (const extension of ['pdf', 'xlsx', 'csv'] as const) {
    app.get<Id & { Querystring: { blank?: '1' | '0' } }>(
      `/sessions/:id/attendance.${extension}`,
      { config: { access: WATCH_CHECKIN }, schema: { params: IdParams, querystring: ExportQuery } },
      async (request, reply) => {
        const blank = extension === 'pdf' && request.query.blank === '1';
        const sheet = await buildSignInSheet(app.db, request.params.id, !blank);
        const fileName = attendanceFileName(sheet.time.start, extension, { blank });
        reply.header('content-disposition', `${extension === 'pdf' ? 'inline' : 'attachment'}; filename="${fileName}"`).header('cache-control', 'private, no-store');
        if (extension === 'pdf') return reply.type('application/pdf').send(renderSignInSheetPdf(sheet, { fontDir: app.config.fontDir }));
        if (extension === 'xlsx') return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await buildAttendanceXlsx(sheet));
        return reply.type('text/csv; charset=utf-8').send(buildAttendanceCsv(sheet));
      },
    );
  }
}
