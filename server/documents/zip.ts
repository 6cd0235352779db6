// A reproducible, streamed ZIP archive over yazl: fixed timestamps and modes (the same entries give the same
// bytes in any time zone), ASCII names only (they open cleanly in Windows Explorer), entries opened one after
// another only when their turn comes, and every entry's SHA-256 and size computed on its way into the archive.
// yazl switches to ZIP64 by itself when an entry or an offset passes 4 GB.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import yazl from 'yazl';

/**
 * yazl takes each entry's CRC-32 from its own copy of buffer-crc32, plain JavaScript at about 0.5 GB/s: for a
 * bundle of recordings that bounds the whole download. Node's zlib.crc32 gives the same numbers natively, ten
 * times faster; yazl looks the function up at every call, so it is swapped on that module object, once, after
 * checking both agree (`unzip -t` in the tests checks every CRC of the archives).
 */
function useNativeCrc32(): void {
  const native = (zlib as { crc32?: (data: Buffer, value?: number) => number }).crc32;
  if (typeof native !== 'function') return;
  const require = createRequire(createRequire(import.meta.url).resolve('yazl'));
  const crc32 = require('buffer-crc32') as { unsigned: (data: Buffer | string, previous?: number) => number };
  const sample = Buffer.from('Hồ sơ minh chứng 0123456789', 'utf8');
  if (crc32.unsigned(sample) !== native(sample) || crc32.unsigned(sample, 12345) !== native(sample, 12345)) return;
  const original = crc32.unsigned;
  crc32.unsigned = (data, previous) => (Buffer.isBuffer(data) ? native(data, previous ?? 0) : original(data, previous));
}
useNativeCrc32();

/** Names the archive accepts: ASCII letters, digits, dot, dash, underscore; "/" between folders. */
const SAFE_PATH = /^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,119}\/)*[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;
const FILE_MODE = 0o100644;
const DIRECTORY_MODE = 0o40755;

/** What an entry turned out to be once written. */
export interface WrittenEntry {
  path: string;
  bytes: number;
  sha256: string;
}

/** Content of an entry: bytes at hand, or a stream produced (and opened) only when the archive reaches it. */
export type EntrySource = Buffer | (() => Promise<Readable | Buffer> | Readable | Buffer);

export interface EntryOptions {
  /** Deflate the entry (text); media and already-compressed files are stored. */
  compress: boolean;
  /** Size when known beforehand (checked against the data; lets yazl plan ZIP64 before the data). */
  size?: number;
  /** Called with the entry's size and digest right after its last byte went into the archive; may throw to fail the archive. */
  onWritten?: (entry: WrittenEntry) => void;
}

/**
 * A DOS timestamp that reads the same in every time zone. yazl encodes the local time components of a Date,
 * so the Date is built from local components; noon keeps clear of daylight-saving gaps (which fall at night).
 */
export function archiveTimestamp(date: { year: number; month: number; day: number }): Date {
  const year = Math.min(Math.max(date.year, 1980), 2107);
  return new Date(year, date.month - 1, date.day, 12, 0, 0);
}

/** Hashes and counts what passes through. */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  sha256 = '';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.sha256 = this.hash.digest('hex');
    callback();
  }
}

/**
 * The archive being written. Add entries in the order they should appear, then `end()`; read `output`
 * (pipe it with backpressure). `entries` lists what has been written so far, in order.
 */
export class ZipWriter {
  readonly output: PassThrough;
  readonly entries: WrittenEntry[] = [];
  private readonly zip = new yazl.ZipFile();
  /** yazl's output (a PassThrough, typed loosely by @types/yazl). */
  private readonly source: PassThrough;
  private readonly paths = new Set<string>();
  private failure: Error | undefined;
  private current: Readable | undefined;

