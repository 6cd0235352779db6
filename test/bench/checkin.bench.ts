// Door check-in under a rush: 200 clients on keep-alive connections each POST /sessions/:id/checkin with
// distinct personal codes (and nonces) against the real server, as the door page's script does it: check-in
// staff log in, open the door page, and send each scan with the door pass that page hands out (Authorization:
// Bearer, no cookie, no CSRF token), until every invitee is in. The baseline, measured in the same run by the same
// driver, is a bare Fastify route parsing a similar JSON body and answering a similar JSON. The same
// measure runs with 1,000 and with 100,000 people in the database (each session invites 1,000 of them,
// spread over the whole table, either way; two servers, their rushes alternated): the cost must stay flat.
// The main figure is the 100,000-people run.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { combine, keepAliveAgent, loginOverHttp, runLoad, type LoadResult } from '../helpers/load.ts';
import { freePort, SERVER_NODE_FLAGS, startServer, type RunningServer } from '../helpers/processes.ts';
import { seedCheckin } from '../helpers/seed.ts';
import type { Bench, BenchResult } from './run.ts';

const CLIENTS = 200;
const INVITED = 1_000;
/** Sessions open at once: the first WARMUP warm the server up (as the bare route gets a second of warm-up before it
 * is measured), the other four are measured (4,000 check-ins). Four rushes (4,000 check-ins, about as long as the
 * bare route's second): after two, the batch writer's functions have run only a few dozen times and V8 has not
 * finished optimizing them (the third rush was still ~25 % slower than the fourth). */
const WARMUP = 4;
const SESSIONS = WARMUP + 4;
const MAX_SECONDS = 30;
/** The bare route answers in microseconds: it runs for a few seconds (or this many requests) after a warm-up,
 * once before and once after the check-in rushes, so both sides see the machine's load alike. */
const BARE_REQUESTS = 150_000;
const BARE_SECONDS = 3;
const TARGET_RATIO = 0.3;
const TARGET_P99_MS = 50;
const CHILD_FLAG = '--checkin-bench-bare';
const here = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(here), '../..');

// ---- Baseline: a bare Fastify route, in its own process like the real server ----

async function bareServer(port: number): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  const body = {
    type: 'object',
    properties: {
      code: { type: 'string', maxLength: 500 },
      nonce: { type: 'string', maxLength: 100 },
      method: { type: 'string', enum: ['door', 'desk'] },
    },
  } as const;
  const params = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;
  app.post<{ Params: { id: number }; Body: { code?: string; nonce?: string } }>('/sessions/:id/checkin', { schema: { params, body } }, async (request) => {
    const n = (request.body.code ?? '').length + request.params.id;
    const at = new Date().toISOString().slice(11, 16);
    return { result: 'ok', status: 'present', statusLabel: 'Có mặt', at, person: { personId: n, name: 'Nguyễn Văn An', position: 'Chuyên viên', unit: 'Phòng Nội vụ' }, needsReview: false };
  });
  await app.listen({ host: '127.0.0.1', port });
  process.stdout.write('listening\n');
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function startBare(): Promise<{ baseUrl: string; child: ChildProcess }> {
  const port = await freePort();
  // Under the real server's V8 flags (npm start's), so the two differ only in what they do per request.
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', here, CHILD_FLAG, String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('listening')) resolve();
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { baseUrl: `http://127.0.0.1:${port}`, child };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const scanBody = (code: string, nonce: string) => JSON.stringify({ code, nonce, method: 'door' });

async function measureBare(): Promise<LoadResult> {
  const { baseUrl, child } = await startBare();
  try {
    const agent = keepAliveAgent(CLIENTS);
    const request = (i: number) => ({
      method: 'POST',
      path: '/sessions/1/checkin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': 'x'.repeat(52) },
      body: scanBody(`http://127.0.0.1/i/${randomBytes(18).toString('base64url')}`, `bare-${i}`),
    });
    await runLoad({ baseUrl, connections: CLIENTS, total: BARE_REQUESTS, maxSeconds: 1, request, agent });
    const result = await runLoad({ baseUrl, connections: CLIENTS, total: BARE_REQUESTS, maxSeconds: BARE_SECONDS, request, agent });
    agent.destroy();
    return result;
  } finally {
    await stopChild(child);
  }
}

// ---- The real server on a seeded database ----

interface Door {
  people: number;
  seedSeconds: number;
  /** One door rush over the codes of one session; answers other than "ok" are reported. */
  rush(sessionIndex: number): Promise<LoadResult & { ok: number }>;
  close(): Promise<void>;
}

