// A plan's dashboard must cost the same whatever else the database holds: the same plan is measured with
// 1,000 people in the database (the baseline) and again after adding 99,000 more people and another plan
// with 20,000 invitations and attendances.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../server/db/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import type { DB } from '../../server/db/types.ts';
import { buildPlanDashboard } from '../../server/services/dashboard.ts';
import type { Bench } from './run.ts';

const RUNS = 300;
const CONCURRENCY = 4;
const BATCH = 500;
const HOUR = 3600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

interface Member {
  id: number;
  unitId: number;
}

/** Inserts people spread evenly over the units. */
async function insertPeople(db: Kysely<DB>, unitIds: number[], count: number, prefix: string): Promise<Member[]> {
  const members: Member[] = [];
  const now = at(0);
  for (let start = 0; start < count; start += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => {
      const n = start + i;
      return { full_name: `${prefix} ${n}`, full_name_search: `${prefix.toLowerCase()} ${n}`, unit_id: unitIds[n % unitIds.length]!, created_at: now, updated_at: now };
    });
    const ids = await db.insertInto('people').values(rows).returning('id').execute();
    members.push(...ids.map((r, i) => ({ id: r.id, unitId: rows[i]!.unit_id })));
  }
  return members;
}

/** A plan with two rounds of two sessions each; invites `perUnit` people of every unit per round, most of whom attend. */
async function insertPlan(db: Kysely<DB>, unitIds: number[], people: Member[], perUnit: number): Promise<number> {
  const now = at(0);
  const stamp = { created_at: now, updated_at: now };
  const plan = await db
    .insertInto('plans')
    .values({ symbol: 'KH-UBND', issued_on: '2022-05-06', summary: 'Benchmark', year: 2022, ...stamp })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('plan_units').values(unitIds.map((unit_id) => ({ plan_id: plan.id, unit_id }))).execute();
  const byUnit = new Map<number, number[]>();
  for (const p of people) {
    const members = byUnit.get(p.unitId) ?? [];
    if (members.length < perUnit) members.push(p.id);
    byUnit.set(p.unitId, members);
  }
  for (const number of [1, 2]) {
    const round = await db.insertInto('rounds').values({ plan_id: plan.id, number, title: `Đợt ${number}`, ...stamp }).returning('id').executeTakeFirstOrThrow();
    const sessions: number[] = [];
    for (const offset of [0, 4]) {
      const start = number === 1 ? -72 + offset : 72 + offset;
      const s = await db
        .insertInto('sessions')
        .values({ round_id: round.id, starts_at: at(start), ends_at: at(start + 2), venue: 'Hội trường', ...stamp })
        .returning('id')
        .executeTakeFirstOrThrow();
      sessions.push(s.id);
    }
    const invitations: { session_id: number; person_id: number; unit_id: number; created_at: string; updated_at: string }[] = [];
    for (const [unitId, members] of byUnit) {
      members.slice(0, perUnit).forEach((personId, i) => invitations.push({ session_id: sessions[i % 2]!, person_id: personId, unit_id: unitId, ...stamp }));
    }
    for (let start = 0; start < invitations.length; start += BATCH) {
      const chunk = invitations.slice(start, start + BATCH);
      const ids = await db.insertInto('invitations').values(chunk).returning('id').execute();
      const attended = chunk
        .map((inv, i) => ({ session_id: inv.session_id, person_id: inv.person_id, invitation_id: ids[i]!.id, status: 'present' as const, ...stamp }))
        .filter((_, i) => number === 1 && i % 5 !== 0);
      if (attended.length) await db.insertInto('attendances').values(attended).execute();
    }
  }
  return plan.id;
}

async function dashboardsPerSecond(db: Kysely<DB>, planId: number): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < RUNS) await buildPlanDashboard(db, planId);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(RUNS / seconds);
}

const bench: Bench = {
  name: 'dashboard',
  description: 'plan dashboards per second with 100,000 people and a large other plan vs with 1,000 people',
  async run() {
    const dir = mkdtempSync(path.join(tmpdir(), 'tap-huan-bench-'));
    const db = openDatabase(path.join(dir, 'bench.sqlite'), 2);
    try {
      await migrateToLatest(db);
      const now = at(0);
      const unitIds: number[] = [];
      for (let i = 0; i < 21; i++) {
        const unit = await db
          .insertInto('units')
          .values({ kind: i < 9 ? 'commune' : 'office', name: `Đơn vị ${i}`, name_search: `don vi ${i}`, sort_order: i, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        unitIds.push(unit.id);
      }
      const people = await insertPeople(db, unitIds, 1_000, 'Học viên');
      const plan = await insertPlan(db, unitIds, people, 10);

      await dashboardsPerSecond(db, plan); // warm-up
      const baseline = await dashboardsPerSecond(db, plan);

      const crowd = await insertPeople(db, unitIds, 99_000, 'Người khác');
      await insertPlan(db, unitIds, crowd, 1_000);
      await dashboardsPerSecond(db, plan);
      const value = await dashboardsPerSecond(db, plan);

      const ratio = Math.round((value / baseline) * 100) / 100;
      return { name: 'dashboard', value, unit: 'dashboards/s', baseline, ratio, target: '≥ 0.8 of the 1,000-people baseline (flat)', met: ratio >= 0.8 };
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
