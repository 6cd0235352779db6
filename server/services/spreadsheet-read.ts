// Reading the tables users upload (.xlsx or CSV) as rows of text: type sniffed from the content, never the name;
// a ZIP-bomb guard before Excel files are unpacked; every failure a Vietnamese message with status 422.
import { inflateRawSync } from 'node:zlib';
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { loadExcelJs } from '../documents/excel.ts';
import { HttpError } from '../errors.ts';

/** The uploaded file cannot be read as a table; the message says why and what to do. */
export class UnreadableFileError extends HttpError {
  constructor(message: string, status = 422) {
    super(status, message);
  }
}

export interface TableRow {
  /** The row number the user sees in Excel (1-based). */
  number: number;
  /** Column A first; every value as the text it shows. */
  cells: string[];
}

export interface Table {
  /** Worksheet name; '' for CSV. */
  name: string;
  rows(): Iterable<TableRow>;
}

export interface ReadTablesOptions {
  /** How much a line looks like the expected header row (used to pick the CSV separator). */
  headerScore(cells: string[]): number;
  /** Cap on the unpacked size of an .xlsx, whatever its entries claim. */
  maxUnpackedBytes: number;
}

const SAVE_AS_HINT = 'Mở tệp bằng Excel, chọn Tệp → Lưu thành → Sổ làm việc Excel (*.xlsx) hoặc CSV UTF-8 (*.csv), rồi tải lên lại.';
const BROKEN_XLSX = `Tệp Excel bị hỏng hoặc không đầy đủ (có thể tải về chưa xong). ${SAVE_AS_HINT}`;
const NOT_XLSX = `Tệp nén này không phải bảng tính Excel (.xlsx). ${SAVE_AS_HINT}`;

function startsWith(data: Buffer, bytes: number[]): boolean {
  return data.length >= bytes.length && bytes.every((byte, i) => data[i] === byte);
}

/** Reads an uploaded file as tables: an .xlsx gives one per worksheet, a CSV one. */
export async function readTables(data: Buffer, options: ReadTablesOptions): Promise<{ format: 'xlsx' | 'csv'; tables: Table[] }> {
  if (data.length === 0) throw new UnreadableFileError('Tệp tải lên trống (0 byte). Vui lòng chọn đúng tệp danh sách.');
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04]) || startsWith(data, [0x50, 0x4b, 0x05, 0x06])) {
    return { format: 'xlsx', tables: await readXlsx(data, options.maxUnpackedBytes) };
  }
  if (startsWith(data, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    throw new UnreadableFileError(
      `Đây là tệp Excel 97–2003 (.xls) hoặc tệp Excel có đặt mật khẩu; hệ thống chỉ đọc được .xlsx không mật khẩu và CSV. ${SAVE_AS_HINT}`,
    );
  }
  if (startsWith(data, [0x25, 0x50, 0x44, 0x46])) {
    throw new UnreadableFileError('Đây là tệp PDF, không đọc được danh sách từ tệp này. Vui lòng tải lên tệp Excel (.xlsx) hoặc CSV.');
  }
  return { format: 'csv', tables: [readCsv(decodeText(data), options.headerScore)] };
}

// ---------------------------------------------------------------------------------------------- .xlsx

/** The offset of the ZIP end-of-central-directory record, or -1. */
function findZipEnd(data: Buffer): number {
  const stop = Math.max(0, data.length - 22 - 0xffff);
  for (let i = data.length - 22; i >= stop; i--) {
    if (data.readUInt32LE(i) === 0x06054b50) return i;
  }
  return -1;
}

/**
 * Inflates every entry of a ZIP within a budget and returns the entry names. Excel files are ZIPs, and a few
 * kilobytes can claim (or really unpack to) gigabytes: this refuses them before a library tries.
 */
export function inspectZip(data: Buffer, maxUnpackedBytes: number): string[] {
  const end = findZipEnd(data);
  if (end < 0) throw new UnreadableFileError(BROKEN_XLSX);
  const count = data.readUInt16LE(end + 10);
  const directorySize = data.readUInt32LE(end + 12);
  const directoryOffset = data.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff || directoryOffset + directorySize > end) {
    throw new UnreadableFileError(BROKEN_XLSX);
  }
  const tooBig = new UnreadableFileError(
    'Tệp Excel quá lớn khi giải nén (có thể chứa nhiều trang tính, hình ảnh hoặc định dạng thừa). Hãy chép riêng danh sách sang một tệp mới rồi tải lên.',
  );
  const names: string[] = [];
  let budget = maxUnpackedBytes;
  let p = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || data.readUInt32LE(p) !== 0x02014b50) throw new UnreadableFileError(BROKEN_XLSX);
    const method = data.readUInt16LE(p + 10);
    const packedSize = data.readUInt32LE(p + 20);
    const size = data.readUInt32LE(p + 24);
    const nameLength = data.readUInt16LE(p + 28);
    const extraLength = data.readUInt16LE(p + 30);
    const commentLength = data.readUInt16LE(p + 32);
    const localOffset = data.readUInt32LE(p + 42);
    const name = data.toString('utf8', p + 46, Math.min(end, p + 46 + nameLength));
    if (size > budget) throw tooBig;
    if (localOffset + 30 > data.length || data.readUInt32LE(localOffset) !== 0x04034b50) throw new UnreadableFileError(BROKEN_XLSX);
    const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
    if (start + packedSize > data.length) throw new UnreadableFileError(BROKEN_XLSX);
    let unpacked: number;
    if (method === 0) {
      unpacked = packedSize;
    } else if (method === 8) {
      try {
        unpacked = inflateRawSync(data.subarray(start, start + packedSize), { maxOutputLength: Math.max(1, budget) }).length;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig;
        throw new UnreadableFileError(BROKEN_XLSX);
      }
    } else {
      throw new UnreadableFileError(BROKEN_XLSX);
    }
    if (unpacked !== size) throw new UnreadableFileError(BROKEN_XLSX);
    budget -= unpacked;
    names.push(name);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function numberText(value: number, numFmt: string | undefined): string {
  if (!Number.isFinite(value)) return '';
  // A format of zeros ("0000000000") is how Excel users keep a phone number's leading zero on a number.
  if (numFmt && /^0+$/.test(numFmt) && Number.isInteger(value) && value >= 0) return String(value).padStart(numFmt.length, '0');
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(0) : String(value);
}

