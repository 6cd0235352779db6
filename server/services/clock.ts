// Time as stored (UTC ISO-8601) and as shown (always Asia/Ho_Chi_Minh, whatever the server's zone).
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

let lastMs = NaN;
let lastIso = '';

/** The current instant as stored in the database (formatted once per millisecond: a rush asks many times in one). */
export function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

const dateTimeFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** "24/11/2026 07:30" in Vietnam's time zone, for tables and logs shown to users. */
export function formatDateTime(iso: string): string {
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

// Vietnam has kept UTC+7 without daylight saving since 1975, so the offset is a constant.
const VN_OFFSET_MS = 7 * 3600_000;

/** "2022-05-12" + "07:30" (Vietnam) → the UTC instant as stored; undefined for an impossible date or time. */
export function vnLocalToIso(date: string, time: string): string | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return undefined;
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [number, number, number, number, number];
  if (hour > 23 || minute > 59 || year < 2000 || year > 2100) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute) - VN_OFFSET_MS;
  const check = new Date(utc + VN_OFFSET_MS);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return new Date(utc).toISOString();
}

/** A stored instant as Vietnam's date and time parts ("2022-05-12", "07:30") and weekday (0 = Sunday). */
export function isoToVnParts(iso: string): { date: string; time: string; weekday: number } {
  const local = new Date(new Date(iso).getTime() + VN_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
    time: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`,
    weekday: local.getUTCDay(),
  };
}

const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];

/** "thứ Năm, 12/5/2022" style date for screens (documents use the decree's own formatter). */
export function formatVnDate(isoOrDate: string): string {
  const { date, weekday } = isoOrDate.length === 10 ? { date: isoOrDate, weekday: new Date(`${isoOrDate}T00:00:00Z`).getUTCDay() } : isoToVnParts(isoOrDate);
  const [y, m, d] = date.split('-');
  return `${WEEKDAYS[weekday]}, ${d}/${m}/${y}`;
}

/** "07:30 – 11:00, thứ Năm, 12/05/2022" for a session. */
export function formatVnRange(startIso: string, endIso: string): string {
  const start = isoToVnParts(startIso);
  const end = isoToVnParts(endIso);
  const day = formatVnDate(startIso);
  return start.date === end.date ? `${start.time} – ${end.time}, ${day}` : `${start.time}, ${day} – ${end.time}, ${formatVnDate(endIso)}`;
}
