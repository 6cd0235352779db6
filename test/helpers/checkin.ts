// A training session open for check-in, with invitees holding personal codes (shared by the check-in tests).
import { CLI_ACTOR } from '../../server/services/audit.ts';
import { isoToVnParts } from '../../server/services/clock.ts';
import { createDraft, defaultLetterForm, issueLetter } from '../../server/services/letters.ts';
import { createPerson } from '../../server/services/people.ts';
import { createPlan, createRound } from '../../server/services/plans.ts';
import { createSession, invitePerson } from '../../server/services/sessions.ts';
import { createUnit } from '../../server/services/units.ts';
import type { TestApp } from './build-app.ts';

/** A session of `minutesAgo` minutes ago (negative: in the future) lasting 3 hours, with invitees holding codes. */
export async function liveSession(t: TestApp, options: { minutesAgo?: number; names?: string[] } = {}) {
  const unit = await createUnit(t.app.db, CLI_ACTOR, { kind: 'commune', name: `UBND xã ${Math.random().toString(36).slice(2, 7)}`, shortName: '', sortOrder: '' });
  const planId = await createPlan(t.app.db, CLI_ACTOR, { number: '', symbol: 'KH-UBND', issuedOn: '2026-01-05', summary: 'Kế hoạch thử', basis: '', year: '2026', requiredRounds: '2', unitIds: [] });
  const roundId = await createRound(t.app.db, CLI_ACTOR, planId, { number: String(Math.floor(Math.random() * 40) + 1), title: 'Tập huấn thử', topics: '', notes: '', quotas: {} });
  const start = new Date(Date.now() - (options.minutesAgo ?? 5) * 60_000);
  const end = new Date(start.getTime() + 3 * 3600_000);
  const s = isoToVnParts(start.toISOString());
  const e = isoToVnParts(end.toISOString());
  const sessionId = await createSession(t.app.db, CLI_ACTOR, roundId, {
    date: s.date, startTime: s.time, endTime: e.date === s.date ? e.time : '23:59', venue: 'Hội trường', chair: '', capacity: '',
    checkinOpensMinutes: '30', lateAfterMinutes: '15', status: 'planned', notes: '',
  });
  // Every check-in account of the test runs this session (the organizer gives sessions to staff).
  const staff = await t.app.db.selectFrom('user_roles').select('user_id').where('role', '=', 'checkin').execute();
  if (staff.length) await t.app.db.insertInto('session_staff').values(staff.map((s) => ({ session_id: sessionId, user_id: s.user_id }))).execute();
  const people: number[] = [];
  for (const name of options.names ?? ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường']) {
    const id = await createPerson(t.app.db, CLI_ACTOR, { fullName: name, position: 'Công chức', unitId: String(unit), phone: '', email: '', notes: '' });
    await invitePerson(t.app.db, CLI_ACTOR, sessionId, id);
    people.push(id);
  }
  const letterId = await createDraft(t.app.db, CLI_ACTOR, { sessionId, kind: 'giay-moi', form: await defaultLetterForm(t.app.db, sessionId) });
  await issueLetter(t.app.db, CLI_ACTOR, letterId);
  const codes = await t.app.db
    .selectFrom('invitation_tokens')
    .innerJoin('invitations', 'invitations.id', 'invitation_tokens.invitation_id')
    .select(['invitations.person_id', 'invitations.id as invitation_id', 'invitation_tokens.token', 'invitation_tokens.short_code'])
    .where('invitation_tokens.status', '=', 'active')
    .where('invitations.session_id', '=', sessionId)
    .execute();
  const codeOf = (personId: number) => codes.find((c) => c.person_id === personId)!;
  return { sessionId, unit, people, codeOf };
}
