// The results report's layout from the canvas trace and its text from pdftotext: the ND30 heading with the number
// and day left blank, margins, page numbers from page 2, table headers repeated on every page, headings never
// alone at a page's foot, the closing paragraph kept with the signature, NFC text, fonts embedded, no place name
// that is not in the data, and the same bytes for the same report.
import { describe, expect, it } from 'vitest';
import { bundledFonts } from '../../server/documents/fonts.ts';
import { mm, renderResultsReportPdf, traceResultsReportLayout, type DocumentLayout, type LayoutBox } from '../../server/documents/nd30/index.ts';
import { formatBytes } from '../../server/documents/nd30/format.ts';
import { bodyNameInText, hashGroups, percent } from '../../server/documents/nd30/results-report.ts';
import type { ReportSession, ReportUnitRow, ResultsReport } from '../../server/documents/nd30/index.ts';
import { boxes, expectInsideMargins, one, pdfFonts, pdfPagesText, pdfToText, streamToBuffer } from '../helpers/pdf.ts';

const EPS = 0.01;
const fonts = bundledFonts();
const collapse = (text: string) => text.replace(/[\s\u00a0]+/g, ' ').trim();

const OFFICES = ['Văn phòng HĐND và UBND', 'Phòng Nội vụ', 'Phòng Tư pháp', 'Phòng Tài chính - Kế hoạch', 'Phòng Lao động - Thương binh và Xã hội', 'Phòng Văn hóa và Thông tin'];

function unitRow(name: string, kind: 'office' | 'commune', n: number): ReportUnitRow {
  const late = n % 3 === 0 ? 1 : 0;
  const substitute = n % 5 === 0 ? 1 : 0;
  const excused = n % 4 === 0 ? 1 : 0;
  const absent = n % 7 === 0 ? 1 : 0;
  const present = 2;
  return {
    unitName: name, unitKind: kind, unitKindLabel: kind === 'office' ? 'Cơ quan chuyên môn' : 'UBND xã, phường, thị trấn',
    invited: present + late + excused + absent, present, late, substitute, attended: present + late + substitute, excused, absent, unrecorded: 0,
  };
}

function session(id: number, number: number, date: string, units: ReportUnitRow[]): ReportSession {
  const totals = { invited: 0, present: 0, late: 0, substitute: 0, attended: 0, excused: 0, absent: 0, unrecorded: 0 };
  for (const u of units) for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += u[key];
  return { id, number, startsAt: `${date}T00:30:00.000Z`, endsAt: `${date}T04:00:00.000Z`, venue: 'Hội trường Ủy ban nhân dân', chair: 'Đồng chí Nguyễn Văn Minh - Phó Chủ tịch', status: 'closed', held: true, units, totals };
}

