// The live board under a rush: many open boards, hundreds of arrivals, one computation per update shared by all.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildApp } from './helpers/build-app.ts';
import { loginOverHttp } from './helpers/load.ts';
import { seedCheckinInto } from './helpers/seed.ts';
import { createInProcessLiveEvents } from '../server/services/live-events.ts';
import { LiveBoards } from '../server/services/live-boards.ts';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('live boards', () => {
  it('coalesce 500 arrivals into a few updates, computed once each for 60 open boards', async () => {
    const events = createInProcessLiveEvents();
    let arrived = 0;
    let loads = 0;
    const boards = new LiveBoards(events, async () => {
      loads++;
      return { attended: arrived };
    }, 50);
    const seen: number[][] = Array.from({ length: 60 }, () => []);
    const stops = await Promise.all(seen.map((list) => boards.watch(7, (payload) => list.push(JSON.parse(payload).attended))));
    expect(seen.every((list) => list.length === 1 && list[0] === 0)).toBe(true);
    const initialLoads = loads;
    // 500 people arriving in bursts (and another session's arrivals, which these boards never hear).
    for (let i = 0; i < 500; i++) {
      arrived++;
      events.publish(7);
      events.publish(8);
      if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await until(() => seen.every((list) => list.at(-1) === 500));
    const updates = loads - initialLoads;
    expect(updates).toBeLessThan(500 / 10);
    // Every board got the same updates, from one computation each.
    for (const list of seen) expect(list.length).toBe(updates + 1);
    // A board closed stops hearing; the last one closed stops listening altogether.
    stops.forEach((stop) => stop());
    arrived++;
    events.publish(7);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(loads - initialLoads).toBe(updates);
    boards.close();
  });

  it('keeps serving when one update fails', async () => {
    const events = createInProcessLiveEvents();
    let fail = false;
    const errors: unknown[] = [];
    const boards = new LiveBoards(events, async () => {
      if (fail) throw new Error('database busy');
      return { ok: true };
    }, 10, (error) => errors.push(error));
    const got: string[] = [];
    const stop = await boards.watch(1, (payload) => got.push(payload));
    fail = true;
    events.publish(1);
    await until(() => errors.length === 1);
    fail = false;
    events.publish(1);
    await until(() => got.length === 2);
    stop();
    boards.close();
  });

  it('hold up over HTTP: 40 open boards see every one of 500 arrivals, in a few coalesced updates', async () => {
    const t = await buildApp({ LOGIN_MAX_PER_IP: '100' });
    const boards: http.ClientRequest[] = [];
    try {
      const seeded = await seedCheckinInto(t.app.db, { people: 500, invited: 500 });
      const sessionId = seeded.sessionIds[0]!;
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      const login = await loginOverHttp(base, seeded.username, seeded.password, `/sessions/${sessionId}/door`);
      const seen = Array.from({ length: 40 }, () => ({ messages: 0, attended: -1 }));
      await Promise.all(
        seen.map(
          (board) =>
            new Promise<void>((resolve, reject) => {
              const request = http.get(`${base}/sessions/${sessionId}/live/events`, { headers: { cookie: login.cookie, accept: 'text/event-stream' } }, (response) => {
                let buffer = '';
                response.setEncoding('utf8');
                response.on('data', (chunk: string) => {
                  buffer += chunk;
                  for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
                    const event = buffer.slice(0, end);
                    buffer = buffer.slice(end + 2);
                    if (!event.startsWith('data: ')) continue;
                    board.messages++;
                    board.attended = JSON.parse(event.slice(6)).attended;
                    resolve();
                  }
                });
              });
              request.on('error', reject);
              boards.push(request);
            }),
        ),
      );
      // 500 people at the door, 50 scanners at a time.
      const headers = { 'content-type': 'application/json', accept: 'application/json', cookie: login.cookie, 'x-csrf-token': login.csrf };
      for (let start = 0; start < seeded.codes.length; start += 50) {
        const answers = await Promise.all(
          seeded.codes.slice(start, start + 50).map((code) =>
            fetch(`${base}/sessions/${sessionId}/checkin`, { method: 'POST', headers, body: JSON.stringify({ code: code.token, method: 'door' }) }).then((r) => r.json() as Promise<{ result: string }>),
          ),
        );
        expect(answers.every((a) => a.result === 'ok')).toBe(true);
      }
      await until(() => seen.every((board) => board.attended === 500));
      for (const board of seen) expect(board.messages).toBeLessThan(100);
    } finally {
      for (const request of boards) request.destroy();
      await t.close();
    }
  });
});
