// The sign-in sheet of a session as data: invitees (and walk-ins) grouped by unit kind, with what was recorded.
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { SignInGroup, SignInSheet } from '../documents/nd30/index.ts';
import { formatDocumentDate, formatNumberSymbol } from '../documents/nd30/index.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { getAgencyProfile } from './agency.ts';
import { issuerName } from './letters.ts';
import { groupByUnitKind } from './units.ts';
import { listActiveInvitees } from '../db/queries/invitations.ts';

/** Builds the sheet: `filled` adds check-in times and statuses; the blank one is for signing at the door. */
export async function buildSignInSheet(db: Kysely<DB>, sessionId: number, filled: boolean): Promise<SignInSheet> {
  const session = await db
    .selectFrom('sessions')
    .innerJoin('rounds', 'rounds.id', 'sessions.round_id')
    .where('sessions.id', '=', sessionId)
    .select(['sessions.id', 'sessions.starts_at', 'sessions.ends_at', 'sessions.venue', 'rounds.title', 'rounds.number'])
    .executeTakeFirst();
  if (!session) throw new NotFoundError('Không tìm thấy buổi tập huấn.');
  const agency = await getAgencyProfile(db);
  if (!agency) throw new ConflictError('Chưa khai báo thông tin cơ quan.');
  const letter = await db
    .selectFrom('letters')
    .select(['kind', 'number', 'symbol', 'issued_on'])
    .where('session_id', '=', sessionId)
    .where('status', '=', 'issued')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const invited = await listActiveInvitees(db, sessionId);
  const attendance = await db
    .selectFrom('attendances')
    .innerJoin('people', 'people.id', 'attendances.person_id')
    .innerJoin('units', 'units.id', 'people.unit_id')
    .where('attendances.session_id', '=', sessionId)
    .select(['attendances.person_id', 'attendances.status', 'attendances.checked_in_at', 'attendances.reason', 'attendances.substitute_for', 'attendances.needs_review', 'people.full_name', 'people.position', 'units.name as unit', 'units.kind', 'units.sort_order'])
    .execute();
  const recorded = new Map(attendance.map((a) => [a.person_id, a]));
  // Walk-ins and substitutes were not invited: they appear on the filled sheet only.
  const extra = filled
    ? attendance
        .filter((a) => !invited.some((i) => i.person_id === a.person_id))
        .map((a) => ({ person_id: a.person_id, full_name: a.full_name, position: a.position, unit_name: a.unit, unit_kind: a.kind, unit_sort_order: a.sort_order }))
    : [];
  const people = [...invited, ...extra].sort(
    (a, b) => a.unit_sort_order - b.unit_sort_order || a.unit_name.localeCompare(b.unit_name, 'vi') || a.full_name.localeCompare(b.full_name, 'vi'),
  );
  const groups: SignInGroup[] = groupByUnitKind(people, (p) => p.unit_kind, (p) => {
    const a = filled ? recorded.get(p.person_id) : undefined;
    return {
      name: p.full_name,
      position: p.position,
      unit: p.unit_name,
      checkedInAt: a?.checked_in_at ?? null,
      status: filled ? (a?.status ?? null) : null,
      note: a ? (a.status === 'excused' ? a.reason : a.substitute_for) : undefined,
      needsReview: a?.needs_review === 1,
    };
  });
  const kindLabel = letter?.kind === 'cong-van' ? 'Công văn' : 'Giấy mời';
  return {
    agency,
    event: `${session.title} (Đợt ${session.number})`,
    reference: letter && letter.number && letter.issued_on
      ? `Kèm theo ${kindLabel} số ${formatNumberSymbol(letter.number, letter.symbol)} ${formatDocumentDate(letter.issued_on)} của ${issuerName(agency)}`
      : undefined,
    time: { start: session.starts_at, end: session.ends_at },
    venue: session.venue,
    filled,
    groups,
  };
}
