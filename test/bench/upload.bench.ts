// A 2 GB recording through the real server on loopback: uploaded with tus in 64 MB PATCH requests (as the page's
// client sends, only larger), then downloaded with one GET. Throughput each way and the server's peak memory
// (VmHWM of the child process), beside a plain stream copy of the same file on the same disk in the same run.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openDatabase } from '../../server/db/database.ts';
import { TEST_PASSWORD } from '../helpers/factories.ts';
import { loginOverHttp } from '../helpers/load.ts';
import { sampleVideo, seedUploadData } from '../helpers/materials.ts';
import { startServer } from '../helpers/processes.ts';
import { databaseFile } from '../helpers/seed.ts';
import { createUpload, patchUpload, uploadUrl } from '../helpers/tus.ts';
import type { Bench, BenchResult } from './run.ts';

const SIZE = 2 * 1024 * 1024 * 1024;
const CHUNK = 64 * 1024 * 1024;
const TARGET_MBPS = 150;
const TARGET_RSS_MB = 250;
const MB = 1024 * 1024;

/** A 2 GB file that sniffs as WebM: the demo clip, then pseudo-random bytes (not compressible, not zeros). */
async function writeSource(file: string): Promise<string> {
  const hash = createHash('sha256');
  const head = sampleVideo();
  const block = Buffer.alloc(16 * MB);
  let state = 0x9e3779b9;
  for (let i = 0; i < block.length; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    block.writeUInt32LE(state >>> 0, i);
  }
  const out = createWriteStream(file);
  let written = 0;
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) => {
      hash.update(chunk);
      written += chunk.length;
      if (out.write(chunk)) return resolve();
      const failed = (error: Error) => reject(error);
      out.once('error', failed).once('drain', () => {
        out.off('error', failed);
        resolve();
      });
    });
  await write(head);
  for (let n = 0; written < SIZE; n++) {
    // Each block differs in its first bytes, so no two 16 MB runs are equal.
    block.writeUInt32LE(n, 0);
    await write(block.subarray(0, Math.min(block.length, SIZE - written)));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

const bench: Bench = {
  name: 'upload',
  description: 'tải lên (tus) và tải xuống tệp 2 GB qua loopback: MB/s mỗi chiều và bộ nhớ đỉnh của máy chủ, so với sao chép tệp thường',
  async run(): Promise<BenchResult> {
    const work = mkdtempSync(path.join(tmpdir(), 'tap-huan-upload-bench-'));
    const dataDir = path.join(work, 'data');
    try {
      const source = path.join(work, 'ghi-hinh-2gb.webm');
      const expectedSha = await writeSource(source);

      // Baseline: the same bytes read and written by a plain stream copy on the same disk.
      const copyStart = performance.now();
      await pipeline(createReadStream(source, { highWaterMark: MB }), createWriteStream(path.join(work, 'copy.webm')));
      const copyMbps = SIZE / MB / ((performance.now() - copyStart) / 1000);
      rmSync(path.join(work, 'copy.webm'));

      const { sessionId } = await seedUploadData(dataDir);

      const server = await startServer({ DATA_DIR: dataDir, NODE_ENV: 'production', LOG_LEVEL: 'warn' });
      try {
        const login = await loginOverHttp(server.baseUrl, 'tochuc', TEST_PASSWORD, `/sessions/${sessionId}`);
        const uploadStart = performance.now();
        const url = uploadUrl(server.baseUrl, await createUpload(server.baseUrl, login, SIZE, { filename: 'Ghi hình cả buổi.webm', scope: `session:${sessionId}`, kind: 'video', title: 'Ghi hình cả buổi' }));
        let materialId = '';
        for (let offset = 0; offset < SIZE; offset += CHUNK) {
          const end = Math.min(SIZE, offset + CHUNK);
          const answer = await patchUpload(url, login, offset, createReadStream(source, { start: offset, end: end - 1, highWaterMark: MB }), end - offset);
          if (answer.status !== 204) throw new Error(`PATCH at ${offset}: HTTP ${answer.status} ${answer.text}`);
          materialId = String(answer.headers['x-material-id'] ?? '');
        }
        const uploadMbps = SIZE / MB / ((performance.now() - uploadStart) / 1000);
        if (!materialId) throw new Error('upload finished without a material');

        const downloadStart = performance.now();
        const response = await fetch(`${server.baseUrl}/materials/${materialId}/download`, { headers: { cookie: login.cookie } });
        let received = 0;
        await pipeline(
          response.body!,
          new Writable({
            write(chunk: Buffer, _encoding, done) {
              received += chunk.length;
              done();
            },
          }),
        );
        const downloadMbps = SIZE / MB / ((performance.now() - downloadStart) / 1000);
        if (received !== SIZE) throw new Error(`downloaded ${received} of ${SIZE} bytes`);

        const rss = peakRssMb(server.child.pid!);
        const stored = openDatabase(databaseFile(dataDir), 0);
        const row = await stored.selectFrom('materials').select(['sha256', 'storage_key']).where('id', '=', Number(materialId)).executeTakeFirstOrThrow();
        await stored.destroy();
        if (row.sha256 !== expectedSha) throw new Error('stored SHA-256 differs from the source');
        if (statSync(path.join(dataDir, 'files', row.storage_key)).size !== SIZE) throw new Error('stored file has the wrong size');

        const slower = Math.min(uploadMbps, downloadMbps);
        console.error(
          `  upload ${round1(uploadMbps)} MB/s, download ${round1(downloadMbps)} MB/s, stream copy ${round1(copyMbps)} MB/s; ` +
            `server peak RSS ${rss} MB; SHA-256 verified`,
        );
        return {
          name: 'upload',
          value: round1(slower),
          unit: 'MB/s (slower of upload and download)',
          baseline: round1(copyMbps),
          ratio: Math.round((slower / copyMbps) * 100) / 100,
          target: `≥ ${TARGET_MBPS} MB/s each way, server peak RSS < ${TARGET_RSS_MB} MB (measured ${rss} MB)`,
          met: uploadMbps >= TARGET_MBPS && downloadMbps >= TARGET_MBPS && rss < TARGET_RSS_MB,
        };
      } finally {
        await server.stop('SIGTERM');
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default bench;
