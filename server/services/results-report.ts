// The results report (báo cáo kết quả) as data: everything the PDF prints and the tests compare against, for a
// whole plan or one of its rounds. Round progress, the unit × round coverage and the per-round totals come from
// the dashboard's service, so the report and the dashboard never disagree; each session's counts per unit come
// from the shared invitee query (letters, slips, sign-in sheets) and the recorded attendances (as the live board).
//
// Definitions (as the dashboard's; sessions with status 'cancelled' never count):
// - Invited at a session: its current invitees (invitation 'invited' or 'confirmed'), counted under the inviting unit.
// - Attendance at a session: each recorded status (present, late, substitute, excused, absent) counted under the
//   person's own unit; attended = present + late + substitute; unrecorded = current invitees with no record.
// - Session held: closed, or already ended; round held: at least one session held.
import type { Kysely } from 'kysely';
import { listActiveInvitees } from '../db/queries/invitations.ts';
import { findPlanById, listUnitLabels } from '../db/queries/dashboard.ts';
import type { AttendanceStatus, DB, MaterialKind, UnitKind } from '../db/types.ts';
import { asciiSlug, toVnDate } from '../documents/nd30/format.ts';
import type { AttendanceCounts, ReportUnitRow, ReportSession, ReportRound, ReportCoverageCell, ReportCoverageRow, ReportMaterial, ReportNewsLink, ResultsReport } from '../documents/nd30/types.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { getAgencyProfile } from './agency.ts';
import { nowIso } from './clock.ts';
import { buildPlanDashboard } from './dashboard.ts';
import { issuerName } from './letters.ts';
import { planReference } from './plans.ts';
import { UNIT_KINDS, UNIT_KIND_LABELS } from './units.ts';

/** A whole plan (all its rounds) or one round. */
export type ReportScope = { planId: number } | { roundId: number };

// The report's data types live with the document that prints them; callers import them from here.
export type { AttendanceCounts, ReportUnitRow, ReportSession, ReportRound, ReportCoverageCell, ReportCoverageRow, ReportMaterial, ReportNewsLink, ResultsReport };

export const MATERIAL_KIND_LABELS: Record<MaterialKind, string> = {
  plan: 'Kế hoạch',
  document: 'Tài liệu tập huấn',
  photo: 'Hình ảnh',
  video: 'Video',
};
const MATERIAL_KIND_ORDER: readonly MaterialKind[] = ['plan', 'document', 'photo', 'video'];

const ATTENDED: readonly AttendanceStatus[] = ['present', 'late', 'substitute'];

const COUNT_KEYS: readonly (keyof AttendanceCounts)[] = ['invited', 'present', 'late', 'substitute', 'attended', 'excused', 'absent', 'unrecorded'];

export function emptyCounts(): AttendanceCounts {
  return { invited: 0, present: 0, late: 0, substitute: 0, attended: 0, excused: 0, absent: 0, unrecorded: 0 };
}

function addCounts(into: AttendanceCounts, from: AttendanceCounts): void {
  for (const key of COUNT_KEYS) into[key] += from[key];
}

const KIND_RANK = Object.fromEntries(UNIT_KINDS.map((kind, i) => [kind, i])) as Record<UnitKind, number>;

