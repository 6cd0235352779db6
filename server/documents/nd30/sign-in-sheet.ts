// The sign-in sheet (danh sách đại biểu tham dự): the letter's heading without Số and date, the title, the
// event, the reference to the giấy mời and the time and venue, then a table grouped by unit kind with room to
// sign in every row, and a footer with the totals and two signature blocks kept together on the last page.
// Blank, it is printed before the session and signed at the door; filled, it records the check-ins.
import type { Readable } from 'node:stream';
import { romanNumeral } from './appendix.ts';
import { Nd30Canvas, type CanvasOptions, type DocumentLayout } from './canvas.ts';
import { lineHeight } from './config.ts';
import { formatClockTime, formatPlaceDate, formatSessionTime, nfc } from './format.ts';
import { drawHeading, drawPlaceDate, upper } from './heading.ts';
import { TableFlow, type TableRow, type TableSpec } from './table.ts';
import { drawLine, wrapBalanced, wrapText } from './text-flow.ts';
import type { AttendanceStatus, SignInRow, SignInSheet } from './types.ts';

/** How to render: fonts, configuration; everything optional. */
export type SignInSheetRenderOptions = Pick<CanvasOptions, 'fontDir' | 'fonts' | 'config' | 'creationDate'>;

export const SIGN_IN_TITLE = 'DANH SÁCH ĐẠI BIỂU THAM DỰ';
export const SIGN_IN_HEADERS = ['STT', 'Họ và tên', 'Chức vụ', 'Đơn vị', 'Giờ điểm danh', 'Ký tên', 'Ghi chú'] as const;
export const PREPARER_TITLE = 'NGƯỜI LẬP DANH SÁCH';
export const ORGANIZER_TITLE = 'TM. BAN TỔ CHỨC';
/** Under a signature title when no name is printed: the signer writes it. */
export const SIGNATURE_HINT = '(Ký, ghi rõ họ tên)';

/** Each status in a word, for lists and spreadsheets. */
export const STATUS_WORDS: Record<AttendanceStatus, string> = {
  present: 'Có mặt',
  late: 'Đến muộn',
  excused: 'Vắng có phép',
  absent: 'Vắng',
  substitute: 'Đi thay',
};
export const NEEDS_REVIEW_NOTE = 'Đăng ký tại chỗ (chờ xác nhận)';

/** A row's status after the session: as recorded, or (none recorded) present when checked in, absent otherwise. */
export function attendanceStatus(row: SignInRow): AttendanceStatus {
  return row.status ?? (row.checkedInAt ? 'present' : 'absent');
}

/** Present, late and substitutes were there (có mặt); absent and excused were not (vắng). */
export function isAttending(status: AttendanceStatus): boolean {
  return status === 'present' || status === 'late' || status === 'substitute';
}

function trimmed(text: string | undefined): string {
  return nfc(text ?? '').trim();
}

/** The reason or the person stood in for ("Vắng có phép: ốm", "Đi thay cho Lê Văn Ánh"), without the status word for the others. */
function statusDetail(row: SignInRow, status: AttendanceStatus): string {
  const note = trimmed(row.note).replace(/[.;,]+$/u, '');
  if (status === 'excused') return note ? `Vắng có phép: ${note}` : 'Vắng có phép';
  if (status === 'substitute') return note ? `Đi thay cho ${note}` : 'Đi thay';
  return '';
}

/**
 * The Ghi chú of a filled sheet: "Đến muộn", "Vắng có phép: <reason>", "Vắng", "Đi thay cho <name>",
 * "Đăng ký tại chỗ (chờ xác nhận)" (joined by "; " when several apply); nothing for a person simply present.
 */
export function signInNote(row: SignInRow): string {
  const status = attendanceStatus(row);
  const parts: string[] = [];
  if (status === 'late' || status === 'absent') parts.push(STATUS_WORDS[status]);
  else if (status !== 'present') parts.push(statusDetail(row, status));
  if (row.needsReview) parts.push(NEEDS_REVIEW_NOTE);
  return parts.join('; ');
}

/** The note beside a separate status column (spreadsheets): the reason, the person stood in for, the door registration. */
export function attendanceNote(row: SignInRow): string {
  const parts = [statusDetail(row, attendanceStatus(row))];
  if (row.needsReview) parts.push(NEEDS_REVIEW_NOTE);
  return parts.filter(Boolean).join('; ');
}

/** How many people are listed and, after the session, how many came and how many did not. */
export function signInCounts(sheet: SignInSheet): { total: number; attending: number; absent: number } {
  const rows = sheet.groups.flatMap((group) => group.rows);
  const attending = rows.filter((row) => isAttending(attendanceStatus(row))).length;
  return { total: rows.length, attending, absent: rows.length - attending };
}

/** "Tổng số: 60 đại biểu (có mặt: 52; vắng: 8)"; a blank sheet gives only the number listed. */
export function signInTotalLine(sheet: SignInSheet): string {
  const counts = signInCounts(sheet);
  const total = `Tổng số: ${counts.total} đại biểu`;
  return sheet.filled ? `${total} (có mặt: ${counts.attending}; vắng: ${counts.absent})` : total;
}

