// Materials: the upload form (multipart, streamed to disk), the resumable tus endpoint, file pages, downloads with
// byte ranges, a photo and video gallery per session, soft delete and the admin's purge.
import fastifyMultipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MaterialKind } from '../../db/types.ts';
import { HttpError, ValidationError } from '../../errors.ts';
import { wantsHtml } from '../../plugins/auth.ts';
import {
  DuplicateMaterialError, checkMaterialMeta, deleteMaterial, getMaterial, listDeletedMaterials, listMaterials, purgeMaterial, registerMaterial,
  resolveScope, type CheckedMaterialMeta, type ReceivedFile,
} from '../../services/materials.ts';
import { getSessionDetail } from '../../services/sessions.ts';
import {
  ACCEPT_ATTRIBUTE, MATERIAL_KIND_LABELS, PayloadTooLargeError, isMaterialKind, receiveToFile, tooLargeMessage, uploadLimitsFrom,
} from '../../services/uploads.ts';
import { listDeletedNewsLinks } from '../../services/news-links.ts';
import { IdParams } from '../access.ts';
import { renderFormErrors, textFields, text } from '../forms.ts';
import { MANAGE_MATERIALS, PURGE_MATERIALS, READ_MATERIALS } from './access.ts';
import { sendStoredFile } from './file-response.ts';
import tusRoutes from './tus.ts';
import { formatBytes } from '../../documents/nd30/format.ts';


const FIELDS = ['scope', 'kind', 'title', 'description'] as const;
type Id = { Params: { id: number } };

const NewQuery = Type.Object({
  scope: Type.String({ maxLength: 40, errorMessage: 'Địa chỉ không hợp lệ.' }),
  kind: Type.Optional(Type.String({ maxLength: 20 })),
});

function kindOptions(scopeValue: string) {
  const kinds: MaterialKind[] = scopeValue.startsWith('plan:') ? ['plan', 'document', 'photo', 'video'] : ['document', 'photo', 'video'];
  return kinds.map((value) => ({ value, label: MATERIAL_KIND_LABELS[value], accept: ACCEPT_ATTRIBUTE[value] }));
}