/** One session's counts per unit: invitees by the inviting unit, recorded statuses by the person's unit. */
async function sessionUnits(db: Kysely<DB>, sessionId: number): Promise<ReportUnitRow[]> {
  const invitees = await listActiveInvitees(db, sessionId);
  const records = await db
    .selectFrom('attendances')
    .innerJoin('people', 'people.id', 'attendances.person_id')
    .innerJoin('units', 'units.id', 'people.unit_id')
    .where('attendances.session_id', '=', sessionId)
    .select(['attendances.person_id', 'attendances.status', 'units.name', 'units.kind', 'units.sort_order'])
    .execute();
  const seats = await db
    .selectFrom('session_units')
    .innerJoin('units', 'units.id', 'session_units.unit_id')
    .where('session_units.session_id', '=', sessionId)
    .select(['units.name', 'units.kind', 'units.sort_order'])
    .execute();
  const units = new Map<string, ReportUnitRow & { sortOrder: number }>();
  const unit = (name: string, kind: UnitKind, sortOrder: number) => {
    let row = units.get(name);
    if (!row) {
      row = { unitName: name, unitKind: kind, unitKindLabel: UNIT_KIND_LABELS[kind], sortOrder, ...emptyCounts() };
      units.set(name, row);
    }
    return row;
  };
  for (const seat of seats) unit(seat.name, seat.kind, seat.sort_order);
  const recorded = new Set(records.map((r) => r.person_id));
  for (const invitee of invitees) {
    const row = unit(invitee.unit_name, invitee.unit_kind, invitee.unit_sort_order);
    row.invited += 1;
    if (!recorded.has(invitee.person_id)) row.unrecorded += 1;
  }
  for (const record of records) {
    const row = unit(record.name, record.kind, record.sort_order);
    row[record.status] += 1;
    if (ATTENDED.includes(record.status)) row.attended += 1;
  }
  // The order of Vietnamese lists: offices, communes, others; then the unit's order and name.
  return [...units.values()]
    .sort((a, b) => KIND_RANK[a.unitKind] - KIND_RANK[b.unitKind] || a.sortOrder - b.sortOrder || a.unitName.localeCompare(b.unitName, 'vi'))
    .map(({ sortOrder: _sortOrder, ...row }) => row);
}

/** The latest of some ISO instants or dates (null and empty ignored). */
function latest(values: (string | null | undefined)[]): string {
  return values.filter((v): v is string => Boolean(v)).reduce((max, v) => (v > max ? v : max), '');
}

