// Importing people from Excel or CSV: upload, preview, confirm or cancel, and the template to fill in.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConfirmBody, IMPORT_TOKEN, ImportParams } from './schemas.ts';
import { PEOPLE_TEMPLATE_FILENAME, buildPeopleTemplate } from '../../documents/people-template.ts';
import { BadRequestError, HttpError } from '../../errors.ts';
import {
  IMPORT_MAX_FILE_BYTES,
  IMPORT_MAX_ROWS,
  ImportPreviewGoneError,
  cancelPeopleImport,
  confirmPeopleImport,
  createPeopleImport,
  displayFilename,
  getPeopleImportPreview,
  sweepExpiredPeopleImports,
  type ImportResult,
} from '../../services/people-import.ts';
import { UnreadableFileError } from '../../services/spreadsheet-read.ts';
import { text } from '../forms.ts';

const ORGANIZER = { access: ['organizer'] as const };
const UPLOAD_URL = '/people/import';
const FILE_FIELD = 'file';
const MAX_MB = IMPORT_MAX_FILE_BYTES / (1024 * 1024);
const TOO_LARGE = `Tệp quá lớn: tối đa ${MAX_MB} MB. Hãy bỏ các cột, trang tính hoặc hình ảnh không cần thiết, hoặc chia thành nhiều tệp.`;

/** Files of a multipart body, kept beside its text fields under a key no form field can take. */
const FILES = Symbol('uploaded files');

interface UploadedFile {
  field: string;
  filename: string;
  data: Buffer;
}

type MultipartBody = Record<string, string> & { [FILES]: UploadedFile[] };

/**
 * Parses a multipart form whole (the body is capped a little above the file limit), so its text fields,
 * `_csrf` among them, are on request.body when the app's CSRF check runs, as for any other form.
 */