/** "I. Cơ quan chuyên môn thuộc UBND huyện": numbered in order unless the data already numbers it. */
export function signInGroupHeading(heading: string, index: number): string {
  const text = trimmed(heading);
  return /^[IVXLCDM]+\.\s/u.test(text) ? text : `${romanNumeral(index + 1)}. ${text}`;
}

/** "Thời gian: từ 07 giờ 30 phút đến 11 giờ 00 phút, thứ Năm, ngày 12 tháng 5 năm 2022". */
function timeText(sheet: SignInSheet): string {
  return `Thời gian: ${formatSessionTime({ start: sheet.time.start, end: sheet.time.end, arriveEarlyMinutes: 0 })}`;
}

function venueText(sheet: SignInSheet): string {
  return `Địa điểm: ${trimmed(sheet.venue).replace(/[.;]+$/u, '')}`;
}

/** "Thời gian: từ 07 giờ 30 phút đến 11 giờ 00 phút, thứ Năm, ngày 12 tháng 5 năm 2022 - Địa điểm: Hội trường …". */
export function signInDetailsLine(sheet: SignInSheet): string {
  return `${timeText(sheet)} - ${venueText(sheet)}`;
}

/** No-break spaces inside "ngày 06 tháng 5 năm 2022" and "07 giờ 30 phút": a line never breaks inside a date or a time. */
function keepDatesTogether(text: string): string {
  return text
    .replace(/ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})/gu, 'ngày\u00a0$1\u00a0tháng\u00a0$2\u00a0năm\u00a0$3')
    .replace(/(\d{1,2}) giờ (\d{2}) phút/gu, '$1\u00a0giờ\u00a0$2\u00a0phút');
}

/** The texts of a person's row, column by column; times and notes only on a filled sheet, Ký tên always empty. */
export function signInCells(row: SignInRow, number: number, filled: boolean): string[] {
  const time = filled && row.checkedInAt ? formatClockTime(row.checkedInAt) : '';
  return [String(number), trimmed(row.name), trimmed(row.position), trimmed(row.unit), time, '', filled ? signInNote(row) : ''];
}

function check(sheet: SignInSheet): void {
  sheet.groups.forEach((group, g) =>
    group.rows.forEach((row, r) => {
      if (!trimmed(row.name)) throw new RangeError(`group ${g + 1}, row ${r + 1}: no name`);
    }),
  );
}

function tableSpec(canvas: Nd30Canvas): TableSpec {
  const settings = canvas.config.signInSheet;
  return {
    columns: SIGN_IN_HEADERS.map((header, i) => ({
      header,
      width: settings.columns[i]! * canvas.width,
      // STT and the time are centred; the rest reads from the left.
      align: i === 0 || i === 4 ? 'center' : 'left',
    })),
    size: settings.tableSize,
    padding: canvas.config.table.padding,
    borderWidth: canvas.config.table.borderWidth,
    minRowHeight: settings.minRowHeight,
    verticalAlign: 'middle',
  };
}

/** "Tổng số", the place and date, and the two signature blocks, measured before drawing so they stay together. */
function footer(canvas: Nd30Canvas, sheet: SignInSheet) {
  const { config, area } = canvas;
  const settings = config.signInSheet;
  const totalStyle = { size: settings.totalSize };
  const titleStyle = { size: config.sizes.authority.value, face: 'bold' as const };
  const hintStyle = { size: settings.hintSize, face: 'italic' as const };
  const nameStyle = { size: config.sizes.signerName.value, face: 'bold' as const };
  const placeDateSize = config.sizes.placeDate.value;
  const left = { x: area.left, width: config.columns.left };
  const right = { x: area.left + config.columns.left, width: canvas.width - config.columns.left };
  const blocks = [
    { column: left, title: PREPARER_TITLE, name: trimmed(sheet.preparedBy) },
    { column: right, title: ORGANIZER_TITLE, name: trimmed(sheet.organizerName) },
  ];
  const totalLines = wrapText(canvas, signInTotalLine(sheet), { ...totalStyle, width: canvas.width });
  const totalPitch = lineHeight(config, totalStyle.size);

  const placeDateOffset = totalLines.length * totalPitch + settings.beforeSignatures + canvas.ascent({ size: placeDateSize, face: 'italic' });
  const titleOffset = placeDateOffset + lineHeight(config, placeDateSize);
  const hintOffset = titleOffset + lineHeight(config, hintStyle.size);
  const anyHint = blocks.some((block) => !block.name);
  const signTop = anyHint ? hintOffset + canvas.descent(hintStyle) : titleOffset + canvas.descent(titleStyle);
  const nameOffset = signTop + config.spacing.signatureGap.value + canvas.ascent(nameStyle);
  // The name line is kept even when blank: the signer writes it there.
  const height = nameOffset + canvas.descent(nameStyle);

  const draw = (top: number) => {
    const leading = (totalPitch - canvas.ascent(totalStyle) - canvas.descent(totalStyle)) / 2;
    totalLines.forEach((line, index) => {
      drawLine(canvas, line, { x: area.left, width: canvas.width, baseline: top + leading + canvas.ascent(totalStyle) + index * totalPitch, size: totalStyle.size, align: 'left', role: 'sheet-total' });
    });
    drawPlaceDate(canvas, formatPlaceDate(sheet.agency.placeName, sheet.time.start), { ...right, baseline: top + placeDateOffset });
    for (const block of blocks) {
      canvas.text(block.title, titleStyle, { ...block.column, align: 'center', baseline: top + titleOffset, role: 'signature-title' });
      if (block.name) canvas.text(block.name, nameStyle, { ...block.column, align: 'center', baseline: top + nameOffset, role: 'signature-name' });
      else canvas.text(SIGNATURE_HINT, hintStyle, { ...block.column, align: 'center', baseline: top + hintOffset, role: 'signature-hint' });
    }
    canvas.record({ role: 'signature-space', x: area.left, y: top + signTop, width: canvas.width, height: config.spacing.signatureGap.value });
  };
  return { height, draw };
}

