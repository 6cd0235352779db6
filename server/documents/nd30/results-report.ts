// The results report (báo cáo kết quả) as a Nghị định 30 Báo cáo: the heading grid with "Số: …/BC-…" and the
// place and date, "BÁO CÁO" and its summary, numbered sections (I. … VI.) with ruled tables whose header repeats on
// every page, the closing paragraph ending "./." kept with the signing block and "Nơi nhận". Everything printed
// comes from the data; the file is byte-for-byte the same for the same data (creation date from the data).
import type { Readable } from 'node:stream';
import { romanNumeral } from './appendix.ts';
import { Nd30Canvas, type CanvasOptions, type DocumentLayout } from './canvas.ts';
import { ND30_DEFAULTS, lineHeight, type ResultsReportLayout } from './config.ts';
import { formatBytes, formatNumberLine, formatSessionTime, formatShortDate, nfc } from './format.ts';
import { drawHeading, upper } from './heading.ts';
import { TableFlow, type TableColumn, type TableRow, type TableSpec } from './table.ts';
import { drawLine, wrapBalanced, type FlowLine, type RichText } from './text-flow.ts';
import { BodyFlow, keepWithSignature } from './body-flow.ts';
import { signatureBlock, type SignatureBlock } from './signature.ts';
import type { AttendanceCounts, ReportRound, ReportSession, ResultsReport } from './types.ts';

/** How to render: fonts, configuration; everything optional. */
export type ResultsReportRenderOptions = Pick<CanvasOptions, 'fontDir' | 'fonts' | 'config'>;

export const REPORT_TYPE = 'BÁO CÁO';
/** Left blank for the văn thư to write by hand at signing (the number and the day are given then). */
const BLANK = '\u00a0'.repeat(8);

function trimmed(text: string | undefined | null): string {
  return nfc(text ?? '').replace(/\s+/g, ' ').trim();
}

function withoutEndPunctuation(text: string): string {
  return trimmed(text).replace(/[\s.;,:]+$/u, '');
}

/** First letter in lower case, for a title inside a sentence ("Tập huấn …" → "tập huấn …"). */
function lowerFirst(text: string): string {
  const t = trimmed(text);
  return t.charAt(0).toLocaleLowerCase('vi') + t.slice(1);
}

/** Counts of rounds and sessions as official texts write them: "02 đợt", "12 buổi". */
export function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "93,3%" (Vietnamese decimal comma); "–" when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  if (whole === 0) return '–';
  const value = Math.round((part / whole) * 1000) / 10;
  return `${String(value).replace('.', ',')}%`;
}

/** "1.572.864" with Vietnamese thousands dots. */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}


/** The SHA-256 in four groups of 16 hex digits: a line each in its column, easy to compare by eye. */
export function hashGroups(sha256: string): string {
  return (sha256.toLowerCase().match(/.{1,16}/g) ?? []).join(' ');
}

/** The administrative nouns a body's name may carry ("UBND TỈNH TÂY NINH" → "UBND tỉnh Tây Ninh"); two-word nouns first. */
const UNIT_NOUNS = ['thành phố', 'thị xã', 'thị trấn', 'đặc khu', 'tỉnh', 'huyện', 'quận', 'xã', 'phường'];
const VOWELS = 'aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ';
/** A Vietnamese syllable: consonants, vowels, then at most one of the finals c, ch, m, n, ng, nh, p, t. */
const SYLLABLE = new RegExp(`^[^${VOWELS}]*[${VOWELS}]+(?:c|ch|m|n|ng|nh|p|t)?$`, 'iu');

/**
 * A body's printed name (upper case) as running text: abbreviations kept ("UBND", "HĐND": not syllables), the
 * unit noun in lower case, the place capitalized: "UBND TỈNH TÂY NINH" → "UBND tỉnh Tây Ninh". Another shape is left as typed.
 */
