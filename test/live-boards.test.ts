// The live board under a rush: many open boards, hundreds of arrivals, one computation per update shared by all.
import { describe, expect, it } from 'vitest';
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
});