/** What a cell shows: rich text joined, a link's text, a formula's last result, numbers without exponent. */
export function cellText(value: unknown, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${pad(value.getUTCDate())}/${pad(value.getUTCMonth() + 1)}/${value.getUTCFullYear()}`;
  }
  if (isRecord(value)) {
    if (Array.isArray(value.richText)) return value.richText.map((run) => (isRecord(run) && typeof run.text === 'string' ? run.text : '')).join('');
    if ('hyperlink' in value) return cellText(value.text, numFmt);
    if ('formula' in value || 'sharedFormula' in value) return cellText(value.result, numFmt);
  }
  // Error values (#N/A, #REF!…) and anything unknown read as empty.
  return '';
}

function* worksheetRows(sheet: ExcelJS.Worksheet): Iterable<TableRow> {
  const last = sheet.rowCount;
  for (let r = 1; r <= last; r++) {
    const row = sheet.findRow(r);
    if (!row || !row.hasValues) continue;
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const cell = row.findCell(c);
      cells.push(cell ? cellText(cell.value, cell.numFmt) : '');
    }
    yield { number: r, cells };
  }
}

async function readXlsx(data: Buffer, maxUnpackedBytes: number): Promise<Table[]> {
  const names = inspectZip(data, maxUnpackedBytes);
  if (!names.includes('xl/workbook.xml')) {
    if (names.includes('content.xml')) {
      throw new UnreadableFileError(`Đây là bảng tính OpenDocument (.ods); hệ thống đọc .xlsx và CSV. ${SAVE_AS_HINT}`);
    }
    throw new UnreadableFileError(NOT_XLSX);
  }
  const workbook = new (await loadExcelJs()).Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new UnreadableFileError(BROKEN_XLSX);
  }
  return workbook.worksheets
    .filter((sheet) => sheet.state !== 'veryHidden')
    .map((sheet) => ({ name: sheet.name, rows: () => worksheetRows(sheet) }));
}

// ------------------------------------------------------------------------------------------------ CSV

/** The text of a CSV file: UTF-8 with or without BOM (UTF-16 with BOM too, as Excel's "Unicode Text"). */
export function decodeText(data: Buffer): string {
  let text: string;
  try {
    if (startsWith(data, [0xff, 0xfe])) text = new TextDecoder('utf-16le', { fatal: true }).decode(data.subarray(2));
    else if (startsWith(data, [0xfe, 0xff])) text = new TextDecoder('utf-16be', { fatal: true }).decode(data.subarray(2));
    else text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    throw new UnreadableFileError(
      'Không đọc được tệp: đây không phải tệp Excel (.xlsx), cũng không phải tệp CSV mã UTF-8 (có thể là tệp hỏng hoặc CSV lưu bằng bảng mã cũ). ' +
        'Trong Excel, chọn Tệp → Lưu thành → CSV UTF-8 (*.csv) hoặc Sổ làm việc Excel (*.xlsx), rồi tải lên lại.',
    );
  }
  if (text.includes('\u0000')) {
    throw new UnreadableFileError(`Không đọc được tệp: nội dung không phải bảng tính Excel (.xlsx) hay văn bản CSV. ${SAVE_AS_HINT}`);
  }
  return text;
}

const SEPARATORS = [',', ';', '\t'] as const;

/** The separator under which one of the first lines reads most like the header; ',' when none does. */
function guessSeparator(lines: string[], headerScore: (cells: string[]) => number): string {
  let best: { separator: string; score: number } = { separator: ',', score: 0 };
  for (const separator of SEPARATORS) {
    for (const line of lines) {
      const cells = line.split(separator).map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
      const score = headerScore(cells);
      if (score > best.score) best = { separator, score };
    }
  }
  return best.separator;
}

function readCsv(text: string, headerScore: (cells: string[]) => number): Table {
  const lines = text.split(/\r\n|\n|\r/, 11);
  // Excel writes and honours a first line "sep=;"; it shows the file without it.
  const declared = /^sep=(.)$/i.exec(lines[0] ?? '');
  const body = declared ? text.slice((lines[0] ?? '').length).replace(/^(\r\n|\n|\r)/, '') : text;
  const separator = declared?.[1] ?? guessSeparator(lines.slice(0, 10), headerScore);
  let records: string[][];
  try {
    records = parseCsv(body, { delimiter: separator, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (error) {
    const line = error instanceof CsvError && typeof error.lines === 'number' ? ` (khoảng dòng ${error.lines})` : '';
    const what = error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'có dấu ngoặc kép (") mở mà không đóng' : 'sai cấu trúc';
    throw new UnreadableFileError(`Tệp CSV ${what}${line}. Hãy mở tệp bằng Excel, kiểm tra rồi lưu lại dạng CSV UTF-8 (*.csv).`);
  }
  return {
    name: '',
    *rows() {
      for (let i = 0; i < records.length; i++) yield { number: i + 1, cells: records[i]! };
    },
  };
}
