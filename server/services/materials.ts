// Materials (tài liệu, hình ảnh, video, văn bản kế hoạch): a received file becomes evidence attached to a plan,
// round or session. The row is committed first and the file renamed into place after, so a crash can leave an
// unregistered file (cleaned up) but never a registered one that is not whole.
import { unlink } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import {
  deleteMaterialRow, findKnownStorageKeys, findLiveMaterialBySha, findMaterialRow, insertMaterial, listDeletedMaterialRows, listMaterialRows,
  markMaterialDeleted, type MaterialFilter, type MaterialListRow,
} from '../db/queries/materials.ts';
import type { DB, MaterialKind } from '../db/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { formatDateTime, formatVnDate, isoToVnParts, nowIso } from './clock.ts';
import type { LocalFileStorage } from './storage.ts';
import { cleanText } from './text.ts';
import {
  MATERIAL_KIND_LABELS, PayloadTooLargeError, checkContentType, cleanOriginalName, isMaterialKind, readPhotoInfo, tooLargeMessage,
  writeThumbnail, type UploadLimits,
} from './uploads.ts';
import { formatBytes } from '../documents/nd30/format.ts';

/** Where a material or news link belongs; round_id is set for sessions too. */
export interface EvidenceScope {
  planId: number;
  roundId: number | null;
  sessionId: number | null;
  /** "Kế hoạch", "Đợt 1", "Đợt 1 — buổi thứ Năm, 12/05/2022". */
  label: string;
  /** The page the scope is shown on. */
  url: string;
  /** The form value naming it: "plan:1", "round:2", "session:3". */
  value: string;
}

/** Reads a scope value ("session:3") and finds the plan and round above it. */
/** The scope, or undefined with its message added to a form's `errors`. */
export async function resolveScopeInto(db: Kysely<DB>, value: string, errors: Record<string, string>): Promise<EvidenceScope | undefined> {
  try {
    return await resolveScope(db, value);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    Object.assign(errors, error.fieldErrors);
    return undefined;
  }
}