/** Gathers the report of a plan or a round; NotFoundError for a missing one, ConflictError without an agency profile. */
export async function loadResultsReport(db: Kysely<DB>, scope: ReportScope, options: { now?: string } = {}): Promise<ResultsReport> {
  const now = options.now ?? nowIso();
  let planId: number;
  let roundId: number | undefined;
  if ('roundId' in scope) {
    const round = await db.selectFrom('rounds').select(['id', 'plan_id']).where('id', '=', scope.roundId).executeTakeFirst();
    if (!round) throw new NotFoundError('Không tìm thấy đợt tập huấn. Có thể đợt đã bị xóa hoặc địa chỉ không đúng.');
    planId = round.plan_id;
    roundId = round.id;
  } else {
    planId = scope.planId;
  }
  const plan = await findPlanById(db, planId);
  if (!plan) throw new NotFoundError('Không tìm thấy kế hoạch. Có thể kế hoạch đã bị xóa hoặc địa chỉ không đúng.');
  const agency = await getAgencyProfile(db);
  if (!agency) throw new ConflictError('Chưa khai báo thông tin cơ quan; quản trị cần nhập trước khi lập báo cáo.');
  const dashboard = await buildPlanDashboard(db, planId, now);

  const roundRows = await db
    .selectFrom('rounds')
    .selectAll()
    .where('plan_id', '=', planId)
    .$if(roundId !== undefined, (qb) => qb.where('id', '=', roundId!))
    .orderBy('number')
    .execute();
  const roundIds = roundRows.map((r) => r.id);
  const sessionRows = roundIds.length
    ? await db.selectFrom('sessions').selectAll().where('round_id', 'in', roundIds).where('status', '!=', 'cancelled').orderBy('starts_at').orderBy('id').execute()
    : [];

  const rounds: ReportRound[] = [];
  const totals = { ...emptyCounts(), sessions: 0, sessionsHeld: 0 };
  for (const round of roundRows) {
    const summary = dashboard.rounds.find((r) => r.id === round.id)!;
    const sessions: ReportSession[] = [];
    for (const [index, s] of sessionRows.filter((row) => row.round_id === round.id).entries()) {
      const units = await sessionUnits(db, s.id);
      const sessionTotals = emptyCounts();
      for (const row of units) addCounts(sessionTotals, row);
      const held = s.status === 'closed' || s.ends_at <= now;
      sessions.push({ id: s.id, number: index + 1, startsAt: s.starts_at, endsAt: s.ends_at, venue: s.venue, chair: s.chair, status: s.status, held, units, totals: sessionTotals });
      totals.sessions += 1;
      if (held) {
        addCounts(totals, sessionTotals);
        totals.sessionsHeld += 1;
      }
    }
    rounds.push({
      id: round.id,
      number: round.number,
      label: summary.label,
      title: round.title,
      topics: round.topics.split('\n').map((t) => t.trim()).filter(Boolean),
      status: summary.status,
      statusLabel: summary.statusLabel,
      sessionsScheduled: summary.sessions,
      sessionsHeld: summary.heldSessions,
      firstStart: sessionRows.find((s) => s.round_id === round.id)?.starts_at ?? null,
      lastEnd: latest(sessionRows.filter((s) => s.round_id === round.id).map((s) => s.ends_at)) || null,
      sessions,
      invited: summary.invited,
      attended: summary.attended,
      absent: summary.absent,
      excused: summary.excused,
      pending: summary.pending,
      unitsAttended: summary.unitsAttended,
      unitsTarget: summary.unitsTarget,
      // The dashboard lists up to its limit; the report needs them all when there are more.
      missingUnits: dashboard.rows.filter((r) => r.isTarget && r.cells.find((c) => c.roundNumber === round.number)!.attended === 0).map((r) => r.unitName),
    });
  }

  const reportedNumbers = new Set(rounds.map((r) => r.number));
  const unitKinds = new Map((await listUnitLabels(db, dashboard.rows.map((r) => r.unitId))).map((u) => [u.id, u.kind as UnitKind]));
  const coverageRows: ReportCoverageRow[] = dashboard.rows
    .map((row) => {
      const cells = row.cells
        .filter((c) => reportedNumbers.has(c.roundNumber))
        .map((c) => ({ roundNumber: c.roundNumber, state: c.state, stateLabel: c.stateLabel, invited: c.invited, attended: c.attended, countText: c.countText }));
      const kind = unitKinds.get(row.unitId) ?? 'other';
      return { unitName: row.unitName, unitKind: kind, unitKindLabel: UNIT_KIND_LABELS[kind], isTarget: row.isTarget, cells, roundsCovered: cells.filter((c) => c.attended > 0).length };
    })
    // A round's report shows the plan's units and whoever else took part in that round.
    .filter((row) => row.isTarget || row.cells.some((c) => c.state !== 'not-invited'));
  const targetRows = coverageRows.filter((r) => r.isTarget);

  const materialRows = await db
    .selectFrom('materials')
    .leftJoin('rounds', 'rounds.id', 'materials.round_id')
    .leftJoin('sessions', 'sessions.id', 'materials.session_id')
    .where('materials.plan_id', '=', planId)
    .where('materials.deleted_at', 'is', null)
    .$if(roundId !== undefined, (qb) => qb.where('materials.round_id', '=', roundId!))
    .select([
      'materials.id', 'materials.kind', 'materials.title', 'materials.original_name', 'materials.bytes', 'materials.sha256', 'materials.session_id',
      'materials.uploaded_at', 'rounds.number as round_number', 'sessions.starts_at as session_starts_at',
    ])
    .execute();
  const materials: ReportMaterial[] = materialRows
    .map((m) => ({
      id: m.id,
      kind: m.kind,
      kindLabel: MATERIAL_KIND_LABELS[m.kind],
      title: m.title,
      originalName: m.original_name,
      bytes: Number(m.bytes),
      sha256: m.sha256.toLowerCase(),
      roundNumber: m.round_number ?? null,
      sessionId: m.session_id,
      sessionStartsAt: m.session_starts_at ?? null,
      uploadedAt: m.uploaded_at,
    }))
    // By kind (plan, documents, photos, videos), then round, session, upload time: the order of the bundle's folders.
    .sort(
      (a, b) =>
        MATERIAL_KIND_ORDER.indexOf(a.kind) - MATERIAL_KIND_ORDER.indexOf(b.kind) ||
        (a.roundNumber ?? 0) - (b.roundNumber ?? 0) ||
        (a.sessionStartsAt ?? '').localeCompare(b.sessionStartsAt ?? '') ||
        a.uploadedAt.localeCompare(b.uploadedAt) ||
        a.id - b.id,
    )
    .map(({ uploadedAt: _uploadedAt, ...m }) => m);

  const newsRows = await db
    .selectFrom('news_links')
    .leftJoin('rounds', 'rounds.id', 'news_links.round_id')
    .where('news_links.plan_id', '=', planId)
    .where('news_links.deleted_at', 'is', null)
    .$if(roundId !== undefined, (qb) => qb.where('news_links.round_id', '=', roundId!))
    .select(['news_links.id', 'news_links.title', 'news_links.outlet', 'news_links.url', 'news_links.published_on', 'rounds.number as round_number'])
    .orderBy('news_links.published_on')
    .orderBy('news_links.id')
    .execute();
  const newsLinks: ReportNewsLink[] = newsRows.map((n) => ({
    id: n.id,
    title: n.title,
    outlet: n.outlet,
    url: n.url,
    publishedOn: n.published_on,
    roundNumber: n.round_number ?? null,
  }));

  const asOf = latest([
    plan.updated_at,
    (await db.selectFrom('agency').select('updated_at').executeTakeFirst())?.updated_at,
    ...roundRows.map((r) => r.updated_at),
    ...sessionRows.map((s) => s.updated_at),
    ...(await lastChanges(db, sessionRows.map((s) => s.id), planId)),
  ]);
  const lastSession = sessionRows.at(-1);
  return {
    scope: roundId === undefined ? 'plan' : 'round',
    agency,
    issuerName: issuerName(agency),
    plan: {
      id: plan.id,
      number: plan.number,
      symbol: plan.symbol,
      issuedOn: plan.issued_on,
      summary: plan.summary,
      year: plan.year,
      requiredRounds: plan.required_rounds,
      reference: planReference(plan),
    },
    progress: dashboard.progress,
    rounds,
    coverage: {
      rows: coverageRows,
      targetUnits: targetRows.length,
      unitsAllRounds: rounds.length ? targetRows.filter((r) => r.roundsCovered === rounds.length).length : 0,
      unitsAnyRound: targetRows.filter((r) => r.roundsCovered > 0).length,
    },
    materials,
    newsLinks,
    totals,
    year: lastSession ? toVnDate(lastSession.starts_at).year : plan.year,
    asOf: asOf || plan.updated_at,
  };
}

