// Importing people from the lists organizers keep in Excel or CSV: every row read and checked into a preview,
// nothing written to units or people until the organizer confirms, then everything in one transaction.
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { deleteExpiredPeopleImports, deletePeopleImport, findPeopleImport, insertPeopleImport } from '../db/queries/people-imports.ts';
import { findPeopleByNameAndUnit, findPeopleByPhoneDigits, type PersonWithUnit } from '../db/queries/people.ts';
import { listUnits, type UnitRow } from '../db/queries/units.ts';
import type { DB, UnitKind } from '../db/types.ts';
import { ForbiddenError, HttpError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { formatDateTime, nowIso } from './clock.ts';
import { checkPersonFields, insertCheckedPerson } from './people.ts';
import { UnreadableFileError, readTables, type Table } from './spreadsheet-read.ts';
import { cleanText, phoneDigits, searchKey } from './text.ts';
import { UNIT_KIND_LABELS, insertCheckedUnit } from './units.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export const IMPORT_MAX_FILE_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 10_000;
export const IMPORT_PREVIEW_TTL_MS = 3600_000;
// exceljs holds a whole workbook in memory at about 15 times its unpacked size; a 10,000-row list unpacks to a few MB.
const MAX_UNPACKED_BYTES = 20 * 1024 * 1024;
const HEADER_SCAN_ROWS = 10;
const PROBLEM_ROWS_SHOWN = 1000;
const READY_ROWS_SHOWN = 500;
const QUERY_CHUNK = 400;

// ------------------------------------------------------------------------------------ reading the file

type Field = 'fullName' | 'position' | 'unitName' | 'phone' | 'email';

const FIELD_LABELS: Record<Field, string> = {
  fullName: 'Họ và tên',
  position: 'Chức vụ',
  unitName: 'Đơn vị',
  phone: 'Số điện thoại',
  email: 'Email',
};
const REQUIRED_FIELDS: readonly Field[] = ['fullName', 'unitName'];

/** Header texts as search keys (no case, accents or punctuation); text in parentheses is ignored. */
const HEADER_NAMES: Record<Field, string[]> = {
  fullName: ['ho va ten', 'ho ten', 'ho va ten dai bieu', 'ho ten dai bieu', 'ten dai bieu', 'ho va ten hoc vien', 'ho ten hoc vien'],
  position: ['chuc vu', 'chuc danh', 'chuc vu chuc danh'],
  unitName: ['don vi', 'co quan', 'don vi cong tac', 'co quan don vi', 'co quan cong tac', 'noi cong tac', 'ten don vi'],
  phone: ['so dien thoai', 'dien thoai', 'sdt', 'so dt', 'dt', 'dien thoai di dong', 'di dong', 'so di dong', 'dtdd'],
  email: ['email', 'e mail', 'thu dien tu', 'dia chi email', 'dia chi thu dien tu', 'dia chi e mail'],
};
const HEADER_LOOKUP = new Map<string, Field>(
  (Object.entries(HEADER_NAMES) as [Field, string[]][]).flatMap(([field, names]) => names.map((name) => [name, field] as const)),
);

/** Which column (0-based) holds each known field; the first matching column wins. */
function headerColumns(cells: string[]): Map<Field, number> {
  const columns = new Map<Field, number>();
  cells.forEach((cell, index) => {
    const field = HEADER_LOOKUP.get(searchKey(cell.replace(/\([^)]*\)/g, ' ')));
    if (field && !columns.has(field)) columns.set(field, index);
  });
  return columns;
}

function headerScore(cells: string[]): number {
  const columns = headerColumns(cells);
  return columns.size + (REQUIRED_FIELDS.every((field) => columns.has(field)) ? 10 : 0);
}

/** A cell as stored: invisible characters dropped, NFC, spaces folded, trimmed. */
function cleanCell(value: string): string {
  return cleanText(value.replace(/[\u200B-\u200D\u2060]/g, '').replace(/\p{Cc}/gu, ' '));
}

/**
 * A phone number that was a number in Excel lost its leading 0: 9 digits (mobile, 912345678) or
 * 10 digits starting with 2 (landline, 2763853000) get it back.
 */
