// The plan dashboard: coverage counts in the service and on the page, the SVG chart, access, and query plans.
import { CompiledQuery, Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteDialect } from '../server/db/sqlite-dialect.ts';
import type { AttendanceStatus, DB, InvitationStatus, SessionStatus, UnitKind } from '../server/db/types.ts';
import { integerTicks, renderAttendanceChartSvg } from '../server/documents/attendance-chart.ts';
import { MISSING_PEOPLE_LIMIT, buildPlanDashboard, type PlanDashboard } from '../server/services/dashboard.ts';
import { searchKey } from '../server/services/text.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loggedInUser } from './helpers/factories.ts';
import type { Visitor } from './helpers/http.ts';

const HOUR = 3600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const stamp = () => ({ created_at: at(0), updated_at: at(0) });

/** Direct inserts: the planning services are written elsewhere, the dashboard only reads these tables. */
function seeder(db: Kysely<DB>) {
  return {
    async unit(name: string, kind: UnitKind = 'office', sortOrder = 0) {
      const row = await db
        .insertInto('units')
        .values({ kind, name, name_search: searchKey(name), sort_order: sortOrder, ...stamp() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async person(fullName: string, unitId: number, position = '') {
      const row = await db
        .insertInto('people')
        .values({ full_name: fullName, full_name_search: searchKey(fullName), position, unit_id: unitId, ...stamp() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async plan(requiredRounds: number, unitIds: number[] = []) {
      const row = await db
        .insertInto('plans')
        .values({
          number: '95',
          symbol: 'KH-UBND',
          issued_on: '2022-05-06',
          summary: 'Tuyên truyền cải cách hành chính năm 2022',
          year: 2022,
          required_rounds: requiredRounds,
          ...stamp(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (unitIds.length) await db.insertInto('plan_units').values(unitIds.map((unit_id) => ({ plan_id: row.id, unit_id }))).execute();
      return row.id;
    },
    async round(planId: number, number: number, title: string) {
      const row = await db.insertInto('rounds').values({ plan_id: planId, number, title, ...stamp() }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },
    /** A two-hour session starting `startHours` from now. */
    async session(roundId: number, startHours: number, status: SessionStatus = 'planned', unitSeats: number[] = []) {
      const row = await db
        .insertInto('sessions')
        .values({ round_id: roundId, starts_at: at(startHours), ends_at: at(startHours + 2), venue: 'Hội trường UBND', status, ...stamp() })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (unitSeats.length) await db.insertInto('session_units').values(unitSeats.map((unit_id) => ({ session_id: row.id, unit_id, quota: 2 }))).execute();
      return row.id;
    },
    async invite(sessionId: number, personId: number, unitId: number, status: InvitationStatus = 'invited', replaces: number | null = null) {
      const row = await db
        .insertInto('invitations')
        .values({ session_id: sessionId, person_id: personId, unit_id: unitId, status, replaces_invitation_id: replaces, ...stamp() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async attend(sessionId: number, personId: number, status: AttendanceStatus, invitationId: number | null = null) {
      await db
        .insertInto('attendances')
        .values({ session_id: sessionId, person_id: personId, invitation_id: invitationId, status, checked_in_at: status === 'absent' || status === 'excused' ? null : at(-25), ...stamp() })
        .execute();
    },
  };
}

const HTML_UNIT = '<b>Phòng Tư pháp</b> & "Hộ tịch"';

/**
 * Round 1 is over (held by its end time), round 2 is to come, round 3 has only a cancelled session.
 * Unit A: invited and attended (present, late, and a substitute for a colleague), one declined.
 * Unit B: invited, absent after the session ended (one excused). Unit C (HTML in its name): not invited in
 * round 1, convened by a session seat in round 2. Unit D: one person walked in without an invitation.
 * Unit E is outside the plan, with people of its own that must not count.
 */
async function seedScenario(db: Kysely<DB>) {
  const s = seeder(db);
  const A = await s.unit('Phòng Nội vụ', 'office', 1);
  const B = await s.unit('UBND xã Bàu Đồn', 'commune', 1);
  const C = await s.unit(HTML_UNIT, 'office', 2);
  const D = await s.unit('Phòng Y tế', 'office', 3);
  const E = await s.unit('Phòng Kinh tế và Hạ tầng', 'office', 4);
  for (let i = 0; i < 20; i++) await s.person(`Người ngoài ${i}`, E);
  const plan = await s.plan(3, [A, B, C, D]);
  const r1 = await s.round(plan, 1, 'Nghiệp vụ cải cách hành chính');
  const r2 = await s.round(plan, 2, 'Kỹ năng tuyên truyền <script>alert(1)</script>');
  const r3 = await s.round(plan, 3, 'Chuyển đổi số');
  const s1 = await s.session(r1, -26);
  const s2 = await s.session(r2, 24, 'planned', [C]);
  const s3 = await s.session(r3, -50, 'cancelled', [A]);

  const a1 = await s.person('Nguyễn Văn An', A, 'Chuyên viên');
  const a2 = await s.person('Trần Thị Bích', A);
  const a3 = await s.person('Lê Văn Cường', A);
  const a4 = await s.person('Phạm Thị Dung', A);
  const a5 = await s.person('Võ Văn Em', A);
  const b1 = await s.person('Huỳnh Văn Phúc', B, 'Công chức Văn phòng - Thống kê');
  const b2 = await s.person('Đỗ Thị Giang', B);
  const d1 = await s.person('Mai Văn Hải', D);
  const e1 = await s.person('Ngô Văn Khoa', E);

  const i1 = await s.invite(s1, a1, A, 'confirmed');
  const i2 = await s.invite(s1, a2, A);
  await s.invite(s1, a3, A, 'declined');
  const i4 = await s.invite(s1, a4, A, 'substituted');
  const i5 = await s.invite(s1, a5, A, 'invited', i4);
  await s.invite(s1, b1, B);
  const ib2 = await s.invite(s1, b2, B);
  await s.attend(s1, a1, 'present', i1);
  await s.attend(s1, a2, 'late', i2);
  await s.attend(s1, a5, 'substitute', i5);
  await s.attend(s1, b2, 'excused', ib2);
  await s.attend(s1, d1, 'present');
  await s.invite(s2, a1, A);
  await s.invite(s3, b1, B);
  await s.attend(s3, e1, 'present');
  return { plan, units: { A, B, C, D, E }, rounds: { r1, r2, r3 } };
}

function cell(d: PlanDashboard, unitId: number, round: number) {
  const row = d.rows.find((r) => r.unitId === unitId);
  if (!row) throw new Error(`no row for unit ${unitId}`);
  return row.cells.find((c) => c.roundNumber === round)!;
}

/** The inner HTML of the first element carrying `attr="value"`. */
function htmlOf(body: string, attr: string, value: string | number): string {
  const match = new RegExp(`<(\\w+)[^>]*\\b${attr}="${value}"[^>]*>([\\s\\S]*?)</\\1>`).exec(body);
  if (!match) throw new Error(`nothing with ${attr}="${value}" on the page`);
  return match[2]!.replace(/\s+/g, ' ');
}

function svgOf(body: string): string {
  const match = /<svg[\s\S]*?<\/svg>/.exec(body);
  if (!match) throw new Error('no <svg> on the page');
  return match[0];
}

/** Per round group of the chart: its axis label and the numbers written on its bars, in series order. */
function chartGroups(svg: string): { label: string; values: number[] }[] {
  return [...svg.matchAll(/<g class="round">([\s\S]*?)<\/g>/g)].map((m) => ({
    label: /<text class="round-label"[^>]*>([^<]*)<\/text>/.exec(m[1]!)![1]!,
    values: [...m[1]!.matchAll(/<text class="value value-(?:invited|attended|absent)"[^>]*>(\d+)<\/text>/g)].map((v) => Number(v[1])),
  }));
}

describe('plan dashboard', () => {
  let t: TestApp;
  let reporter: Visitor;
  beforeEach(async () => {
    t = await buildApp();
    reporter = (await loggedInUser(t.app, ['reporter'])).visitor;
  });
  afterEach(() => t.close());

  it('counts invited, attended, absent and not invited per unit and round, with progress and totals', async () => {
    const { plan, units } = await seedScenario(t.app.db);
    const d = await buildPlanDashboard(t.app.db, plan);

    expect(d.plan.reference).toBe('Kế hoạch số 95/KH-UBND ngày 06/5/2022');
    expect(d.progress).toEqual({ required: 3, created: 3, scheduled: 2, held: 1 });
    expect(d.rounds.map((r) => r.status)).toEqual(['held', 'scheduled', 'unscheduled']);

    // Units in the usual order of Vietnamese lists: offices first, then communes (each by their order, then name).
    expect(d.rows.map((r) => r.unitId)).toEqual([units.A, units.C, units.D, units.B]);
    expect(d.rows.every((r) => r.isTarget)).toBe(true);

    // A: present + late + the substitute; the declined and the substituted invitations do not count.
    expect(cell(d, units.A, 1)).toMatchObject({ state: 'attended', invited: 3, attended: 3, absent: 0, countText: '3/3' });
    // B: invited, the session is over, nobody came; one of the two excused.
    expect(cell(d, units.B, 1)).toMatchObject({ state: 'absent', invited: 2, attended: 0, absent: 2, excused: 1, countText: '0/2', note: 'vắng 2 (1 có phép)' });
    expect(cell(d, units.C, 1)).toMatchObject({ state: 'not-invited', invited: 0, attended: 0, countText: '' });
    // D: a walk-in without an invitation still covers the unit.
    expect(cell(d, units.D, 1)).toMatchObject({ state: 'attended', invited: 0, attended: 1, countText: '1' });

    // Round 2 is still to come: A's invitee is pending; C is convened by a session seat without named invitees.
    expect(cell(d, units.A, 2)).toMatchObject({ state: 'invited', invited: 1, pending: 1, absent: 0, countText: '0/1' });
    expect(cell(d, units.C, 2)).toMatchObject({ state: 'invited', invited: 0 });
    expect(cell(d, units.B, 2).state).toBe('not-invited');
    // Round 3's only session was cancelled: its invitation and seat do not count, nor E's attendance there.
    expect(d.rows.map((r) => cell(d, r.unitId, 3).state)).toEqual(['not-invited', 'not-invited', 'not-invited', 'not-invited']);

    expect(d.rounds.map((r) => [r.invited, r.attended, r.absent, r.excused, r.pending, r.unitsAttended, r.unitsTarget])).toEqual([
      [5, 4, 2, 1, 0, 2, 4],
      [1, 0, 0, 0, 1, 0, 4],
      [0, 0, 0, 0, 0, 0, 4],
    ]);
    expect(d.rows.map((r) => r.coveredText)).toEqual(['1/3', '0/3', '1/3', '0/3']);
    expect(d.hasAttendance).toBe(true);

    const [m1, m2, m3] = d.missing;
    expect(m1!.units.map((u) => u.id)).toEqual([units.C, units.B]);
    expect(m1!.people).toEqual([
      { name: 'Đỗ Thị Giang', position: '', unitName: 'UBND xã Bàu Đồn', statusLabel: 'Vắng có phép' },
      { name: 'Huỳnh Văn Phúc', position: 'Công chức Văn phòng - Thống kê', unitName: 'UBND xã Bàu Đồn', statusLabel: 'Vắng' },
    ]);
    expect([m1!.peopleCount, m1!.morePeople]).toEqual([2, 0]);
    expect(m2!.units.map((u) => u.id)).toEqual([units.A, units.C, units.D, units.B]);
    expect(m2!.people).toEqual([{ name: 'Nguyễn Văn An', position: 'Chuyên viên', unitName: 'Phòng Nội vụ', statusLabel: 'Chờ buổi tập huấn' }]);
    expect([m3!.unitCount, m3!.peopleCount]).toEqual([4, 0]);
  });

  it('renders the same numbers on the page, with the chart, escaped names and a link back to the plan', async () => {
    const { plan, units } = await seedScenario(t.app.db);
    const page = await reporter.get(`/plans/${plan}/dashboard`);
    expect(page.statusCode).toBe(200);
    const body = page.body;

    expect(body).toContain('<h1>Kế hoạch số 95/KH-UBND ngày 06/5/2022</h1>');
    expect(body).toContain(`href="/plans/${plan}"`);
    expect(body).toMatch(/<dt>Số đợt phải tổ chức<\/dt><dd>3<\/dd>/);
    expect(body).toMatch(/<dt>Đợt đã lên lịch<\/dt><dd>2\/3<\/dd>/);
    expect(body).toMatch(/<dt>Đợt đã tổ chức<\/dt><dd>1\/3<\/dd>/);

    const cellText = (unit: number, round: number) => htmlOf(body, 'data-cell', `${unit}-${round}`);
    expect(cellText(units.A, 1)).toMatch(/Đã tham dự.*<span class="cell-count">3\/3<\/span>/);
    expect(cellText(units.B, 1)).toMatch(/Vắng.*<span class="cell-count">0\/2<\/span>.*vắng 2 \(1 có phép\)/);
    expect(cellText(units.C, 1)).toContain('Chưa mời');
    expect(cellText(units.C, 1)).not.toContain('cell-count');
    expect(cellText(units.D, 1)).toMatch(/Đã tham dự.*<span class="cell-count">1<\/span>/);
    expect(cellText(units.A, 2)).toMatch(/Đã mời.*<span class="cell-count">0\/1<\/span>/);
    expect(body).toMatch(new RegExp(`<td class="coverage-cell cell-absent" data-cell="${units.B}-1"`));
    expect(htmlOf(body, 'data-total', 1)).toMatch(/4\/5.*vắng 2 \(1 có phép\).*2\/4 đơn vị có người dự/);
    expect(htmlOf(body, 'data-total', 2)).toMatch(/0\/1.*vắng 0.*0\/4 đơn vị/);
    expect(htmlOf(body, 'data-covered', units.A)).toBe('1/3');
    expect(htmlOf(body, 'data-covered', units.B)).toBe('0/3');

    const missing1 = htmlOf(body, 'data-missing-round', 1);
    expect(missing1).toContain('Đơn vị chưa có người tham dự (2)');
    expect(missing1).toContain('<li>UBND xã Bàu Đồn</li>');
    expect(missing1).toContain('Người được mời chưa tham dự (2)');
    expect(missing1).toMatch(/Huỳnh Văn Phúc.*Vắng</);
    expect(missing1).toMatch(/Đỗ Thị Giang.*Vắng có phép/);
    expect(htmlOf(body, 'data-missing-round', 2)).toMatch(/Nguyễn Văn An.*Chờ buổi tập huấn/);
    expect(htmlOf(body, 'data-missing-round', 3)).toContain('Người được mời chưa tham dự (0)');
    for (const notCounted of ['Lê Văn Cường', 'Phạm Thị Dung', 'Ngô Văn Khoa', 'Phòng Kinh tế']) expect(body).not.toContain(notCounted);

    // HTML in a unit name and a round title is text, in the page and in the SVG.
    expect(body).not.toContain('<b>Phòng Tư pháp');
    expect(body).toContain('&lt;b&gt;Phòng Tư pháp&lt;/b&gt; &amp; &quot;Hộ tịch&quot;');
    expect(body).not.toContain('<script');
    const svg = svgOf(body);
    expect(svg).toContain('Đợt 2 (Kỹ năng tuyên truyền &lt;script&gt;alert(1)&lt;/script&gt;)');
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="bieu-do-tham-du-title bieu-do-tham-du-desc"/);
    expect(chartGroups(svg)).toEqual([
      { label: 'Đợt 1', values: [5, 4, 2] },
      { label: 'Đợt 2', values: [1, 0, 0] },
      { label: 'Đợt 3', values: [0, 0, 0] },
    ]);
    // The CSP (style-src 'self') would block inline styles.
    expect(body).not.toMatch(/\sstyle=/);
  });

  it('shows a plan without any attendance, and one without rounds, without errors', async () => {
    const s = seeder(t.app.db);
    const unit = await s.unit('UBND xã Cẩm Giang', 'commune');
    const plan = await s.plan(2, [unit]);
    const round = await s.round(plan, 1, 'Nghiệp vụ');
    const session = await s.session(round, 48);
    for (let i = 0; i < 3; i++) await s.invite(session, await s.person(`Học viên ${i}`, unit), unit);

    const d = await buildPlanDashboard(t.app.db, plan);
    expect(d.hasAttendance).toBe(false);
    expect(d.rounds[0]).toMatchObject({ invited: 3, attended: 0, absent: 0, pending: 3, status: 'scheduled' });
    expect(d.progress).toEqual({ required: 2, created: 1, scheduled: 1, held: 0 });
    const page = await reporter.get(`/plans/${plan}/dashboard`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Chưa có dữ liệu điểm danh');
    expect(chartGroups(svgOf(page.body))).toEqual([{ label: 'Đợt 1', values: [3, 0, 0] }]);
    expect(htmlOf(page.body, 'data-cell', `${unit}-1`)).toMatch(/Đã mời.*0\/3/);

    const empty = await s.plan(2);
    const emptyPage = await reporter.get(`/plans/${empty}/dashboard`);
    expect(emptyPage.statusCode).toBe(200);
    expect(emptyPage.body).toContain('Kế hoạch chưa có đợt tập huấn nào.');
    expect(emptyPage.body).toMatch(/<dt>Đợt đã tổ chức<\/dt><dd>0\/2<\/dd>/);
  });

  it('counts a closed session as held even before its end time, and its silent invitees as absent', async () => {
    const s = seeder(t.app.db);
    const unit = await s.unit('Thị trấn Gò Dầu', 'commune');
    const plan = await s.plan(1, [unit]);
    const round = await s.round(plan, 1, 'Nghiệp vụ');
    const session = await s.session(round, -1, 'closed');
    await s.invite(session, await s.person('Phan Văn Lộc', unit), unit);
    const d = await buildPlanDashboard(t.app.db, plan);
    expect(d.progress).toEqual({ required: 1, created: 1, scheduled: 1, held: 1 });
    expect(d.rows[0]!.cells[0]).toMatchObject({ state: 'absent', invited: 1, absent: 1, pending: 0 });
  });

  it('takes the units of the rounds when the plan names none, and shows walk-ins from other units apart', async () => {
    const s = seeder(t.app.db);
    const quota = await s.unit('Phòng Tài chính - Kế hoạch', 'office', 1);
    const invited = await s.unit('Phòng Giáo dục và Đào tạo', 'office', 2);
    const seated = await s.unit('Phòng Văn hóa và Thông tin', 'office', 3);
    const walkIn = await s.unit('Thanh tra huyện', 'office', 4);
    const plan = await s.plan(2);
    const round = await s.round(plan, 1, 'Nghiệp vụ');
    await t.app.db.insertInto('round_quotas').values({ round_id: round, unit_id: quota, quota: 2 }).execute();
    const session = await s.session(round, -30, 'planned', [seated]);
    await s.invite(session, await s.person('Trương Văn Nam', invited), invited);
    await s.attend(session, await s.person('Lý Thị Oanh', walkIn), 'present');

    const d = await buildPlanDashboard(t.app.db, plan);
    expect(d.rows.map((r) => [r.unitId, r.isTarget, r.cells[0]!.state])).toEqual([
      [quota, true, 'not-invited'],
      [invited, true, 'absent'],
      [seated, true, 'absent'],
      [walkIn, false, 'attended'],
    ]);
    expect(d.rounds[0]).toMatchObject({ attended: 1, unitsAttended: 0, unitsTarget: 3 });
    expect(d.missing[0]!.units.map((u) => u.id)).toEqual([quota, invited, seated]);
    expect((await reporter.get(`/plans/${plan}/dashboard`)).body).toContain('ngoài danh sách đơn vị của kế hoạch');
  });

  it('lists at most a page of missing people per round and says how many more', async () => {
    const s = seeder(t.app.db);
    const unit = await s.unit('UBND xã Hiệp Thạnh', 'commune');
    const plan = await s.plan(1, [unit]);
    const session = await s.session(await s.round(plan, 1, 'Nghiệp vụ'), -30);
    const total = MISSING_PEOPLE_LIMIT + 5;
    for (let i = 0; i < total; i++) await s.invite(session, await s.person(`Học viên ${String(i).padStart(3, '0')}`, unit), unit);
    const d = await buildPlanDashboard(t.app.db, plan);
    expect(d.missing[0]).toMatchObject({ peopleCount: total, morePeople: 5 });
    expect(d.missing[0]!.people).toHaveLength(MISSING_PEOPLE_LIMIT);
    expect(d.missing[0]!.people[0]!.name).toBe('Học viên 000');
    const page = await reporter.get(`/plans/${plan}/dashboard`);
    expect(page.body).toContain(`Chỉ hiện ${MISSING_PEOPLE_LIMIT} người đầu; còn 5 người khác.`);
  });

  it('answers 404 in Vietnamese for a missing plan and 400 for an id that is not a number', async () => {
    const missing = await reporter.get('/plans/999999/dashboard');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Không tìm thấy kế hoạch.');
    expect((await reporter.get('/plans/abc/dashboard')).statusCode).toBe(400);
  });

  it('lets organizers and reporters read it, refuses check-in staff and admins, sends visitors to log in', async () => {
    const plan = await seeder(t.app.db).plan(2);
    const url = `/plans/${plan}/dashboard`;
    expect((await reporter.get(url)).statusCode).toBe(200);
    expect((await (await loggedInUser(t.app, ['organizer'])).visitor.get(url)).statusCode).toBe(200);
    expect((await (await loggedInUser(t.app, ['checkin'])).visitor.get(url)).statusCode).toBe(403);
    expect((await (await loggedInUser(t.app, ['admin'])).visitor.get(url)).statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
  });

  it('reads only through indexes: no query scans people, invitations, attendances or sessions', async () => {
    const { plan } = await seedScenario(t.app.db);
    const queries: CompiledQuery[] = [];
    const logged = new Kysely<DB>({
      dialect: createSqliteDialect({ filename: t.config.databaseFile, readers: 0 }),
      log: (event) => void queries.push(event.query),
    });
    try {
      await buildPlanDashboard(logged, plan);
      const seen = [...queries];
      expect(seen.length).toBeGreaterThanOrEqual(7);
      for (const query of seen) {
        const result = await logged.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]));
        // Base tables (under their aliases) must be SEARCHed; only the plan-sized subquery results (x, y, m…) may be scanned.
        const scans = result.rows.map((r) => r.detail).filter((d) => /^SCAN (people|invitations|attendances|sessions|units|rounds|p|i|a|a2|s|s2|u|r|su|rq)\b/.test(d));
        expect(scans, query.sql).toEqual([]);
      }
    } finally {
      await logged.destroy();
    }
  });
});

describe('attendance chart SVG', () => {
  it('draws a labelled group of three bars per round, with integer ticks and escaped text', () => {
    const svg = renderAttendanceChartSvg({
      title: 'Tham dự <theo> đợt',
      idPrefix: 'c1" onload="x',
      rounds: [
        { label: 'Đợt 1', description: 'Đợt 1 ("A" & <B>)', invited: 12, attended: 9, absent: 3 },
        { label: 'Đợt <2>', invited: 4, attended: 0, absent: 0 },
      ],
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="attendance-chart" viewBox="0 0 \d+ \d+"/);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="c1onloadx-title">Tham dự &lt;theo&gt; đợt</title>');
    expect(svg).toContain('Đợt 1 (&quot;A&quot; &amp; &lt;B&gt;): được mời 12, tham dự 9, vắng 3.');
    expect(svg).not.toMatch(/<B>|<theo>|onload="|style=/);
    expect(chartGroups(svg)).toEqual([
      { label: 'Đợt 1', values: [12, 9, 3] },
      { label: 'Đợt &lt;2&gt;', values: [4, 0, 0] },
    ]);
    expect(svg.match(/<rect class="bar /g)).toHaveLength(6);
    const ticks = [...svg.matchAll(/<text x="\d+" y="[\d.]+" text-anchor="end">(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(ticks).toEqual([0, 5, 10, 15]);
    // Black-and-white friendly: the absent bars are hatched, not just a colour.
    expect(svg).toContain('fill="url(#c1onloadx-hatch)"');
  });

  it('chooses whole-number ticks for any maximum and handles an empty chart', () => {
    expect(integerTicks(0)).toEqual([0, 1]);
    expect(integerTicks(3)).toEqual([0, 1, 2, 3]);
    expect(integerTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(integerTicks(120)).toEqual([0, 50, 100, 150]);
    expect(integerTicks(100000).every((t) => Number.isInteger(t))).toBe(true);
    const empty = renderAttendanceChartSvg({ title: 'Trống', rounds: [] });
    expect(empty).toContain('Chưa có đợt tập huấn nào.');
    expect(empty.endsWith('</svg>')).toBe(true);
  });
});