async function parseMultipart(request: FastifyRequest, body: Buffer): Promise<MultipartBody> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
  } catch {
    throw new BadRequestError('Dữ liệu tải lên bị hỏng hoặc không đúng dạng biểu mẫu. Vui lòng chọn lại tệp và gửi lại.');
  }
  // No prototype: a field called "__proto__" or "constructor" is just a field.
  const parsed = Object.assign(Object.create(null) as Record<string, string>, { [FILES]: [] as UploadedFile[] });
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      if (!Object.hasOwn(parsed, name)) parsed[name] = value;
    } else if (value.name !== '' || value.size > 0) {
      // A file input left empty still sends a nameless, empty part.
      parsed[FILES].push({ field: name, filename: value.name, data: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return parsed;
}

/** The one uploaded list, or the 4xx saying what is wrong with the upload. */
function uploadedFile(body: unknown): UploadedFile | HttpError {
  const files = (body as Partial<MultipartBody> | undefined)?.[FILES] ?? [];
  if (files.length === 0) return new HttpError(422, 'Chưa chọn tệp. Hãy chọn tệp danh sách (.xlsx hoặc .csv) rồi bấm “Tải lên và xem trước”.');
  const file = files[0]!;
  if (files.length > 1 || file.field !== FILE_FIELD) return new BadRequestError('Biểu mẫu tải lên không hợp lệ: chỉ gửi một tệp danh sách.');
  if (file.data.length > IMPORT_MAX_FILE_BYTES) return new HttpError(413, TOO_LARGE);
  if (file.data.length === 0) return new HttpError(422, 'Tệp trống (0 byte). Vui lòng chọn đúng tệp danh sách.');
  return file;
}

/** The name of the first file of a multipart body, for messages. */
function uploadedName(body: unknown): string | undefined {
  return (body as Partial<MultipartBody> | undefined)?.[FILES]?.[0]?.filename;
}

/** The flash after an import: what was written and what was left out, and why. */
function describeImportResult(result: ImportResult): string {
  const done = [`Đã nhập ${result.imported} người`];
  if (result.unitsCreated > 0) done.push(`tạo ${result.unitsCreated} đơn vị mới`);
  const skipped = [
    result.skippedDuplicates > 0 ? `${result.skippedDuplicates} dòng trùng` : '',
    result.skippedErrors > 0 ? `${result.skippedErrors} dòng lỗi` : '',
    result.skippedNoUnit > 0 ? `${result.skippedNoUnit} dòng thuộc đơn vị chưa có (không chọn tạo đơn vị mới)` : '',
  ].filter(Boolean);
  return `${done.join(', ')}.${skipped.length > 0 ? ` Bỏ qua ${skipped.join(', ')}.` : ''}`;
}

/** The upload form, with why the last upload (of `filename`, when known) was refused. */
function renderUpload(reply: FastifyReply, status: number, formError?: string, filename?: string): FastifyReply {
  if (!reply.locals.csrfToken) reply.locals.csrfToken = reply.generateCsrf();
  return reply.code(status).view('pages/people-import/upload', {
    title: 'Nhập danh sách đại biểu',
    formError: formError ?? '',
    filename: filename ? displayFilename(filename) : '',
    maxMb: MAX_MB,
    maxRows: IMPORT_MAX_ROWS.toLocaleString('vi-VN'),
  });
}

type TokenRequest = { Params: { token: string } };

export default async function peopleImportRoutes(app: FastifyInstance) {
  const sweep = () => sweepExpiredPeopleImports(app.db).catch((error) => app.log.warn({ err: error }, 'people import sweep failed'));
  const timer = setInterval(sweep, 15 * 60_000).unref();
  app.addHook('onClose', async () => clearInterval(timer));

  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: IMPORT_MAX_FILE_BYTES + 256 * 1024 }, (request: FastifyRequest, body: Buffer) =>
    parseMultipart(request, body),
  );

  // Upload problems found before the handler (body over the limit, a broken multipart) re-render the upload form.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const isUpload = request.method === 'POST' && request.routeOptions.url === UPLOAD_URL && request.user;
    if (isUpload && error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return renderUpload(reply, 413, TOO_LARGE);
    if (isUpload && error instanceof BadRequestError) return renderUpload(reply, 400, error.message);
    throw error;
  });

  /** Runs a preview action; a preview that is gone or expired sends the user back to the upload form with why. */
  async function withPreview(request: FastifyRequest<TokenRequest>, reply: FastifyReply, action: (token: string) => Promise<FastifyReply>) {
    const { token } = request.params;
    try {
      if (!IMPORT_TOKEN.test(token)) throw new ImportPreviewGoneError(404, 'Địa chỉ bản xem trước không đúng. Vui lòng tải tệp lên lại.');
      return await action(token);
    } catch (error) {
      if (error instanceof ImportPreviewGoneError) return renderUpload(reply, error.statusCode, error.message);
      throw error;
    }
  }

  app.get(UPLOAD_URL, { config: ORGANIZER }, async (_request, reply) => renderUpload(reply, 200));

  app.get('/people/import/template.xlsx', { config: ORGANIZER }, async (_request, reply) =>
    reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${PEOPLE_TEMPLATE_FILENAME}"`)
      .header('cache-control', 'no-store')
      .send(await buildPeopleTemplate()),
  );

  app.post(UPLOAD_URL, { config: ORGANIZER }, async (request, reply) => {
    const file = uploadedFile(request.body);
    if (file instanceof HttpError) return renderUpload(reply, file.statusCode, file.message, uploadedName(request.body));
    try {
      const token = await createPeopleImport(app.db, request.user!.id, file.filename, file.data);
      return reply.redirect(`/people/import/${token}`, 303);
    } catch (error) {
      if (error instanceof UnreadableFileError) return renderUpload(reply, error.statusCode, error.message, file.filename);
      throw error;
    }
  });

  app.get<TokenRequest>('/people/import/:token', { config: ORGANIZER, schema: { params: ImportParams } }, async (request, reply) =>
    withPreview(request, reply, async (token) => {
      const preview = await getPeopleImportPreview(app.db, request.user!.id, token);
      return reply.view('pages/people-import/preview', { title: 'Xem trước danh sách nhập', preview });
    }),
  );

  app.post<TokenRequest>(
    '/people/import/:token/confirm',
    { config: ORGANIZER, schema: { params: ImportParams, body: ConfirmBody } },
    async (request, reply) =>
      withPreview(request, reply, async (token) => {
        const result = await confirmPeopleImport(app.db, request.actor(), request.user!.id, token, {
          createUnits: text(request.body, 'createUnits') === '1',
        });
        reply.flash(result.imported > 0 ? 'success' : 'info', describeImportResult(result));
        return reply.redirect(UPLOAD_URL, 303);
      }),
  );

  app.post<TokenRequest>('/people/import/:token/cancel', { config: ORGANIZER, schema: { params: ImportParams } }, async (request, reply) =>
    withPreview(request, reply, async (token) => {
      await cancelPeopleImport(app.db, request.user!.id, token);
      reply.flash('info', 'Đã hủy bản xem trước; không có gì được nhập.');
      return reply.redirect(UPLOAD_URL, 303);
    }),
  );
}