export function restorePhoneZero(phone: string): string {
  if (!/^\d+$/.test(phone)) return phone;
  if (phone.length === 9 && phone[0] !== '0') return `0${phone}`;
  if (phone.length === 10 && phone[0] === '2') return `0${phone}`;
  return phone;
}

/** One data row of an uploaded list, cells cleaned, before any check. */
export interface RawPersonRow {
  row: number;
  fullName: string;
  position: string;
  unitName: string;
  phone: string;
  email: string;
}

export interface ParsedPeopleFile {
  format: 'xlsx' | 'csv';
  /** The worksheet read ('' for CSV). */
  sheetName: string;
  headerRow: number;
  rows: RawPersonRow[];
}

const quoted = (fields: readonly Field[]) => fields.map((field) => `“${FIELD_LABELS[field]}”`).join(', ');

const HEADER_HELP =
  'Dòng tiêu đề cần có cột “Họ và tên” và “Đơn vị” (có thể thêm “Chức vụ”, “Số điện thoại”, “Email”). Bạn có thể tải tệp mẫu và làm theo.';

/** Reads an uploaded .xlsx or CSV into rows with their row numbers; throws UnreadableFileError with the reason. */
export async function parsePeopleFile(data: Buffer): Promise<ParsedPeopleFile> {
  if (data.length > IMPORT_MAX_FILE_BYTES) {
    throw new UnreadableFileError('Tệp lớn hơn 5 MB. Hãy bỏ các cột, trang tính hoặc hình ảnh không cần thiết, hoặc chia thành nhiều tệp.', 413);
  }
  const { format, tables } = await readTables(data, { headerScore, maxUnpackedBytes: MAX_UNPACKED_BYTES });

  let header: { table: Table; row: number; columns: Map<Field, number> } | undefined;
  let partial: { table: Table; row: number; columns: Map<Field, number> } | undefined;
  let anyContent = false;
  search: for (const table of tables) {
    let scanned = 0;
    for (const row of table.rows()) {
      if (row.cells.every((cell) => cleanCell(cell) === '')) continue;
      anyContent = true;
      if (++scanned > HEADER_SCAN_ROWS) break;
      const columns = headerColumns(row.cells);
      if (REQUIRED_FIELDS.every((field) => columns.has(field))) {
        header = { table, row: row.number, columns };
        break search;
      }
      if (columns.size > (partial?.columns.size ?? 0)) partial = { table, row: row.number, columns };
    }
  }
  if (!anyContent) throw new UnreadableFileError('Tệp không có dữ liệu: không có ô nào có nội dung.');
  if (!header) {
    if (partial) {
      const missing = REQUIRED_FIELDS.filter((field) => !partial.columns.has(field));
      const where = partial.table.name ? ` trang “${partial.table.name}”` : '';
      throw new UnreadableFileError(
        `Thiếu cột bắt buộc ${quoted(missing)}. Dòng tiêu đề (dòng ${partial.row}${where}) chỉ có ${quoted([...partial.columns.keys()])}. ${HEADER_HELP}`,
      );
    }
    throw new UnreadableFileError(`Không tìm thấy dòng tiêu đề trong ${HEADER_SCAN_ROWS} dòng đầu của tệp. ${HEADER_HELP}`);
  }

  const { table, columns } = header;
  const cellOf = (cells: string[], field: Field) => {
    const index = columns.get(field);
    return index === undefined ? '' : cleanCell(cells[index] ?? '');
  };
  const rows: RawPersonRow[] = [];
  for (const row of table.rows()) {
    if (row.number <= header.row) continue;
    const person: RawPersonRow = {
      row: row.number,
      fullName: cellOf(row.cells, 'fullName'),
      position: cellOf(row.cells, 'position'),
      unitName: cellOf(row.cells, 'unitName'),
      phone: restorePhoneZero(cellOf(row.cells, 'phone')),
      email: cellOf(row.cells, 'email'),
    };
    // Rows with none of our columns filled (blank, or only a running number) are not people.
    if (!person.fullName && !person.position && !person.unitName && !person.phone && !person.email) continue;
    if (rows.length === IMPORT_MAX_ROWS) {
      throw new UnreadableFileError(
        `Tệp có hơn ${IMPORT_MAX_ROWS.toLocaleString('vi-VN')} dòng đại biểu. Hãy chia thành nhiều tệp, mỗi tệp tối đa ${IMPORT_MAX_ROWS.toLocaleString('vi-VN')} dòng.`,
      );
    }
    rows.push(person);
  }
  if (rows.length === 0) throw new UnreadableFileError('Tệp chỉ có dòng tiêu đề, chưa có dòng đại biểu nào.');
  return { format, sheetName: table.name, headerRow: header.row, rows };
}

