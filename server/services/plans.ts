// Plans (kế hoạch) and their rounds (đợt tập huấn): what the agency must hold, for whom, with what content.
import type { Kysely, Transaction } from 'kysely';
import { UNIT_KIND_RANK, findUnitsByIds, listUnits, unitKindRank } from '../db/queries/units.ts';
import type { DB } from '../db/types.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { formatVnRange, nowIso } from './clock.ts';
import { cleanLines, cleanText } from './text.ts';
import { UNIT_KIND_LABELS } from './units.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface PlanInput {
  number: string;
  symbol: string;
  issuedOn: string;
  summary: string;
  basis: string;
  year: string;
  requiredRounds: string;
  unitIds: string[];
}

interface CheckedPlan {
  number: string;
  symbol: string;
  issuedOn: string;
  summary: string;
  basis: string;
  year: number;
  requiredRounds: number;
  unitIds: number[];
}

function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

async function checkUnitIds(db: Executor, raw: string[], errors: Record<string, string>, field: string): Promise<number[]> {
  const ids = [...new Set(raw.map(Number))];
  if (ids.some((id) => !Number.isInteger(id) || id < 1)) {
    errors[field] = 'Đơn vị không hợp lệ.';
    return [];
  }
  const found = await findUnitsByIds(db, ids);
  if (found.length !== ids.length) errors[field] = 'Có đơn vị không còn trong danh sách; tải lại trang.';
  return ids;
}

/** Checks a plan's fields; throws ValidationError with a message per field. */
export async function validatePlanInput(db: Executor, input: PlanInput): Promise<CheckedPlan> {
  const errors: Record<string, string> = {};
  const number = cleanText(input.number);
  const symbol = cleanText(input.symbol).toUpperCase();
  const summary = cleanText(input.summary);
  const basis = cleanText(input.basis);
  if (number && !/^\d{1,6}$/.test(number)) errors.number = 'Số văn bản chỉ gồm chữ số (để trống nếu chưa có số).';
  if (!/^[\p{Lu}\p{N}Đ]+(-[\p{Lu}\p{N}Đ]+)+$/u.test(symbol)) errors.symbol = 'Ký hiệu dạng KH-UBND (chữ in hoa nối bằng gạch ngang).';
  if (!isRealDate(input.issuedOn)) errors.issuedOn = 'Ngày ban hành không hợp lệ.';
  if (!summary) errors.summary = 'Nhập trích yếu nội dung kế hoạch.';
  else if (summary.length > 500) errors.summary = 'Trích yếu quá dài (tối đa 500 ký tự).';
  if (basis.length > 2000) errors.basis = 'Căn cứ quá dài (tối đa 2000 ký tự).';
  const year = Number(input.year);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) errors.year = 'Năm là số từ 2000 đến 2100.';
  const requiredRounds = Number(input.requiredRounds);
  if (!Number.isInteger(requiredRounds) || requiredRounds < 1 || requiredRounds > 50) errors.requiredRounds = 'Số đợt phải tổ chức từ 1 đến 50.';
  const unitIds = await checkUnitIds(db, input.unitIds, errors, 'unitIds');
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return { number, symbol, issuedOn: input.issuedOn, summary, basis, year, requiredRounds, unitIds };
}

function planColumns(plan: CheckedPlan) {
  return {
    number: plan.number,
    symbol: plan.symbol,
    issued_on: plan.issuedOn,
    summary: plan.summary,
    basis: plan.basis,
    year: plan.year,
    required_rounds: plan.requiredRounds,
  };
}

async function replacePlanUnits(trx: Transaction<DB>, planId: number, unitIds: number[]): Promise<void> {
  await trx.deleteFrom('plan_units').where('plan_id', '=', planId).execute();
  if (unitIds.length) await trx.insertInto('plan_units').values(unitIds.map((unit_id) => ({ plan_id: planId, unit_id }))).execute();
}

export async function createPlan(db: Kysely<DB>, actor: Actor, input: PlanInput, options: { isDemo?: boolean } = {}): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const plan = await validatePlanInput(trx, input);
    const now = nowIso();
    const { id } = await trx
      .insertInto('plans')
      .values({ ...planColumns(plan), is_demo: options.isDemo ? 1 : 0, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await replacePlanUnits(trx, id, plan.unitIds);
    await recordAudit(trx, actor, { action: 'plan.create', entityType: 'plan', entityId: id, after: plan });
    return id;
  });
}

