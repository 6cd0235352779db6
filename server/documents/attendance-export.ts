// The sign-in sheet as data: an XLSX workbook laid out like the printed list (title rows, groups, totals) and
// a CSV file of one line per person for other software. Same columns in both; times in Vietnam's time zone.
import type ExcelJS from 'exceljs';
import { loadExcelJs } from './excel.ts';
import {
  attendanceNote,
  attendanceStatus,
  documentFileName,
  formatClockTime,
  formatNumericDate,
  nfc,
  SIGN_IN_TITLE,
  signInDetailsLine,
  signInGroupHeading,
  signInTotalLine,
  STATUS_WORDS,
  toVnDate,
  upper,
  type SignInRow,
  type SignInSheet,
} from './nd30/index.ts';

export const ATTENDANCE_SHEET_NAME = 'Điểm danh';
export const ATTENDANCE_HEADERS = ['STT', 'Họ và tên', 'Chức vụ', 'Đơn vị', 'Trạng thái', 'Giờ điểm danh', 'Ghi chú'] as const;
const WIDTHS = [6, 28, 26, 36, 16, 18, 40];

/** "07:05 12/05/2022": a check-in instant as text in Vietnam's time zone. */
export function formatCheckInTime(iso: string): string {
  return `${formatClockTime(iso)} ${formatNumericDate(iso)}`;
}

/** A person's values in the export's columns; status, time and note only on a filled sheet (a blank one has none yet). */
function personValues(row: SignInRow, number: number, filled: boolean): string[] {
  const text = (value: string | undefined) => nfc(value ?? '').trim();
  return [
    String(number),
    text(row.name),
    text(row.position),
    text(row.unit),
    filled ? STATUS_WORDS[attendanceStatus(row)] : '',
    filled && row.checkedInAt ? formatCheckInTime(row.checkedInAt) : '',
    filled ? attendanceNote(row) : '',
  ];
}

function titleLines(sheet: SignInSheet): { text: string; bold?: boolean; italic?: boolean; size?: number }[] {
  const reference = nfc(sheet.reference ?? '').trim().replace(/^\((.*)\)$/su, '$1');
  return [
    { text: upper(sheet.agency.nameLines.join(' ')), bold: true },
    { text: upper(sheet.title?.trim() || SIGN_IN_TITLE), bold: true, size: 14 },
    { text: nfc(sheet.event).trim(), bold: true, size: 13 },
    ...(reference ? [{ text: `(${reference})`, italic: true }] : []),
    { text: signInDetailsLine(sheet), italic: true },
  ];
}

/**
 * The workbook: one sheet "Điểm danh" with the title rows, the header (bold, frozen), the group headings and
 * people as on the printed list (STT from 1 in each group), then the total. Cells hold strings, never formulas,
 * so text such as "=…" from the data is shown as typed and never evaluated. `created` fixes the workbook's dates.
 */
export async function buildAttendanceXlsx(sheet: SignInSheet, options: { created?: Date } = {}): Promise<Buffer> {
  const workbook = new (await loadExcelJs()).Workbook();
  workbook.creator = 'Tập huấn';
  // Fixed from the data when the same workbook must give the same bytes (the evidence bundle); now otherwise.
  if (options.created) workbook.created = workbook.modified = options.created;
  const columns = ATTENDANCE_HEADERS.length;
  const titles = titleLines(sheet);
  const headerRow = titles.length + 2;
  const ws = workbook.addWorksheet(ATTENDANCE_SHEET_NAME, {
    views: [{ state: 'frozen', ySplit: headerRow }],
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${headerRow}:${headerRow}` },
  });
  WIDTHS.forEach((width, i) => {
    ws.getColumn(i + 1).width = width;
  });
  // Text, so Excel keeps "07:05 12/05/2022" as written instead of turning it into a serial date.
  ws.getColumn(6).numFmt = '@';

  const merged = (rowNumber: number, text: string, font: Partial<ExcelJS.Font>, horizontal: 'center' | 'left') => {
    const row = ws.getRow(rowNumber);
    row.getCell(1).value = text;
    row.getCell(1).font = font;
    row.getCell(1).alignment = { horizontal, vertical: 'middle', wrapText: true };
    ws.mergeCells(rowNumber, 1, rowNumber, columns);
  };
  titles.forEach((line, i) => merged(i + 1, line.text, { bold: line.bold, italic: line.italic, size: line.size }, 'center'));

  const thin = { style: 'thin' as const };
  const border = { top: thin, left: thin, bottom: thin, right: thin };
  const header = ws.getRow(headerRow);
  header.values = [...ATTENDANCE_HEADERS];
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = border;
  });

  let rowNumber = headerRow;
  sheet.groups
    .filter((group) => group.rows.length > 0)
    .forEach((group, g) => {
      rowNumber += 1;
      merged(rowNumber, signInGroupHeading(group.heading, g), { bold: true }, 'left');
      ws.getCell(rowNumber, 1).border = border;
      group.rows.forEach((person, r) => {
        rowNumber += 1;
        const row = ws.getRow(rowNumber);
        row.values = personValues(person, r + 1, sheet.filled);
        row.eachCell({ includeEmpty: true }, (cell, column) => {
          cell.border = border;
          cell.alignment = { vertical: 'middle', wrapText: true, horizontal: column === 1 || column === 5 || column === 6 ? 'center' : 'left' };
        });
      });
    });
  merged(rowNumber + 2, signInTotalLine(sheet), { bold: true }, 'left');

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * A cell as RFC 4180 writes it, made safe to open in a spreadsheet. A value that starts with = + - @, a tab or
 * a carriage return would be run as a formula by Excel or LibreOffice (CSV injection): it gets a leading
 * apostrophe, as OWASP recommends. Quoting alone does not help (Excel evaluates a quoted "=1+1" too), and
 * the apostrophe keeps the text readable where another program shows it. Then a value holding a comma, a
 * quote or a line break is quoted, its quotes doubled.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
  return /[",\r\n]/u.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The CSV file: UTF-8 with a byte order mark (without it Excel reads the file as the machine's ANSI code page
 * and mangles Vietnamese), CRLF line ends, the header then one line per person. Group rows would break the
 * columns for other software, so there are none; STT runs from 1 over the whole list.
 */
export function buildAttendanceCsv(sheet: SignInSheet): Buffer {
  const lines = [ATTENDANCE_HEADERS.map(csvCell).join(',')];
  let number = 0;
  for (const group of sheet.groups) {
    for (const person of group.rows) {
      number += 1;
      lines.push(personValues(person, number, sheet.filled).map(csvCell).join(','));
    }
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

/**
 * "2022-05-12_12-GM-UBND_diem-danh.pdf" (with the giấy mời's number and symbol) or "2022-05-12_diem-danh.xlsx":
 * the session's date in Vietnam, then the kind; ASCII only. A blank sheet for signing is "…_danh-sach-ky-ten.pdf".
 */
export function attendanceFileName(
  date: string | Date,
  extension: 'pdf' | 'xlsx' | 'csv',
  options: { invitation?: { number: number; symbol: string }; blank?: boolean } = {},
): string {
  const kind = options.blank ? 'danh-sach-ky-ten' : 'diem-danh';
  if (options.invitation) return documentFileName({ date, number: options.invitation.number, symbol: options.invitation.symbol, kind }, extension);
  const day = toVnDate(date);
  return `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}_${kind}.${extension}`;
}