export function bodyNameInText(printed: string): string {
  const words = trimmed(printed).split(' ').filter(Boolean);
  let i = 0;
  while (i < words.length && !SYLLABLE.test(words[i]!)) i += 1;
  const rest = words.slice(i).join(' ').toLocaleLowerCase('vi');
  const noun = UNIT_NOUNS.find((n) => rest.startsWith(`${n} `));
  if (i === 0 || !noun) return trimmed(printed);
  const place = rest
    .slice(noun.length)
    .trim()
    .split(' ')
    .map((word) => word.charAt(0).toLocaleUpperCase('vi') + word.slice(1))
    .join(' ');
  return [...words.slice(0, i), noun, place].join(' ');
}

/** The summary (trích yếu) under "BÁO CÁO". */
export function reportSummary(report: ResultsReport): string {
  if (report.scope === 'round' && report.rounds[0]) {
    const round = report.rounds[0];
    return `Kết quả tổ chức ${lowerFirst(round.title)} (${round.label})`;
  }
  return `Kết quả tổ chức các đợt tập huấn thực hiện ${report.plan.reference}`;
}

/** "Số:        /BC-UBND": the number is given by the văn thư at signing. */
export function reportNumberLine(report: ResultsReport): string {
  return formatNumberLine(null, `BC-${trimmed(report.agency.symbol)}`);
}

/**
 * "Gò Dầu, ngày      tháng      năm 2022": day and month blank, written by hand at signing, so the same data
 * always gives the same file; the year is the last session's (the plan's when none).
 */
export function reportPlaceDate(report: ResultsReport): string {
  return `${trimmed(report.agency.placeName)}, ngày${BLANK}tháng${BLANK}năm ${report.year}`;
}

/** "Nơi nhận" lines: the parent body when there is one, and the archive. */
export function reportRecipients(report: ResultsReport): string[] {
  const lines: string[] = [];
  if (trimmed(report.agency.parentName)) lines.push(`- ${bodyNameInText(report.agency.parentName ?? '')};`);
  lines.push('- Lưu: VT.');
  return lines;
}

export interface CountColumn {
  key: keyof AttendanceCounts;
  header: string;
}

/**
 * The count columns of a session's table: who was invited; once anything is recorded (or the session is held), each
 * status and the total in the room; "Chưa điểm danh" only when some invitee has nothing recorded at a held session.
 */
export function countColumns(session: ReportSession): CountColumn[] {
  const columns: CountColumn[] = [{ key: 'invited', header: 'Được mời' }];
  const t = session.totals;
  const recorded = t.present + t.late + t.substitute + t.excused + t.absent > 0;
  if (!session.held && !recorded) return columns;
  columns.push(
    { key: 'present', header: 'Có mặt' },
    { key: 'late', header: 'Đến muộn' },
    { key: 'substitute', header: 'Đi thay' },
    { key: 'attended', header: 'Tổng tham dự' },
    { key: 'excused', header: 'Vắng có phép' },
    { key: 'absent', header: 'Vắng' },
  );
  if (t.unrecorded > 0) columns.push({ key: 'unrecorded', header: 'Chưa điểm danh' });
  return columns;
}

/** A session's figures: "Mời 30 người; tham dự 28 người (có mặt 24, đến muộn 3, đi thay 1); vắng 2 người (có phép 1)." */
export function countsSentence(session: ReportSession): string {
  const c = session.totals;
  if (countColumns(session).length === 1) return `Mời ${c.invited} người (buổi tập huấn chưa diễn ra).`;
  const parts = [`mời ${c.invited} người`, `tham dự ${c.attended} người (có mặt ${c.present}, đến muộn ${c.late}, đi thay ${c.substitute})`, `vắng ${c.absent + c.excused} người (có phép ${c.excused})`];
  if (c.unrecorded > 0) parts.push(`chưa điểm danh ${c.unrecorded} người`);
  const text = parts.join('; ');
  return `${text.charAt(0).toLocaleUpperCase('vi')}${text.slice(1)}.`;
}