// ------------------------------------------------------------------------------------ checking rows

export type ImportRowStatus = 'ok' | 'error' | 'duplicate';

/** One row as the preview shows it and the confirmation imports it. */
export interface ImportRow extends RawPersonRow {
  /** An existing unit; null when the unit is to be created (see unitKey). */
  unitId: number | null;
  unitKey: string;
  status: ImportRowStatus;
  messages: string[];
}

export interface NewUnit {
  key: string;
  /** As first written in the file. */
  name: string;
  kind: UnitKind;
  people: number;
}

interface ImportPayload {
  format: 'xlsx' | 'csv';
  sheetName: string;
  rows: ImportRow[];
  newUnits: NewUnit[];
}

/** A unit's matching key: its search key without the "UBND" / "Ủy ban nhân dân" that lists add or leave out. */
function unitKey(name: string): string {
  return searchKey(name).replace(/^(ubnd|uy ban nhan dan) /, '');
}

/** The kind a new unit probably is, from how its name begins. */
export function guessUnitKind(name: string): UnitKind {
  const key = searchKey(name);
  if (/^((ubnd|uy ban nhan dan) )?(xa|phuong|thi tran) /.test(key)) return 'commune';
  if (/^(phong|van phong|thanh tra|ban)( |$)/.test(key)) return 'office';
  return 'other';
}

/** Finds existing units by name as people write them: exact search key first, then without "UBND", then short name. */
class UnitIndex {
  readonly byId = new Map<number, UnitRow>();
  private readonly exact = new Map<string, UnitRow>();
  private readonly loose = new Map<string, UnitRow | null>();

  constructor(units: UnitRow[]) {
    for (const unit of units) {
      this.byId.set(unit.id, unit);
      this.exact.set(unit.name_search, unit);
    }
    for (const unit of units) {
      for (const key of [unitKey(unit.name), unit.short_name ? searchKey(unit.short_name) : '']) {
        if (!key) continue;
        const known = this.loose.get(key);
        // Two units answering to one key: ambiguous, so neither is guessed.
        this.loose.set(key, known === undefined || known?.id === unit.id ? unit : null);
      }
    }
  }

  find(name: string): UnitRow | undefined {
    return this.exact.get(searchKey(name)) ?? this.loose.get(unitKey(name)) ?? undefined;
  }
}

