// Letters: drafts with a PDF preview, issuing into the register, the register and its export, PDFs and slips.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { loadExcelJs } from '../../documents/excel.ts';
import type { LetterKind } from '../../db/types.ts';
import { MANAGE_PROGRAMME, READ_PROGRAMME, IdParams } from '../access.ts';
import { submitForm, textFields, textsOf } from '../forms.ts';
import { getSessionDetail } from '../../services/sessions.ts';
import {
  LETTER_FORM_FIELDS, LETTER_KIND_LABELS, createDraft, defaultLetterForm, getLetter, issueLetter, listLetterYears, listLetters,
  previewLetter, renderLetter, renderLetterSlips, updateDraft, type LetterForm,
} from '../../services/letters.ts';
import { ValidationError } from '../../errors.ts';

type Id = { Params: { id: number } };
const KindQuery = Type.Object({ kind: Type.Optional(Type.Union([Type.Literal('giay-moi'), Type.Literal('cong-van')], { errorMessage: 'Loại văn bản không hợp lệ.' })) });
const RegisterQuery = Type.Object({
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, errorMessage: 'Năm không hợp lệ.' })),
  kind: Type.Optional(Type.Union([Type.Literal('giay-moi'), Type.Literal('cong-van'), Type.Literal('')])),
});
const kindOptions = (Object.keys(LETTER_KIND_LABELS) as LetterKind[]).map((value) => ({ value, label: LETTER_KIND_LABELS[value] }));