/** The figures of section VI, sentence by sentence: totals and percentages, nothing but the data. */
export function assessmentParagraphs(report: ResultsReport): string[] {
  const { progress, totals } = report;
  const paragraphs: string[] = [];
  if (report.scope === 'plan') {
    const heldLine = `Đã tổ chức ${twoDigits(progress.held)}/${twoDigits(progress.required)} đợt tập huấn theo kế hoạch`;
    const left = Math.max(0, progress.required - progress.held);
    paragraphs.push(`${heldLine} (${twoDigits(totals.sessionsHeld)} buổi)${left > 0 ? `; còn ${twoDigits(left)} đợt chưa tổ chức` : ''}.`);
  } else {
    const round = report.rounds[0];
    if (round) paragraphs.push(`${round.label}: ${round.status === 'held' ? 'đã tổ chức' : 'chưa tổ chức'} (${twoDigits(round.sessionsHeld)}/${twoDigits(round.sessionsScheduled)} buổi đã diễn ra).`);
  }
  paragraphs.push(
    `Tại ${twoDigits(totals.sessionsHeld)} buổi đã tổ chức: tổng số lượt mời ${totals.invited}; lượt tham dự ${totals.attended} (đạt ${percent(totals.attended, totals.invited)} so với số lượt mời), ` +
      `trong đó có mặt đúng giờ ${totals.present}, đến muộn ${totals.late}, đi thay ${totals.substitute}; vắng ${totals.absent + totals.excused} (có phép ${totals.excused})` +
      `${totals.unrecorded > 0 ? `; chưa điểm danh ${totals.unrecorded}` : ''}.`,
  );
  const cov = report.coverage;
  if (cov.targetUnits > 0) {
    const all = report.rounds.length > 1 ? `; ${cov.unitsAllRounds}/${cov.targetUnits} đơn vị có người tham dự đủ ${twoDigits(report.rounds.length)} đợt` : '';
    paragraphs.push(`${cov.unitsAnyRound}/${cov.targetUnits} đơn vị (${percent(cov.unitsAnyRound, cov.targetUnits)}) có người tham dự${report.rounds.length > 1 ? ' ít nhất một đợt' : ''}${all}.`);
  }
  for (const round of report.rounds) {
    if (round.status === 'held' && round.missingUnits.length > 0) {
      paragraphs.push(`${round.label} còn ${round.missingUnits.length} đơn vị chưa có người tham dự (danh sách tại mục III).`);
    }
  }
  paragraphs.push(`Tài liệu, hình ảnh, video lưu làm minh chứng: ${report.materials.length} tệp; tin bài đã đăng: ${report.newsLinks.length}.`);
  return paragraphs;
}

/** Vertical flow of the body over pages: paragraphs, headings kept with what follows, tables. */
class ReportFlow extends BodyFlow {
  constructor(
    canvas: Nd30Canvas,
    readonly layout: ResultsReportLayout,
    y: number,
  ) {
    super(canvas, y);
  }

  /** Height of a paragraph's first lines (what must follow a heading on its page). */
  firstLinesHeight(lines: FlowLine[]): number {
    return Math.min(lines.length, 2) * this.pitch;
  }

  /** A numbered heading, kept on one page with `next` points of what follows it. */
  heading(text: string, face: 'bold' | 'boldItalic', next: number, role: string, indent = false): void {
    const lines = this.lines(text, { indent, face });
    this.y += this.layout.beforeHeading;
    this.ensure(lines.length * this.pitch + next);
    this.drawLines(lines, role, 'left');
    this.y += this.canvas.config.body.paragraphSpacing.value / 2;
  }
}

/** Table rows; `link` makes a cell a clickable link (a news item's URL). */
type TableBody = { group?: RichText; cells: RichText[]; link?: { column: number; url: string } }[];

/** A table and its measured rows: drawn later, after the heading above it has checked the room it needs. */
class ReportTable {
  readonly table: TableFlow;
  readonly rows: { group?: TableRow; row: TableRow; link?: { column: number; url: string } }[];

