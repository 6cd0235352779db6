// Where uploaded files live. Everything outside this module reaches file bytes through a storage key, so the
// local directory can later become S3-compatible object storage without touching services or routes.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Inclusive byte range, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface FileStorage {
  /** Streams a stored file, or the given inclusive range of it. */
  openRead(key: string, range?: ByteRange): Readable;
  /** Size in bytes, or null when no file is stored under the key. */
  size(key: string): Promise<number | null>;
}

const KEY_PATTERN = /^[a-z0-9]{2}\/[a-z0-9-]{8,80}(\.[a-z0-9]{1,8})?$/;

/** A new storage key: two-letter fan-out folder, random name, and a safe extension chosen by the caller. */
export function generateStorageKey(extension = ''): string {
  const name = randomBytes(16).toString('hex');
  const safeExtension = /^[a-z0-9]{1,8}$/.test(extension) ? `.${extension}` : '';
  return `${name.slice(0, 2)}/${name}${safeExtension}`;
}

/** Files under `<root>/<key>`; keys are generated, so a path trick can never arrive here. */
export class LocalFileStorage implements FileStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Absolute path of a key; refuses anything that is not a generated key. */
  pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
    return path.join(this.root, key);
  }

  async ensureRoot(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  openRead(key: string, range?: ByteRange): Readable {
    return createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end, highWaterMark: 1 << 20 } : { highWaterMark: 1 << 20 });
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}

/** The storage of an installation: `<DATA_DIR>/files`. */
export function createFileStorage(config: { dataDir: string }): LocalFileStorage {
  return new LocalFileStorage(path.join(config.dataDir, 'files'));
}