export async function resolveScope(db: Kysely<DB>, value: string): Promise<EvidenceScope> {
  const match = /^(plan|round|session):([1-9][0-9]{0,9})$/.exec(value);
  const invalid = new ValidationError({ scope: 'Không xác định được kế hoạch, đợt hoặc buổi tập huấn của tệp. Vui lòng mở lại trang tải lên từ trang buổi, đợt hoặc kế hoạch.' });
  if (!match) throw invalid;
  const id = Number(match[2]);
  if (match[1] === 'plan') {
    const plan = await db.selectFrom('plans').select('id').where('id', '=', id).executeTakeFirst();
    if (!plan) throw invalid;
    return { planId: plan.id, roundId: null, sessionId: null, label: 'Kế hoạch', url: `/plans/${plan.id}`, value };
  }
  if (match[1] === 'round') {
    const round = await db.selectFrom('rounds').select(['id', 'plan_id', 'number']).where('id', '=', id).executeTakeFirst();
    if (!round) throw invalid;
    return { planId: round.plan_id, roundId: round.id, sessionId: null, label: `Đợt ${round.number}`, url: `/rounds/${round.id}`, value };
  }
  const session = await db
    .selectFrom('sessions')
    .innerJoin('rounds', 'rounds.id', 'sessions.round_id')
    .select(['sessions.id', 'sessions.starts_at', 'rounds.id as round_id', 'rounds.plan_id', 'rounds.number'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!session) throw invalid;
  return {
    planId: session.plan_id,
    roundId: session.round_id,
    sessionId: session.id,
    label: scopeLabel(session.number, session.starts_at),
    url: `/sessions/${session.id}`,
    value,
  };
}

function scopeLabel(roundNumber: number | null, sessionStartsAt: string | null): string {
  if (roundNumber === null) return 'Kế hoạch';
  if (sessionStartsAt === null) return `Đợt ${roundNumber}`;
  return `Đợt ${roundNumber} — buổi ${formatVnDate(sessionStartsAt)}, ${isoToVnParts(sessionStartsAt).time}`;
}

/** What the uploader says about a file, checked before a single byte of it is accepted. */
export interface MaterialMetaInput {
  scope: string;
  kind: string;
  title: string;
  description: string;
  filename: string;
}

export interface CheckedMaterialMeta {
  scope: EvidenceScope;
  kind: MaterialKind;
  title: string;
  description: string;
  originalName: string;
}

/** Validates the fields of an upload; `size`, when the client declares it (tus), is checked against the kind's limit. */
export async function checkMaterialMeta(db: Kysely<DB>, input: MaterialMetaInput, limits: UploadLimits, size?: number): Promise<CheckedMaterialMeta> {
  const errors: Record<string, string> = {};
  const scope = await resolveScopeInto(db, input.scope, errors);
  const kind = input.kind;
  if (!isMaterialKind(kind)) errors.kind = 'Chọn loại tệp: tài liệu, hình ảnh, video hoặc văn bản kế hoạch.';
  if (isMaterialKind(kind) && kind === 'plan' && scope && scope.roundId !== null) errors.kind = 'Văn bản kế hoạch được đính kèm ở trang kế hoạch.';
  let originalName = '';
  try {
    originalName = cleanOriginalName(input.filename);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    Object.assign(errors, error.fieldErrors);
  }
  const title = cleanText(input.title) || originalName.replace(/\.[^.]{1,10}$/, '');
  if (!title) errors.title = 'Vui lòng nhập tiêu đề.';
  if ([...title].length > 300) errors.title = 'Tiêu đề dài tối đa 300 ký tự.';
  const description = input.description.normalize('NFC').trim();
  if ([...description].length > 2000) errors.description = 'Mô tả dài tối đa 2.000 ký tự.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  if (size !== undefined && size > limits[kind as MaterialKind]) throw new PayloadTooLargeError(tooLargeMessage(kind as MaterialKind, limits[kind as MaterialKind]));
  if (size === 0) throw new ValidationError({ file: 'Tệp rỗng (0 byte). Vui lòng chọn đúng tệp.' });
  return { scope: scope!, kind: kind as MaterialKind, title, description, originalName };
}

/** The same content is already kept for this plan. */
export class DuplicateMaterialError extends ConflictError {
  constructor(readonly existingId: number, existingTitle: string) {
    super(`Tệp này đã có trong hồ sơ của kế hoạch: “${existingTitle}” (tệp số ${existingId}). Hệ thống không lưu hai bản giống hệt nhau.`);
  }
}

/** A file fully received into the storage work area, with its size and SHA-256. */
export interface ReceivedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Registers a received file as a material: checks size and content type, measures photos, stages the file (and a
 * thumbnail), commits the row with its audit entry, then moves the files into place. On refusal nothing stays:
 * neither a row nor a file. Returns the new material's id.
 */
export async function registerMaterial(
  db: Kysely<DB>,
  storage: LocalFileStorage,
  actor: Actor,
  meta: CheckedMaterialMeta,
  file: ReceivedFile,
  limits: UploadLimits,
): Promise<number> {
  const staged: string[] = [];
  let thumbnailPath: string | null = null;
  try {
    if (file.bytes > limits[meta.kind]) throw new PayloadTooLargeError(tooLargeMessage(meta.kind, limits[meta.kind]));
    if (file.bytes === 0) throw new ValidationError({ file: 'Tệp rỗng (0 byte). Vui lòng chọn đúng tệp.' });
    const type = await checkContentType(file.path, meta.kind);
    const photo = meta.kind === 'photo' ? await readPhotoInfo(file.path) : { capturedAt: null, width: null, height: null };
    let thumbnailKey: string | null = null;
    if (meta.kind === 'photo') {
      thumbnailPath = storage.incomingPath();
      if (await writeThumbnail(file.path, thumbnailPath)) {
        thumbnailKey = await storage.stage(thumbnailPath, 'webp');
        staged.push(thumbnailKey);
      }
      thumbnailPath = null;
    }
    const storageKey = await storage.stage(file.path, type.ext);
    staged.push(storageKey);
    const id = await db.transaction().execute(async (trx) => {
      const existing = await findLiveMaterialBySha(trx, meta.scope.planId, file.sha256);
      if (existing) throw new DuplicateMaterialError(existing.id, existing.title);
      const uploadedAt = nowIso();
      const materialId = await insertMaterial(trx, {
        plan_id: meta.scope.planId,
        round_id: meta.scope.roundId,
        session_id: meta.scope.sessionId,
        kind: meta.kind,
        title: meta.title,
        description: meta.description,
        original_name: meta.originalName,
        storage_key: storageKey,
        mime_type: type.mime,
        bytes: file.bytes,
        sha256: file.sha256,
        captured_at: photo.capturedAt,
        width: photo.width,
        height: photo.height,
        thumbnail_key: thumbnailKey,
        uploaded_by: actor.userId,
        uploaded_at: uploadedAt,
      });
      await recordAudit(trx, actor, {
        action: 'material.upload',
        entityType: 'material',
        entityId: materialId,
        after: auditSnapshot({ kind: meta.kind, title: meta.title, original_name: meta.originalName, bytes: file.bytes, sha256: file.sha256, mime_type: type.mime }, meta.scope.label),
      });
      return materialId;
    });
    staged.length = 0;
    // Committed: from here a failure is repaired by the start-up recovery, which promotes staged files it knows.
    await storage.promote(storageKey);
    if (thumbnailKey) await storage.promote(thumbnailKey);
    return id;
  } catch (error) {
    for (const key of staged) await storage.discard(key).catch(() => undefined);
    if (thumbnailPath) await unlink(thumbnailPath).catch(() => undefined);
    await unlink(file.path).catch(() => undefined);
    throw error;
  }
}

function auditSnapshot(row: { kind: MaterialKind; title: string; original_name: string; bytes: number; sha256: string; mime_type: string }, scopeLabel: string) {
  return {
    kind: MATERIAL_KIND_LABELS[row.kind],
    fileTitle: row.title,
    originalName: row.original_name,
    bytes: row.bytes,
    sha256: row.sha256,
    mimeType: row.mime_type,
    attachedTo: scopeLabel,
  };
}

/**
 * Start-up repair of the file area: staged files the database knows are moved into place (the process died
 * between commit and rename); unknown ones older than `staleMs` are removed, as are stale received files.
 */
export async function recoverStagedFiles(db: Kysely<DB>, storage: LocalFileStorage, staleMs: number): Promise<{ promoted: number; removed: number }> {
  const staged = await storage.listStaged();
  const known = await findKnownStorageKeys(db, staged.map((s) => s.key));
  let promoted = 0;
  let removed = 0;
  for (const { key, ageMs } of staged) {
    if (known.has(key)) {
      await storage.promote(key);
      promoted++;
    } else if (ageMs > staleMs) {
      await storage.discard(key);
      removed++;
    }
  }
  removed += await storage.removeStaleIncoming(staleMs);
  return { promoted, removed };
}

export interface MaterialView {
  id: number;
  kind: MaterialKind;
  kindLabel: string;
  title: string;
  description: string;
  originalName: string;
  mimeType: string;
  bytes: number;
  size: string;
  sha256: string;
  capturedAt: string | null;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
  uploader: string;
  uploadedAt: string;
  scopeLabel: string;
  planId: number;
  roundId: number | null;
  sessionId: number | null;
  deleted: { at: string; reason: string } | null;
  downloadUrl: string;
  viewUrl: string;
  thumbnailUrl: string | null;
  storageKey: string;
  thumbnailKey: string | null;
}

function toView(row: MaterialListRow): MaterialView {
  return {
    id: row.id,
    kind: row.kind,
    kindLabel: MATERIAL_KIND_LABELS[row.kind],
    title: row.title,
    description: row.description,
    originalName: row.original_name,
    mimeType: row.mime_type,
    bytes: row.bytes,
    size: formatBytes(row.bytes),
    sha256: row.sha256,
    capturedAt: row.captured_at ? formatDateTime(row.captured_at) : null,
    width: row.width,
    height: row.height,
    hasThumbnail: row.thumbnail_key !== null,
    uploader: row.uploader_name ?? '—',
    uploadedAt: formatDateTime(row.uploaded_at),
    scopeLabel: scopeLabel(row.round_number, row.session_starts_at),
    planId: row.plan_id,
    roundId: row.round_id,
    sessionId: row.session_id,
    deleted: row.deleted_at ? { at: formatDateTime(row.deleted_at), reason: row.delete_reason ?? '' } : null,
    downloadUrl: `/materials/${row.id}/download`,
    viewUrl: `/materials/${row.id}/view`,
    thumbnailUrl: row.thumbnail_key ? `/materials/${row.id}/thumbnail` : null,
    storageKey: row.storage_key,
    thumbnailKey: row.thumbnail_key,
  };
}

/** Live materials of a plan (everything under it), a round (with its sessions) or a session. */
export async function listMaterials(db: Kysely<DB>, filter: MaterialFilter): Promise<MaterialView[]> {
  return (await listMaterialRows(db, filter)).map(toView);
}

/** Soft-deleted materials awaiting the admin's decision. */
export async function listDeletedMaterials(db: Kysely<DB>): Promise<MaterialView[]> {
  return (await listDeletedMaterialRows(db)).map(toView);
}

/** One material; a deleted one only for those who may purge. */
export async function getMaterial(db: Kysely<DB>, id: number, options: { includeDeleted?: boolean } = {}): Promise<MaterialView> {
  const row = await findMaterialRow(db, id);
  if (!row || (row.deleted_at && !options.includeDeleted)) throw new NotFoundError('Không tìm thấy tệp này (có thể đã bị xóa).');
  return toView(row);
}

function checkReason(raw: string): string {
  const reason = cleanText(raw);
  if (reason.length < 3) throw new ValidationError({ reason: 'Vui lòng ghi lý do xóa (ít nhất 3 ký tự): tệp là minh chứng, việc xóa được lưu vết.' });
  if ([...reason].length > 500) throw new ValidationError({ reason: 'Lý do dài tối đa 500 ký tự.' });
  return reason;
}

/** Soft delete: the file stays on disk and in the audit log; only the admin's purge removes the bytes. */
export async function deleteMaterial(db: Kysely<DB>, actor: Actor, id: number, reasonRaw: string): Promise<MaterialView> {
  const reason = checkReason(reasonRaw);
  return db.transaction().execute(async (trx) => {
    const row = await findMaterialRow(trx, id);
    if (!row || row.deleted_at) throw new NotFoundError('Không tìm thấy tệp này (có thể đã bị xóa).');
    await markMaterialDeleted(trx, id, { deleted_at: nowIso(), deleted_by: actor.userId, delete_reason: reason });
    await recordAudit(trx, actor, {
      action: 'material.delete',
      entityType: 'material',
      entityId: id,
      before: auditSnapshot(row, scopeLabel(row.round_number, row.session_starts_at)),
      after: { reason },
    });
    return toView(row);
  });
}

/** Purge (admin): a soft-deleted material's row and bytes go; the audit entry keeps its name, size and checksum. */
export async function purgeMaterial(db: Kysely<DB>, storage: LocalFileStorage, actor: Actor, id: number): Promise<void> {
  const row = await db.transaction().execute(async (trx) => {
    const found = await findMaterialRow(trx, id);
    if (!found) throw new NotFoundError('Không tìm thấy tệp này.');
    if (!found.deleted_at) throw new ConflictError('Chỉ xóa vĩnh viễn được tệp đã bị xóa (đưa vào mục chờ xóa) trước đó.');
    await deleteMaterialRow(trx, id);
    await recordAudit(trx, actor, {
      action: 'material.purge',
      entityType: 'material',
      entityId: id,
      before: { ...auditSnapshot(found, scopeLabel(found.round_number, found.session_starts_at)), reason: found.delete_reason },
    });
    return found;
  });
  await storage.remove(row.storage_key);
  if (row.thumbnail_key) await storage.remove(row.thumbnail_key);
}
