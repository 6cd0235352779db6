// Evidence bundle out of the real server: a round holding 2 GB of recordings (two 1 GB files of random bytes,
// written once), downloaded over loopback by a reporter. Measured: the download's throughput and the server
// process's peak memory (VmHWM from /proc). Baseline, in the same run: a plain streamed read of the same two
// files (before and after the download, averaged), so the ratio shows what building the archive costs. The
// bundle does more than read: it hashes every byte twice (SHA-256 per entry for the manifest, and of the whole
// archive for its checksum) and computes the ZIP's CRC-32, then sends it through HTTP.
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/db/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { saveAgencyProfile } from '../../server/services/agency.ts';
import { CLI_ACTOR } from '../../server/services/audit.ts';
import { createPlan, createRound } from '../../server/services/plans.ts';
import { createSession } from '../../server/services/sessions.ts';
import { createFileStorage, generateStorageKey } from '../../server/services/storage.ts';
import { createUser } from '../../server/services/users.ts';
import { sampleAgency } from '../helpers/factories.ts';
import { loginOverHttp } from '../helpers/load.ts';
import { startServer, type RunningServer } from '../helpers/processes.ts';
import { databaseFile } from '../helpers/seed.ts';
import type { Bench, BenchResult } from './run.ts';

const FILES = 2;
const FILE_BYTES = 1024 ** 3;
const TARGET_MB_S = 150;
const TARGET_RSS_MB = 250;
const MB = 1024 * 1024;
const USERNAME = 'baocao';
const PASSWORD = 'mat-khau-bao-cao-bench';

/** Writes `bytes` of random data to a file, 16 MB at a time, and returns its SHA-256. */
function writeRandomFile(file: string, bytes: number): string {
  const chunk = Buffer.allocUnsafe(16 * MB);
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  try {
    for (let left = bytes; left > 0; left -= chunk.length) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
      randomFillSync(part);
      hash.update(part);
      writeSync(fd, part);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** A reporter, the agency, a plan with one round and session, and the recordings attached to the round. */
async function seed(dataDir: string): Promise<{ roundId: number; files: string[] }> {
  const db = openDatabase(databaseFile(dataDir), 0);
  try {
    await migrateToLatest(db);
    await createUser(db, CLI_ACTOR, { username: USERNAME, fullName: 'Người báo cáo', password: PASSWORD, roles: ['reporter'], mustChangePassword: false });
    await db.transaction().execute((trx) => saveAgencyProfile(trx, CLI_ACTOR, sampleAgency));
    const planId = await createPlan(db, CLI_ACTOR, { number: '95', symbol: 'KH-UBND', issuedOn: '2022-05-06', summary: 'Tuyên truyền cải cách hành chính', basis: '', year: '2022', requiredRounds: '2', unitIds: [] });
    const roundId = await createRound(db, CLI_ACTOR, planId, { number: '1', title: 'Tập huấn nghiệp vụ cải cách hành chính', topics: 'Kiểm soát thủ tục hành chính', notes: '', quotas: {} });
    await createSession(db, CLI_ACTOR, roundId, {
      date: '2022-05-12', startTime: '07:30', endTime: '11:00', venue: 'Hội trường UBND huyện', chair: '', capacity: '',
      checkinOpensMinutes: '30', lateAfterMinutes: '15', status: 'closed', notes: '',
    });
    const storage = createFileStorage({ dataDir });
    const files: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const key = generateStorageKey('mp4');
      const file = storage.pathOf(key);
      mkdirSync(path.dirname(file), { recursive: true });
      const sha256 = writeRandomFile(file, FILE_BYTES);
      files.push(file);
      await db
        .insertInto('materials')
        .values({
          plan_id: planId, round_id: roundId, session_id: null, kind: 'video', title: `Ghi hình buổi tập huấn, phần ${i + 1}`, original_name: `phan-${i + 1}.mp4`,
          storage_key: key, mime_type: 'video/mp4', bytes: FILE_BYTES, sha256, captured_at: null, width: null, height: null, thumbnail_key: null,
          uploaded_by: null, uploaded_at: '2022-05-12T05:00:00.000Z', deleted_at: null, deleted_by: null, delete_reason: null,
        })
        .execute();
    }
    return { roundId, files };
  } finally {
    await db.destroy();
  }
}

/** Resident memory of a process from /proc, in MB: now (VmRSS) or its peak since it started (VmHWM). */
function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

/** Streams the files as the storage module does (1 MB reads) and throws the bytes away: MB/s. */
async function rawRead(files: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  let bytes = 0;
  for (const file of files) {
    for await (const chunk of createReadStream(file, { highWaterMark: MB })) bytes += (chunk as Buffer).length;
  }
  return bytes / MB / (Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * Downloads over loopback, counting bytes: MB/s and the size. Meanwhile the server's resident memory is read every
 * 20 ms (its peak during the download) and noted at each quarter of the bytes (flat, or growing with the size?).
 */
function download(baseUrl: string, urlPath: string, cookie: string, pid: number, expected: number): Promise<{ mbPerSecond: number; bytes: number; firstByteMs: number; peakMb: number; quarters: number[] }> {
  let peakMb = memoryMb(pid, 'VmRSS');
  const quarters: number[] = [];
  const sampler = setInterval(() => {
    peakMb = Math.max(peakMb, memoryMb(pid, 'VmRSS'));
  }, 20);
  return new Promise<{ mbPerSecond: number; bytes: number; firstByteMs: number; peakMb: number; quarters: number[] }>((resolve, reject) => {
    const started = process.hrtime.bigint();
    let firstByteMs = -1;
    const request = http.get(`${baseUrl}${urlPath}`, { headers: { cookie } }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`GET ${urlPath}: HTTP ${response.statusCode}`));
        response.resume();
        return;
      }
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        if (firstByteMs < 0) firstByteMs = Number(process.hrtime.bigint() - started) / 1e6;
        bytes += chunk.length;
        if (bytes >= ((quarters.length + 1) * expected) / 4 && quarters.length < 4) quarters.push(memoryMb(pid, 'VmRSS'));
      });
      response.on('end', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({ mbPerSecond: bytes / MB / seconds, bytes, firstByteMs: Math.round(firstByteMs), peakMb: Math.max(peakMb, memoryMb(pid, 'VmRSS')), quarters });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
  }).finally(() => clearInterval(sampler));
}