  constructor(private readonly mtime: Date) {
    const output = new PassThrough({ highWaterMark: 1 << 20 });
    this.source = this.zip.outputStream as PassThrough;
    this.source.on('error', (error: Error) => output.destroy(error));
    this.zip.on('error', (error: Error) => output.destroy(this.failure ?? error));
    this.source.pipe(output);
    this.output = output;
  }

  private claim(path: string): void {
    if (!SAFE_PATH.test(path)) throw new Error(`zip: not a safe ASCII path: ${JSON.stringify(path)}`);
    if (this.paths.has(path)) throw new Error(`zip: duplicate path ${path}`);
    this.paths.add(path);
  }

  /** A folder entry ("01_Ke_hoach"), so the layout shows even where a folder holds nothing. */
  addDirectory(path: string): void {
    this.claim(path);
    this.zip.addEmptyDirectory(`${path}/`, { mtime: this.mtime, mode: DIRECTORY_MODE, forceDosTimestamp: true });
  }

  /** A file entry; a function source is called only when the archive gets to this entry. */
  addFile(path: string, source: EntrySource, options: EntryOptions): void {
    this.claim(path);
    const common = { mtime: this.mtime, mode: FILE_MODE, forceDosTimestamp: true, compress: options.compress };
    this.zip.addReadStreamLazy(path, { ...common, ...(options.size !== undefined && { size: options.size }) }, (callback) => {
      Promise.resolve(typeof source === 'function' ? source() : source).then(
        (content) => {
          const input = Buffer.isBuffer(content) ? Readable.from([content]) : content;
          this.current = input;
          if (this.failure) {
            input.destroy();
            return;
          }
          const digest = new DigestStream();
          input.on('error', (error: Error) => digest.destroy(error));
          digest.on('error', (error: Error) => this.fail(error));
          digest.on('end', () => {
            const written = { path, bytes: digest.bytes, sha256: digest.sha256 };
            try {
              options.onWritten?.(written);
              this.entries.push(written);
            } catch (error) {
              this.fail(error as Error);
            }
          });
          callback(null, input.pipe(digest));
        },
        (error: Error) => this.fail(error),
      );
    });
  }

  /** Stops the archive: the output ends with this error and is never a complete ZIP. */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.output.destroy(error);
    this.source.unpipe(this.output);
    this.source.destroy();
    // An open file behind the failed entry is closed now, not when collected.
    this.current?.destroy();
  }

  /** No more entries: the central directory follows the last one. */
  end(): void {
    this.zip.end();
  }
}

/**
 * Rewrites the DOS timestamps of every entry of a small ZIP (an XLSX from exceljs, whose zip library stamps
 * each part with the current time) to the given calendar date at noon, so the same workbook gives the same
 * bytes. Times are not covered by the CRCs, so nothing else changes. Returns a patched copy.
 */
export function fixZipTimestamps(zip: Buffer, date: { year: number; month: number; day: number }): Buffer {
  const out = Buffer.from(zip);
  const dosDate = (date.day & 0x1f) | ((date.month & 0xf) << 5) | (((Math.min(Math.max(date.year, 1980), 2107) - 1980) & 0x7f) << 9);
  const dosTime = 12 << 11;
  let eocd = -1;
  for (let p = out.length - 22; p >= Math.max(0, out.length - 22 - 0xffff); p--) {
    if (out.readUInt32LE(p) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip: no end of central directory');
  const count = out.readUInt16LE(eocd + 10);
  let p = out.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw new Error('zip: ZIP64 archives are not patched');
  for (let i = 0; i < count; i++) {
    if (out.readUInt32LE(p) !== 0x02014b50) throw new Error('zip: broken central directory');
    out.writeUInt16LE(dosTime, p + 12);
    out.writeUInt16LE(dosDate, p + 14);
    const local = out.readUInt32LE(p + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error('zip: broken local header');
    out.writeUInt16LE(dosTime, local + 10);
    out.writeUInt16LE(dosDate, local + 12);
    p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32);
  }
  return out;
}