  constructor(
    readonly flow: ReportFlow,
    readonly columns: TableColumn[],
    body: TableBody,
  ) {
    const { canvas } = flow;
    const spec: TableSpec = { columns, size: flow.layout.tableSize, padding: canvas.config.table.padding, borderWidth: canvas.config.table.borderWidth, verticalAlign: 'middle' };
    this.table = new TableFlow(canvas, spec, flow.y);
    this.rows = body.map((entry) => ({ group: entry.group === undefined ? undefined : this.table.group(entry.group), row: this.table.row(entry.cells), link: entry.link }));
  }

  /** The header and the first row (with its group heading): never split from each other or from a heading above. */
  get firstHeight(): number {
    const first = this.rows[0];
    return this.table.header.height + (first ? (first.group?.height ?? 0) + first.row.height : 0);
  }

  draw(): void {
    const { flow, table } = this;
    flow.ensure(this.firstHeight);
    table.y = flow.y;
    table.draw(table.header);
    this.rows.forEach(({ group, row, link }) => {
      table.ensureRoom((group?.height ?? 0) + row.height);
      if (group) table.draw(group);
      table.draw(row);
      if (link && /^https?:\/\//iu.test(link.url)) {
        const x = flow.canvas.area.left + this.columns.slice(0, link.column).reduce((sum, c) => sum + c.width, 0);
        flow.canvas.doc.link(x, table.y - row.height, this.columns[link.column]!.width, row.height, link.url);
      }
    });
    flow.y = table.y + flow.layout.aroundTable;
  }
}

/** Columns: STT, a wide text column taking what the fixed ones leave, then fixed ones. */
function columnsWith(flow: ReportFlow, wideHeader: string, fixed: { header: string; width: number }[]): TableColumn[] {
  const { canvas, layout } = flow;
  const rest = canvas.width - layout.numberColumn - fixed.reduce((sum, c) => sum + c.width, 0);
  return [
    { header: 'STT', width: layout.numberColumn, align: 'center' },
    { header: wideHeader, width: rest, align: 'left' },
    ...fixed.map((c) => ({ header: c.header, width: c.width, align: 'center' as const })),
  ];
}

/** Rows of unit tables grouped by unit kind when several kinds appear ("I. Cơ quan chuyên môn"). */
function unitRows<T extends { unitKindLabel: string }>(rows: T[], cells: (row: T, index: number) => RichText[]): TableBody {
  const kinds = [...new Set(rows.map((r) => r.unitKindLabel))];
  const grouped = kinds.length > 1;
  let previous: string | undefined;
  let group = 0;
  let index = 0;
  return rows.map((row) => {
    const kind = row.unitKindLabel;
    let heading: string | undefined;
    if (grouped && kind !== previous) {
      group += 1;
      index = 0;
      heading = `${romanNumeral(group)}. ${kind}`;
    }
    previous = kind;
    index += 1;
    return { group: heading, cells: cells(row, index) };
  });
}

const bold = (text: string): RichText => [{ text, face: 'bold' }];

function sessionTable(flow: ReportFlow, session: ReportSession): ReportTable {
  const counts = countColumns(session);
  // A session still to come has one count: it gets a wider column and a fuller header.
  const only = counts.length === 1;
  const columns = columnsWith(flow, 'Đơn vị', counts.map((c) => ({ header: only ? 'Số người được mời' : c.header, width: flow.layout.countColumn * (only ? 2 : 1) })));
  const body = unitRows(session.units, (row, i) => [String(i), trimmed(row.unitName), ...counts.map((c) => String(row[c.key]))]);
  body.push({ cells: ['', bold('Tổng cộng'), ...counts.map((c) => bold(String(session.totals[c.key])))] });
  return new ReportTable(flow, columns, body);
}

