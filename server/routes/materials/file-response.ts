// Sending a stored file: byte ranges (a video seeks), the original Vietnamese name in Content-Disposition
// (RFC 6266 / 5987), nosniff, and an ETag from the content's checksum.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, NotFoundError } from '../../errors.ts';
import type { ByteRange, FileStorage } from '../../services/storage.ts';

/**
 * The one range a `Range` header asks for: null to send the whole file (no header, another unit, several
 * ranges), 'unsatisfiable' when it starts past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return null;
  return { start, end };
}

/** ASCII stand-in for old clients: diacritics dropped, đ as d, anything unsafe in a quoted string as _. */
function asciiFallback(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
      .replace(/[^\x20-\x7e]|["\\%;]/g, '_') || 'tep'
  );
}

/** `attachment; filename="…"; filename*=UTF-8''…` with the name as the uploader gave it. */
export function contentDisposition(type: 'attachment' | 'inline', name: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encoded}`;
}

export interface StoredFileResponse {
  key: string;
  mimeType: string;
  name: string;
  /** Strong validator: the content's SHA-256 or, for derived files, the storage key. */
  etag: string;
  disposition: 'attachment' | 'inline';
}

/** Streams a stored file (or the range asked for) with the headers a browser needs to save, show or seek it. */
export async function sendStoredFile(request: FastifyRequest, reply: FastifyReply, storage: FileStorage, file: StoredFileResponse): Promise<FastifyReply> {
  const size = await storage.size(file.key);
  if (size === null) throw new NotFoundError('Tệp không còn trong kho lưu trữ. Vui lòng báo quản trị kiểm tra.');
  const etag = `"${file.etag}"`;
  const ifRange = request.headers['if-range'];
  const range = ifRange === undefined || ifRange === etag ? parseRange(request.headers.range, size) : null;
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`);
    throw new HttpError(416, 'Đoạn dữ liệu yêu cầu nằm ngoài kích thước tệp.');
  }
  reply
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('cache-control', 'private, no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', contentDisposition(file.disposition, file.name))
    .type(file.mimeType);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
    return reply.send(storage.openRead(file.key, range));
  }
  reply.header('content-length', size);
  return reply.send(storage.openRead(file.key));
}