function chunks<T>(items: T[], size = QUERY_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Candidate {
  fullName: string;
  unitId: number | null;
  phone: string;
}

/** People already in the database with the same name in the same unit, or the same phone digits. */
async function findExisting(db: Executor, candidates: Candidate[]) {
  const names = [...new Set(candidates.filter((c) => c.unitId !== null).map((c) => searchKey(c.fullName)))];
  const unitIds = [...new Set(candidates.flatMap((c) => (c.unitId === null ? [] : [c.unitId])))];
  const phones = [...new Set(candidates.map((c) => phoneDigits(c.phone)).filter(Boolean))];
  const byNameUnit = new Map<string, PersonWithUnit>();
  const byPhone = new Map<string, PersonWithUnit>();
  for (const nameChunk of chunks(names)) {
    for (const unitChunk of chunks(unitIds)) {
      for (const person of await findPeopleByNameAndUnit(db, nameChunk, unitChunk)) {
        byNameUnit.set(`${person.full_name_search}|${person.unit_id}`, person);
      }
    }
  }
  for (const phoneChunk of chunks(phones)) {
    for (const person of await findPeopleByPhoneDigits(db, phoneChunk)) byPhone.set(person.phone_digits, person);
  }
  return {
    /** Why a candidate duplicates someone already on the list; empty when it does not. */
    reasons(candidate: Candidate): string[] {
      const reasons: string[] = [];
      const same = candidate.unitId === null ? undefined : byNameUnit.get(`${searchKey(candidate.fullName)}|${candidate.unitId}`);
      if (same) reasons.push(`Đã có trong danh sách: ${same.full_name} (${same.unit_name}).`);
      const digits = phoneDigits(candidate.phone);
      const samePhone = digits ? byPhone.get(digits) : undefined;
      if (samePhone && samePhone.id !== same?.id) {
        reasons.push(`Số điện thoại đã có trong danh sách: ${samePhone.full_name} (${samePhone.unit_name}).`);
      } else if (samePhone) {
        reasons.push('Trùng cả số điện thoại.');
      }
      return reasons;
    },
  };
}

/** Checks every row: fields, unit, duplicates inside the file and against the database. Writes nothing. */
export async function checkPeopleRows(db: Executor, raw: RawPersonRow[]): Promise<{ rows: ImportRow[]; newUnits: NewUnit[] }> {
  const units = new UnitIndex(await listUnits(db));
  const rows: ImportRow[] = raw.map((r) => {
    const { person, errors } = checkPersonFields({ fullName: r.fullName, position: r.position, phone: r.phone, email: r.email, notes: '' });
    const messages = [errors.fullName, errors.position, errors.phone, errors.email].filter((m): m is string => Boolean(m));
    let unitId: number | null = null;
    if (!r.unitName) messages.push('Thiếu đơn vị.');
    else if (r.unitName.length > 200) messages.push('Tên đơn vị quá dài (tối đa 200 ký tự).');
    else unitId = units.find(r.unitName)?.id ?? null;
    return {
      row: r.row,
      fullName: person.fullName,
      position: person.position,
      unitName: unitId === null ? r.unitName : units.byId.get(unitId)!.name,
      phone: person.phone,
      email: person.email,
      unitId,
      unitKey: unitKey(r.unitName),
      status: messages.length > 0 ? 'error' : 'ok',
      messages,
    };
  });

  // Inside the file: the first row of a person is kept, later ones are flagged.
  const seenNames = new Map<string, number>();
  const seenPhones = new Map<string, number>();
  for (const row of rows) {
    if (row.status !== 'ok') continue;
    const nameKey = `${searchKey(row.fullName)}|${row.unitId ?? `new:${row.unitKey}`}`;
    const digits = phoneDigits(row.phone);
    const sameName = seenNames.get(nameKey);
    const samePhone = digits ? seenPhones.get(digits) : undefined;
    if (sameName !== undefined) row.messages.push(`Trùng họ tên và đơn vị với dòng ${sameName}.`);
    if (samePhone !== undefined) row.messages.push(`Trùng số điện thoại với dòng ${samePhone}.`);
    if (row.messages.length > 0) {
      row.status = 'duplicate';
      continue;
    }
    seenNames.set(nameKey, row.row);
    if (digits) seenPhones.set(digits, row.row);
  }

  const existing = await findExisting(db, rows.filter((row) => row.status === 'ok'));
  for (const row of rows) {
    if (row.status !== 'ok') continue;
    const reasons = existing.reasons(row);
    if (reasons.length > 0) {
      row.status = 'duplicate';
      row.messages.push(...reasons);
    }
  }

  const newUnits = new Map<string, NewUnit>();
  for (const row of rows) {
    if (row.status !== 'ok' || row.unitId !== null) continue;
    const unit = newUnits.get(row.unitKey);
    if (unit) {
      unit.people += 1;
      // Spelled as the unit will be created ("ubnd xa phuoc dong" joins "UBND xã Phước Đông").
      row.unitName = unit.name;
    } else {
      newUnits.set(row.unitKey, { key: row.unitKey, name: row.unitName, kind: guessUnitKind(row.unitName), people: 1 });
    }
  }
  return { rows, newUnits: [...newUnits.values()] };
}

// ------------------------------------------------------------------------------------ the preview

/** The preview is gone or never was; also used when it expired. */
export class ImportPreviewGoneError extends HttpError {}

const GONE_MESSAGE = 'Không còn bản xem trước này: danh sách đã được nhập, đã hủy, hoặc địa chỉ không đúng. Vui lòng tải tệp lên lại nếu cần.';
const EXPIRED_MESSAGE = 'Bản xem trước đã hết hạn (quá 1 giờ) nên chưa có gì được nhập. Vui lòng tải tệp lên lại.';

/** A file name safe to show and store: no folders, no control characters, at most 200 characters. */
export function displayFilename(name: string): string {
  const base = cleanCell(name.split(/[\\/]/).pop() ?? '').slice(0, 200);
  return base || 'tệp tải lên';
}

/** Reads and checks an uploaded list and keeps it as a preview for its uploader; returns the preview's token. */
export async function createPeopleImport(db: Kysely<DB>, userId: number, filename: string, data: Buffer): Promise<string> {
  const parsed = await parsePeopleFile(data);
  const checked = await checkPeopleRows(db, parsed.rows);
  const payload: ImportPayload = { format: parsed.format, sheetName: parsed.sheetName, ...checked };
  const now = Date.now();
  const token = randomBytes(16).toString('base64url');
  await sweepExpiredPeopleImports(db);
  await insertPeopleImport(db, {
    id: token,
    created_by: userId,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + IMPORT_PREVIEW_TTL_MS).toISOString(),
    filename: displayFilename(filename),
    payload: JSON.stringify(payload),
  });
  return token;
}