/** Lays the whole sheet out on a canvas. */
function drawSignInSheet(canvas: Nd30Canvas, sheet: SignInSheet): void {
  check(sheet);
  const { config, area } = canvas;
  const settings = config.signInSheet;
  canvas.newPage('sign-in');
  let y = drawHeading(canvas, { parentName: sheet.agency.parentName, nameLines: sheet.agency.nameLines }) + settings.beforeTitle;

  const blockWidth = canvas.width * config.shares.appendixHeading;
  const centred = (text: string, size: number, face: 'bold' | 'italic', role: string, width = blockWidth) => {
    for (const line of wrapBalanced(canvas, keepDatesTogether(text), { size, face, width })) {
      drawLine(canvas, line, { x: area.left + (canvas.width - width) / 2, width, baseline: y + canvas.ascent({ size, face }), size, align: 'center', role });
      y += lineHeight(config, size);
    }
  };
  centred(upper(sheet.title?.trim() || SIGN_IN_TITLE), settings.titleSize, 'bold', 'sheet-title');
  centred(trimmed(sheet.event), settings.titleSize, 'bold', 'sheet-event');
  const reference = trimmed(sheet.reference).replace(/^\((.*)\)$/su, '$1');
  if (reference) centred(`(${reference})`, settings.detailSize, 'italic', 'sheet-reference');
  // Time and venue share a line when it holds both; otherwise each starts its own line (the full width: the time alone is long).
  const details = signInDetailsLine(sheet);
  const oneLine = canvas.measure(keepDatesTogether(details), { size: settings.detailSize, face: 'italic' }) <= canvas.width;
  for (const text of oneLine ? [details] : [timeText(sheet), venueText(sheet)]) centred(text, settings.detailSize, 'italic', 'sheet-details', canvas.width);

  const table = new TableFlow(canvas, tableSpec(canvas), y + settings.beforeTable);
  table.draw(table.header);
  const tail = footer(canvas, sheet);
  const tailRoom = settings.beforeTotal + tail.height;
  const groups = sheet.groups.filter((group) => group.rows.length > 0);
  const rows: { heading?: TableRow; row: TableRow }[] = groups.flatMap((group, g) =>
    group.rows.map((person, r) => ({ heading: r === 0 ? table.group(signInGroupHeading(group.heading, g)) : undefined, row: table.row(signInCells(person, r + 1, sheet.filled)) })),
  );
  rows.forEach(({ heading, row }, index) => {
    // A group heading goes with its first row, and the last row with the footer: neither is ever alone on a page.
    const keep = (heading?.height ?? 0) + row.height + (index === rows.length - 1 ? tailRoom : 0);
    table.ensureRoom(keep);
    if (heading) table.draw(heading);
    table.draw(row);
  });
  if (rows.length === 0) table.ensureRoom(tailRoom);
  tail.draw(table.y + settings.beforeTotal);
}

function canvasFor(sheet: SignInSheet, options: SignInSheetRenderOptions, trace: boolean): Nd30Canvas {
  const title = `${upper(sheet.title?.trim() || SIGN_IN_TITLE)} - ${trimmed(sheet.event)}`;
  return new Nd30Canvas({ ...options, trace, title, author: sheet.agency.nameLines.join(' ') });
}

/** The sign-in sheet as a PDF stream (pdfkit's document, ended): blank for signing, or filled from the check-ins. */
export function renderSignInSheetPdf(sheet: SignInSheet, options: SignInSheetRenderOptions = {}): Readable {
  const canvas = canvasFor(sheet, options, false);
  drawSignInSheet(canvas, sheet);
  return canvas.finishPdf();
}

/** The same rendering with every box recorded, for layout checks; the PDF bytes are discarded. */
export function traceSignInSheetLayout(sheet: SignInSheet, options: SignInSheetRenderOptions = {}): DocumentLayout {
  const canvas = canvasFor(sheet, options, true);
  drawSignInSheet(canvas, sheet);
  return canvas.finishTrace();
}
