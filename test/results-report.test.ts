// The results report: loadResultsReport's figures against counts taken straight from the tables, the PDF's text
// (pdftotext -layout) against the same counts per unit and status, the coverage, materials (deleted ones left out)
// and news links, byte-for-byte reproducibility, 404s, and on the demo data the same totals as the dashboard.
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceStatus, DB, InvitationStatus, MaterialKind, SessionStatus, UnitKind } from '../server/db/types.ts';
import { bundledFonts } from '../server/documents/fonts.ts';
import { renderResultsReportPdf, traceResultsReportLayout } from '../server/documents/nd30/index.ts';
import { saveAgencyProfile } from '../server/services/agency.ts';
import { CLI_ACTOR } from '../server/services/audit.ts';
import { vnLocalToIso } from '../server/services/clock.ts';
import { buildPlanDashboard } from '../server/services/dashboard.ts';
import { loadDemoData } from '../server/services/demo.ts';
import { loadResultsReport, reportFileName, type ResultsReport } from '../server/services/results-report.ts';
import { searchKey } from '../server/services/text.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { sampleAgency } from './helpers/factories.ts';
import { boxes, one, pdfToText, streamToBuffer } from './helpers/pdf.ts';

const fonts = bundledFonts();
/** Fixed "now": round 2's session has ended by then without being closed. */
const NOW = '2022-10-01T00:00:00.000Z';
const STAMP = '2022-05-01T00:00:00.000Z';
const collapse = (text: string) => text.replace(/[\s\u00a0]+/g, ' ').trim();