function sessionTitle(session: ReportSession): string {
  const letter = String.fromCharCode(96 + Math.min(session.number, 26));
  const state = session.held ? '' : ' (chưa diễn ra)';
  return `${letter}) Buổi ${twoDigits(session.number)}: ${formatShortDate(session.startsAt)}${state}`;
}

function drawSection(flow: ReportFlow, number: number, title: string, next: number): void {
  flow.heading(`${romanNumeral(number)}. ${upper(title)}`, 'bold', next, 'section-heading');
}

/** A "- label: text" line set as a paragraph with its label in bold. */
function labelled(label: string, text: string): RichText {
  return [{ text: `- ${label}: `, face: 'bold' }, { text: withoutEndPunctuation(text) + '.' }];
}

function drawReport(canvas: Nd30Canvas, report: ResultsReport): void {
  const { config, area } = canvas;
  const layout = config.resultsReport ?? ND30_DEFAULTS.resultsReport!;
  canvas.newPage('report');
  let y = drawHeading(canvas, {
    parentName: report.agency.parentName,
    nameLines: report.agency.nameLines,
    numberLine: reportNumberLine(report),
    placeDate: reportPlaceDate(report),
  });

  // "BÁO CÁO", then the summary in bold with a short rule under it.
  y += config.spacing.beforeDocType;
  const typeSize = config.sizes.docType.value;
  const typeBox = canvas.text(REPORT_TYPE, { size: typeSize, face: 'bold' }, { x: area.left, width: canvas.width, align: 'center', baseline: y + canvas.ascent({ size: typeSize, face: 'bold' }), role: 'doc-type' });
  y = typeBox.y + lineHeight(config, typeSize);
  const summarySize = config.sizes.summary.value;
  const summaryWidth = canvas.width * config.shares.summary;
  const summaryBoxes = wrapBalanced(canvas, reportSummary(report), { size: summarySize, face: 'bold', width: summaryWidth }).map((line, index) =>
    drawLine(canvas, line, {
      x: area.left + (canvas.width - summaryWidth) / 2,
      width: summaryWidth,
      baseline: y + canvas.ascent({ size: summarySize }) + index * lineHeight(config, summarySize),
      size: summarySize,
      align: 'center',
      role: 'summary',
    }),
  );
  const last = summaryBoxes.at(-1)!;
  const widest = Math.max(...summaryBoxes.map((box) => box.width));
  const rule = canvas.ruleUnder({ ...last, face: 'bold', x: area.left, width: canvas.width }, widest * config.rules.shortRatio.value, 'summary-rule');
  const flow = new ReportFlow(canvas, layout, rule.y + rule.height + config.spacing.afterSummary);

  const para = (text: RichText, role = 'body-line') => flow.paragraph(flow.lines(text), role);
  const plan = report.plan;
  const issuer = trimmed(report.issuerName);

  // Opening: what the report answers.
  para(`Thực hiện ${plan.reference} của ${issuer} về ${lowerFirst(withoutEndPunctuation(plan.summary))}, ${issuer} báo cáo kết quả tổ chức tập huấn như sau:`);

  // I. The plan and the rounds held against those required.
  const progressTable = roundsTable(flow, report);
  drawSection(flow, 1, 'Tình hình triển khai', progressTable.firstHeight + flow.pitch * 2);
  const p = report.progress;
  para(
    `${plan.reference} yêu cầu tổ chức ${twoDigits(p.required)} đợt tập huấn. Đến nay đã xây dựng ${twoDigits(p.created)} đợt, ` +
      `lên lịch ${twoDigits(p.scheduled)} đợt, đã tổ chức ${twoDigits(p.held)}/${twoDigits(p.required)} đợt` +
      `${report.scope === 'round' && report.rounds[0] ? `; báo cáo này về ${report.rounds[0].label}` : ''}.`,
  );
  progressTable.draw();

  // II. Per round, per session: time, venue, chair, content, and the counts per unit.
  const firstRound = report.rounds[0];
  drawSection(flow, 2, 'Kết quả tổ chức các đợt tập huấn', flow.pitch * 3);
  if (!firstRound) para('Kế hoạch chưa có đợt tập huấn nào.');
  report.rounds.forEach((round, index) => {
    flow.heading(`${index + 1}. ${round.label}: ${trimmed(round.title)}`, 'bold', flow.pitch * 3, 'round-heading', true);
    if (round.topics.length) {
      // One topic a line, as typed (a topic may open with a proper name: no case change after ";").
      flow.ensure(flow.pitch * 2 + config.body.paragraphSpacing.value);
      para([{ text: '- Nội dung tập huấn:', face: 'bold' }]);
      round.topics.forEach((topic, i) => para(`+ ${withoutEndPunctuation(topic)}${i === round.topics.length - 1 ? '.' : ';'}`));
    }
    if (round.sessions.length === 0) para('Đợt này chưa có buổi tập huấn nào.');
    for (const session of round.sessions) {
      const table = sessionTable(flow, session);
      const details: RichText[] = [
        labelled('Thời gian', formatSessionTime({ start: session.startsAt, end: session.endsAt, arriveEarlyMinutes: 0 })),
        labelled('Địa điểm', session.venue),
        ...(trimmed(session.chair) ? [labelled('Chủ trì', session.chair)] : []),
        labelled('Thành phần, số lượng', countsSentence(session)),
      ];
      // The heading keeps its first lines; the sentence with the figures keeps the start of its table.
      flow.heading(sessionTitle(session), 'boldItalic', flow.firstLinesHeight(flow.lines(details[0]!)), 'session-heading', true);
      for (const text of details.slice(0, -1)) para(text);
      const lead = flow.lines(details.at(-1)!);
      flow.ensure(lead.length * flow.pitch + config.body.paragraphSpacing.value + table.firstHeight);
      flow.paragraph(lead);
      table.draw();
    }
  });

  // III. Unit × round coverage and the units still missing.
  const coverage = coverageTable(flow, report);
  drawSection(flow, 3, 'Mức độ bao phủ đơn vị', coverage ? coverage.firstHeight : flow.pitch * 2);
  if (coverage) coverage.draw();
  else para('Kế hoạch chưa xác định đơn vị tham gia.');
  for (const round of report.rounds) {
    let text: string;
    if (round.status !== 'held') text = `${round.label}: chưa tổ chức.`;
    else if (round.missingUnits.length === 0) text = `${round.label}: tất cả đơn vị đều có người tham dự.`;
    else text = `${round.label}: ${round.missingUnits.length} đơn vị chưa có người tham dự: ${round.missingUnits.map(trimmed).join('; ')}.`;
    para(text);
  }

  // IV. Materials, photos, videos, with their checksums.
  const materials = materialsTable(flow, report);
  drawSection(flow, 4, 'Tài liệu, hình ảnh, video', materials ? materials.firstHeight + flow.pitch : flow.pitch * 2);
  if (materials) {
    para(`Lưu ${report.materials.length} tệp làm minh chứng; mã kiểm tra SHA-256 của từng tệp dùng để đối chiếu với tệp trong hồ sơ minh chứng.`);
    materials.draw();
  } else {
    para('Chưa có tài liệu, hình ảnh, video nào được lưu.');
  }

  // V. News items.
  const news = newsTable(flow, report);
  drawSection(flow, 5, 'Tin bài', news ? news.firstHeight : flow.pitch * 2);
  if (news) news.draw();
  else para('Chưa có tin bài nào được ghi nhận.');

  // VI. The figures, stated as they are.
  const assessment = assessmentParagraphs(report);
  drawSection(flow, 6, 'Đánh giá, kiến nghị', flow.pitch * 2);
  for (const text of assessment) para(`- ${text}`);

  const scopeText = report.scope === 'round' && firstRound ? `${lowerFirst(firstRound.title)} (${firstRound.label})` : `tập huấn thực hiện ${plan.reference}`;
  keepWithSignature(flow, flow.lines(`Trên đây là báo cáo kết quả tổ chức ${scopeText} của ${issuer}./.`), signature(canvas, report));
}