/** A report of `units` units over two rounds, with `materials` files and `news` links. */
function sampleReport(options: { units?: number; materials?: number; news?: number; agency?: Partial<ResultsReport['agency']>; issuerName?: string } = {}): ResultsReport {
  const count = options.units ?? 20;
  const units = Array.from({ length: count }, (_, i) =>
    i < OFFICES.length ? unitRow(OFFICES[i]!, 'office', i + 1) : unitRow(`UBND xã Số ${i + 1 - OFFICES.length}`, 'commune', i + 1),
  );
  const s1 = session(1, 1, '2022-05-12', units.filter((u) => u.unitKind === 'office'));
  const s2 = session(2, 2, '2022-05-13', units.filter((u) => u.unitKind === 'commune'));
  const s3 = session(3, 1, '2022-09-15', units);
  const round = (id: number, number: number, sessions: ReportSession[], title: string) => ({
    id, number, label: `Đợt ${number}`, title, topics: ['Rà soát, đơn giản hóa thủ tục hành chính', 'Cổng Dịch vụ công quốc gia'],
    status: 'held' as const, statusLabel: 'Đã tổ chức', sessionsScheduled: sessions.length, sessionsHeld: sessions.length,
    firstStart: sessions[0]!.startsAt, lastEnd: sessions.at(-1)!.endsAt, sessions,
    invited: sessions.reduce((n, s) => n + s.totals.invited, 0), attended: sessions.reduce((n, s) => n + s.totals.attended, 0),
    absent: 0, excused: 0, pending: 0, unitsAttended: count, unitsTarget: count, missingUnits: [],
  });
  const rounds = [round(1, 1, [s1, s2].filter((s) => s.units.length), 'Tập huấn nghiệp vụ cải cách hành chính'), round(2, 2, [s3], 'Tập huấn dịch vụ công trực tuyến')];
  const totals = { sessions: 3, sessionsHeld: 3, invited: 0, present: 0, late: 0, substitute: 0, attended: 0, excused: 0, absent: 0, unrecorded: 0 };
  for (const s of rounds.flatMap((r) => r.sessions)) for (const key of Object.keys(s.totals) as (keyof typeof s.totals)[]) totals[key] += s.totals[key];
  const agency = {
    parentName: 'UBND TỈNH TÂY NINH', nameLines: ['ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU'], placeName: 'Gò Dầu', symbol: 'UBND',
    signerAuthorityLines: ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'], signerName: 'Nguyễn Văn Minh', address: '', phone: '', email: '', website: '',
    ...options.agency,
  };
  return {
    scope: 'plan',
    agency,
    issuerName: options.issuerName ?? 'Ủy ban nhân dân huyện Gò Dầu',
    plan: { id: 1, number: '95', symbol: 'KH-UBND', issuedOn: '2022-05-06', summary: 'Tuyên truyền cải cách hành chính năm 2022', year: 2022, requiredRounds: 2, reference: 'Kế hoạch số 95/KH-UBND ngày 06/5/2022' },
    progress: { required: 2, created: 2, scheduled: 2, held: 2 },
    rounds,
    coverage: {
      rows: units.map((u) => ({
        unitName: u.unitName, unitKind: u.unitKind, unitKindLabel: u.unitKindLabel, isTarget: true, roundsCovered: 2,
        cells: [1, 2].map((roundNumber) => ({ roundNumber, state: 'attended' as const, stateLabel: 'Đã tham dự', invited: u.invited, attended: u.attended, countText: `${u.attended}/${u.invited}` })),
      })),
      targetUnits: count, unitsAllRounds: count, unitsAnyRound: count,
    },
    materials: Array.from({ length: options.materials ?? 6 }, (_, i) => ({
      id: i + 1, kind: (['document', 'photo', 'video'] as const)[i % 3]!, kindLabel: ['Tài liệu tập huấn', 'Hình ảnh', 'Video'][i % 3]!,
      title: `Tệp minh chứng số ${i + 1}`, originalName: `tep-${i + 1}.pdf`, bytes: 1024 ** (i % 4) * 3 + i,
      sha256: Array.from({ length: 64 }, (_, k) => 'f0e1d2c3b4a59687'[(k + i) % 16]).join(''), roundNumber: 1, sessionId: 1, sessionStartsAt: '2022-05-12T00:30:00.000Z',
    })).sort((a, b) => a.kind.localeCompare(b.kind)),
    newsLinks: Array.from({ length: options.news ?? 3 }, (_, i) => ({
      id: i + 1, title: `Tin tập huấn số ${i + 1}`, outlet: 'Cổng thông tin điện tử', url: `https://example.gov.vn/tin-tuc/tap-huan-cai-cach-hanh-chinh-so-${i + 1}.html`, publishedOn: '2022-05-13', roundNumber: 1,
    })),
    totals,
    year: 2022,
    asOf: '2022-09-15T04:00:00.000Z',
  };
}

/** Every string in a value, deeply, as NFD (decomposed). */
function toNfd<T>(value: T): T {
  if (typeof value === 'string') return value.normalize('NFD') as T;
  if (Array.isArray(value)) return value.map(toNfd) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNfd(v)])) as T;
  return value;
}

const CONTENT_ROLES = new Set(['body-line', 'table-header', 'table-row', 'table-group']);
const HEADING_ROLES = ['section-heading', 'round-heading', 'session-heading'];

/** The first content drawn after a box, in drawing order (heading lines and drawn segments skipped). */
function nextContent(layout: DocumentLayout, box: LayoutBox): LayoutBox | undefined {
  const start = layout.boxes.indexOf(box);
  return layout.boxes.slice(start + 1).find((b) => CONTENT_ROLES.has(b.role));
}

