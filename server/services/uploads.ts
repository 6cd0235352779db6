// Hostile files made safe: streamed to disk with a size limit and a SHA-256 on the way, names cleaned, type read
// from the content, photos measured and thumbnailed. Nothing here holds a whole file in memory. The image
// libraries load with the first photo, not at start: a server that only moves recordings stays small.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromFile } from 'file-type';
import type { MaterialKind } from '../db/types.ts';
import { HttpError, ValidationError } from '../errors.ts';
import { formatBytes } from '../documents/nd30/format.ts';

/** 413: the file is larger than its kind allows. */
export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, message);
  }
}

/** 415: the content is not a type this kind of material accepts. */
export class UnsupportedTypeError extends HttpError {
  constructor(message: string) {
    super(415, message);
  }
}

export const MATERIAL_KINDS: readonly MaterialKind[] = ['document', 'photo', 'video', 'plan'];

export const MATERIAL_KIND_LABELS: Record<MaterialKind, string> = {
  document: 'Tài liệu',
  photo: 'Hình ảnh',
  video: 'Video',
  plan: 'Văn bản kế hoạch',
};

/** What each kind accepts, as file-type reports it from the magic bytes (extension → MIME type served). */
const ACCEPTED: Record<MaterialKind, Record<string, string>> = {
  document: {
    pdf: 'application/pdf',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ppsx: 'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
    // Word 97–2003, Excel 97–2003 and PowerPoint 97–2003 share one container format.
    cfb: 'application/x-cfb',
    odt: 'application/vnd.oasis.opendocument.text',
    ods: 'application/vnd.oasis.opendocument.spreadsheet',
    odp: 'application/vnd.oasis.opendocument.presentation',
  },
  photo: { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', heic: 'image/heic' },
  video: { mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska' },
  plan: {
    pdf: 'application/pdf',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    cfb: 'application/x-cfb',
  },
};

const ACCEPTED_HINTS: Record<MaterialKind, string> = {
  document: 'PDF, Word, Excel, PowerPoint (cả định dạng cũ .doc/.xls/.ppt) hoặc OpenDocument',
  photo: 'JPEG, PNG, WebP hoặc HEIC',
  video: 'MP4, MOV, WebM hoặc MKV',
  plan: 'PDF hoặc Word',
};

/** The file-input `accept` hint for a kind (the server checks the content anyway). */
export const ACCEPT_ATTRIBUTE: Record<MaterialKind, string> = {
  document: '.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.ppsx,.odt,.ods,.odp',
  photo: 'image/jpeg,image/png,image/webp,image/heic,.heic',
  video: 'video/mp4,video/quicktime,video/webm,video/x-matroska,.mkv',
  plan: '.pdf,.doc,.docx',
};

/** Per-kind size limits in bytes. */
export type UploadLimits = Record<MaterialKind, number>;

export function uploadLimitsFrom(config: { uploadMaxFileBytes: number; uploadMaxPhotoBytes: number; uploadMaxVideoBytes: number }): UploadLimits {
  return { document: config.uploadMaxFileBytes, plan: config.uploadMaxFileBytes, photo: config.uploadMaxPhotoBytes, video: config.uploadMaxVideoBytes };
}

export function tooLargeMessage(kind: MaterialKind, limit: number): string {
  return `Tệp quá lớn: ${MATERIAL_KIND_LABELS[kind].toLowerCase()} được tải lên tối đa ${formatBytes(limit)}.`;
}

export function isMaterialKind(value: unknown): value is MaterialKind {
  return typeof value === 'string' && (MATERIAL_KINDS as readonly string[]).includes(value);
}

const MAX_NAME_LENGTH = 200;

/**
 * The uploader's file name as we keep it for display and Content-Disposition: NFC, no directory part (either
 * separator), no control characters, at most 200 characters with the extension kept. Refuses what cannot be cleaned.
 */
export function cleanOriginalName(raw: string): string {
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw new ValidationError({ file: 'Tên tệp chứa ký tự điều khiển không hợp lệ. Vui lòng đổi tên tệp rồi tải lại.' });
  const base = raw.normalize('NFC').split(/[\\/]/).pop()!.trim();
  if (!base || /^\.+$/.test(base)) throw new ValidationError({ file: 'Tên tệp không hợp lệ. Vui lòng đổi tên tệp rồi tải lại.' });
  const chars = [...base];
  if (chars.length <= MAX_NAME_LENGTH) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 && base.length - dot <= 10 ? base.slice(dot) : '';
  return chars.slice(0, MAX_NAME_LENGTH - [...extension].length).join('') + extension;
}

/** A hashing byte counter: refuses the stream once it passes `maxBytes`. */
export class HashingCounter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(
    private readonly maxBytes: number,
    private readonly onTooLarge: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(this.onTooLarge());
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Streams `source` into a new file at `target`, hashing as it goes; on any failure the partial file is removed. */
export async function receiveToFile(
  source: Readable,
  target: string,
  maxBytes: number,
  onTooLarge: () => Error,
): Promise<{ bytes: number; sha256: string }> {
  const counter = new HashingCounter(maxBytes, onTooLarge);
  try {
    await pipeline(source, counter, createWriteStream(target, { flags: 'wx', highWaterMark: 1 << 20 }));
  } catch (error) {
    await unlink(target).catch(() => undefined);
    throw error;
  }
  return { bytes: counter.bytes, sha256: counter.digest() };
}

/** SHA-256 of a file on disk, read in 1 MB pieces. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

/** The type of a received file, from its first bytes; refuses what the kind does not accept. */
export async function checkContentType(file: string, kind: MaterialKind): Promise<{ ext: string; mime: string }> {
  const detected = await fileTypeFromFile(file).catch(() => undefined);
  const mime = detected && ACCEPTED[kind][detected.ext];
  if (!detected || !mime) {
    const seen = detected ? ` (nội dung tệp là .${detected.ext})` : '';
    throw new UnsupportedTypeError(
      `Nội dung tệp không phải định dạng được nhận cho mục ${MATERIAL_KIND_LABELS[kind].toLowerCase()}${seen}. Chấp nhận: ${ACCEPTED_HINTS[kind]}. Hệ thống kiểm tra nội dung tệp, không dựa vào phần mở rộng của tên.`,
    );
  }
  // Stored under the detected extension; the legacy Office container is named by what it usually is.
  return { ext: detected.ext === 'cfb' ? 'doc' : detected.ext === 'm4v' ? 'mp4' : detected.ext, mime };
}

export interface PhotoInfo {
  capturedAt: string | null;
  width: number | null;
  height: number | null;
}

// EXIF stores local time without a zone; photos of these trainings are taken in Vietnam (UTC+7) unless the
// camera recorded its offset.
function exifTimeToIso(value: unknown, offset: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const zone = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '+07:00';
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`);
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1990 ? null : date.toISOString();
}

/** Capture time (EXIF) and displayed size of a photo; unknowns are null, never an error. */
export async function readPhotoInfo(file: string): Promise<PhotoInfo> {
  let capturedAt: string | null = null;
  try {
    const { default: exifr } = await import('exifr');
    const tags = (await exifr.parse(file, { pick: ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal'], reviveValues: false })) as
      | Record<string, unknown>
      | undefined;
    capturedAt = exifTimeToIso(tags?.DateTimeOriginal ?? tags?.CreateDate, tags?.OffsetTimeOriginal);
  } catch {
    // No readable EXIF: the capture time stays unknown.
  }
  try {
    const { default: sharp } = await import('sharp');
    const meta = await sharp(file).metadata();
    const turned = (meta.orientation ?? 1) >= 5;
    return { capturedAt, width: (turned ? meta.height : meta.width) ?? null, height: (turned ? meta.width : meta.height) ?? null };
  } catch {
    return { capturedAt, width: null, height: null };
  }
}

/** A 480 px WebP thumbnail upright by the EXIF orientation; false when the image cannot be decoded here. */
export async function writeThumbnail(source: string, target: string): Promise<boolean> {
  try {
    const { default: sharp } = await import('sharp');
    await sharp(source, { limitInputPixels: 100_000_000 }).rotate().resize(480, 480, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 72 }).toFile(target);
    return true;
  } catch {
    await unlink(target).catch(() => undefined);
    return false;
  }
}

/** The extension of a stored key ('' when none), e.g. to name a thumbnail. */
export function extensionOf(file: string): string {
  return path.extname(file).slice(1);
}
