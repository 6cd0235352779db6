// Resumable uploads (tus 1.0) for large files: a dropped connection continues from the server's offset. Fastify
// authenticates (session, role) and checks the CSRF header; tus owns the body. An upload becomes a material only
// when its last byte arrived and the same checks as the form's passed.
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { Server, type Upload } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, ValidationError } from '../../errors.ts';
import { hijackReply } from '../../plugins/security.ts';
import type { Actor } from '../../services/audit.ts';
import { checkMaterialMeta, recoverStagedFiles, registerMaterial } from '../../services/materials.ts';
import { HashingFileStore } from '../../services/tus-store.ts';
import { sha256OfFile, type UploadLimits } from '../../services/uploads.ts';
import { MANAGE_MATERIALS } from './access.ts';

export const TUS_PATH = '/uploads/tus';

interface RequestContext {
  userId: number;
  actor: Actor;
}

/** What a hook throws to answer with a status and a Vietnamese message. */
function refusal(status: number, message: string): { status_code: number; body: string } {
  return { status_code: status, body: message };
}

function refusalOf(error: unknown): { status_code: number; body: string } {
  if (error instanceof ValidationError) return refusal(422, Object.values(error.fieldErrors).join(' '));
  // 409 means "wrong offset, ask again" to tus clients, which would retry a duplicate forever.
  if (error instanceof HttpError) return refusal(error.statusCode === 409 ? 422 : error.statusCode, error.message);
  throw error;
}

function metadataOf(upload: Upload): Record<string, string> {
  return Object.fromEntries(Object.entries(upload.metadata ?? {}).map(([k, v]) => [k, v ?? '']));
}

/** Mounts the tus server under /uploads/tus, with the sweep of abandoned uploads and the start-up file recovery. */
export default async function tusRoutes(app: FastifyInstance, options: { limits: UploadLimits }) {
  const { limits } = options;
  const store = new HashingFileStore({ directory: path.join(app.storage.workDir, 'tus') });
  const contexts = new WeakMap<IncomingMessage, RequestContext>();
  const contextOf = (req: Request): RequestContext => {
    const raw = (req as { runtime?: { node?: { req: IncomingMessage } } }).runtime?.node?.req;
    const context = raw && contexts.get(raw);
    if (!context) throw refusal(401, 'Bạn cần đăng nhập để tiếp tục.');
    return context;
  };

  const tus = new Server({
    path: TUS_PATH,
    datastore: store,
    maxSize: Math.max(...Object.values(limits)),
    relativeLocation: true,
    // Same origin only: no CORS header is sent.
    allowedOrigins: [],
    async onIncomingRequest(req, id) {
      const context = contextOf(req);
      if (req.method === 'POST') return;
      // An upload continues only for the account that started it.
      const info = await store.configstore.get(id);
      if (info && info.metadata?.uploaderId !== String(context.userId)) throw refusal(403, 'Bạn không có quyền tiếp tục tệp đang tải lên này.');
    },
    async onUploadCreate(req, upload) {
      const context = contextOf(req);
      if (upload.size === undefined) throw refusal(400, 'Cần cho biết dung lượng tệp khi bắt đầu tải lên.');
      try {
        await checkMaterialMeta(app.db, { scope: '', kind: '', title: '', description: '', filename: '', ...metadataOf(upload) }, limits, upload.size);
      } catch (error) {
        throw refusalOf(error);
      }
      return { metadata: { ...upload.metadata, uploaderId: String(context.userId) } };
    },
    async onUploadFinish(req, upload) {
      const context = contextOf(req);
      const file = store.dataPath(upload.id);
      try {
        const meta = await checkMaterialMeta(app.db, { scope: '', kind: '', title: '', description: '', filename: '', ...metadataOf(upload) }, limits);
        const size = upload.size ?? upload.offset;
        const sha256 = store.takeDigest(upload.id, size) ?? (await sha256OfFile(file));
        const id = await registerMaterial(app.db, app.storage, context.actor, meta, { path: file, bytes: size, sha256 }, limits);
        return { status_code: 204, headers: { 'X-Material-Id': id, 'X-Material-Url': `/materials/${id}` } };
      } catch (error) {
        await store.remove(upload.id).catch(() => undefined);
        throw refusalOf(error);
      } finally {
        // Registered (the data file was moved away) or refused (removed): the upload's bookkeeping goes too.
        await store.forget(upload.id);
      }
    },
  });

  // tus reads the request body itself: no parser here may consume it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  async function handle(request: FastifyRequest, reply: FastifyReply) {
    contexts.set(request.raw, { userId: request.user!.id, actor: request.actor() });
    await tus.handle(request.raw, hijackReply(reply));
  }
  // The CSRF token travels in the X-CSRF-Token header (the app-wide check covers POST, PATCH and DELETE).
  for (const url of [TUS_PATH, `${TUS_PATH}/:id`]) {
    app.route({ method: ['POST', 'HEAD', 'PATCH', 'DELETE'], url, config: { access: MANAGE_MATERIALS }, handler: handle });
  }

  const maxIdleMs = app.config.uploadExpiryHours * 3600_000;
  const sweep = async () => {
    try {
      const abandoned = await store.removeAbandoned(maxIdleMs);
      const recovered = await recoverStagedFiles(app.db, app.storage, maxIdleMs);
      if (abandoned || recovered.promoted || recovered.removed) app.log.info({ abandoned, ...recovered }, 'upload area cleaned');
    } catch (error) {
      app.log.warn({ err: error }, 'upload cleanup failed');
    }
  };
  app.addHook('onReady', sweep);
  const timer = setInterval(() => void sweep(), Math.min(maxIdleMs, 3600_000)).unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