describe('the results report PDF', () => {
  const report = sampleReport({ units: 40, materials: 12, news: 4 });
  const layout = traceResultsReportLayout(report, { fonts });

  it('opens with the ND30 heading, the number and day left blank, "BÁO CÁO" and its summary', () => {
    expect(boxes(layout, 'issuing-body', 1).map((b) => b.text)).toEqual(['ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU']);
    for (const role of ['quoc-hieu', 'tieu-ngu', 'tieu-ngu-rule', 'issuing-body-rule', 'summary-rule']) one(layout, role, 1);
    const number = one(layout, 'number', 1);
    const placeDate = one(layout, 'place-date', 1);
    expect(collapse(number.text!)).toBe('Số: /BC-UBND');
    expect(collapse(placeDate.text!)).toBe('Gò Dầu, ngày tháng năm 2022');
    expect(placeDate.face).toBe('italic');
    expect(placeDate.baseline).toBe(number.baseline);
    const type = one(layout, 'doc-type', 1);
    expect(type.text).toBe('BÁO CÁO');
    expect(type.face).toBe('bold');
    expect(type.x + type.width / 2).toBeCloseTo((layout.area.left + layout.area.right) / 2, 3);
    expect(boxes(layout, 'summary', 1).map((b) => b.text).join(' ')).toBe('Kết quả tổ chức các đợt tập huấn thực hiện Kế hoạch số 95/KH-UBND ngày 06/5/2022');
  });

  it('keeps everything inside the margins; only page numbers in the top margin, from page 2', () => {
    expectInsideMargins(layout, ['page-number'], EPS);
    expect(layout.pages.length).toBeGreaterThanOrEqual(4);
    expect(boxes(layout, 'page-number', 1)).toEqual([]);
    for (const { page } of layout.pages.slice(1)) expect(one(layout, 'page-number', page).text).toBe(String(page));
  });

  it('numbers the sections I. to VI. in order, in bold capitals', () => {
    expect(boxes(layout, 'section-heading').map((b) => b.text)).toEqual([
      'I. TÌNH HÌNH TRIỂN KHAI', 'II. KẾT QUẢ TỔ CHỨC CÁC ĐỢT TẬP HUẤN', 'III. MỨC ĐỘ BAO PHỦ ĐƠN VỊ', 'IV. TÀI LIỆU, HÌNH ẢNH, VIDEO', 'V. TIN BÀI', 'VI. ĐÁNH GIÁ, KIẾN NGHỊ',
    ]);
    for (const b of boxes(layout, 'section-heading')) expect(b.face).toBe('bold');
    expect(boxes(layout, 'round-heading').map((b) => b.text)).toEqual(['1. Đợt 1: Tập huấn nghiệp vụ cải cách hành chính', '2. Đợt 2: Tập huấn dịch vụ công trực tuyến']);
  });

  it('repeats the table header at the top of every page a table continues on', () => {
    const rowPages = new Set(boxes(layout, 'table-row').map((b) => b.page));
    for (const page of rowPages) {
      const firstRow = boxes(layout, 'table-row', page)[0]!;
      const headers = boxes(layout, 'table-header', page).filter((h) => h.y < firstRow.y);
      expect(headers.length, `a header above the first row of page ${page}`).toBeGreaterThan(0);
    }
    const continued = [...rowPages].filter((page) => page > 1 && layout.boxes.find((b) => b.page === page && CONTENT_ROLES.has(b.role))?.role === 'table-header');
    expect(continued.length, 'some table runs over a page').toBeGreaterThan(0);
    for (const page of continued) expect(boxes(layout, 'table-header', page)[0]!.y).toBeCloseTo(layout.area.top, 6);
  });

  it('sets the tables at 12 pt with bold headers and a bold total row', () => {
    for (const b of layout.boxes.filter((b) => b.role === 'table-row-cell' || b.role === 'table-header-cell' || b.role === 'table-group-cell')) expect(b.size).toBe(12);
    for (const b of boxes(layout, 'table-header-cell')) expect(b.face).toBe('bold');
    const totals = boxes(layout, 'table-row').filter((r) => r.text!.split(' | ')[1] === 'Tổng cộng');
    expect(totals.length).toBe(3);
  });

  it('never leaves a heading alone at the foot of a page', () => {
    for (const role of HEADING_ROLES) {
      for (const heading of boxes(layout, role)) {
        const next = nextContent(layout, heading);
        expect(next, `content after ${heading.text}`).toBeDefined();
        expect(next!.page, `"${heading.text}" is followed on its page`).toBe(heading.page);
      }
    }
  });

  it('keeps the closing paragraph, the signing block and Nơi nhận on one page, the signature space ≥ 20 mm', () => {
    const closing = boxes(layout, 'body-line').filter((b) => b.text!.includes('./.'));
    expect(closing.length).toBe(1);
    const page = closing[0]!.page;
    expect(page).toBe(layout.pages.length);
    expect(boxes(layout, 'authority').map((b) => b.text)).toEqual(['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH']);
    for (const role of ['authority', 'signer-name', 'recipients-label', 'recipient', 'signature-space']) {
      for (const b of boxes(layout, role)) expect(b.page, role).toBe(page);
    }
    expect(one(layout, 'signature-space').height).toBeGreaterThanOrEqual(mm(20) - EPS);
    expect(boxes(layout, 'recipient').map((b) => b.text)).toEqual(['- UBND tỉnh Tây Ninh;', '- Lưu: VT.']);
    expect(one(layout, 'recipients-label').baseline).toBeCloseTo(boxes(layout, 'authority')[0]!.baseline!, 6);
  });

  it('gives back NFC text from NFD data, with every unit, hash and link, in embedded Unicode fonts', async () => {
    const pdf = await streamToBuffer(renderResultsReportPdf(toNfd(report), { fonts }));
    const text = collapse(await pdfToText(pdf));
    expect(text).toBe(text.normalize('NFC'));
    for (const unit of OFFICES) expect(text).toContain(unit);
    expect(text).toContain('Phòng Lao động - Thương binh và Xã hội');
    expect(text).toContain('I. Cơ quan chuyên môn');
    expect(text).toContain('II. UBND xã, phường, thị trấn');
    for (const m of report.materials) for (const group of hashGroups(m.sha256).split(' ')) expect(text).toContain(group);
    for (const font of await pdfFonts(pdf)) {
      expect(font.embedded).toBe(true);
      expect(font.unicode).toBe(true);
    }
    const pages = await pdfPagesText(pdf);
    expect(pages.length).toBe(layout.pages.length);
  });

  it('gives the same bytes for the same report', async () => {
    const a = await streamToBuffer(renderResultsReportPdf(report, { fonts }));
    const b = await streamToBuffer(renderResultsReportPdf(structuredClone(report), { fonts }));
    expect(b.equals(a)).toBe(true);
    expect(a.toString('latin1')).toContain('(D:20220915040000Z)');
  });
});

