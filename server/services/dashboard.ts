// A plan's dashboard: progress against its required rounds, the unit × round coverage matrix with totals,
// the attendance chart, and per round who is still missing. Counting happens in SQL; this shapes the view.
//
// Definitions (sessions with status 'cancelled' never count, for anything):
// - Target units: the plan's plan_units; if it has none, the units in its rounds' round_quotas, session_units and invitations.
// - Invited (unit × round): distinct people invited by that unit to a session of the round, invitation not 'declined'/'substituted'.
// - Attended (unit × round): distinct people of that unit (people.unit_id, a substitute too) present, late or substitute at a session of the round.
// - Absent: invited, did not attend the round, and nothing left to come (record 'absent'/'excused', or no record at a session already held); excused shown apart.
// - Not invited: the unit has no counted invitation and no session_units row in the round.
// - Cell state: 'attended' (≥1 attended), else 'not-invited', else 'invited' (a session still to come), else 'absent'.
// - Round scheduled: ≥1 session not cancelled; round held: ≥1 session closed, or not cancelled and already ended.
// - Rounds covered per unit: rounds with ≥1 attendee, out of max(required rounds, rounds created).
// - Still missing per round: target units without an attendee, and invited people who have not attended (first 50, with the count).
import type { Kysely } from 'kysely';
import {
  countAttendedByRoundUnit,
  countInvitedByRoundUnit,
  findPlanById,
  listMissingPeople,
  listPlanUnitSources,
  listRoundProgress,
  listSessionSeats,
  listUnitLabels,
  type InvitedCellRow,
  type RoundProgressRow,
  type SeatRow,
} from '../db/queries/dashboard.ts';
import type { DB } from '../db/types.ts';
import { renderAttendanceChartSvg } from '../documents/attendance-chart.ts';
import { NotFoundError } from '../errors.ts';
import { TIME_ZONE, formatDateTime, nowIso } from './clock.ts';
import { planReference } from './plans.ts';

/** How many not-yet-attended people and units each round lists before saying "and N more". */
export const MISSING_PEOPLE_LIMIT = 50;
export const MISSING_UNITS_LIMIT = 100;

export type CellState = 'attended' | 'invited' | 'absent' | 'not-invited';

const CELL_LABELS: Record<CellState, { label: string; mark: string }> = {
  attended: { label: 'Đã tham dự', mark: '✓' },
  invited: { label: 'Đã mời', mark: '○' },
  absent: { label: 'Vắng', mark: '✗' },
  'not-invited': { label: 'Chưa mời', mark: '–' },
};

export interface CoverageCell {
  roundNumber: number;
  state: CellState;
  stateLabel: string;
  /** A symbol that tells the state apart without colour (print, colour blindness). */
  mark: string;
  invited: number;
  attended: number;
  absent: number;
  excused: number;
  pending: number;
  /** "attended/invited", e.g. "3/4"; just the attended count when nobody was invited. */
  countText: string;
  /** "vắng 2 (1 có phép)" or "". */
  note: string;
  /** The whole cell in words, for the tooltip and screen readers. */
  detail: string;
}

export interface CoverageRow {
  unitId: number;
  unitName: string;
  /** False for a unit outside the plan's target units that was invited or attended anyway. */
  isTarget: boolean;
  cells: CoverageCell[];
  roundsCovered: number;
  coveredText: string;
}

export type RoundStatus = 'held' | 'scheduled' | 'unscheduled';

export interface RoundSummary {
  id: number;
  number: number;
  label: string;
  title: string;
  sessions: number;
  heldSessions: number;
  dates: string;
  status: RoundStatus;
  statusLabel: string;
  invited: number;
  attended: number;
  absent: number;
  excused: number;
  pending: number;
  /** Target units with at least one attendee, and how many target units there are. */
  unitsAttended: number;
  unitsTarget: number;
}

export interface MissingPerson {
  name: string;
  position: string;
  unitName: string;
  statusLabel: string;
}

export interface MissingList {
  roundNumber: number;
  label: string;
  title: string;
  units: { id: number; name: string }[];
  unitCount: number;
  moreUnits: number;
  people: MissingPerson[];
  peopleCount: number;
  morePeople: number;
}

