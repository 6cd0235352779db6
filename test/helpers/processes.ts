// Runs the real server and CLI as child processes, the way an operator does.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Node itself with tsx's loader: one process, so a signal reaches the command (the tsx wrapper would not pass SIGKILL on).
const NODE_ARGS = ['--import', 'tsx'];

/**
 * The server's arguments to node, taken from the last step of `npm start` (`node <flags> dist/server/server.js`), so
 * tests and benchmarks run the server exactly as an operator does: compiled, with the same V8 flags.
 */
export const SERVER_ARGS = serverArgs(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start);
/** Node's flags in that line (V8's), for a baseline process that should run under the same ones. */
export const SERVER_NODE_FLAGS = SERVER_ARGS.filter((arg) => arg.startsWith('--'));

function serverArgs(start: string): string[] {
  const [command, ...args] = start.split('&&').at(-1)!.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`npm start should end by running node, not: ${start}`);
  return args;
}

/** Compiles server/ and migrations/ into dist/ with `npm run build`, as `npm start` does before running it. */
export function buildServer(): void {
  // Its messages go to stderr: a benchmark's stdout carries only its JSON.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run cli -- …` (through tsx directly, without npm's banner) and waits for it. */
export function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, 'server/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** Resolves with the output once it matches (fails after the timeout or if the server exits). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the compiled server as `npm start` does (see {@link buildServer}) and resolves once /healthz answers ok. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    baseUrl,
    output: () => output,
    async waitForOutput(pattern: RegExp, timeoutMs = 10_000) {
      // Lines printed after the server started listening (the first-run link) may come after /healthz answers.
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in the server's output:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return output;
    },
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}