/** Direct inserts: the report only reads these tables. */
function seeder(db: Kysely<DB>) {
  const stamp = { created_at: STAMP, updated_at: STAMP };
  return {
    async unit(name: string, kind: UnitKind, sortOrder: number) {
      return (await db.insertInto('units').values({ kind, name, name_search: searchKey(name), sort_order: sortOrder, ...stamp }).returning('id').executeTakeFirstOrThrow()).id;
    },
    async person(fullName: string, unitId: number) {
      return (await db.insertInto('people').values({ full_name: fullName, full_name_search: searchKey(fullName), unit_id: unitId, ...stamp }).returning('id').executeTakeFirstOrThrow()).id;
    },
    async session(roundId: number, date: string, status: SessionStatus, venue = 'Hội trường UBND') {
      const row = await db
        .insertInto('sessions')
        .values({ round_id: roundId, starts_at: vnLocalToIso(date, '07:30')!, ends_at: vnLocalToIso(date, '11:00')!, venue, chair: 'Phó Chủ tịch UBND', status, ...stamp })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async invite(sessionId: number, personId: number, unitId: number, status: InvitationStatus = 'invited', replaces: number | null = null) {
      return (await db.insertInto('invitations').values({ session_id: sessionId, person_id: personId, unit_id: unitId, status, replaces_invitation_id: replaces, ...stamp }).returning('id').executeTakeFirstOrThrow()).id;
    },
    async attend(sessionId: number, personId: number, status: AttendanceStatus, invitationId: number | null = null, at = '2022-05-12T00:35:00.000Z') {
      await db
        .insertInto('attendances')
        .values({ session_id: sessionId, person_id: personId, invitation_id: invitationId, status, checked_in_at: status === 'absent' || status === 'excused' ? null : at, created_at: at, updated_at: at })
        .execute();
    },
    async material(planId: number, roundId: number | null, sessionId: number | null, kind: MaterialKind, title: string, n: number, deleted = false) {
      const sha256 = Array.from({ length: 64 }, (_, i) => '0123456789abcdef'[(i * 7 + n * 3) % 16]).join('');
      await db
        .insertInto('materials')
        .values({
          plan_id: planId, round_id: roundId, session_id: sessionId, kind, title, original_name: `tep-${n}.pdf`,
          storage_key: `ab/${String(n).padStart(32, 'c')}.pdf`, mime_type: 'application/pdf', bytes: 1000 * n + 7, sha256,
          uploaded_at: `2022-06-0${n}T02:00:00.000Z`, deleted_at: deleted ? '2022-06-09T00:00:00.000Z' : null, delete_reason: deleted ? 'Tải nhầm' : null,
        })
        .execute();
      return sha256;
    },
    async news(planId: number, roundId: number | null, title: string, url: string, publishedOn: string, deleted = false) {
      await db
        .insertInto('news_links')
        .values({ plan_id: planId, round_id: roundId, session_id: null, url, title, outlet: 'Cổng thông tin điện tử', published_on: publishedOn, ...stamp, deleted_at: deleted ? '2022-06-10T00:00:00.000Z' : null })
        .execute();
    },
  };
}

/**
 * Two offices and two communes in the plan (3 rounds required, 2 created). Round 1: two closed sessions with every
 * status, a declined and a substituted invitation (not counted) and a walk-in; a cancelled session whose
 * invitations and attendance never count. Round 2: one session over by NOW but not closed, some invitees unrecorded.
 */
async function seedScenario(db: Kysely<DB>) {
  const s = seeder(db);
  await db.transaction().execute((trx) => saveAgencyProfile(trx, CLI_ACTOR, sampleAgency));
  // Every row as of the scenario's own time: the report's creation date is the data's latest change.
  await db.updateTable('agency').set({ updated_at: STAMP }).execute();
  const A = await s.unit('Phòng Nội vụ', 'office', 1);
  const B = await s.unit('Phòng Tư pháp', 'office', 2);
  const C = await s.unit('UBND xã Bàu Đồn', 'commune', 1);
  const D = await s.unit('UBND xã Cẩm Giang', 'commune', 2);
  const plan = (
    await db
      .insertInto('plans')
      .values({ number: '95', symbol: 'KH-UBND', issued_on: '2022-05-06', summary: 'Tuyên truyền cải cách hành chính năm 2022', year: 2022, required_rounds: 3, created_at: STAMP, updated_at: STAMP })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await db.insertInto('plan_units').values([A, B, C, D].map((unit_id) => ({ plan_id: plan, unit_id }))).execute();
  const round = async (number: number, title: string, topics: string) =>
    (await db.insertInto('rounds').values({ plan_id: plan, number, title, topics, created_at: STAMP, updated_at: STAMP }).returning('id').executeTakeFirstOrThrow()).id;
  const r1 = await round(1, 'Tập huấn nghiệp vụ cải cách hành chính', 'Rà soát thủ tục hành chính\nCổng Dịch vụ công');
  const r2 = await round(2, 'Tập huấn dịch vụ công trực tuyến', 'Dịch vụ công trực tuyến');

  const people: Record<string, number> = {};
  for (const [name, unit] of [
    ['Nguyễn Văn An', A], ['Trần Thị Bích', A], ['Lê Văn Cường', A], ['Phạm Thị Dung', A], ['Võ Văn Em', A],
    ['Huỳnh Văn Phúc', B], ['Đỗ Thị Giang', B],
    ['Mai Văn Hải', C], ['Ngô Thị Khánh', C], ['Lý Văn Long', C],
    ['Đặng Thị Mơ', D],
  ] as const) {
    people[name] = await s.person(name, unit);
  }
  const p = (name: string) => people[name]!;

  const s1 = await s.session(r1, '2022-05-12', 'closed');
  const s2 = await s.session(r1, '2022-05-13', 'closed', 'Hội trường Trung tâm Chính trị');
  const cancelled = await s.session(r1, '2022-05-14', 'cancelled');
  const s3 = await s.session(r2, '2022-09-15', 'planned');

  // Session 1 (offices): present, late, a substitute for a substituted invitation, a declined one, excused, absent.
  const i1 = await s.invite(s1, p('Nguyễn Văn An'), A, 'confirmed');
  const i2 = await s.invite(s1, p('Trần Thị Bích'), A);
  await s.invite(s1, p('Lê Văn Cường'), A, 'declined');
  const i4 = await s.invite(s1, p('Phạm Thị Dung'), A, 'substituted');
  const i5 = await s.invite(s1, p('Võ Văn Em'), A, 'invited', i4);
  const i6 = await s.invite(s1, p('Huỳnh Văn Phúc'), B);
  const i7 = await s.invite(s1, p('Đỗ Thị Giang'), B);
  await s.attend(s1, p('Nguyễn Văn An'), 'present', i1);
  await s.attend(s1, p('Trần Thị Bích'), 'late', i2);
  await s.attend(s1, p('Võ Văn Em'), 'substitute', i5);
  await s.attend(s1, p('Huỳnh Văn Phúc'), 'excused', i6);
  await s.attend(s1, p('Đỗ Thị Giang'), 'absent', i7);
  // Session 2 (communes): two present, one absent, D absent; a walk-in of C without an invitation.
  const j1 = await s.invite(s2, p('Mai Văn Hải'), C);
  const j2 = await s.invite(s2, p('Ngô Thị Khánh'), C);
  const j3 = await s.invite(s2, p('Đặng Thị Mơ'), D);
  await s.attend(s2, p('Mai Văn Hải'), 'present', j1);
  await s.attend(s2, p('Ngô Thị Khánh'), 'late', j2);
  await s.attend(s2, p('Đặng Thị Mơ'), 'absent', j3);
  await s.attend(s2, p('Lý Văn Long'), 'present');
  // The cancelled session: none of this may count.
  await s.invite(cancelled, p('Đặng Thị Mơ'), D);
  await s.attend(cancelled, p('Đặng Thị Mơ'), 'present');
  // Round 2: A present, B unrecorded, C excused, D unrecorded.
  const k1 = await s.invite(s3, p('Nguyễn Văn An'), A);
  await s.invite(s3, p('Huỳnh Văn Phúc'), B);
  const k3 = await s.invite(s3, p('Mai Văn Hải'), C);
  await s.invite(s3, p('Đặng Thị Mơ'), D);
  await s.attend(s3, p('Nguyễn Văn An'), 'present', k1, '2022-09-15T00:31:00.000Z');
  await s.attend(s3, p('Mai Văn Hải'), 'excused', k3, '2022-09-15T00:20:00.000Z');

  const hashes = {
    plan: await s.material(plan, null, null, 'plan', 'Kế hoạch tuyên truyền năm 2022', 1),
    document: await s.material(plan, r1, s1, 'document', 'Tài liệu kiểm soát thủ tục hành chính', 2),
    video: await s.material(plan, r2, s3, 'video', 'Video buổi tập huấn đợt 2', 3),
    deleted: await s.material(plan, r1, s1, 'photo', 'Ảnh chụp nhầm đã xóa', 4, true),
  };
  await s.news(plan, r1, 'Gò Dầu tập huấn nghiệp vụ cải cách hành chính', 'https://godau.example.gov.vn/tin-tuc/tap-huan-cai-cach-hanh-chinh-2022-05-12.html', '2022-05-13');
  await s.news(plan, r2, 'Hướng dẫn dịch vụ công trực tuyến cho cán bộ xã', 'https://godau.example.gov.vn/tin-tuc/dich-vu-cong-truc-tuyen.html', '2022-09-16');
  await s.news(plan, r2, 'Tin đã gỡ', 'https://godau.example.gov.vn/tin-tuc/da-go.html', '2022-09-17', true);
  return { plan, rounds: { r1, r2 }, sessions: { s1, s2, s3, cancelled }, units: { A, B, C, D }, hashes };
}

type Counts = Record<'invited' | AttendanceStatus | 'unrecorded', number>;

/** Per unit name, straight from the tables: current invitees by inviting unit, records by the person's unit. */
async function countsFromTables(db: Kysely<DB>, sessionId: number): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  const get = (name: string) => {
    if (!out.has(name)) out.set(name, { invited: 0, present: 0, late: 0, substitute: 0, excused: 0, absent: 0, unrecorded: 0 });
    return out.get(name)!;
  };
  const invited = await db
    .selectFrom('invitations as i')
    .innerJoin('units as u', 'u.id', 'i.unit_id')
    .leftJoin('attendances as a', (join) => join.onRef('a.session_id', '=', 'i.session_id').onRef('a.person_id', '=', 'i.person_id'))
    .where('i.session_id', '=', sessionId)
    .where('i.status', 'in', ['invited', 'confirmed'])
    .select(['u.name', 'a.id as attendance'])
    .execute();
  for (const row of invited) {
    get(row.name).invited += 1;
    if (row.attendance === null) get(row.name).unrecorded += 1;
  }
  const records = await db
    .selectFrom('attendances as a')
    .innerJoin('people as p', 'p.id', 'a.person_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .where('a.session_id', '=', sessionId)
    .select(['u.name', 'a.status'])
    .execute();
  for (const row of records) get(row.name)[row.status] += 1;
  return out;
}

/** The numbers of a unit's row in a session table, in column order (Được mời, Có mặt, Đến muộn, Đi thay, Tổng tham dự, Vắng có phép, Vắng[, Chưa điểm danh]). */
function expectedCells(c: Counts, held: boolean, withUnrecorded: boolean): number[] {
  const recorded = c.present + c.late + c.substitute + c.excused + c.absent;
  if (!held && recorded === 0) return [c.invited];
  const cells = [c.invited, c.present, c.late, c.substitute, c.present + c.late + c.substitute, c.excused, c.absent];
  return withUnrecorded ? [...cells, c.unrecorded] : cells;
}

/** Rows "STT  Unit name  n  n  n …" in pdftotext -layout output, in order. */
function layoutRows(text: string): { name: string; numbers: number[] }[] {
  return text
    .split('\n')
    .map((line) => /^\s*\d+\s{2,}(\S.*?\S)\s{2,}((?:\d+\s+)*\d+)\s*$/.exec(line.replace(/\u00a0/g, ' ')))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, numbers: m[2]!.trim().split(/\s+/).map(Number) }));
}

