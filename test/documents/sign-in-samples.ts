// Sample sign-in sheets for the document tests: the 2022 Gò Dầu round's list, blank and filled with every status.
import type { AttendanceStatus, SignInRow, SignInSheet } from '../../server/documents/nd30/index.ts';
import { agency, inviteeGroups } from './samples.ts';

/** 07:30 on Thursday 12 May 2022 in Vietnam. */
const START = Date.parse('2022-05-12T00:30:00Z');

/** The instant `minutes` after 07:00 (Vietnam) on the session's day. */
export function minutesAfterSeven(minutes: number): string {
  return new Date(START - 30 * 60_000 + minutes * 60_000).toISOString();
}

/** What the filled sample records for the i-th person (0-based): a repeating mix of every status. */
function record(i: number): Partial<SignInRow> {
  switch (i % 10) {
    case 3:
      return { status: 'late', checkedInAt: minutesAfterSeven(48 + (i % 7)) };
    case 5:
      return { status: 'excused', checkedInAt: null, note: i % 20 === 5 ? 'Đi công tác theo Quyết định số 45/QĐ-UBND' : 'Ốm' };
    case 7:
      return { status: 'absent', checkedInAt: null };
    case 8:
      return { status: 'substitute', checkedInAt: minutesAfterSeven(20), note: 'Phạm Thị Uyên' };
    case 9:
      // Registered at the door, waiting for the organizers to confirm.
      return { status: 'present', checkedInAt: minutesAfterSeven(25), needsReview: true };
    default:
      return { status: 'present', checkedInAt: minutesAfterSeven(5 + (i % 20)) };
  }
}

/** A sheet of `count` people in two groups (offices, then communes); filled with the statuses above when asked. */
export function signInSheet(options: { filled: boolean; count?: number }): SignInSheet {
  const count = options.count ?? 60;
  let i = 0;
  const groups = inviteeGroups(3).map((group) => ({
    heading: group.heading,
    rows: group.invitees.map((person) => ({ name: person.name, position: person.position, unit: person.unit })),
  }));
  // Trim to `count` people, the first group first.
  const first = groups[0]!.rows.slice(0, count);
  const second = groups[1]!.rows.slice(0, Math.max(0, count - first.length));
  const fill = (row: SignInRow): SignInRow => (options.filled ? { ...row, ...record(i++) } : row);
  return {
    agency: { ...agency, parentName: 'UBND TỈNH TÂY NINH' },
    event: 'Lớp tập huấn nghiệp vụ cải cách hành chính năm 2022 (Đợt 1)',
    reference: 'Kèm theo Giấy mời số 01/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu',
    time: { start: '2022-05-12T00:30:00Z', end: '2022-05-12T04:00:00Z' },
    venue: 'Hội trường Ủy ban nhân dân huyện Gò Dầu',
    filled: options.filled,
    groups: [
      { heading: groups[0]!.heading, rows: first.map(fill) },
      { heading: groups[1]!.heading, rows: second.map(fill) },
    ],
    preparedBy: 'Trần Thị Hạnh',
    organizerName: 'Nguyễn Văn Minh',
  };
}

/** Every row of a sheet with its status as the sample recorded it. */
export function sampleRows(sheet: SignInSheet): SignInRow[] {
  return sheet.groups.flatMap((group) => group.rows);
}

export const ALL_STATUSES: AttendanceStatus[] = ['present', 'late', 'excused', 'absent', 'substitute'];