/** Latest changes of the rows behind the counts and lists (deletions included: a deleted file changes the report). */
async function lastChanges(db: Kysely<DB>, sessionIds: number[], planId: number): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  if (sessionIds.length) {
    const invitations = await db.selectFrom('invitations').where('session_id', 'in', sessionIds).select((eb) => eb.fn.max('updated_at').as('at')).executeTakeFirst();
    const attendances = await db.selectFrom('attendances').where('session_id', 'in', sessionIds).select((eb) => eb.fn.max('updated_at').as('at')).executeTakeFirst();
    out.push(invitations?.at ?? null, attendances?.at ?? null);
  }
  const materials = await db
    .selectFrom('materials')
    .where('plan_id', '=', planId)
    .select((eb) => [eb.fn.max('uploaded_at').as('uploaded'), eb.fn.max('deleted_at').as('deleted')])
    .executeTakeFirst();
  const news = await db
    .selectFrom('news_links')
    .where('plan_id', '=', planId)
    .select((eb) => [eb.fn.max('updated_at').as('updated'), eb.fn.max('deleted_at').as('deleted')])
    .executeTakeFirst();
  out.push(materials?.uploaded ?? null, materials?.deleted ?? null, news?.updated ?? null, news?.deleted ?? null);
  return out;
}

/**
 * The report's file name outside the bundle, ASCII (vn-documents "File names"): the date of its last session held
 * (else its last session, else the plan's date), the symbol, the kind; "2022-09-15_BC-UBND_bao-cao-ket-qua.pdf", with "_dot-1" for a round.
 * The number is given at signing, so none is in the name.
 */
export function reportFileName(report: ResultsReport): string {
  // The last session held; a report made before any is held is dated by its last session, or the plan.
  const sessions = report.rounds.flatMap((r) => r.sessions);
  const held = sessions.filter((s) => s.held);
  const lastSession = (held.length ? held : sessions).reduce<string | undefined>((max, s) => (!max || s.startsAt > max ? s.startsAt : max), undefined);
  const date = toVnDate(lastSession ?? report.plan.issuedOn);
  const pad = (n: number) => String(n).padStart(2, '0');
  const round = report.scope === 'round' && report.rounds[0] ? `_dot-${report.rounds[0].number}` : '';
  return `${date.year}-${pad(date.month)}-${pad(date.day)}_${asciiSlug(`BC-${report.agency.symbol}`)}_bao-cao-ket-qua${round}.pdf`;
}
