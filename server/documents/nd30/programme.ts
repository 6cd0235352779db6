// The programme of one session (chương trình tập huấn), generated from the schedule for the evidence bundle:
// the agency heading, the centred title and event, the reference to the giấy mời, then time, venue, chair
// and audience, and a table of the content to be taught. A record of what was planned, not a signed document.
import type { Readable } from 'node:stream';
import { Nd30Canvas, type CanvasOptions, type DocumentLayout } from './canvas.ts';
import { lineHeight } from './config.ts';
import { formatSessionTime, nfc } from './format.ts';
import { drawHeading } from './heading.ts';
import { TableFlow, type TableSpec } from './table.ts';
import { drawLine, wrapBalanced, wrapText, type TextRun } from './text-flow.ts';
import type { LetterAgency } from './types.ts';

export const PROGRAMME_TITLE = 'CHƯƠNG TRÌNH TẬP HUẤN';
export const PROGRAMME_HEADERS = ['STT', 'Nội dung tập huấn'] as const;

/** One session's programme as data. */
export interface SessionProgramme {
  agency: Pick<LetterAgency, 'parentName' | 'nameLines'>;
  /** "Tập huấn nghiệp vụ cải cách hành chính (Đợt 1)" or "… (Đợt 1 - Buổi 2)". */
  event: string;
  /** "Kèm theo Giấy mời số 12/GM-UBND ngày 06 tháng 5 năm 2022 của …", printed in brackets. */
  reference?: string;
  /** "Thực hiện Kế hoạch số 95/KH-UBND ngày 06/5/2022 của …". */
  basis?: string;
  time: { start: string; end: string };
  venue: string;
  chair?: string;
  /** "60 đại biểu của 21 cơ quan, đơn vị". */
  audience?: string;
  /** The round's topics, one item each; empty: the round's title stands for its content. */
  topics: string[];
  notes?: string;
}

/** How to render: fonts, configuration, the fixed creation date; everything optional. */
export type ProgrammeRenderOptions = Pick<CanvasOptions, 'fontDir' | 'fonts' | 'config' | 'creationDate'>;

function trimmed(text: string | undefined): string {
  return nfc(text ?? '').trim();
}

/** No-break spaces inside "ngày 06 tháng 5 năm 2022" and "07 giờ 30 phút": a line never breaks inside a date or a time. */
function keepDatesTogether(text: string): string {
  return text
    .replace(/ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})/gu, 'ngày\u00a0$1\u00a0tháng\u00a0$2\u00a0năm\u00a0$3')
    .replace(/(\d{1,2}) giờ (\d{2}) phút/gu, '$1\u00a0giờ\u00a0$2\u00a0phút');
}

/** The labelled lines under the title: "Thời gian: …", "Địa điểm: …", "Chủ trì: …", "Thành phần: …", "Ghi chú: …". */
export function programmeDetails(programme: SessionProgramme): { label: string; text: string }[] {
  const details = [
    { label: 'Thời gian', text: formatSessionTime({ start: programme.time.start, end: programme.time.end, arriveEarlyMinutes: 0 }) },
    { label: 'Địa điểm', text: trimmed(programme.venue) },
    { label: 'Chủ trì', text: trimmed(programme.chair) },
    { label: 'Thành phần', text: trimmed(programme.audience) },
    { label: 'Ghi chú', text: trimmed(programme.notes) },
  ];
  return details.filter((detail) => detail.text).map((detail) => ({ ...detail, text: detail.text.replace(/[.;]+$/u, '') }));
}

