// Time as stored (UTC ISO-8601) and as shown (always Asia/Ho_Chi_Minh, whatever the server's zone).
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The current instant as stored in the database. */
export function nowIso(): string {
  return new Date().toISOString();
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
