// The resumable-upload store: tus's FileStore in the storage work area, hashing bytes as they are written so a
// finished upload's SHA-256 is known without reading gigabytes again, and sweeping uploads left untouched.
import { createHash, type Hash } from 'node:crypto';
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, pipeline, type Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';

/**
 * A FileStore that keeps a running SHA-256 per upload while its PATCH requests arrive in order. The hash state
 * cannot be saved, so after a restart, on another instance, or when a write ended short of what was hashed, the
 * digest is dropped and the caller reads the finished file once instead (`takeDigest` returns null).
 */
export class HashingFileStore extends FileStore {
  private readonly digests = new Map<string, { hash: Hash; offset: number }>();

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    if (offset === 0) this.digests.set(id, { hash: createHash('sha256'), offset: 0 });
    const state = this.digests.get(id);
    const tracking = state && state.offset === offset ? state : undefined;
    if (!tracking) this.digests.delete(id);
    let seen = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        tracking?.hash.update(chunk);
        callback(null, chunk);
      },
    });
    // Errors on either side destroy both, so the store's own pipeline rejects.
    const source = pipeline(readable, tap, () => undefined);
    try {
      const newOffset = await super.write(source, id, offset);
      if (tracking && seen === newOffset - offset) tracking.offset = newOffset;
      else this.digests.delete(id);
      return newOffset;
    } catch (error) {
      this.digests.delete(id);
      throw error;
    }
  }

  /** The SHA-256 of a finished upload of `size` bytes, when every byte went through this process in order. */
  takeDigest(id: string, size: number): string | null {
    const state = this.digests.get(id);
    this.digests.delete(id);
    return state && state.offset === size ? state.hash.digest('hex') : null;
  }

  /** Where the bytes of an upload are. */
  dataPath(id: string): string {
    // Ids are tus's default names (32 hex digits); anything else never came from this server.
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`Unexpected upload id ${JSON.stringify(id)}`);
    return path.join(this.directory, id);
  }

  /** Forgets an upload's bookkeeping after its data file was moved away (registered or refused). */
  async forget(id: string): Promise<void> {
    this.digests.delete(id);
    await this.configstore.delete(id).catch(() => undefined);
  }

  override async remove(id: string): Promise<void> {
    this.digests.delete(id);
    await super.remove(id);
  }

  /** Removes uploads (data and info files) not written to for `maxIdleMs`; returns how many uploads went. */
  async removeAbandoned(maxIdleMs: number): Promise<number> {
    const now = Date.now();
    const newest = new Map<string, number>();
    for (const name of await readdir(this.directory).catch(() => [] as string[])) {
      const info = await stat(path.join(this.directory, name)).catch(() => null);
      if (!info?.isFile()) continue;
      const id = name.endsWith('.json') ? name.slice(0, -5) : name;
      newest.set(id, Math.max(newest.get(id) ?? 0, info.mtimeMs));
    }
    let removed = 0;
    for (const [id, mtime] of newest) {
      if (now - mtime <= maxIdleMs) continue;
      this.digests.delete(id);
      await unlink(path.join(this.directory, id)).catch(() => undefined);
      await unlink(path.join(this.directory, `${id}.json`)).catch(() => undefined);
      removed++;
    }
    return removed;
  }
}
