// The decree's ways of writing numbers, dates and times in documents, and ASCII file names for them.
// Dates and times are always Vietnam's (Asia/Ho_Chi_Minh, UTC+7 without daylight saving), whatever the server's zone.

/** Vietnam's offset from UTC: constant since 1975. */
const VN_OFFSET_MS = 7 * 3600_000;

const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];

/** Text as drawn: Unicode NFC (composed), so a font's precomposed Vietnamese glyphs are used and copied text matches. */
export function nfc(text: string): string {
  return text.normalize('NFC');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A calendar date in Vietnam. */
export interface VnDate {
  year: number;
  month: number;
  day: number;
}

/**
 * A date as the documents take it: "2022-05-06" (a calendar date, taken as is) or an instant
 * ("2022-05-05T17:30:00Z", a Date): the Vietnamese calendar date of that instant.
 */
export function toVnDate(value: string | Date): VnDate {
  if (typeof value === 'string') {
    const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (plain) {
      const [year, month, day] = [Number(plain[1]), Number(plain[2]), Number(plain[3])];
      const check = new Date(Date.UTC(year, month - 1, day));
      if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
        throw new RangeError(`not a calendar date: ${value}`);
      }
      return { year, month, day };
    }
  }
  const local = new Date(toInstant(value).getTime() + VN_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

function toInstant(value: string | Date): Date {
  const instant = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not a date or time: ${String(value)}`);
  return instant;
}

/** Day of the week (0 = Sunday) of a Vietnamese calendar date. */
function weekdayOf(date: VnDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** The document's running number: below 10 with a leading zero ("05"), otherwise as is ("12", "1183"). */
export function formatDocumentNumber(number: number): string {
  if (!Number.isInteger(number) || number < 1) throw new RangeError(`a document number is a positive integer, not ${number}`);
  return number < 10 ? pad2(number) : String(number);
}

/** "GM-UBND" for a named type (giấy mời), "UBND-VP" for a công văn (agency, then the drafting unit if any). */
export function documentSymbol(kind: 'giay-moi' | 'cong-van', agencySymbol: string, draftingUnit?: string): string {
  const agency = nfc(agencySymbol).trim();
  if (kind === 'giay-moi') return `GM-${agency}`;
  const unit = draftingUnit ? nfc(draftingUnit).trim() : '';
  return unit ? `${agency}-${unit}` : agency;
}

/** Width of the blank left for the number on a draft ("Số:      /GM-UBND"). */
export const BLANK_NUMBER = '\u00a0'.repeat(8);

/** "12/GM-UBND", "05/GM-UBND"; a draft (no number yet) leaves the number blank: "      /GM-UBND". */
export function formatNumberSymbol(number: number | null | undefined, symbol: string): string {
  return `${number == null ? BLANK_NUMBER : formatDocumentNumber(number)}/${nfc(symbol)}`;
}

/** The Số line: "Số: 12/GM-UBND". */
export function formatNumberLine(number: number | null | undefined, symbol: string): string {
  return `Số: ${formatNumberSymbol(number, symbol)}`;
}

/** The day of a date as the decree writes it: below 10 with a zero ("06"). */
export function formatDay(day: number): string {
  return pad2(day);
}

/** The month as the decree writes it: months 1 and 2 with a zero ("01", "02"), 3–12 without ("3", "12"). */
export function formatMonth(month: number): string {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`not a month: ${month}`);
  return month <= 2 ? pad2(month) : String(month);
}

/** "ngày 06 tháng 5 năm 2022", "ngày 15 tháng 01 năm 2023". */
export function formatDocumentDate(value: string | Date): string {
  const date = toVnDate(value);
  return `ngày ${formatDay(date.day)} tháng ${formatMonth(date.month)} năm ${date.year}`;
}

/** The place and date line: "Gò Dầu, ngày 06 tháng 5 năm 2022". */
export function formatPlaceDate(placeName: string, value: string | Date): string {
  return `${nfc(placeName).trim()}, ${formatDocumentDate(value)}`;
}

/** A short date for references in running text: "08/4/2022" (day with a zero below 10, month as the decree writes it). */
export function formatShortDate(value: string | Date): string {
  const date = toVnDate(value);
  return `${formatDay(date.day)}/${formatMonth(date.month)}/${date.year}`;
}

/** The weekday in running text: "thứ Năm", "Chủ nhật". */
export function formatWeekday(value: string | Date): string {
  return WEEKDAYS[weekdayOf(toVnDate(value))]!;
}

/** A time of day in Vietnam: "07 giờ 30 phút", "14 giờ 00 phút". Takes an instant, or "HH:MM" as local time. */
export function formatTime(value: string | Date): string {
  if (typeof value === 'string') {
    const plain = /^(\d{1,2}):(\d{2})$/.exec(value);
    if (plain) {
      const [hour, minute] = [Number(plain[1]), Number(plain[2])];
      if (hour > 23 || minute > 59) throw new RangeError(`not a time of day: ${value}`);
      return `${pad2(hour)} giờ ${pad2(minute)} phút`;
    }
  }
  const local = new Date(toInstant(value).getTime() + VN_OFFSET_MS);
  return `${pad2(local.getUTCHours())} giờ ${pad2(local.getUTCMinutes())} phút`;
}

/** A clock time in Vietnam for tables: "07:30". Takes an instant. */
export function formatClockTime(value: string | Date): string {
  const local = new Date(toInstant(value).getTime() + VN_OFFSET_MS);
  return `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`;
}

/** A date in Vietnam with both parts padded, as spreadsheets show it: "12/05/2022". */
export function formatNumericDate(value: string | Date): string {
  const date = toVnDate(value);
  return `${pad2(date.day)}/${pad2(date.month)}/${date.year}`;
}

/** When a session happens, for the Thời gian line. */
export interface SessionTime {
  /** Start instant (ISO 8601 with zone, or a Date). */
  start: string | Date;
  /** End instant, if known. */
  end?: string | Date;
  /** How long, in words: "01 buổi", "02 ngày". */
  length?: string;
  /** Ask attendees to arrive this many minutes early (the decree's templates use 15); 0 leaves it out. */
  arriveEarlyMinutes?: number;
}

/**
 * The Thời gian text (without the label):
 * "01 buổi, từ 07 giờ 30 phút đến 11 giờ 00 phút, thứ Năm, ngày 12 tháng 5 năm 2022 (đề nghị có mặt trước 15 phút)".
 * A session over several days names both days.
 */
export function formatSessionTime(time: SessionTime): string {
  const parts: string[] = [];
  if (time.length?.trim()) parts.push(nfc(time.length.trim()));
  const startDay = toVnDate(time.start);
  const endDay = time.end === undefined ? undefined : toVnDate(time.end);
  const sameDay = endDay && endDay.year === startDay.year && endDay.month === startDay.month && endDay.day === startDay.day;
  const day = (value: string | Date) => `${formatWeekday(value)}, ${formatDocumentDate(value)}`;
  if (time.end === undefined) {
    parts.push(`bắt đầu lúc ${formatTime(time.start)}, ${day(time.start)}`);
  } else if (sameDay) {
    parts.push(`từ ${formatTime(time.start)} đến ${formatTime(time.end)}, ${day(time.start)}`);
  } else {
    parts.push(`từ ${formatTime(time.start)}, ${day(time.start)} đến ${formatTime(time.end)}, ${day(time.end)}`);
  }
  const early = time.arriveEarlyMinutes ?? 15;
  const text = parts.join(', ');
  return early > 0 ? `${text} (đề nghị đại biểu có mặt trước ${pad2(early)} phút để điểm danh)` : text;
}

/** A typed code grouped for reading aloud and typing: "K7PM4Q9X" → "K7P-M4Q-9X". */
export function formatTypedCode(code: string, groupSize = 3): string {
  const plain = code.replace(/[\s-]+/g, '').toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < plain.length; i += groupSize) groups.push(plain.slice(i, i + groupSize));
  return groups.join('-');
}

/** ASCII for file names: diacritics removed, đ → d, anything else but letters, digits and hyphens → hyphen. */
export function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

/** What a file name needs. */
export interface FileNameParts {
  /** Issue date: "2022-05-06" or an instant. */
  date: string | Date;
  number?: number | null;
  /** "GM-UBND", "UBND-VP", "QĐ-UBND". */
  symbol: string;
  /** What the file is: "giay-moi", "cong-van", "diem-danh", "giay-moi-ca-nhan". */
  kind: string;
}

/**
 * "2022-05-06_12-GM-UBND_giay-moi.pdf": date, number and symbol, kind; ASCII only, so it opens cleanly
 * everywhere. A draft without a number is "2022-05-06_GM-UBND_giay-moi_du-thao.pdf".
 */
export function documentFileName(parts: FileNameParts, extension = 'pdf'): string {
  const date = toVnDate(parts.date);
  const isoDate = `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
  const symbol = asciiSlug(parts.symbol);
  const numbered = parts.number == null ? symbol : `${formatDocumentNumber(parts.number)}-${symbol}`;
  const kind = asciiSlug(parts.kind).toLowerCase();
  const draft = parts.number == null ? '_du-thao' : '';
  return `${isoDate}_${numbered}_${kind}${draft}.${asciiSlug(extension).toLowerCase()}`;
}

/** "1,5 MB", "820 KB", "3 byte" (binary units, one decimal, Vietnamese comma). */
export function formatBytes(bytes: number): string {
  const units = ['KB', 'MB', 'GB', 'TB'];
  if (bytes < 1024) return `${bytes} byte`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${String(rounded).replace('.', ',')} ${units[unit]}`;
}