describe('headings and page breaks at every table length', () => {
  const results = Array.from({ length: 24 }, (_, i) => 1 + i * 2).map((units) => ({ units, layout: traceResultsReportLayout(sampleReport({ units, materials: units % 5, news: units % 3 }), { fonts }) }));

  it.each(results.map((r) => [r.units, r.layout] as const))('with %i units no heading ends a page and the signature keeps its paragraph', (_units, layout) => {
    expectInsideMargins(layout, ['page-number'], EPS);
    for (const role of HEADING_ROLES) {
      for (const heading of boxes(layout, role)) expect(nextContent(layout, heading)!.page, heading.text).toBe(heading.page);
    }
    const closing = boxes(layout, 'body-line').find((b) => b.text!.includes('./.'))!;
    expect(one(layout, 'signer-name').page).toBe(closing.page);
    // Group headings in tables go with their first row.
    const ordered = layout.boxes.filter((b) => b.role === 'table-row' || b.role === 'table-group');
    for (const group of boxes(layout, 'table-group')) expect(ordered[ordered.indexOf(group) + 1]!.page).toBe(group.page);
  });
});

describe('place names and wording come from the data', () => {
  it('prints another agency without "huyện" anywhere', async () => {
    const report = sampleReport({
      units: 4,
      agency: { parentName: '', nameLines: ['ỦY BAN NHÂN DÂN', 'PHƯỜNG 3'], placeName: 'Phường 3', symbol: 'UBND' },
      issuerName: 'Ủy ban nhân dân Phường 3',
    });
    const text = collapse(await pdfToText(await streamToBuffer(renderResultsReportPdf(report, { fonts }))));
    expect(text).toContain('Phường 3, ngày');
    expect(text).toContain('của Ủy ban nhân dân Phường 3./.');
    expect(text.toLocaleLowerCase('vi')).not.toContain('huyện');
    expect(text).not.toContain('Gò Dầu');
    expect(text).toContain('- Lưu: VT.');
  });

  it('writes a body’s name in running text, figures the Vietnamese way', () => {
    expect(bodyNameInText('UBND TỈNH TÂY NINH')).toBe('UBND tỉnh Tây Ninh');
    expect(bodyNameInText('UBND THÀNH PHỐ HỒ CHÍ MINH')).toBe('UBND thành phố Hồ Chí Minh');
    expect(bodyNameInText('HĐND HUYỆN GÒ DẦU')).toBe('HĐND huyện Gò Dầu');
    expect(bodyNameInText('SỞ NỘI VỤ TỈNH TÂY NINH')).toBe('SỞ NỘI VỤ TỈNH TÂY NINH');
    expect(percent(28, 30)).toBe('93,3%');
    expect(percent(1, 0)).toBe('–');
    expect(formatBytes(1_912_000_000)).toBe('1,8 GB');
    expect(formatBytes(2048)).toBe('2 KB');
    expect(hashGroups('A'.repeat(64))).toBe(`${'a'.repeat(16)} ${'a'.repeat(16)} ${'a'.repeat(16)} ${'a'.repeat(16)}`);
  });
});
