// Load against a real server on the loopback: a login over HTTP as a browser does it, and a closed-loop
// driver where each of C clients keeps one keep-alive connection and sends its next request when the last
// answer has arrived, recording each request's latency.
import http from 'node:http';
import { csrfFrom } from './http.ts';

/** A logged-in browser: its session cookie and a CSRF token from one of its pages. */
export interface HttpLogin {
  cookie: string;
  csrf: string;
}

function cookiesOf(response: Response): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return jar;
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** GET /login for its token and cookie, POST /login, then GET `pagePath` for a CSRF token of the logged-in session. */
export async function loginOverHttp(baseUrl: string, username: string, password: string, pagePath: string): Promise<HttpLogin> {
  const jar = new Map<string, string>();
  const loginPage = await fetch(`${baseUrl}/login`, { headers: { accept: 'text/html' } });
  for (const [k, v] of cookiesOf(loginPage)) jar.set(k, v);
  const form = new URLSearchParams({ username, password, _csrf: csrfFrom(await loginPage.text()) });
  const login = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: header(jar) },
    body: form.toString(),
  });
  await login.arrayBuffer();
  if (login.status !== 303) throw new Error(`login failed: HTTP ${login.status}`);
  for (const [k, v] of cookiesOf(login)) jar.set(k, v);
  const page = await fetch(`${baseUrl}${pagePath}`, { headers: { accept: 'text/html', cookie: header(jar) } });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`GET ${pagePath}: HTTP ${page.status}`);
  for (const [k, v] of cookiesOf(page)) jar.set(k, v);
  return { cookie: header(jar), csrf: csrfFrom(html) };
}

export interface LoadRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  baseUrl: string;
  /** Concurrent clients, one keep-alive connection each. */
  connections: number;
  /** Requests in all; request(i) is called once for each i below this. */
  total: number;
  /** Time bound: no request is started after this many seconds. */
  maxSeconds: number;
  request(index: number): LoadRequest;
  /** Called with each complete answer (not for transport errors). */
  onResponse?(index: number, status: number, body: string): void;
  /** Clients stop taking new requests once this is aborted (requests under way still finish or fail). */
  signal?: AbortSignal;
  /** Reuse connections opened by an earlier run (e.g. a warm-up). */
  agent?: http.Agent;
}

export interface LoadResult {
  /** Requests answered (any status). */
  completed: number;
  /** Requests that got no answer (connection refused or reset). */
  failed: number;
  seconds: number;
  /** Answers per second over the run. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<number, number>;
  /** Each answered request's latency in ms, in completion order. */
  samples: Float64Array;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Throughput and latency of several runs taken together (e.g. alternated with another server's). */
export function combine(runs: LoadResult[]): LoadResult {
  const samples = new Float64Array(runs.reduce((n, r) => n + r.samples.length, 0));
  let offset = 0;
  const statuses: Record<number, number> = {};
  for (const run of runs) {
    samples.set(run.samples, offset);
    offset += run.samples.length;
    for (const [status, n] of Object.entries(run.statuses)) statuses[Number(status)] = (statuses[Number(status)] ?? 0) + n;
  }
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  return summarize(samples, runs.reduce((n, r) => n + r.failed, 0), seconds, statuses);
}

function summarize(samples: Float64Array, failed: number, seconds: number, statuses: Record<number, number>): LoadResult {
  const sorted = samples.slice().sort();
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return {
    completed: samples.length,
    failed,
    seconds: Math.round(seconds * 1000) / 1000,
    perSecond: Math.round(samples.length / seconds),
    p50Ms: round1(percentile(sorted, 50)),
    p99Ms: round1(percentile(sorted, 99)),
    maxMs: round1(sorted.length ? sorted[sorted.length - 1]! : 0),
    statuses,
    samples,
  };
}

/** An agent that keeps one connection per client open between requests. */
export function keepAliveAgent(connections: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections, scheduling: 'fifo' });
}

function send(agent: http.Agent, url: URL, request: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    const req = http.request(
      { agent, host: url.hostname, port: url.port, method: request.method ?? 'GET', path: request.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Runs the requests from `connections` clients in a closed loop and reports throughput and latency. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.baseUrl);
  const agent = options.agent ?? keepAliveAgent(options.connections);
  const latencies = new Float64Array(options.total);
  const statuses: Record<number, number> = {};
  let next = 0;
  let completed = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + options.maxSeconds * 1000;
  const client = async () => {
    while (next < options.total && Date.now() < deadline && !options.signal?.aborted) {
      const index = next++;
      const request = options.request(index);
      const sent = process.hrtime.bigint();
      try {
        const { status, body } = await send(agent, url, request);
        latencies[completed++] = Number(process.hrtime.bigint() - sent) / 1e6;
        statuses[status] = (statuses[status] ?? 0) + 1;
        options.onResponse?.(index, status, body);
      } catch {
        failed++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, client));
  } finally {
    if (!options.agent) agent.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return summarize(latencies.slice(0, completed), failed, seconds, statuses);
}
