// The sign-in sheet of a session as data: invitees (and walk-ins) grouped by unit kind, with what was recorded.
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { SignInGroup, SignInSheet } from '../documents/nd30/index.ts';
import { formatDocumentDate, formatNumberSymbol } from '../documents/nd30/index.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { getAgencyProfile } from './agency.ts';
import { issuerName } from './letters.ts';
import { UNIT_KIND_LABELS } from './units.ts';

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
  const invited = await db
    .selectFrom('invitations')
    .innerJoin('people', 'people.id', 'invitations.person_id')
    .innerJoin('units', 'units.id', 'invitations.unit_id')
    .where('invitations.session_id', '=', sessionId)
    .where('invitations.status', 'in', ['invited', 'confirmed'])
    .select(['people.id as person_id', 'people.full_name', 'people.position', 'units.name as unit', 'units.kind', 'units.sort_order'])
    .execute();
  const attendance = await db
    .selectFrom('attendances')
    .innerJoin('people', 'people.id', 'attendances.person_id')
    .innerJoin('units', 'units.id', 'people.unit_id')
    .where('attendances.session_id', '=', sessionId)
    .select(['attendances.person_id', 'attendances.status', 'attendances.checked_in_at', 'attendances.reason', 'attendances.substitute_for', 'attendances.needs_review', 'people.full_name', 'people.position', 'units.name as unit', 'units.kind', 'units.sort_order'])
    .execute();
  const recorded = new Map(attendance.map((a) => [a.person_id, a]));
  // Walk-ins and substitutes were not invited: they appear on the filled sheet only.
  const people = [...invited, ...(filled ? attendance.filter((a) => !invited.some((i) => i.person_id === a.person_id)) : [])];
  const groups: SignInGroup[] = [];
  for (const kind of ['office', 'commune', 'other'] as const) {
    const rows = people
      .filter((p) => p.kind === kind)
      .sort((a, b) => a.sort_order - b.sort_order || a.unit.localeCompare(b.unit, 'vi') || a.full_name.localeCompare(b.full_name, 'vi'))
      .map((p) => {
        const a = filled ? recorded.get(p.person_id) : undefined;
        return {
          name: p.full_name,
          position: p.position,
          unit: p.unit,
          checkedInAt: a?.checked_in_at ?? null,
          status: filled ? (a?.status ?? null) : null,
          note: a ? (a.status === 'excused' ? a.reason : a.substitute_for) : undefined,
          needsReview: a?.needs_review === 1,
        };
      });
    if (rows.length) groups.push({ heading: UNIT_KIND_LABELS[kind], rows });
  }
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