/** "12/5/2022 - 13/5/2022", one date for a one-day round, "" without sessions. */
export function roundDates(round: Pick<ReportRound, 'firstStart' | 'lastEnd'>): string {
  if (!round.firstStart || !round.lastEnd) return '';
  const first = formatShortDate(round.firstStart);
  const last = formatShortDate(round.lastEnd);
  return first === last ? first : `${first} - ${last}`;
}

/** A coverage cell: the dashboard's state, then who was invited and who came ("Đã tham dự (mời 2, dự 3)"). */
export function coverageCellText(cell: ResultsReport['coverage']['rows'][number]['cells'][number]): string {
  if (cell.state === 'not-invited' && cell.attended === 0) return cell.stateLabel;
  // No-break spaces: the figures in brackets stay on one line, under the state when the column is narrow.
  return `${cell.stateLabel} (mời\u00a0${cell.invited},\u00a0dự\u00a0${cell.attended})`;
}

function roundsTable(flow: ReportFlow, report: ResultsReport): ReportTable {
  const columns = columnsWith(flow, 'Đợt tập huấn', [
    { header: 'Số buổi đã tổ chức', width: flow.layout.coveredColumn },
    { header: 'Thời gian', width: flow.layout.coveredColumn * 1.6 },
    { header: 'Tình trạng', width: flow.layout.coveredColumn },
  ]);
  const body: TableBody = report.rounds.map((round, i) => ({
    cells: [String(i + 1), `${round.label}: ${trimmed(round.title)}`, `${twoDigits(round.sessionsHeld)}/${twoDigits(round.sessionsScheduled)}`, roundDates(round), round.statusLabel],
  }));
  // Required rounds not created yet still show, so the gap is visible.
  if (report.scope === 'plan') {
    const numbers = new Set(report.rounds.map((r) => r.number));
    for (let n = 1, shown = report.rounds.length; shown < report.progress.required; n += 1) {
      if (numbers.has(n)) continue;
      shown += 1;
      body.push({ cells: [String(body.length + 1), `Đợt ${n}`, '-', '', 'Chưa xây dựng'] });
    }
  }
  return new ReportTable(flow, columns, body);
}