/** Seeds a data directory, starts the real server on it, logs in at the door and warms it up with the first sessions. */
async function openDoor(people: number): Promise<Door> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tap-huan-bench-checkin-'));
  let server: RunningServer | undefined;
  try {
    const seedStarted = Date.now();
    const seeded = await seedCheckin(dataDir, { people, invited: INVITED, sessions: SESSIONS });
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const running = (server = await startServer({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' }));
    // A door pass is for one training session: each session's door page is opened, as staff do at each door.
    const login = await loginOverHttp(running.baseUrl, seeded.username, seeded.password, `/sessions/${seeded.sessionIds[0]}/door`);
    const passes: string[] = [];
    for (const sessionId of seeded.sessionIds) {
      const door = await fetch(`${running.baseUrl}/sessions/${sessionId}/door`, { headers: { accept: 'text/html', cookie: login.cookie } });
      const pass = /data-door-pass="([^"]+)"/.exec(await door.text())?.[1];
      if (door.status !== 200 || !pass) throw new Error(`no door pass on /sessions/${sessionId}/door (HTTP ${door.status})`);
      passes.push(pass);
    }
    const agent = keepAliveAgent(CLIENTS);
    const run = randomBytes(4).toString('hex');
    const rush = async (sessionIndex: number) => {
      const codes = seeded.codes.filter((c) => c.sessionId === seeded.sessionIds[sessionIndex]);
      const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${passes[sessionIndex]}` };
      let ok = 0;
      let refused = '';
      const result = await runLoad({
        baseUrl: running.baseUrl,
        connections: CLIENTS,
        total: codes.length,
        maxSeconds: MAX_SECONDS,
        agent,
        request: (i) => ({ method: 'POST', path: `/sessions/${codes[i]!.sessionId}/checkin`, headers, body: scanBody(`${running.baseUrl}/i/${codes[i]!.token}`, `${run}-${sessionIndex}-${i}`) }),
        onResponse: (_i, status, body) => {
          if (status === 200 && body.includes('"result":"ok"')) ok++;
          else refused ||= `${status} ${body.slice(0, 300)}`;
        },
      });
      if (refused) console.error(`  checkin bench: an answer was not "ok": ${refused}`);
      return { ...result, ok };
    };
    for (let session = 0; session < WARMUP; session++) await rush(session);
    return {
      people,
      seedSeconds,
      rush,
      async close() {
        agent.destroy();
        await running.stop('SIGTERM');
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

const describeRun = (m: LoadResult) => `${m.perSecond} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, max ${m.maxMs} ms (${m.completed} answers in ${m.seconds} s${m.failed ? `, ${m.failed} failed` : ''})`;
const round2 = (n: number) => Math.round(n * 100) / 100;

const bench: Bench = {
  name: 'checkin',
  description: `door check-ins/s from ${CLIENTS} keep-alive clients against the real server (100,000 people in the database) vs a bare Fastify JSON route; p99 and 1,000 vs 100,000 people alongside`,
  async run() {
    const bareBefore = await measureBare();
    const small = await openDoor(1_000);
    let large: Door | undefined;
    try {
      large = await openDoor(100_000);
      // Alternated (small, large, large, small, …) so a change in the machine's load hits both alike.
      const runs: Record<'small' | 'large', Awaited<ReturnType<Door['rush']>>[]> = { small: [], large: [] };
      for (let session = WARMUP; session < SESSIONS; session += 2) {
        runs.small.push(await small.rush(session));
        runs.large.push(await large.rush(session));
        runs.large.push(await large.rush(session + 1));
        runs.small.push(await small.rush(session + 1));
      }
      const s = combine(runs.small);
      const l = combine(runs.large);
      const perRush = (rushes: LoadResult[]) => rushes.map((r) => `${r.perSecond}/s p99 ${r.p99Ms}`).join(', ');
      console.error(`  checkin bench: each rush, 1,000 people: ${perRush(runs.small)}; 100,000 people: ${perRush(runs.large)}`);
      const okSmall = runs.small.reduce((n, r) => n + r.ok, 0);
      const okLarge = runs.large.reduce((n, r) => n + r.ok, 0);
      console.error(`  checkin bench: 1,000 people (seeded in ${small.seedSeconds} s): ${describeRun(s)}; ${okSmall} ok`);
      console.error(`  checkin bench: 100,000 people (seeded in ${large.seedSeconds} s): ${describeRun(l)}; ${okLarge} ok`);
      const flat = round2(l.perSecond / s.perSecond);
      console.error(`  checkin bench: 100,000 vs 1,000 people: throughput ratio ${flat}, p99 ${l.p99Ms} ms vs ${s.p99Ms} ms`);
      const bareAfter = await measureBare();
      const bare = combine([bareBefore, bareAfter]);
      // Shown apart too: on a shared machine the two can differ widely, and the check-in rushes ran in between.
      console.error(`  checkin bench: bare Fastify (before and after): ${describeRun(bare)}; before ${bareBefore.perSecond}/s, after ${bareAfter.perSecond}/s`);
      const ratio = round2(l.perSecond / bare.perSecond);
      const expected = (SESSIONS - WARMUP) * INVITED;
      const allOk = okSmall === expected && okLarge === expected;
      const result: BenchResult & Record<string, unknown> = {
        name: 'checkin',
        value: l.perSecond,
        unit: `check-ins/s (p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms; 1,000 people: ${s.perSecond}/s, p99 ${s.p99Ms} ms; 100k/1k ${flat})`,
        baseline: bare.perSecond,
        ratio,
        target: `≥ ${TARGET_RATIO} of bare Fastify, p99 < ${TARGET_P99_MS} ms`,
        met: ratio >= TARGET_RATIO && l.p99Ms < TARGET_P99_MS && allOk,
        p50Ms: l.p50Ms,
        p99Ms: l.p99Ms,
        bareP99Ms: bare.p99Ms,
        smallPerSecond: s.perSecond,
        smallP99Ms: s.p99Ms,
        largeVsSmall: flat,
      };
      return result;
    } finally {
      await large?.close();
      await small.close();
    }
  },
};

export default bench;

if (process.argv[1] && path.resolve(process.argv[1]) === here && process.argv[2] === CHILD_FLAG) {
  await bareServer(Number(process.argv[3]));
}
