// The attendance exports read back as their users' programs read them: the workbook with exceljs, the CSV with
// csv-parse (BOM, CRLF, quoting), and formula-like text from the data neutralized in the CSV.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  ATTENDANCE_HEADERS,
  attendanceFileName,
  buildAttendanceCsv,
  buildAttendanceXlsx,
  csvCell,
  formatCheckInTime,
} from '../../server/documents/attendance-export.ts';
import type { SignInRow, SignInSheet } from '../../server/documents/nd30/index.ts';
import { minutesAfterSeven, sampleRows, signInSheet } from './sign-in-samples.ts';

const HEADERS = ['STT', 'Họ và tên', 'Chức vụ', 'Đơn vị', 'Trạng thái', 'Giờ điểm danh', 'Ghi chú'];
const STATUS: Record<string, string> = { present: 'Có mặt', late: 'Đến muộn', excused: 'Vắng có phép', absent: 'Vắng', substitute: 'Đi thay' };

/** What the exports should hold for a person of the filled sample, written out independently of the builder. */
function expectedValues(row: SignInRow, number: number): string[] {
  const notes: string[] = [];
  if (row.status === 'excused') notes.push(`Vắng có phép: ${row.note}`);
  if (row.status === 'substitute') notes.push(`Đi thay cho ${row.note}`);
  if (row.needsReview) notes.push('Đăng ký tại chỗ (chờ xác nhận)');
  let time = '';
  if (row.checkedInAt) {
    const minutes = (Date.parse(row.checkedInAt) - Date.parse(minutesAfterSeven(0))) / 60_000;
    time = `07:${String(minutes).padStart(2, '0')} 12/05/2022`;
  }
  return [String(number), row.name, row.position ?? '', row.unit ?? '', STATUS[row.status!]!, time, notes.join('; ')];
}

async function readWorkbook(buffer: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Điểm danh']);
  return workbook.worksheets[0]!;
}

/** A row's values as text, columns 1–7 (empty cells as ""). */
function rowValues(sheet: ExcelJS.Worksheet, row: number): string[] {
  return Array.from({ length: 7 }, (_, i) => {
    const value = sheet.getRow(row).getCell(i + 1).value;
    return value == null ? '' : String(value);
  });
}

describe('XLSX', async () => {
  const data = signInSheet({ filled: true });
  const ws = await readWorkbook(await buildAttendanceXlsx(data));
  const headerRow = Array.from({ length: ws.rowCount }, (_, i) => i + 1).find((row) => rowValues(ws, row)[0] === 'STT')!;

  it('opens with title rows, then a bold, frozen header of the seven columns', () => {
    const titles = Array.from({ length: headerRow - 1 }, (_, i) => rowValues(ws, i + 1)[0]).filter(Boolean);
    expect(titles).toEqual([
      'ỦY BAN NHÂN DÂN HUYỆN GÒ DẦU',
      'DANH SÁCH ĐẠI BIỂU THAM DỰ',
      'Lớp tập huấn nghiệp vụ cải cách hành chính năm 2022 (Đợt 1)',
      '(Kèm theo Giấy mời số 01/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu)',
      'Thời gian: từ 07 giờ 30 phút đến 11 giờ 00 phút, thứ Năm, ngày 12 tháng 5 năm 2022 - Địa điểm: Hội trường Ủy ban nhân dân huyện Gò Dầu',
    ]);
    expect(rowValues(ws, headerRow)).toEqual(HEADERS);
    for (let column = 1; column <= 7; column += 1) expect(ws.getRow(headerRow).getCell(column).font?.bold, HEADERS[column - 1]).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: headerRow });
    for (let column = 1; column <= 7; column += 1) expect(ws.getColumn(column).width).toBeGreaterThanOrEqual(6);
    expect(ws.getColumn(2).width).toBeGreaterThanOrEqual(24);
  });

  it('lists every person under their group heading, status in words and the time as Vietnam text', () => {
    const people = sampleRows(data);
    const rows: string[][] = [];
    for (let row = headerRow + 1; row <= ws.rowCount; row += 1) rows.push(rowValues(ws, row));
    const groupRows = rows.filter((values) => /^[IV]+\. /.test(values[0]!));
    expect(groupRows.map((values) => values[0])).toEqual(['I. Cơ quan chuyên môn thuộc UBND huyện', 'II. UBND các xã, thị trấn']);
    const personRows = rows.filter((values) => /^\d+$/.test(values[0]!));
    const firstGroup = data.groups[0]!.rows.length;
    expect(personRows).toEqual(people.map((person, i) => expectedValues(person, i < firstGroup ? i + 1 : i - firstGroup + 1)));
    // Text, not Excel dates: what the official reads is what is stored.
    const timeCell = ws.getRow(headerRow + 2).getCell(6);
    expect(typeof timeCell.value).toBe('string');
    expect(timeCell.value).toBe('07:05 12/05/2022');
    expect(rows.flat().join('\n')).toBe(rows.flat().join('\n').normalize('NFC'));
    expect(rows.some((values) => values[0] === 'Tổng số: 60 đại biểu (có mặt: 48; vắng: 12)')).toBe(true);
  });

  it('keeps Vietnamese given decomposed (NFD) as composed text, and formula-like names as plain text', async () => {
    const nfd = signInSheet({ filled: false, count: 2 });
    nfd.groups[0]!.rows[0]!.name = 'Nguyễn Thị Hạnh'.normalize('NFD');
    nfd.groups[0]!.rows[1]!.name = '=HYPERLINK("http://x.example","Bấm")';
    const sheet = await readWorkbook(await buildAttendanceXlsx(nfd));
    const values = Array.from({ length: sheet.rowCount }, (_, i) => rowValues(sheet, i + 1));
    const people = values.filter((row) => /^\d+$/.test(row[0]!));
    expect(people.map((row) => row[1])).toEqual(['Nguyễn Thị Hạnh'.normalize('NFC'), '=HYPERLINK("http://x.example","Bấm")']);
    // A blank sheet has no statuses or times yet.
    expect(people.map((row) => row.slice(4))).toEqual([['', '', ''], ['', '', '']]);
    const cell = sheet.getRow(values.findIndex((row) => row[1]!.startsWith('=HYPERLINK')) + 1).getCell(2);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
  });
});