describe('results report', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildApp();
  });
  afterEach(() => t.close());

  it('counts every session per unit and status as the tables say, skipping cancelled sessions', async () => {
    const { plan, sessions } = await seedScenario(t.app.db);
    const report = await loadResultsReport(t.app.db, { planId: plan }, { now: NOW });
    expect(report.scope).toBe('plan');
    expect(report.progress).toEqual({ required: 3, created: 2, scheduled: 2, held: 2 });
    const reported = report.rounds.flatMap((r) => r.sessions);
    expect(reported.map((s) => s.id)).toEqual([sessions.s1, sessions.s2, sessions.s3]);
    expect(reported.map((s) => s.held)).toEqual([true, true, true]);

    for (const session of reported) {
      const expected = await countsFromTables(t.app.db, session.id);
      expect(new Set(session.units.map((u) => u.unitName))).toEqual(new Set(expected.keys()));
      for (const unit of session.units) {
        const c = expected.get(unit.unitName)!;
        expect(unit, `${unit.unitName} at session ${session.id}`).toMatchObject({ ...c, attended: c.present + c.late + c.substitute });
      }
      const sum = (key: keyof Counts) => [...expected.values()].reduce((n, c) => n + c[key], 0);
      expect(session.totals).toMatchObject({ invited: sum('invited'), present: sum('present'), late: sum('late'), substitute: sum('substitute'), excused: sum('excused'), absent: sum('absent'), unrecorded: sum('unrecorded') });
    }
    // The scenario's own figures, so a mistake shared by the query above and the service still shows.
    const s1 = reported[0]!.units;
    expect(s1.map((u) => [u.unitName, u.invited, u.present, u.late, u.substitute, u.excused, u.absent])).toEqual([
      ['Phòng Nội vụ', 3, 1, 1, 1, 0, 0],
      ['Phòng Tư pháp', 2, 0, 0, 0, 1, 1],
    ]);
    expect(reported[1]!.units.find((u) => u.unitName === 'UBND xã Bàu Đồn')).toMatchObject({ invited: 2, present: 2, late: 1, attended: 3 });
    expect(reported[2]!.totals).toMatchObject({ invited: 4, present: 1, excused: 1, unrecorded: 2 });
    expect(report.totals).toMatchObject({ sessions: 3, sessionsHeld: 3, invited: 12, attended: 7, present: 4, late: 2, substitute: 1, excused: 2, absent: 2, unrecorded: 2 });
  });

  it('lists live materials with their checksums and live news links, in order; deleted ones never', async () => {
    const { plan, rounds, hashes } = await seedScenario(t.app.db);
    const report = await loadResultsReport(t.app.db, { planId: plan }, { now: NOW });
    expect(report.materials.map((m) => [m.kind, m.title, m.sha256, m.roundNumber])).toEqual([
      ['plan', 'Kế hoạch tuyên truyền năm 2022', hashes.plan, null],
      ['document', 'Tài liệu kiểm soát thủ tục hành chính', hashes.document, 1],
      ['video', 'Video buổi tập huấn đợt 2', hashes.video, 2],
    ]);
    expect(report.materials.map((m) => m.bytes)).toEqual([1007, 2007, 3007]);
    expect(report.newsLinks.map((n) => n.title)).toEqual(['Gò Dầu tập huấn nghiệp vụ cải cách hành chính', 'Hướng dẫn dịch vụ công trực tuyến cho cán bộ xã']);

    const round = await loadResultsReport(t.app.db, { roundId: rounds.r2 }, { now: NOW });
    expect(round.scope).toBe('round');
    expect(round.rounds.map((r) => r.number)).toEqual([2]);
    expect(round.materials.map((m) => m.sha256)).toEqual([hashes.video]);
    expect(round.newsLinks.map((n) => n.title)).toEqual(['Hướng dẫn dịch vụ công trực tuyến cho cán bộ xã']);
    expect(round.totals).toMatchObject({ sessions: 1, invited: 4, attended: 1 });
    expect(reportFileName(round)).toBe('2022-09-15_BC-UBND_bao-cao-ket-qua_dot-2.pdf');
    expect(reportFileName(report)).toBe('2022-09-15_BC-UBND_bao-cao-ket-qua.pdf');
    // Before round 2's session is over, the report is dated by the last session held.
    expect(reportFileName(await loadResultsReport(t.app.db, { planId: plan }, { now: '2022-06-01T00:00:00.000Z' }))).toBe('2022-05-13_BC-UBND_bao-cao-ket-qua.pdf');
  });

  it('answers 404 for a plan or a round that does not exist', async () => {
    await seedScenario(t.app.db);
    await expect(loadResultsReport(t.app.db, { planId: 9999 })).rejects.toMatchObject({ statusCode: 404 });
    await expect(loadResultsReport(t.app.db, { roundId: 9999 })).rejects.toMatchObject({ statusCode: 404, message: expect.stringContaining('đợt tập huấn') });
  });

  it('asks for the agency profile (409) before a report can be made', async () => {
    const { plan } = await seedScenario(t.app.db);
    await t.app.db.deleteFrom('agency').execute();
    await expect(loadResultsReport(t.app.db, { planId: plan })).rejects.toMatchObject({ statusCode: 409, message: expect.stringContaining('thông tin cơ quan') });
  });

  it('prints each unit’s counts per status and the totals, as the tables say', async () => {
    const { plan } = await seedScenario(t.app.db);
    const report = await loadResultsReport(t.app.db, { planId: plan }, { now: NOW });
    const pdf = await streamToBuffer(renderResultsReportPdf(report, { fonts }));
    const rows = layoutRows(await pdfToText(pdf, { layout: true }));
    // Session tables come first, in order, each unit once, then the total.
    const expectedRows: { name: string; numbers: number[] }[] = [];
    for (const session of report.rounds.flatMap((r) => r.sessions)) {
      const counts = await countsFromTables(t.app.db, session.id);
      const withUnrecorded = [...counts.values()].some((c) => c.unrecorded > 0);
      const names = session.units.map((u) => u.unitName);
      for (const name of names) expectedRows.push({ name, numbers: expectedCells(counts.get(name)!, session.held, withUnrecorded) });
      const total = Object.fromEntries(Object.keys(counts.get(names[0]!)!).map((k) => [k, [...counts.values()].reduce((n, c) => n + c[k as keyof Counts], 0)])) as Counts;
      expectedRows.push({ name: 'Tổng cộng', numbers: expectedCells(total, session.held, withUnrecorded) });
    }
    const totalRows = (await pdfToText(pdf, { layout: true }))
      .split('\n')
      .map((line) => /^\s*Tổng cộng\s+((?:\d+\s+)*\d+)\s*$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: 'Tổng cộng', numbers: m[1]!.trim().split(/\s+/).map(Number) }));
    const printed = [...rows];
    // Interleave the totals back in the order they were printed: each follows its session's last unit.
    const merged: { name: string; numbers: number[] }[] = [];
    let totalIndex = 0;
    for (const expected of expectedRows) {
      if (expected.name === 'Tổng cộng') merged.push(totalRows[totalIndex++]!);
      else merged.push(printed.shift()!);
    }
    expect(merged).toEqual(expectedRows);
    expect(printed, 'no other unit row printed').toEqual([]);
    expect(totalIndex).toBe(totalRows.length);
    expect(expectedRows.find((r) => r.name === 'Phòng Nội vụ')!.numbers).toEqual([3, 1, 1, 1, 3, 0, 0]);
  });

  it('prints the coverage, the materials with SHA-256, the news links and the figures', async () => {
    const { plan, hashes } = await seedScenario(t.app.db);
    const report = await loadResultsReport(t.app.db, { planId: plan }, { now: NOW });
    const pdf = await streamToBuffer(renderResultsReportPdf(report, { fonts }));
    const text = collapse(await pdfToText(pdf));
    const bare = text.replace(/\s/g, '');

    // Coverage from the trace: one row per plan unit, a cell per round, rounds attended out of the required 3.
    const layout = traceResultsReportLayout(report, { fonts });
    const coverage = boxes(layout, 'table-row')
      .map((row) => row.text!.replace(/\u00a0/g, ' ').split(' | '))
      .filter((cells) => cells.length === 5 && /\/3$/.test(cells[4]!));
    const distinct = async (roundId: number, unitId: number) =>
      Number(
        (
          await t.app.db
            .selectFrom('attendances as a')
            .innerJoin('sessions as s', 's.id', 'a.session_id')
            .innerJoin('people as p', 'p.id', 'a.person_id')
            .where('s.round_id', '=', roundId)
            .where('s.status', '!=', 'cancelled')
            .where('p.unit_id', '=', unitId)
            .where('a.status', 'in', ['present', 'late', 'substitute'])
            .select((eb) => eb.fn.count<number>('a.person_id').distinct().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const units = await t.app.db.selectFrom('units').select(['id', 'name']).execute();
    const rounds = await t.app.db.selectFrom('rounds').select('id').orderBy('number').execute();
    expect(coverage.map((cells) => cells[1])).toEqual(['Phòng Nội vụ', 'Phòng Tư pháp', 'UBND xã Bàu Đồn', 'UBND xã Cẩm Giang']);
    for (const cells of coverage) {
      const unit = units.find((u) => u.name === cells[1])!;
      const attended = await Promise.all(rounds.map((r) => distinct(r.id, unit.id)));
      attended.forEach((n, i) => expect(cells[2 + i], `${unit.name}, round ${i + 1}`).toMatch(new RegExp(`dự ${n}\\)$`)));
      expect(cells[4]).toBe(`${attended.filter((n) => n > 0).length}/3`);
    }
    expect(text).toContain('Đợt 1: 2 đơn vị chưa có người tham dự: Phòng Tư pháp; UBND xã Cẩm Giang.');
    expect(text).toContain('Đợt 2: 3 đơn vị chưa có người tham dự: Phòng Tư pháp; UBND xã Bàu Đồn; UBND xã Cẩm Giang.');

    for (const m of report.materials) {
      expect(text).toContain(m.title);
      expect(bare).toContain(m.sha256);
    }
    expect(text).not.toContain('Ảnh chụp nhầm đã xóa');
    expect(bare).not.toContain(hashes.deleted);
    // A URL is cut by letters in its column (pdftotext reads a trailing "-" as a hyphenation): check the cells, and the links.
    const newsRows = boxes(layout, 'table-row').map((row) => row.text!.split(' | ')).filter((cells) => cells.length === 5 && /^https?:/.test(cells[4]!));
    expect(newsRows.map((cells) => [cells[1], cells[2], cells[3], cells[4]!.replace(/\s/g, '')])).toEqual(
      report.newsLinks.map((n) => [n.title, n.outlet, `${Number(n.publishedOn.slice(8))}/${Number(n.publishedOn.slice(5, 7))}/2022`.replace(/^(\d)\//, '0$1/'), n.url]),
    );
    const raw = pdf.toString('latin1');
    for (const n of report.newsLinks) {
      expect(text).toContain(n.title);
      expect(raw).toContain(`/URI (${n.url})`);
    }
    expect(text).toContain('13/5/2022');
    expect(text).not.toContain('Tin đã gỡ');

    // Number, day and month are left blank for the văn thư; the year is the last session's.
    expect(collapse(one(layout, 'number', 1).text!)).toBe('Số: /BC-UBND');
    expect(collapse(one(layout, 'place-date', 1).text!)).toBe('Gò Dầu, ngày tháng năm 2022');
    expect(text).toContain('BÁO CÁO');
    expect(text).toContain('Kế hoạch số 95/KH-UBND ngày 06/5/2022 yêu cầu tổ chức 03 đợt tập huấn');
    expect(text).toContain('Đã tổ chức 02/03 đợt tập huấn theo kế hoạch (03 buổi); còn 01 đợt chưa tổ chức.');
    expect(text).toContain('tổng số lượt mời 12; lượt tham dự 7 (đạt 58,3% so với số lượt mời)');
    expect(text).toContain('- UBND tỉnh Tây Ninh;');
    expect(text).toMatch(/Gò Dầu\.\/\. .*KT\. CHỦ TỊCH PHÓ CHỦ TỊCH/);
    expect(text).toContain('Nguyễn Văn Minh');
    expect(text).toBe(text.normalize('NFC'));
  });

  it('gives the same bytes for the same data, and other bytes once the data changes', async () => {
    const { plan } = await seedScenario(t.app.db);
    const report = await loadResultsReport(t.app.db, { planId: plan }, { now: NOW });
    const first = await streamToBuffer(renderResultsReportPdf(report, { fonts }));
    const again = await streamToBuffer(renderResultsReportPdf(await loadResultsReport(t.app.db, { planId: plan }, { now: NOW }), { fonts }));
    expect(again.equals(first)).toBe(true);
    // The creation date (and pdfkit's file ID, derived from it) is the data's last change, never the clock.
    expect(report.asOf).toBe('2022-09-15T00:31:00.000Z');
    expect(first.toString('latin1')).toContain('(D:20220915003100Z)');
    await seeder(t.app.db).news(plan, null, 'Tin mới', 'https://godau.example.gov.vn/tin-moi.html', '2022-10-02');
    await t.app.db.updateTable('news_links').set({ updated_at: '2022-10-02T01:00:00.000Z' }).where('title', '=', 'Tin mới').execute();
    const changed = await loadResultsReport(t.app.db, { planId: plan }, { now: NOW });
    expect(changed.asOf).toBe('2022-10-02T01:00:00.000Z');
    expect((await streamToBuffer(renderResultsReportPdf(changed, { fonts }))).equals(first)).toBe(false);
  });
});

describe('results report on the demo data', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildApp();
  });
  afterEach(() => t.close());

  it('has the dashboard’s progress, coverage and per-round totals', async () => {
    await loadDemoData(t.app.db);
    const plan = await t.app.db.selectFrom('plans').select('id').where('is_demo', '=', 1).executeTakeFirstOrThrow();
    for (const now of ['2022-06-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z']) {
      const report: ResultsReport = await loadResultsReport(t.app.db, { planId: plan.id }, { now });
      const dashboard = await buildPlanDashboard(t.app.db, plan.id, now);
      expect(report.progress).toEqual(dashboard.progress);
      for (const round of dashboard.rounds) {
        const reported = report.rounds.find((r) => r.number === round.number)!;
        const held = reported.sessions.filter((s) => s.held);
        const sum = (key: 'invited' | 'attended' | 'excused') => held.reduce((n, s) => n + s.totals[key], 0);
        // The demo invites and admits each person to one session per round: session sums are the round's distinct people.
        if (round.status === 'held') {
          expect(sum('invited'), round.label).toBe(round.invited);
          expect(sum('attended'), round.label).toBe(round.attended);
          expect(sum('excused'), round.label).toBe(round.excused);
        }
        expect(reported).toMatchObject({ invited: round.invited, attended: round.attended, absent: round.absent, excused: round.excused, sessionsHeld: round.heldSessions });
      }
      expect(report.coverage.rows.map((r) => [r.unitName, r.cells.map((c) => c.state)])).toEqual(dashboard.rows.map((r) => [r.unitName, r.cells.map((c) => c.state)]));
      expect(report.totals.attended).toBe(dashboard.rounds.filter((r) => r.status === 'held').reduce((n, r) => n + r.attended, 0));
      const text = collapse(await pdfToText(await streamToBuffer(renderResultsReportPdf(report, { fonts }))));
      expect(text).toContain(`lượt tham dự ${report.totals.attended}`);
    }
  });
});