export async function updatePlan(db: Kysely<DB>, actor: Actor, id: number, input: PlanInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await getPlan(trx, id);
    const plan = await validatePlanInput(trx, input);
    await trx.updateTable('plans').set({ ...planColumns(plan), updated_at: nowIso() }).where('id', '=', id).execute();
    await replacePlanUnits(trx, id, plan.unitIds);
    await recordAudit(trx, actor, { action: 'plan.update', entityType: 'plan', entityId: id, before: toPlanInput(before), after: plan });
  });
}

export interface PlanView {
  id: number;
  number: string;
  symbol: string;
  issuedOn: string;
  summary: string;
  basis: string;
  year: number;
  requiredRounds: number;
  isDemo: boolean;
  unitIds: number[];
  /** "Kế hoạch số 95/KH-UBND ngày 06/5/2022" (number left blank when not yet numbered). */
  reference: string;
}

/** Day/month as the decree writes them in running text: months 1–2 with a leading zero. */
function decreeDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${String(d).padStart(2, '0')}/${m <= 2 ? String(m).padStart(2, '0') : m}/${y}`;
}

/** "Kế hoạch số 95/KH-UBND ngày 06/5/2022" (number left blank when not yet numbered). */
export function planReference(plan: { number: string; symbol: string; issued_on: string }): string {
  return `Kế hoạch số ${plan.number || '…'}/${plan.symbol} ngày ${decreeDate(plan.issued_on)}`;
}

export async function getPlan(db: Executor, id: number): Promise<PlanView> {
  const row = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Không tìm thấy kế hoạch.');
  const units = await db.selectFrom('plan_units').select('unit_id').where('plan_id', '=', id).execute();
  return {
    id: row.id,
    number: row.number,
    symbol: row.symbol,
    issuedOn: row.issued_on,
    summary: row.summary,
    basis: row.basis,
    year: row.year,
    requiredRounds: row.required_rounds,
    isDemo: row.is_demo === 1,
    unitIds: units.map((u) => u.unit_id),
    reference: planReference(row),
  };
}

export function toPlanInput(plan: PlanView): PlanInput {
  return {
    number: plan.number,
    symbol: plan.symbol,
    issuedOn: plan.issuedOn,
    summary: plan.summary,
    basis: plan.basis,
    year: String(plan.year),
    requiredRounds: String(plan.requiredRounds),
    unitIds: plan.unitIds.map(String),
  };
}

export interface PlanListItem extends PlanView {
  roundsScheduled: number;
  roundsHeld: number;
}

/** Rounds with at least one session not cancelled, and those with one already over. */
async function roundProgress(db: Executor, planIds: number[]): Promise<Map<number, { scheduled: number; held: number }>> {
  const progress = new Map<number, { scheduled: number; held: number }>();
  if (planIds.length === 0) return progress;
  const now = nowIso();
  const rows = await db
    .selectFrom('rounds')
    .innerJoin('sessions', 'sessions.round_id', 'rounds.id')
    .where('rounds.plan_id', 'in', planIds)
    .where('sessions.status', '!=', 'cancelled')
    .select(['rounds.plan_id', 'rounds.id as round_id', (eb) => eb.fn.min('sessions.ends_at').as('first_end'), (eb) => eb.fn.max(eb.case().when('sessions.status', '=', 'closed').then(1).else(0).end()).as('closed')])
    .groupBy(['rounds.plan_id', 'rounds.id'])
    .execute();
  for (const row of rows) {
    const entry = progress.get(row.plan_id) ?? { scheduled: 0, held: 0 };
    entry.scheduled += 1;
    // Held as soon as one of its sessions is over (or closed), as the dashboard counts it.
    if (Number(row.closed) === 1 || String(row.first_end) <= now) entry.held += 1;
    progress.set(row.plan_id, entry);
  }
  return progress;
}

export async function listPlans(db: Kysely<DB>): Promise<PlanListItem[]> {
  const rows = await db.selectFrom('plans').select('id').orderBy('year', 'desc').orderBy('issued_on', 'desc').orderBy('id', 'desc').execute();
  const plans = await Promise.all(rows.map((r) => getPlan(db, r.id)));
  const progress = await roundProgress(db, plans.map((p) => p.id));
  return plans.map((plan) => ({ ...plan, roundsScheduled: progress.get(plan.id)?.scheduled ?? 0, roundsHeld: progress.get(plan.id)?.held ?? 0 }));
}

// ---- Rounds ----

export interface RoundInput {
  number: string;
  title: string;
  topics: string;
  notes: string;
  /** unit id → quota as typed ('' = not in the audience). */
  quotas: Record<string, string>;
}

interface CheckedRound {
  number: number;
  title: string;
  topics: string[];
  notes: string;
  quotas: { unitId: number; quota: number }[];
}

async function validateRoundInput(trx: Executor, planId: number, input: RoundInput, exceptRoundId?: number): Promise<CheckedRound> {
  const errors: Record<string, string> = {};
  const number = Number(input.number);
  const title = cleanText(input.title);
  const topics = cleanLines(input.topics);
  const notes = cleanText(input.notes);
  if (!Number.isInteger(number) || number < 1 || number > 50) errors.number = 'Số đợt là số nguyên từ 1 đến 50.';
  else {
    const taken = await trx.selectFrom('rounds').select('id').where('plan_id', '=', planId).where('number', '=', number).executeTakeFirst();
    if (taken && taken.id !== exceptRoundId) errors.number = `Kế hoạch đã có Đợt ${number}.`;
  }
  if (!title) errors.title = 'Nhập tên đợt tập huấn.';
  else if (title.length > 300) errors.title = 'Tên đợt quá dài (tối đa 300 ký tự).';
  if (topics.length > 50 || topics.some((t) => t.length > 500)) errors.topics = 'Tối đa 50 nội dung, mỗi nội dung tối đa 500 ký tự.';
  if (notes.length > 2000) errors.notes = 'Ghi chú quá dài.';
  const quotas: { unitId: number; quota: number }[] = [];
  for (const [unitId, raw] of Object.entries(input.quotas)) {
    if (raw.trim() === '') continue;
    const quota = Number(raw);
    if (!Number.isInteger(quota) || quota < 0 || quota > 10000) {
      errors[`quota_${unitId}`] = 'Số người là số nguyên từ 0 đến 10000.';
      errors.quotas = 'Có số người cử không hợp lệ.';
    } else if (quota > 0) quotas.push({ unitId: Number(unitId), quota });
  }
  await checkUnitIds(trx, quotas.map((q) => String(q.unitId)), errors, 'quotas');
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return { number, title, topics, notes, quotas };
}

async function replaceQuotas(trx: Transaction<DB>, roundId: number, quotas: CheckedRound['quotas']): Promise<void> {
  await trx.deleteFrom('round_quotas').where('round_id', '=', roundId).execute();
  if (quotas.length) {
    await trx.insertInto('round_quotas').values(quotas.map((q) => ({ round_id: roundId, unit_id: q.unitId, quota: q.quota }))).execute();
  }
}

export async function createRound(db: Kysely<DB>, actor: Actor, planId: number, input: RoundInput): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await getPlan(trx, planId);
    const round = await validateRoundInput(trx, planId, input);
    const now = nowIso();
    const { id } = await trx
      .insertInto('rounds')
      .values({ plan_id: planId, number: round.number, title: round.title, topics: round.topics.join('\n'), notes: round.notes, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await replaceQuotas(trx, id, round.quotas);
    await recordAudit(trx, actor, { action: 'round.create', entityType: 'round', entityId: id, after: round });
    return id;
  });
}

export async function updateRound(db: Kysely<DB>, actor: Actor, roundId: number, input: RoundInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await getRound(trx, roundId);
    const round = await validateRoundInput(trx, before.planId, input, roundId);
    await trx
      .updateTable('rounds')
      .set({ number: round.number, title: round.title, topics: round.topics.join('\n'), notes: round.notes, updated_at: nowIso() })
      .where('id', '=', roundId)
      .execute();
    await replaceQuotas(trx, roundId, round.quotas);
    await recordAudit(trx, actor, {
      action: 'round.update',
      entityType: 'round',
      entityId: roundId,
      before: { number: before.number, title: before.title, topics: before.topics, notes: before.notes, quotas: before.quotas },
      after: round,
    });
  });
}

export interface RoundView {
  id: number;
  planId: number;
  number: number;
  title: string;
  label: string;
  topics: string[];
  notes: string;
  quotas: { unitId: number; unitName: string; quota: number }[];
}

export async function getRound(db: Executor, id: number): Promise<RoundView> {
  const row = await db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Không tìm thấy đợt tập huấn.');
  const quotas = await db
    .selectFrom('round_quotas')
    .innerJoin('units', 'units.id', 'round_quotas.unit_id')
    .select(['round_quotas.unit_id', 'units.name', 'round_quotas.quota'])
    .where('round_quotas.round_id', '=', id)
    .orderBy(unitKindRank())
    .orderBy('units.sort_order')
    .orderBy('units.name')
    .execute();
  return {
    id: row.id,
    planId: row.plan_id,
    number: row.number,
    title: row.title,
    label: `Đợt ${row.number}`,
    topics: row.topics ? row.topics.split('\n') : [],
    notes: row.notes,
    quotas: quotas.map((q) => ({ unitId: q.unit_id, unitName: q.name, quota: q.quota })),
  };
}

export function toRoundInput(round: RoundView): RoundInput {
  return {
    number: String(round.number),
    title: round.title,
    topics: round.topics.join('\n'),
    notes: round.notes,
    quotas: Object.fromEntries(round.quotas.map((q) => [String(q.unitId), String(q.quota)])),
  };
}

export interface SessionSummary {
  id: number;
  when: string;
  venue: string;
  status: string;
  statusLabel: string;
  invited: number;
}

export const SESSION_STATUS_LABELS: Record<string, string> = {
  planned: 'Đã lên lịch',
  open: 'Đang điểm danh',
  closed: 'Đã kết thúc',
  cancelled: 'Đã hủy',
};

/** The sessions of some rounds, in time order, with how many people each invites. */
export async function listSessionSummaries(db: Executor, roundIds: number[]): Promise<Map<number, SessionSummary[]>> {
  const byRound = new Map<number, SessionSummary[]>();
  if (roundIds.length === 0) return byRound;
  const rows = await db
    .selectFrom('sessions')
    .leftJoin('invitations', (join) =>
      join.onRef('invitations.session_id', '=', 'sessions.id').on('invitations.status', 'in', ['invited', 'confirmed']),
    )
    .where('sessions.round_id', 'in', roundIds)
    .select(['sessions.id', 'sessions.round_id', 'sessions.starts_at', 'sessions.ends_at', 'sessions.venue', 'sessions.status', (eb) => eb.fn.count('invitations.id').as('invited')])
    .groupBy('sessions.id')
    .orderBy('sessions.starts_at')
    .execute();
  for (const row of rows) {
    const list = byRound.get(row.round_id) ?? [];
    list.push({
      id: row.id,
      when: formatVnRange(row.starts_at, row.ends_at),
      venue: row.venue,
      status: row.status,
      statusLabel: SESSION_STATUS_LABELS[row.status] ?? row.status,
      invited: Number(row.invited),
    });
    byRound.set(row.round_id, list);
  }
  return byRound;
}

export interface PlanDetail {
  plan: PlanView;
  units: { id: number; name: string; kindLabel: string }[];
  rounds: (RoundView & { sessions: SessionSummary[] })[];
  roundsScheduled: number;
  roundsHeld: number;
}

/** Everything the plan's page shows. */
export async function getPlanDetail(db: Kysely<DB>, id: number): Promise<PlanDetail> {
  const plan = await getPlan(db, id);
  const units = (await findUnitsByIds(db, plan.unitIds)).sort((a, b) => UNIT_KIND_RANK[a.kind]! - UNIT_KIND_RANK[b.kind]! || a.sort_order - b.sort_order || a.name.localeCompare(b.name, 'vi'));
  const roundRows = await db.selectFrom('rounds').select('id').where('plan_id', '=', id).orderBy('number').execute();
  const rounds = await Promise.all(roundRows.map((r) => getRound(db, r.id)));
  const sessions = await listSessionSummaries(db, rounds.map((r) => r.id));
  const progress = (await roundProgress(db, [id])).get(id) ?? { scheduled: 0, held: 0 };
  return {
    plan,
    units: units.map((u) => ({ id: u.id, name: u.name, kindLabel: UNIT_KIND_LABELS[u.kind] })),
    rounds: rounds.map((r) => ({ ...r, sessions: sessions.get(r.id) ?? [] })),
    roundsScheduled: progress.scheduled,
    roundsHeld: progress.held,
  };
}

/** Units grouped by kind, for the checkbox lists and quota tables of the forms. */
export async function unitChoices(db: Kysely<DB>): Promise<{ kindLabel: string; units: { id: number; name: string }[] }[]> {
  const groups = new Map<string, { id: number; name: string }[]>();
  for (const unit of await listUnits(db)) {
    const label = UNIT_KIND_LABELS[unit.kind];
    groups.set(label, [...(groups.get(label) ?? []), { id: unit.id, name: unit.name }]);
  }
  return [...groups].map(([kindLabel, units]) => ({ kindLabel, units }));
}