describe('CSV', () => {
  const data = signInSheet({ filled: true });
  const csv = buildAttendanceCsv(data);

  it('starts with the UTF-8 byte order mark and ends every line with CRLF', () => {
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(text.split('\r\n')[0]).toBe(HEADERS.join(','));
    expect(text).toBe(text.normalize('NFC'));
  });

  it('parses back to the header and one record per person, STT over the whole list', () => {
    const records = parse(csv, { bom: true }) as string[][];
    expect(records[0]).toEqual(HEADERS);
    expect(records.slice(1)).toEqual(sampleRows(data).map((person, i) => expectedValues(person, i + 1)));
  });

  it('quotes commas, quotes and line breaks, and neutralizes cells a spreadsheet would run as formulas', () => {
    const hostile: SignInSheet = {
      ...signInSheet({ filled: true, count: 0 }),
      groups: [
        {
          heading: 'Khách mời',
          rows: [
            { name: '=HYPERLINK("http://x.example","Bấm")', position: '+84 912 345 678', unit: '-2+3', status: 'excused', note: '@SUM(A1:A9)' },
            { name: 'Lê Văn "Tư", Sáu', position: 'Dòng một\nDòng hai', unit: '\t=1+1', status: 'present', checkedInAt: minutesAfterSeven(5) },
            { name: 'Trần Thị Mỹ', position: 'Chuyên viên - Phòng Nội vụ', unit: 'Phòng Nội vụ', status: 'substitute', note: '=cmd|"/c calc"!A0' },
          ],
        },
      ],
    };
    const records = parse(buildAttendanceCsv(hostile), { bom: true }) as string[][];
    expect(records.slice(1)).toEqual([
      ['1', `'=HYPERLINK("http://x.example","Bấm")`, "'+84 912 345 678", "'-2+3", 'Vắng có phép', '', 'Vắng có phép: @SUM(A1:A9)'],
      // Surrounding white space is trimmed from the data first, so a hidden tab cannot smuggle a formula in.
      ['2', 'Lê Văn "Tư", Sáu', 'Dòng một\nDòng hai', "'=1+1", 'Có mặt', '07:05 12/05/2022', ''],
      ['3', 'Trần Thị Mỹ', 'Chuyên viên - Phòng Nội vụ', 'Phòng Nội vụ', 'Đi thay', '', 'Đi thay cho =cmd|"/c calc"!A0'],
    ]);
    for (const record of records) for (const cell of record) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('writes single cells as RFC 4180 does', () => {
    expect(csvCell('Phòng Nội vụ')).toBe('Phòng Nội vụ');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvCell('')).toBe('');
  });
});

describe('names and times', () => {
  it('writes a check-in instant in Vietnam time whatever the server zone', () => {
    expect(formatCheckInTime('2022-05-11T23:58:00Z')).toBe('06:58 12/05/2022');
    expect(formatCheckInTime('2023-01-05T02:07:00+00:00')).toBe('09:07 05/01/2023');
  });

  it('names the files by the session date in Vietnam, ASCII only', () => {
    expect(attendanceFileName('2022-05-11T17:30:00Z', 'pdf')).toBe('2022-05-12_diem-danh.pdf');
    expect(attendanceFileName('2022-05-12', 'xlsx')).toBe('2022-05-12_diem-danh.xlsx');
    expect(attendanceFileName('2022-05-12', 'pdf', { invitation: { number: 12, symbol: 'GM-UBND' } })).toBe('2022-05-12_12-GM-UBND_diem-danh.pdf');
    expect(attendanceFileName('2022-05-12', 'pdf', { blank: true })).toBe('2022-05-12_danh-sach-ky-ten.pdf');
    expect(attendanceFileName('2022-05-12', 'csv', { invitation: { number: 5, symbol: 'GM-UBND' } })).toBe('2022-05-12_05-GM-UBND_diem-danh.csv');
  });

  it('has the same columns in both exports', () => {
    expect([...ATTENDANCE_HEADERS]).toEqual(HEADERS);
  });
});