/** PDFs are sent inline (the browser shows them) with an ASCII file name and its UTF-8 form. */
function sendPdf(reply: FastifyReply, stream: NodeJS.ReadableStream, fileName: string, disposition: 'inline' | 'attachment' = 'inline') {
  return reply
    .type('application/pdf')
    .header('content-disposition', `${disposition}; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header('cache-control', 'private, no-store')
    .send(stream);
}

function formFrom(body: unknown): LetterForm {
  return textsOf(body, LETTER_FORM_FIELDS) as LetterForm;
}

export default async function letterRoutes(app: FastifyInstance) {
  const fontDir = app.config.fontDir;
  const formPage = async (sessionId: number, kind: LetterKind, extra: Record<string, unknown>) => ({
    session: await getSessionDetail(app.db, sessionId),
    kind,
    kindLabel: LETTER_KIND_LABELS[kind],
    ...extra,
  });

  app.get<Id & { Querystring: { kind?: LetterKind } }>(
    '/sessions/:id/letters/new',
    { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, querystring: KindQuery } },
    async (request, reply) => {
      const kind = request.query.kind ?? 'giay-moi';
      return reply.view('pages/letters/form', await formPage(request.params.id, kind, {
        title: `Lập ${LETTER_KIND_LABELS[kind].toLocaleLowerCase('vi')}`,
        action: `/sessions/${request.params.id}/letters?kind=${kind}`,
        previewAction: `/sessions/${request.params.id}/letters/preview?kind=${kind}`,
        values: await defaultLetterForm(app.db, request.params.id),
        errors: {},
      }));
    },
  );

  app.post<Id & { Querystring: { kind?: LetterKind } }>(
    '/sessions/:id/letters/preview',
    { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, querystring: KindQuery, body: textFields([...LETTER_FORM_FIELDS]) }, attachValidation: true },
    async (request, reply) => {
      const id = Number((request.params as { id: unknown }).id);
      const kind = request.query.kind ?? 'giay-moi';
      try {
        const stream = await previewLetter(app.db, id, kind, formFrom(request.body), { fontDir });
        return sendPdf(reply, stream, 'ban-xem-truoc.pdf');
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        reply.code(422);
        return reply.view('pages/letters/form', await formPage(id, kind, {
          title: `Lập ${LETTER_KIND_LABELS[kind].toLocaleLowerCase('vi')}`,
          action: `/sessions/${id}/letters?kind=${kind}`,
          previewAction: `/sessions/${id}/letters/preview?kind=${kind}`,
          values: formFrom(request.body),
          errors: error.fieldErrors,
          formError: error.message,
          csrfToken: reply.generateCsrf(),
        }));
      }
    },
  );

  app.post<Id & { Querystring: { kind?: LetterKind; replaces?: number } }>(
    '/sessions/:id/letters',
    {
      config: { access: MANAGE_PROGRAMME },
      schema: { params: IdParams, querystring: Type.Object({ ...KindQuery.properties, replaces: Type.Optional(Type.Integer({ minimum: 1 })) }), body: textFields([...LETTER_FORM_FIELDS]) },
      attachValidation: true,
    },
    async (request, reply) => {
      const id = Number((request.params as { id: unknown }).id);
      const kind = request.query.kind ?? 'giay-moi';
      const values = formFrom(request.body);
      return submitForm(request, reply, {
        page: 'pages/letters/form',
        data: () => formPage(id, kind, {
          title: `Lập ${LETTER_KIND_LABELS[kind].toLocaleLowerCase('vi')}`,
          action: request.url,
          previewAction: `/sessions/${id}/letters/preview?kind=${kind}`,
          values,
        }),
        action: async () => `/letters/${await createDraft(app.db, request.actor(), { sessionId: id, kind, form: values, replacesLetterId: request.query.replaces })}`,
        success: 'Đã lưu bản nháp. Xem trước rồi bấm “Ban hành” để lấy số.',
      });
    },
  );

  app.get<{ Querystring: { year?: number; kind?: LetterKind | '' } }>(
    '/letters',
    { config: { access: READ_PROGRAMME }, schema: { querystring: RegisterQuery } },
    async (request, reply) => {
      const filter = { year: request.query.year, kind: request.query.kind || undefined };
      return reply.view('pages/letters/register', {
        title: 'Sổ đăng ký văn bản',
        letters: await listLetters(app.db, filter),
        years: await listLetterYears(app.db),
        kindOptions,
        filter: { year: filter.year ?? '', kind: filter.kind ?? '' },
        exportLink: `/letters.xlsx?${new URLSearchParams({ year: String(filter.year ?? ''), kind: filter.kind ?? '' })}`,
      });
    },
  );

  app.get<{ Querystring: { year?: number; kind?: LetterKind | '' } }>(
    '/letters.xlsx',
    { config: { access: READ_PROGRAMME }, schema: { querystring: RegisterQuery } },
    async (request, reply) => {
      const letters = await listLetters(app.db, { year: request.query.year, kind: request.query.kind || undefined });
      const workbook = new (await loadExcelJs()).Workbook();
      const sheet = workbook.addWorksheet('Sổ đăng ký');
      sheet.columns = [
        { header: 'Số, ký hiệu', key: 'number', width: 16 },
        { header: 'Ngày ban hành', key: 'date', width: 14 },
        { header: 'Loại', key: 'kind', width: 20 },
        { header: 'Trích yếu', key: 'title', width: 70 },
        { header: 'Trạng thái', key: 'status', width: 18 },
        { header: 'Thay thế văn bản', key: 'replaces', width: 16 },
      ];
      sheet.getRow(1).font = { bold: true };
      const byId = new Map(letters.map((l) => [l.id, l]));
      for (const l of letters) {
        sheet.addRow({ number: l.numberText, date: l.issuedOn, kind: l.kindLabel, title: l.title, status: l.statusLabel, replaces: l.replacesLetterId ? (byId.get(l.replacesLetterId)?.numberText ?? '') : '' });
      }
      const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
      const name = `so-dang-ky-van-ban${request.query.year ? `-${request.query.year}` : ''}.xlsx`;
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(buffer);
    },
  );

  app.get<Id>('/letters/:id', { config: { access: READ_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const letter = await getLetter(app.db, request.params.id);
    return reply.view('pages/letters/show', {
      title: `${letter.kindLabel} ${letter.numberText}`,
      letter,
      session: letter.sessionId ? await getSessionDetail(app.db, letter.sessionId) : null,
      values: letter.form,
      errors: {},
      canManage: request.user!.roles.includes('organizer'),
    });
  });

  app.post<Id>(
    '/letters/:id',
    { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams, body: textFields([...LETTER_FORM_FIELDS]) }, attachValidation: true },
    async (request, reply) => {
      const id = Number((request.params as { id: unknown }).id);
      const values = formFrom(request.body);
      return submitForm(request, reply, {
        page: 'pages/letters/show',
        data: async () => {
          const letter = await getLetter(app.db, id);
          return { title: `${letter.kindLabel} ${letter.numberText}`, letter, session: letter.sessionId ? await getSessionDetail(app.db, letter.sessionId) : null, values, canManage: true };
        },
        action: async () => {
          await updateDraft(app.db, request.actor(), id, values);
          return `/letters/${id}`;
        },
        success: 'Đã lưu bản nháp.',
      });
    },
  );

  app.post<Id>('/letters/:id/issue', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const result = await issueLetter(app.db, request.actor(), request.params.id);
    reply.flash('success', `Đã ban hành văn bản số ${String(result.number).padStart(2, '0')}/${result.symbol}; đã cấp ${result.codes} mã giấy mời cá nhân.`);
    return reply.redirect(`/letters/${request.params.id}`, 303);
  });

  app.get<Id>('/letters/:id/reissue', { config: { access: MANAGE_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const letter = await getLetter(app.db, request.params.id);
    if (letter.status !== 'issued' || !letter.sessionId) return reply.redirect(`/letters/${letter.id}`, 303);
    return reply.view('pages/letters/form', await formPage(letter.sessionId, letter.kind, {
      title: `Ban hành lại ${letter.kindLabel.toLocaleLowerCase('vi')} ${letter.numberText}`,
      action: `/sessions/${letter.sessionId}/letters?kind=${letter.kind}&replaces=${letter.id}`,
      previewAction: `/sessions/${letter.sessionId}/letters/preview?kind=${letter.kind}`,
      replaces: letter,
      values: letter.form,
      errors: {},
    }));
  });

  app.get<Id>('/letters/:id/pdf', { config: { access: READ_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const { stream, fileName } = await renderLetter(app.db, request.params.id, { fontDir });
    return sendPdf(reply, stream, fileName);
  });

  app.get<Id>('/letters/:id/slips.pdf', { config: { access: READ_PROGRAMME }, schema: { params: IdParams } }, async (request, reply) => {
    const { stream, fileName } = await renderLetterSlips(app.db, request.params.id, app.config.publicUrl, { fontDir });
    return sendPdf(reply, stream, fileName);
  });
}