function coverageTable(flow: ReportFlow, report: ResultsReport): ReportTable | undefined {
  const rows = report.coverage.rows;
  if (rows.length === 0) return undefined;
  const showCovered = report.scope === 'plan';
  const roundColumns = report.rounds.map((r) => r.label);
  const fixedCovered = showCovered ? flow.layout.coveredColumn : 0;
  // The unit name takes at least 40% of what STT leaves; the rounds share the rest.
  const free = flow.canvas.width - flow.layout.numberColumn - fixedCovered;
  const roundWidth = Math.min(free * 0.3, (free * 0.6) / Math.max(1, roundColumns.length));
  const fixed = roundColumns.map((header) => ({ header, width: roundWidth }));
  if (showCovered) fixed.push({ header: 'Số đợt đã tham dự', width: fixedCovered });
  const columns = columnsWith(flow, 'Đơn vị', fixed);
  const base = Math.max(report.progress.required, report.progress.created);
  const body = unitRows(rows, (row, i) => {
    const cells: RichText[] = [String(i), trimmed(row.unitName)];
    for (const cell of row.cells) cells.push(coverageCellText(cell));
    if (showCovered) cells.push(`${row.roundsCovered}/${base}`);
    return cells;
  });
  return new ReportTable(flow, columns, body);
}

function attachedTo(m: ResultsReport['materials'][number]): string {
  if (m.roundNumber === null) return 'Kế hoạch';
  return m.sessionStartsAt ? `Đợt ${m.roundNumber}, buổi ${formatShortDate(m.sessionStartsAt)}` : `Đợt ${m.roundNumber}`;
}