export interface PlanDashboard {
  plan: { id: number; reference: string; summary: string; href: string };
  progress: { required: number; created: number; scheduled: number; held: number };
  rounds: RoundSummary[];
  rows: CoverageRow[];
  /** N in "attended in k of N rounds": the required rounds, or more if more were created. */
  coverageBase: number;
  targetUnitCount: number;
  missing: MissingList[];
  chartSvg: string;
  hasAttendance: boolean;
  generatedAt: string;
}

const dateFormat = new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });

function formatDate(iso: string): string {
  const parts = Object.fromEntries(dateFormat.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year}`;
}

function roundDates(row: RoundProgressRow): string {
  if (!row.first_start || !row.last_end) return 'Chưa có buổi';
  const first = formatDate(row.first_start);
  const last = formatDate(row.last_end);
  return first === last ? first : `${first} – ${last}`;
}

/** Held: a session closed or over; scheduled: a session not cancelled; otherwise not scheduled. */
function roundStatus(row: RoundProgressRow): { status: RoundStatus; statusLabel: string } {
  if (row.held_sessions > 0) return { status: 'held', statusLabel: 'Đã tổ chức' };
  if (row.sessions > 0) return { status: 'scheduled', statusLabel: 'Đã lên lịch' };
  return { status: 'unscheduled', statusLabel: 'Chưa lên lịch' };
}

const EMPTY_INVITED: Omit<InvitedCellRow, 'round_id' | 'unit_id'> = { invited: 0, invited_attended: 0, pending: 0, absent: 0, excused: 0 };

function buildCell(roundNumber: number, invitedRow: Omit<InvitedCellRow, 'round_id' | 'unit_id'>, attended: number, seat: SeatRow | undefined): CoverageCell {
  const { invited, pending, absent, excused } = invitedRow;
  // Cell state, in order: someone attended; never invited nor convened; still to come; otherwise over with nobody.
  let state: CellState;
  if (attended > 0) state = 'attended';
  else if (invited === 0 && !seat) state = 'not-invited';
  else if (pending > 0 || (seat?.upcoming ?? 0) > 0) state = 'invited';
  else state = 'absent';
  const note = absent > 0 ? `vắng ${absent}${excused > 0 ? ` (${excused} có phép)` : ''}` : '';
  const detail =
    `${CELL_LABELS[state].label}. Được mời ${invited}, tham dự ${attended}, vắng ${absent}` +
    `${excused > 0 ? ` (có phép ${excused})` : ''}${pending > 0 ? `, chờ buổi tập huấn ${pending}` : ''}.`;
  return {
    roundNumber,
    state,
    stateLabel: CELL_LABELS[state].label,
    mark: CELL_LABELS[state].mark,
    invited,
    attended,
    absent,
    excused,
    pending,
    countText: invited > 0 ? `${attended}/${invited}` : state === 'attended' ? String(attended) : '',
    note,
    detail,
  };
}

const key = (roundId: number, unitId: number) => `${roundId}:${unitId}`;

/** Everything the plan's dashboard page shows, at the instant `now` (stored ISO format). */
export async function buildPlanDashboard(db: Kysely<DB>, planId: number, now: string = nowIso()): Promise<PlanDashboard> {
  const plan = await findPlanById(db, planId);
  if (!plan) throw new NotFoundError('Không tìm thấy kế hoạch. Có thể kế hoạch đã bị xóa hoặc địa chỉ không đúng.');

  const [roundRows, sources, seats, attendedRows, invitedRows, missingRows] = await Promise.all([
    listRoundProgress(db, planId, now),
    listPlanUnitSources(db, planId),
    listSessionSeats(db, planId, now),
    countAttendedByRoundUnit(db, planId),
    countInvitedByRoundUnit(db, planId, now),
    listMissingPeople(db, planId, now, MISSING_PEOPLE_LIMIT),
  ]);

  // Target units: the plan's own list (plan_units); if it has none, the units its rounds give a quota, a seat or an invitation.
  const planUnitIds = new Set(sources.filter((s) => s.from_plan === 1).map((s) => s.unit_id));
  const roundUnitIds = new Set([...sources.filter((s) => s.from_plan === 0).map((s) => s.unit_id), ...invitedRows.map((r) => r.unit_id)]);
  const targetIds = planUnitIds.size > 0 ? planUnitIds : roundUnitIds;
  const shownIds = new Set([...targetIds, ...roundUnitIds, ...attendedRows.map((r) => r.unit_id)]);
  const units = await listUnitLabels(db, [...shownIds]);
  // Target units first, then the others that turned up, each group in the usual unit order.
  units.sort((a, b) => Number(targetIds.has(b.id)) - Number(targetIds.has(a.id)));

  const invitedBy = new Map(invitedRows.map((r) => [key(r.round_id, r.unit_id), r]));
  const attendedBy = new Map(attendedRows.map((r) => [key(r.round_id, r.unit_id), r.attended]));
  const seatBy = new Map(seats.map((s) => [key(s.round_id, s.unit_id), s]));
  const coverageBase = Math.max(plan.required_rounds, roundRows.length);

  const rows: CoverageRow[] = units.map((unit) => {
    const cells = roundRows.map((round) =>
      buildCell(
        round.number,
        invitedBy.get(key(round.id, unit.id)) ?? EMPTY_INVITED,
        attendedBy.get(key(round.id, unit.id)) ?? 0,
        seatBy.get(key(round.id, unit.id)),
      ),
    );
    // Rounds covered per unit: rounds in which at least one of its people attended.
    const roundsCovered = cells.filter((c) => c.attended > 0).length;
    return { unitId: unit.id, unitName: unit.name, isTarget: targetIds.has(unit.id), cells, roundsCovered, coveredText: `${roundsCovered}/${coverageBase}` };
  });
  const targetRows = rows.filter((r) => r.isTarget);

  const rounds: RoundSummary[] = roundRows.map((round, i) => {
    const cells = rows.map((r) => r.cells[i]!);
    const sum = (pick: (c: CoverageCell) => number) => cells.reduce((total, c) => total + pick(c), 0);
    return {
      id: round.id,
      number: round.number,
      label: `Đợt ${round.number}`,
      title: round.title,
      sessions: round.sessions,
      heldSessions: round.held_sessions,
      dates: roundDates(round),
      ...roundStatus(round),
      // Totals per round: distinct people per unit, summed (a person belongs to one unit).
      invited: sum((c) => c.invited),
      attended: sum((c) => c.attended),
      absent: sum((c) => c.absent),
      excused: sum((c) => c.excused),
      pending: sum((c) => c.pending),
      unitsAttended: targetRows.filter((r) => r.cells[i]!.attended > 0).length,
      unitsTarget: targetRows.length,
    };
  });

  // Still missing per round: target units with no attendee, and invited people who have not attended.
  const missing: MissingList[] = roundRows.map((round, i) => {
    const units = targetRows.filter((r) => r.cells[i]!.attended === 0).map((r) => ({ id: r.unitId, name: r.unitName }));
    const peopleCount = rows.reduce((total, r) => total + r.cells[i]!.pending + r.cells[i]!.absent, 0);
    const people = missingRows
      .filter((m) => m.round_id === round.id)
      .map((m) => ({
        name: m.full_name,
        position: m.position,
        unitName: m.unit_name,
        statusLabel: m.pending ? 'Chờ buổi tập huấn' : m.excused ? 'Vắng có phép' : 'Vắng',
      }));
    return {
      roundNumber: round.number,
      label: `Đợt ${round.number}`,
      title: round.title,
      units: units.slice(0, MISSING_UNITS_LIMIT),
      unitCount: units.length,
      moreUnits: Math.max(0, units.length - MISSING_UNITS_LIMIT),
      people,
      peopleCount,
      morePeople: Math.max(0, peopleCount - people.length),
    };
  });

  const progress = {
    required: plan.required_rounds,
    created: roundRows.length,
    scheduled: roundRows.filter((r) => r.sessions > 0).length,
    held: roundRows.filter((r) => r.held_sessions > 0).length,
  };

  const chartSvg = renderAttendanceChartSvg({
    title: 'Số người được mời, tham dự và vắng theo đợt',
    idPrefix: 'bieu-do-tham-du',
    rounds: rounds.map((r) => ({
      label: r.label,
      description: r.title ? `${r.label} (${r.title})` : r.label,
      invited: r.invited,
      attended: r.attended,
      absent: r.absent,
    })),
  });

  return {
    plan: { id: plan.id, reference: planReference(plan), summary: plan.summary, href: `/plans/${plan.id}` },
    progress,
    rounds,
    rows,
    coverageBase,
    targetUnitCount: targetRows.length,
    missing,
    chartSvg,
    hasAttendance: rounds.some((r) => r.attended > 0),
    generatedAt: formatDateTime(now),
  };
}