function drawProgramme(canvas: Nd30Canvas, programme: SessionProgramme): void {
  if (!trimmed(programme.event)) throw new RangeError('a programme needs its event');
  const { config, area } = canvas;
  const sizes = config.sizes;
  canvas.newPage('programme');
  let y = drawHeading(canvas, { parentName: programme.agency.parentName, nameLines: programme.agency.nameLines }) + config.signInSheet.beforeTitle;

  const blockWidth = canvas.width * config.shares.appendixHeading;
  const centred = (text: string, size: number, face: 'bold' | 'italic', role: string) => {
    const boxes = [];
    for (const line of wrapBalanced(canvas, keepDatesTogether(text), { size, face, width: blockWidth })) {
      boxes.push(drawLine(canvas, line, { x: area.left + (canvas.width - blockWidth) / 2, width: blockWidth, baseline: y + canvas.ascent({ size, face }), size, align: 'center', role }));
      y += lineHeight(config, size);
    }
    return boxes;
  };
  centred(PROGRAMME_TITLE, sizes.docType.value, 'bold', 'programme-title');
  const eventBoxes = centred(trimmed(programme.event), sizes.summary.value, 'bold', 'programme-event');
  const reference = trimmed(programme.reference).replace(/^\((.*)\)$/su, '$1');
  const referenceBoxes = reference ? centred(`(${reference})`, config.signInSheet.detailSize, 'italic', 'programme-reference') : [];
  const last = referenceBoxes.at(-1) ?? eventBoxes.at(-1);
  if (last) {
    const widest = Math.max(...[...referenceBoxes, ...eventBoxes].map((box) => box.width));
    const rule = canvas.ruleUnder({ ...last, x: area.left, width: canvas.width }, widest * config.rules.shortRatio.value, 'programme-rule');
    y = rule.y + rule.height + config.spacing.afterSummary;
  }

  const size = sizes.body.value;
  const pitch = lineHeight(config, size, config.body.lineSpacing.value);
  const paragraph = (runs: TextRun[], role: string) => {
    const lines = wrapText(canvas, runs, { size, width: canvas.width, firstIndent: config.body.firstLineIndent });
    for (const line of lines) {
      drawLine(canvas, line, { x: area.left, width: canvas.width, baseline: y + canvas.ascent({ size }), size, align: 'justify', role });
      y += pitch;
    }
    y += config.body.paragraphSpacing.value;
  };
  const basis = trimmed(programme.basis);
  if (basis) paragraph([{ text: basis, face: 'italic' }], 'programme-basis');
  for (const detail of programmeDetails(programme)) paragraph([{ text: `${detail.label}: `, face: 'bold' }, { text: `${keepDatesTogether(detail.text)}.` }], 'programme-detail');

  const table = new TableFlow(canvas, tableSpec(canvas), y + config.signInSheet.beforeTable);
  table.draw(table.header);
  const topics = programme.topics.map(trimmed).filter(Boolean);
  const items = topics.length ? topics : [trimmed(programme.event)];
  items.forEach((topic, index) => {
    const row = table.row([String(index + 1), topic]);
    table.ensureRoom(row.height);
    table.draw(row);
  });
}

function tableSpec(canvas: Nd30Canvas): TableSpec {
  const { config } = canvas;
  const first = config.table.columns[0] * canvas.width;
  return {
    columns: [
      { header: PROGRAMME_HEADERS[0], width: first, align: 'center' },
      { header: PROGRAMME_HEADERS[1], width: canvas.width - first, align: 'left' },
    ],
    size: config.sizes.table.value,
    padding: config.table.padding,
    borderWidth: config.table.borderWidth,
  };
}

function canvasFor(programme: SessionProgramme, options: ProgrammeRenderOptions, trace: boolean): Nd30Canvas {
  return new Nd30Canvas({ ...options, trace, title: `${PROGRAMME_TITLE} - ${trimmed(programme.event)}`, author: programme.agency.nameLines.join(' ') });
}

/** The programme as a PDF stream (pdfkit's document, ended). */
export function renderProgrammePdf(programme: SessionProgramme, options: ProgrammeRenderOptions = {}): Readable {
  const canvas = canvasFor(programme, options, false);
  drawProgramme(canvas, programme);
  return canvas.finishPdf();
}

/** The same rendering with every box recorded, for layout checks; the PDF bytes are discarded. */
export function traceProgrammeLayout(programme: SessionProgramme, options: ProgrammeRenderOptions = {}): DocumentLayout {
  const canvas = canvasFor(programme, options, true);
  drawProgramme(canvas, programme);
  return canvas.finishTrace();
}
