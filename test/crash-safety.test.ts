// Nothing lost: a check-in the server acknowledged survives `kill -9` of the server in the middle of a rush.
// The real server runs as a child process on a seeded database; 20 clients scan codes (some twice); after
// 100 acknowledged answers the server process gets SIGKILL. Restarted on the same DATA_DIR, the database
// must be sound, hold every acknowledged check-in, and answer a retried request (same nonce) exactly as it
// did the first time without recording anything twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/db/database.ts';
import type { DB } from '../server/db/types.ts';
import { loginOverHttp, runLoad, type HttpLogin } from './helpers/load.ts';
import { startServer } from './helpers/processes.ts';
import { databaseFile, seedCheckin, type SeededCode } from './helpers/seed.ts';

const INVITED = 300;
const RESCANS = 30;
const CLIENTS = 20;
const KILL_AFTER_ACKS = 100;

interface Scan {
  code: SeededCode;
  nonce: string;
}

interface Ack {
  scan: Scan;
  answer: { result: string; person?: { personId: number } };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Posts one door scan as the page's script does; the parsed JSON answer and the status. */
async function scanOnce(baseUrl: string, login: HttpLogin, scan: Scan): Promise<{ status: number; answer: Ack['answer'] }> {
  const response = await fetch(`${baseUrl}/sessions/${scan.code.sessionId}/checkin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', cookie: login.cookie, 'x-csrf-token': login.csrf },
    body: JSON.stringify({ code: `${baseUrl}/i/${scan.code.token}`, nonce: scan.nonce, method: 'door' }),
  });
  return { status: response.status, answer: (await response.json()) as Ack['answer'] };
}

describe('crash safety', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('keeps every acknowledged check-in through kill -9 and answers retried requests the same way, once', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tap-huan-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const seeded = await seedCheckin(dataDir, { people: INVITED + 50, invited: INVITED });
    const sessionId = seeded.sessionIds[0]!;
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };

    // Every invitee once, in a shuffled order, and some of them a second time later on (a duplicate scan).
    const scans: Scan[] = seeded.codes.map((code, i) => ({ code, nonce: `crash-${i}` }));
    for (let i = scans.length - 1; i > 0; i--) {
      const j = (i * 7919 + 13) % (i + 1);
      [scans[i], scans[j]] = [scans[j]!, scans[i]!];
    }
    for (let k = 0; k < RESCANS; k++) {
      const earlier = scans[k * 3]!;
      scans.splice(40 + k * 5, 0, { code: earlier.code, nonce: `crash-again-${k}` });
    }

    const first = await startServer(env);
    const firstPid = first.child.pid!;
    cleanups.push(async () => {
      if (isAlive(firstPid)) process.kill(firstPid, 'SIGKILL');
      if (first.child.exitCode === null && first.child.signalCode === null) await first.stop('SIGKILL');
    });
    const login = await loginOverHttp(first.baseUrl, seeded.username, seeded.password, `/sessions/${sessionId}/door`);

    const acks: Ack[] = [];
    const other: string[] = [];
    const stop = new AbortController();
    let killedAfter = 0;
    const burst = await runLoad({
      baseUrl: first.baseUrl,
      connections: CLIENTS,
      total: scans.length,
      maxSeconds: 60,
      signal: stop.signal,
      request: (i) => ({
        method: 'POST',
        path: `/sessions/${sessionId}/checkin`,
        headers: { 'content-type': 'application/json', accept: 'application/json', cookie: login.cookie, 'x-csrf-token': login.csrf },
        body: JSON.stringify({ code: `${first.baseUrl}/i/${scans[i]!.code.token}`, nonce: scans[i]!.nonce, method: 'door' }),
      }),
      onResponse: (i, status, body) => {
        const answer = status === 200 ? (JSON.parse(body) as Ack['answer']) : undefined;
        if (answer && (answer.result === 'ok' || answer.result === 'duplicate')) acks.push({ scan: scans[i]!, answer });
        else other.push(`${status} ${body.slice(0, 200)}`);
        if (acks.length >= KILL_AFTER_ACKS && !killedAfter) {
          killedAfter = acks.length;
          process.kill(firstPid, 'SIGKILL');
          stop.abort();
        }
      },
    });
    expect(other).toEqual([]);
    expect(killedAfter).toBe(KILL_AFTER_ACKS);
    // The kill struck mid-burst: most scans never got sent (those under way got no answer, or one sent just before).
    expect(burst.completed + burst.failed).toBeLessThan(scans.length);
    expect(await waitUntil(() => !isAlive(firstPid), 5000)).toBe(true);
    // The process we started ends too: killed itself, or the tsx wrapper passing on the SIGKILL as exit status 137.
    expect(await waitUntil(() => first.child.exitCode !== null || first.child.signalCode !== null, 5000)).toBe(true);
    expect([137, 'SIGKILL']).toContain(first.child.exitCode ?? first.child.signalCode);

    const second = await startServer(env);
    cleanups.push(async () => {
      if (second.child.exitCode === null && second.child.signalCode === null) await second.stop('SIGTERM');
    });
    const db: Kysely<DB> = openDatabase(databaseFile(dataDir), 0);
    cleanups.push(() => db.destroy());

    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
    expect(integrity.rows.map((r) => r.integrity_check)).toEqual(['ok']);

    const attendanceRows = () => db.selectFrom('attendances').select(['person_id', 'status', 'method']).where('session_id', '=', sessionId).execute();
    const before = await attendanceRows();
    const attended = new Map(before.map((a) => [a.person_id, a]));
    for (const ack of acks) {
      expect(ack.answer.person?.personId).toBe(ack.scan.code.personId);
      expect(attended.get(ack.scan.code.personId)?.status, `acknowledged check-in of person ${ack.scan.code.personId} lost`).toMatch(/^(present|late)$/);
    }
    const okAcks = acks.filter((a) => a.answer.result === 'ok');
    const logged = await db.selectFrom('checkin_attempts').select(['client_nonce', 'result']).where('session_id', '=', sessionId).execute();
    const loggedByNonce = new Map(logged.map((l) => [l.client_nonce, l.result]));
    for (const ack of acks) expect(loggedByNonce.get(ack.scan.nonce)).toBe(ack.answer.result);
    // Nothing beyond the acknowledged ones and those under way when the server died.
    expect(before.length).toBeGreaterThanOrEqual(okAcks.length);
    expect(before.length).toBeLessThanOrEqual(okAcks.length + CLIENTS);

    // The same session cookie works after the restart: sessions live in the database.
    const again: HttpLogin = login;
    for (const ack of acks) {
      const retry = await scanOnce(second.baseUrl, again, ack.scan);
      expect(retry.status).toBe(200);
      expect(retry.answer).toEqual(ack.answer);
    }
    expect(await attendanceRows()).toHaveLength(before.length);

    // Every other scan, retried or first sent now, is taken once: one attendance per invitee in the end.
    const acked = new Set(acks.map((a) => a.scan.nonce));
    for (const scan of scans.filter((s) => !acked.has(s.nonce))) {
      const answer = await scanOnce(second.baseUrl, again, scan);
      expect(answer.status).toBe(200);
      expect(answer.answer.result).toMatch(/^(ok|duplicate)$/);
    }
    const after = await attendanceRows();
    expect(after).toHaveLength(INVITED);
    expect(new Set(after.map((a) => a.person_id)).size).toBe(INVITED);
    const attempts = await db
      .selectFrom('checkin_attempts')
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.count<number>('client_nonce').distinct().as('nonces')])
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(Number(attempts.n)).toBe(scans.length);
    expect(Number(attempts.nonces)).toBe(scans.length);
    const audited = await db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'attendance.checkin')
      .where('entity_id', '=', String(sessionId))
      .executeTakeFirstOrThrow();
    expect(Number(audited.n)).toBe(INVITED);

    expect(await second.stop('SIGTERM')).toBe(0);
    const finalCheck = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
    expect(finalCheck.rows.map((r) => r.integrity_check)).toEqual(['ok']);
  }, 120_000);
});