const round1 = (n: number) => Math.round(n * 10) / 10;

const bench: Bench = {
  name: 'bundle',
  description: `evidence bundle of a round with ${(FILES * FILE_BYTES) / 1024 ** 3} GB of recordings downloaded from the real server over loopback (MB/s, server peak memory) vs a raw streamed read of the same files`,
  async run() {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tap-huan-bench-bundle-'));
    let server: RunningServer | undefined;
    try {
      const seedStarted = Date.now();
      const { roundId, files } = await seed(dataDir);
      console.error(`  bundle bench: ${FILES} × ${FILE_BYTES / MB} MB of random recordings written in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
      const rawBefore = await rawRead(files);
      server = await startServer({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' });
      const login = await loginOverHttp(server.baseUrl, USERNAME, PASSWORD, '/');
      const pid = server.child.pid!;
      const rssBefore = memoryMb(pid, 'VmRSS');
      const result = await download(server.baseUrl, `/reports/rounds/${roundId}/bundle.zip`, login.cookie, pid, FILES * FILE_BYTES);
      const sinceStart = memoryMb(pid, 'VmHWM');
      const rawAfter = await rawRead(files);
      const raw = (rawBefore + rawAfter) / 2;
      if (result.bytes < FILES * FILE_BYTES) throw new Error(`bundle too small: ${result.bytes} bytes`);
      console.error(`  bundle bench: download ${round1(result.mbPerSecond)} MB/s (${result.bytes} bytes, first byte after ${result.firstByteMs} ms); raw read ${round1(rawBefore)} / ${round1(rawAfter)} MB/s (before / after)`);
      console.error(
        `  bundle bench: server memory ${rssBefore} MB before the download, peak ${result.peakMb} MB during it, at each quarter of the bytes ${result.quarters.join(' / ')} MB; ` +
          `peak since start ${sinceStart} MB (VmHWM, includes the login's scrypt)`,
      );
      console.error('  bundle bench: besides reading, the bundle hashes every byte twice (SHA-256 per file and of the whole archive), CRC-32s it and sends it over HTTP');
      const ratio = Math.round((result.mbPerSecond / raw) * 100) / 100;
      const out: BenchResult & Record<string, unknown> = {
        name: 'bundle',
        value: round1(result.mbPerSecond),
        unit: `MB/s (server memory peak ${result.peakMb} MB during the download, ${rssBefore} MB before; raw read ${round1(raw)} MB/s; first byte ${result.firstByteMs} ms)`,
        baseline: round1(raw),
        ratio,
        target: `≥ ${TARGET_MB_S} MB/s, server memory < ${TARGET_RSS_MB} MB`,
        met: result.mbPerSecond >= TARGET_MB_S && result.peakMb < TARGET_RSS_MB,
        serverPeakRssMb: result.peakMb,
        serverRssBeforeMb: rssBefore,
        serverRssQuartersMb: result.quarters,
        serverHwmSinceStartMb: sinceStart,
        firstByteMs: result.firstByteMs,
      };
      return out;
    } finally {
      await server?.stop('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
