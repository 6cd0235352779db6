// The reports page as data: each plan, then its rounds, each with its bundle's checksum and size and the links
// to the bundle and the results report.
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { describeBundle, type BundleDigestView, type BundleOptions } from './evidence-bundle.ts';
import { formatVnRange } from './clock.ts';
import { planReference } from './plans.ts';
import type { FileStorage } from './storage.ts';
import { formatBytes } from '../documents/nd30/format.ts';

export interface ReportTarget {
  bundleUrl: string;
  reportUrl: string;
  bundle: BundleDigestView & { sizeText: string };
}

export interface RoundReportItem extends ReportTarget {
  id: number;
  label: string;
  title: string;
  sessions: number;
  when: string;
}

export interface PlanReportItem extends ReportTarget {
  id: number;
  reference: string;
  summary: string;
  rounds: RoundReportItem[];
}

async function target(db: Kysely<DB>, storage: FileStorage, base: string, scope: { planId: number } | { roundId: number }, options: BundleOptions): Promise<ReportTarget> {
  const bundle = await describeBundle(db, storage, scope, options);
  return { bundleUrl: `${base}/bundle.zip`, reportUrl: `${base}/report.pdf`, bundle: { ...bundle, sizeText: bundle.bytes === null ? '' : formatBytes(bundle.bytes) } };
}

/** Every plan (newest first) with its rounds; bundles' checksums as stored, or computed now when small. */
export async function listReportsOverview(db: Kysely<DB>, storage: FileStorage, options: BundleOptions = {}): Promise<PlanReportItem[]> {
  const plans = await db.selectFrom('plans').selectAll().orderBy('year', 'desc').orderBy('issued_on', 'desc').orderBy('id', 'desc').execute();
  const items: PlanReportItem[] = [];
  for (const plan of plans) {
    const rounds = await db.selectFrom('rounds').selectAll().where('plan_id', '=', plan.id).orderBy('number').execute();
    const roundItems: RoundReportItem[] = [];
    for (const round of rounds) {
      const sessions = await db.selectFrom('sessions').select(['starts_at', 'ends_at']).where('round_id', '=', round.id).where('status', '!=', 'cancelled').orderBy('starts_at').execute();
      roundItems.push({
        id: round.id,
        label: `Đợt ${round.number}`,
        title: round.title,
        sessions: sessions.length,
        when: sessions.length ? formatVnRange(sessions[0]!.starts_at, sessions[0]!.ends_at) : '',
        ...(await target(db, storage, `/reports/rounds/${round.id}`, { roundId: round.id }, options)),
      });
    }
    items.push({
      id: plan.id,
      reference: planReference(plan),
      summary: plan.summary,
      rounds: roundItems,
      ...(await target(db, storage, `/reports/plans/${plan.id}`, { planId: plan.id }, options)),
    });
  }
  return items;
}