/** Deletes previews past their hour: they hold personal data nobody confirmed. */
export async function sweepExpiredPeopleImports(db: Kysely<DB>): Promise<void> {
  await deleteExpiredPeopleImports(db, nowIso());
}

async function requireOwnImport(db: Executor, token: string, userId: number) {
  const row = await findPeopleImport(db, token);
  if (!row) throw new ImportPreviewGoneError(404, GONE_MESSAGE);
  if (row.created_by !== userId) {
    throw new ForbiddenError('Bản xem trước này do người khác tải lên; chỉ người tải lên mới xem, xác nhận hoặc hủy được.');
  }
  if (row.expires_at <= nowIso()) throw new ImportPreviewGoneError(410, EXPIRED_MESSAGE);
  return { row, payload: JSON.parse(row.payload) as ImportPayload };
}

export interface ImportRowView {
  row: number;
  status: ImportRowStatus;
  statusLabel: string;
  fullName: string;
  position: string;
  unitName: string;
  phone: string;
  email: string;
  message: string;
  newUnit: boolean;
}

export interface ImportPreviewView {
  token: string;
  filename: string;
  sheetName: string;
  expiresAt: string;
  counts: { total: number; ok: number; duplicate: number; error: number; newUnitPeople: number };
  newUnits: { name: string; kindLabel: string; people: number }[];
  problems: ImportRowView[];
  problemsHidden: number;
  ready: ImportRowView[];
  readyHidden: number;
}

const STATUS_LABELS: Record<ImportRowStatus, string> = {
  ok: 'Sẽ nhập',
  duplicate: 'Trùng, bỏ qua',
  error: 'Lỗi, không nhập',
};

function toRowView(row: ImportRow): ImportRowView {
  return {
    row: row.row,
    status: row.status,
    statusLabel: STATUS_LABELS[row.status],
    fullName: row.fullName,
    position: row.position,
    unitName: row.unitName,
    phone: row.phone,
    email: row.email,
    message: row.messages.join(' '),
    newUnit: row.status === 'ok' && row.unitId === null,
  };
}