export default async function materialRoutes(app: FastifyInstance) {
  const limits = uploadLimitsFrom(app.config);
  const largest = Math.max(...Object.values(limits));
  // Encapsulated here: only this plugin's routes accept multipart bodies.
  await app.register(fastifyMultipart, { limits: { fileSize: largest + 1, files: 1, fields: 20, fieldSize: 10_000, parts: 25 } });
  await app.register(tusRoutes, { limits });

  const limitLines = (Object.keys(MATERIAL_KIND_LABELS) as MaterialKind[]).map((kind) => `${MATERIAL_KIND_LABELS[kind]}: tối đa ${formatBytes(limits[kind])}`);

  async function formData(scopeValue: string, values: Record<string, string>) {
    const scope = await resolveScope(app.db, scopeValue);
    return { title: 'Tải lên tài liệu, hình ảnh, video', scope, kinds: kindOptions(scope.value), values, limitLines, errors: {} };
  }

  app.get<{ Querystring: { scope: string; kind?: string } }>(
    '/materials/new',
    { config: { access: MANAGE_MATERIALS }, schema: { querystring: NewQuery } },
    async (request, reply) => {
      const kind = isMaterialKind(request.query.kind) ? request.query.kind : 'document';
      try {
        return reply.view('pages/materials/new', await formData(request.query.scope, { scope: request.query.scope, kind, title: '', description: '' }));
      } catch (error) {
        if (error instanceof ValidationError) throw new HttpError(404, Object.values(error.fieldErrors).join(' '));
        throw error;
      }
    },
  );

  /** The form's CSRF token arrives as a multipart field before the file; checked before a byte of the file is kept. */
  async function checkCsrf(request: FastifyRequest, reply: FastifyReply, token: string | undefined): Promise<void> {
    // The CSRF plugin reads the token from the parsed body, which a streamed multipart request does not have.
    (request as { body: unknown }).body = { _csrf: token };
    await new Promise<void>((resolve, reject) => app.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())));
  }

  // Multipart uploads: fields first (the form puts the file input last), the file streamed to disk with its kind's
  // limit and a SHA-256 on the way, then registered. The small-file path, and the one that works without JavaScript.
  app.post('/materials', { config: { access: MANAGE_MATERIALS, csrf: false } }, async (request, reply) => {
    if (!request.isMultipart()) throw new HttpError(415, 'Biểu mẫu tải tệp phải gửi dạng multipart/form-data.');
    const fields: Record<string, string> = {};
    let csrfChecked = false;
    let received: ReceivedFile | undefined;
    let meta: CheckedMaterialMeta | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (typeof part.value === 'string') fields[part.fieldname] = part.value;
          continue;
        }
        if (!csrfChecked) {
          await checkCsrf(request, reply, fields._csrf);
          csrfChecked = true;
        }
        if (part.fieldname !== 'file' || received || !part.filename) {
          part.file.resume();
          continue;
        }
        // Browsers send a double quote in a file name as %22 (HTML's multipart encoding); busboy leaves it so.
        meta = await checkMaterialMeta(app.db, { ...textOf(fields), filename: part.filename.replace(/%22/g, '"') }, limits);
        const kind = meta.kind;
        const target = app.storage.incomingPath();
        received = { path: target, ...(await receiveToFile(part.file, target, limits[kind], () => new PayloadTooLargeError(tooLargeMessage(kind, limits[kind])))) };
      }
      if (!csrfChecked) {
        await checkCsrf(request, reply, fields._csrf);
        csrfChecked = true;
      }
      if (!received || !meta) {
        await checkMaterialMeta(app.db, { ...textOf(fields), filename: 'tep' }, limits);
        throw new ValidationError({ file: 'Vui lòng chọn tệp cần tải lên.' });
      }
      const id = await registerMaterial(app.db, app.storage, request.actor(), meta, received, limits);
      received = undefined;
      reply.flash('success', 'Đã tải lên và lưu vào hồ sơ minh chứng.');
      return reply.redirect(`/materials/${id}`, 303);
    } catch (error) {
      // The rest of a refused upload is not wanted: close the connection rather than read it.
      reply.header('connection', 'close');
      if (!csrfChecked || !(error instanceof HttpError) || !wantsHtml(request)) throw error;
      let data;
      try {
        data = await formData(fields.scope ?? '', { ...textOf(fields) });
      } catch {
        throw error;
      }
      if (!reply.locals.csrfToken) reply.locals.csrfToken = reply.generateCsrf();
      const fieldErrors = error instanceof ValidationError ? error.fieldErrors : {};
      return reply.code(error.statusCode).view('pages/materials/new', {
        ...data,
        errors: fieldErrors,
        formError: error.message,
        existingId: error instanceof DuplicateMaterialError ? error.existingId : null,
      });
    }
  });

  app.get<Id>('/materials/:id', { config: { access: READ_MATERIALS }, schema: { params: IdParams } }, async (request, reply) => {
    const isAdmin = request.user!.roles.includes('admin');
    const material = await getMaterial(app.db, request.params.id, { includeDeleted: isAdmin });
    return reply.view('pages/materials/show', {
      title: material.title,
      material,
      canManage: request.user!.roles.some((r) => MANAGE_MATERIALS.includes(r)),
      canPurge: isAdmin,
      errors: {},
    });
  });

  const fileOf = async (request: FastifyRequest<Id>) => getMaterial(app.db, request.params.id, { includeDeleted: request.user!.roles.includes('admin') });

  app.get<Id>('/materials/:id/download', { config: { access: READ_MATERIALS }, schema: { params: IdParams } }, async (request, reply) => {
    const m = await fileOf(request);
    return sendStoredFile(request, reply, app.storage, { key: m.storageKey, mimeType: m.mimeType, name: m.originalName, etag: m.sha256, disposition: 'attachment' });
  });

  // Photos and videos shown in the page (img, video): inline, with ranges for seeking. Other kinds download.
  app.get<Id>('/materials/:id/view', { config: { access: READ_MATERIALS }, schema: { params: IdParams } }, async (request, reply) => {
    const m = await fileOf(request);
    const inline = m.kind === 'photo' || m.kind === 'video';
    return sendStoredFile(request, reply, app.storage, { key: m.storageKey, mimeType: m.mimeType, name: m.originalName, etag: m.sha256, disposition: inline ? 'inline' : 'attachment' });
  });

  app.get<Id>('/materials/:id/thumbnail', { config: { access: READ_MATERIALS }, schema: { params: IdParams } }, async (request, reply) => {
    const m = await fileOf(request);
    if (!m.thumbnailKey) throw new HttpError(404, 'Tệp này không có ảnh thu nhỏ.');
    const name = `${m.originalName.replace(/\.[^.]{1,10}$/, '')} (thu nhỏ).webp`;
    return sendStoredFile(request, reply, app.storage, { key: m.thumbnailKey, mimeType: 'image/webp', name, etag: m.thumbnailKey.replace(/\W/g, ''), disposition: 'inline' });
  });

  app.post<Id>(
    '/materials/:id/delete',
    { config: { access: MANAGE_MATERIALS }, schema: { params: IdParams, body: textFields(['reason']) }, attachValidation: true },
    async (request, reply) => {
      try {
        const material = await deleteMaterial(app.db, request.actor(), request.params.id, text(request.body, 'reason'));
        reply.flash('success', `Đã xóa “${material.title}”. Tệp vẫn được giữ và ghi nhật ký; quản trị có thể xóa vĩnh viễn.`);
        return reply.redirect(scopeUrl(material), 303);
      } catch (error) {
        if (!(error instanceof ValidationError) || !wantsHtml(request)) throw error;
        const material = await getMaterial(app.db, request.params.id);
        return renderFormErrors(reply, 'pages/materials/show', { title: material.title, material, canManage: true, canPurge: request.user!.roles.includes('admin') }, error);
      }
    },
  );

  app.post<Id>('/materials/:id/purge', { config: { access: PURGE_MATERIALS }, schema: { params: IdParams } }, async (request, reply) => {
    await purgeMaterial(app.db, app.storage, request.actor(), request.params.id);
    reply.flash('success', 'Đã xóa vĩnh viễn tệp. Nhật ký vẫn giữ tên, dung lượng và mã SHA-256 của tệp.');
    return reply.redirect('/materials/deleted', 303);
  });

  app.get('/materials/deleted', { config: { access: PURGE_MATERIALS } }, async (_request, reply) =>
    reply.view('pages/materials/deleted', {
      title: 'Tệp và tin bài đã xóa',
      materials: await listDeletedMaterials(app.db),
      newsLinks: await listDeletedNewsLinks(app.db),
    }),
  );

  app.get<Id>('/sessions/:id/gallery', { config: { access: READ_MATERIALS }, schema: { params: IdParams } }, async (request, reply) => {
    const session = await getSessionDetail(app.db, request.params.id);
    const materials = await listMaterials(app.db, { sessionId: session.id });
    return reply.view('pages/materials/gallery', {
      title: `Hình ảnh, video — ${session.roundLabel}, ${session.when}`,
      session,
      photos: materials.filter((m) => m.kind === 'photo'),
      videos: materials.filter((m) => m.kind === 'video'),
      canManage: request.user!.roles.some((r) => MANAGE_MATERIALS.includes(r)),
    });
  });

}

function textOf(fields: Record<string, string>): Record<(typeof FIELDS)[number], string> {
  return Object.fromEntries(FIELDS.map((name) => [name, fields[name] ?? ''])) as Record<(typeof FIELDS)[number], string>;
}

function scopeUrl(m: { planId: number; roundId: number | null; sessionId: number | null }): string {
  return m.sessionId ? `/sessions/${m.sessionId}` : m.roundId ? `/rounds/${m.roundId}` : `/plans/${m.planId}`;
}