function materialsTable(flow: ReportFlow, report: ResultsReport): ReportTable | undefined {
  if (report.materials.length === 0) return undefined;
  const share = flow.layout.materialColumns;
  const free = flow.canvas.width - flow.layout.numberColumn;
  const columns: TableColumn[] = [
    { header: 'STT', width: flow.layout.numberColumn, align: 'center' },
    { header: 'Tên tài liệu, tệp', width: free * share[0], align: 'left' },
    { header: 'Thuộc', width: free * share[1], align: 'left' },
    { header: 'Dung lượng', width: free * share[2], align: 'center' },
    { header: 'Mã SHA-256', width: free * share[3], align: 'left' },
  ];
  let previous: string | undefined;
  const body: TableBody = report.materials.map((m, i) => {
    const group = m.kindLabel !== previous ? m.kindLabel : undefined;
    previous = m.kindLabel;
    return {
      group,
      cells: [
        String(i + 1),
        [{ text: `${trimmed(m.title)} ` }, { text: `(${trimmed(m.originalName)})`, face: 'italic' }],
        attachedTo(m),
        m.bytes < 1024 ? `${groupDigits(m.bytes)} byte` : `${formatBytes(m.bytes)} (${groupDigits(m.bytes)} byte)`,
        hashGroups(m.sha256),
      ],
    };
  });
  return new ReportTable(flow, columns, body);
}

function newsTable(flow: ReportFlow, report: ResultsReport): ReportTable | undefined {
  if (report.newsLinks.length === 0) return undefined;
  const share = flow.layout.newsColumns;
  const free = flow.canvas.width - flow.layout.numberColumn;
  const columns: TableColumn[] = [
    { header: 'STT', width: flow.layout.numberColumn, align: 'center' },
    { header: 'Tiêu đề', width: free * share[0], align: 'left' },
    { header: 'Nơi đăng', width: free * share[1], align: 'left' },
    { header: 'Ngày đăng', width: free * share[2], align: 'center' },
    { header: 'Đường dẫn', width: free * share[3], align: 'left' },
  ];
  const body: TableBody = report.newsLinks.map((n, i) => ({
    cells: [String(i + 1), trimmed(n.title), trimmed(n.outlet), formatShortDate(n.publishedOn), trimmed(n.url)],
    link: { column: 4, url: trimmed(n.url) },
  }));
  return new ReportTable(flow, columns, body);
}

function signature(canvas: Nd30Canvas, report: ResultsReport): SignatureBlock {
  return signatureBlock(canvas, { authorityLines: report.agency.signerAuthorityLines, signerName: report.agency.signerName, recipients: reportRecipients(report) });
}

/** The PDF's creation date: the data's last change, so the same data gives the same bytes. */
function creationDate(report: ResultsReport): Date {
  const date = new Date(report.asOf);
  return Number.isNaN(date.getTime()) ? new Date(`${report.plan.issuedOn}T00:00:00Z`) : date;
}

function canvasFor(report: ResultsReport, options: ResultsReportRenderOptions, trace: boolean): Nd30Canvas {
  return new Nd30Canvas({
    ...options,
    trace,
    title: `${REPORT_TYPE} ${reportSummary(report)}`,
    author: report.issuerName,
    creationDate: creationDate(report),
  });
}

/** The results report as a PDF stream (pdfkit's document, ended); the same report always gives the same bytes. */
export function renderResultsReportPdf(report: ResultsReport, options: ResultsReportRenderOptions = {}): Readable {
  const canvas = canvasFor(report, options, false);
  drawReport(canvas, report);
  return canvas.finishPdf();
}

/** The same rendering with every box recorded, for layout checks; the PDF bytes are discarded. */
export function traceResultsReportLayout(report: ResultsReport, options: ResultsReportRenderOptions = {}): DocumentLayout {
  const canvas = canvasFor(report, options, true);
  drawReport(canvas, report);
  return canvas.finishTrace();
}