/** The preview as its uploader sees it. */
export async function getPeopleImportPreview(db: Kysely<DB>, userId: number, token: string): Promise<ImportPreviewView> {
  const { row, payload } = await requireOwnImport(db, token, userId);
  const problems = payload.rows.filter((r) => r.status !== 'ok');
  const ready = payload.rows.filter((r) => r.status === 'ok');
  return {
    token,
    filename: row.filename,
    sheetName: payload.sheetName,
    expiresAt: formatDateTime(row.expires_at),
    counts: {
      total: payload.rows.length,
      ok: ready.length,
      duplicate: problems.filter((r) => r.status === 'duplicate').length,
      error: problems.filter((r) => r.status === 'error').length,
      newUnitPeople: ready.filter((r) => r.unitId === null).length,
    },
    newUnits: payload.newUnits.map((u) => ({ name: u.name, kindLabel: UNIT_KIND_LABELS[u.kind], people: u.people })),
    problems: problems.slice(0, PROBLEM_ROWS_SHOWN).map(toRowView),
    problemsHidden: Math.max(0, problems.length - PROBLEM_ROWS_SHOWN),
    ready: ready.slice(0, READY_ROWS_SHOWN).map(toRowView),
    readyHidden: Math.max(0, ready.length - READY_ROWS_SHOWN),
  };
}

// ------------------------------------------------------------------------------------ confirm, cancel

export interface ImportResult {
  imported: number;
  unitsCreated: number;
  /** Flagged in the preview, or found to duplicate someone added since. */
  skippedDuplicates: number;
  skippedErrors: number;
  /** Rows of new units the organizer chose not to create. */
  skippedNoUnit: number;
}

/**
 * Writes a preview in one transaction: the new units (only when `createUnits`), then the people, checked again
 * against the database as it is now. The preview is used up; one audit entry records the counts.
 */
export async function confirmPeopleImport(
  db: Kysely<DB>,
  actor: Actor,
  userId: number,
  token: string,
  options: { createUnits: boolean },
): Promise<ImportResult> {
  return db.transaction().execute(async (trx) => {
    const { row, payload } = await requireOwnImport(trx, token, userId);
    if (!(await deletePeopleImport(trx, token))) throw new ImportPreviewGoneError(404, GONE_MESSAGE);
    const units = new UnitIndex(await listUnits(trx));
    const result: ImportResult = { imported: 0, unitsCreated: 0, skippedDuplicates: 0, skippedErrors: 0, skippedNoUnit: 0 };

    const newUnitIds = new Map<string, number>();
    for (const unit of payload.newUnits) {
      const now = units.find(unit.name);
      if (now) newUnitIds.set(unit.key, now.id);
      else if (options.createUnits) {
        newUnitIds.set(unit.key, await insertCheckedUnit(trx, actor, { kind: unit.kind, name: unit.name, shortName: '', sortOrder: 0 }));
        result.unitsCreated += 1;
      }
    }

    const candidates: (Candidate & { row: ImportRow; unitId: number })[] = [];
    for (const r of payload.rows) {
      if (r.status === 'error') result.skippedErrors += 1;
      if (r.status === 'duplicate') result.skippedDuplicates += 1;
      if (r.status !== 'ok') continue;
      const unitId = (r.unitId !== null && units.byId.has(r.unitId) ? r.unitId : undefined) ?? units.find(r.unitName)?.id ?? newUnitIds.get(r.unitKey);
      if (unitId === undefined) result.skippedNoUnit += 1;
      else candidates.push({ row: r, fullName: r.fullName, phone: r.phone, unitId });
    }

    const existing = await findExisting(trx, candidates);
    for (const candidate of candidates) {
      const { person, errors } = checkPersonFields({ ...candidate.row, notes: '' });
      if (Object.keys(errors).length > 0) {
        result.skippedErrors += 1;
        continue;
      }
      if (existing.reasons(candidate).length > 0) {
        result.skippedDuplicates += 1;
        continue;
      }
      await insertCheckedPerson(trx, actor, { ...person, unitId: candidate.unitId }, false);
      result.imported += 1;
    }

    await recordAudit(trx, actor, {
      action: 'person.import',
      entityType: 'person',
      after: { filename: row.filename, rows: payload.rows.length, ...result },
    });
    return result;
  });
}

/** Drops a preview without writing anything. */
export async function cancelPeopleImport(db: Kysely<DB>, userId: number, token: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await findPeopleImport(trx, token);
    if (!row) throw new ImportPreviewGoneError(404, GONE_MESSAGE);
    if (row.created_by !== userId) throw new ForbiddenError('Bản xem trước này do người khác tải lên; chỉ người tải lên mới hủy được.');
    await deletePeopleImport(trx, token);
  });
}

