// Where uploaded files live. Everything outside this module reaches file bytes through a storage key, so the
// local directory can later become S3-compatible object storage without touching services or routes.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
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

/**
 * Files under `<root>/<key>`; keys are generated, so a path trick can never arrive here.
 * Writing goes temp file → staged under its final key → promoted into place only after the database commit, all
 * on one filesystem so each step is a rename. A staged file whose key the database knows is promoted again at
 * start (a crash between commit and rename); one it does not know is removed.
 */
export class LocalFileStorage implements FileStorage {
  readonly root: string;
  /** Work area on the same filesystem: `incoming/` (uploads being received), `staged/`, `tus/`. */
  readonly workDir: string;

  constructor(root: string, workDir = path.join(path.dirname(path.resolve(root)), 'tmp')) {
    this.root = path.resolve(root);
    this.workDir = path.resolve(workDir);
  }

  get incomingDir(): string {
    return path.join(this.workDir, 'incoming');
  }

  get stagedDir(): string {
    return path.join(this.workDir, 'staged');
  }

  /** Absolute path of a key; refuses anything that is not a generated key. */
  pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
    return path.join(this.root, key);
  }

  async ensureRoot(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await mkdir(this.incomingDir, { recursive: true });
    await mkdir(this.stagedDir, { recursive: true });
  }

  /** A fresh path for a file being received; the caller writes it, then stages or removes it. */
  incomingPath(): string {
    return path.join(this.incomingDir, `${randomBytes(16).toString('hex')}.part`);
  }

  private stagedPathOf(key: string): string {
    this.pathOf(key);
    return path.join(this.stagedDir, key.replace('/', '_'));
  }

  /** Moves a complete received file under a new key, not yet visible: `promote` after the commit, `discard` on failure. */
  async stage(sourcePath: string, extension = ''): Promise<string> {
    const key = generateStorageKey(extension);
    await rename(sourcePath, this.stagedPathOf(key));
    return key;
  }

  /** Puts a staged file in its place; the database row naming the key is already committed. */
  async promote(key: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(this.stagedPathOf(key), target);
  }

  /** Drops a staged file whose registration failed. */
  async discard(key: string): Promise<void> {
    await unlinkIfPresent(this.stagedPathOf(key));
  }

  /** Deletes a stored file for good (the admin's purge). */
  async remove(key: string): Promise<void> {
    await unlinkIfPresent(this.pathOf(key));
  }

  /** Staged files left by a crash: their keys and age. */
  async listStaged(): Promise<{ key: string; ageMs: number }[]> {
    const now = Date.now();
    const found: { key: string; ageMs: number }[] = [];
    for (const name of await readdir(this.stagedDir).catch(() => [] as string[])) {
      const key = name.replace('_', '/');
      if (!KEY_PATTERN.test(key)) continue;
      const info = await stat(path.join(this.stagedDir, name)).catch(() => null);
      if (info) found.push({ key, ageMs: now - info.mtimeMs });
    }
    return found;
  }

  /** Removes received files nobody finished with (a crash mid-request) once older than `maxAgeMs`; returns how many. */
  async removeStaleIncoming(maxAgeMs: number): Promise<number> {
    let removed = 0;
    const now = Date.now();
    for (const name of await readdir(this.incomingDir).catch(() => [] as string[])) {
      const file = path.join(this.incomingDir, name);
      const info = await stat(file).catch(() => null);
      if (info && now - info.mtimeMs > maxAgeMs) {
        await unlinkIfPresent(file);
        removed++;
      }
    }
    return removed;
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

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** The storage of an installation: `<DATA_DIR>/files`, work area `<DATA_DIR>/tmp`. */
export function createFileStorage(config: { dataDir: string }): LocalFileStorage {
  return new LocalFileStorage(path.join(config.dataDir, 'files'), path.join(config.dataDir, 'tmp'));
}
