// What a personal invitation link shows, without login: the person's invitation, or why the link no longer works.
import type { Kysely } from 'kysely';
import QRCode from 'qrcode';
import type { DB } from '../db/types.ts';
import { getAgencyProfile } from './agency.ts';
import { formatVnRange } from './clock.ts';
import { findCodeByShortCode, findCodeByToken, formatShortCode, isWellFormedToken, normalizeShortCode } from './invitation-codes.ts';

export type InvitationPage =
  | { state: 'unknown' }
  | { state: 'revoked' | 'replaced'; fullName: string }
  | {
      state: 'active';
      agencyName: string;
      fullName: string;
      position: string;
      unitName: string;
      roundTitle: string;
      when: string;
      venue: string;
      chair: string;
      notes: string;
      topics: string[];
      shortCode: string;
      url: string;
      qrSvg: string;
      sessionStatus: string;
    };

/** The personal link printed in the QR code. */
export function invitationUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/i/${token}`;
}

/** The page for a token; 'unknown' for anything that is not a code we issued. */
export async function getInvitationPage(db: Kysely<DB>, publicUrl: string, token: string): Promise<InvitationPage> {
  if (!isWellFormedToken(token)) return { state: 'unknown' };
  const code = await findCodeByToken(db, token);
  if (!code) return { state: 'unknown' };
  const row = await db
    .selectFrom('invitations')
    .innerJoin('people', 'people.id', 'invitations.person_id')
    .innerJoin('units', 'units.id', 'invitations.unit_id')
    .innerJoin('sessions', 'sessions.id', 'invitations.session_id')
    .innerJoin('rounds', 'rounds.id', 'sessions.round_id')
    .where('invitations.id', '=', code.invitationId)
    .select([
      'people.full_name', 'people.position', 'units.name as unit_name', 'rounds.title', 'rounds.topics', 'sessions.starts_at',
      'sessions.ends_at', 'sessions.venue', 'sessions.chair', 'sessions.notes', 'sessions.status',
    ])
    .executeTakeFirstOrThrow();
  if (code.status !== 'active') return { state: code.status, fullName: row.full_name };
  const agency = await getAgencyProfile(db);
  const url = invitationUrl(publicUrl, token);
  return {
    state: 'active',
    agencyName: agency ? agency.nameLines.join(' ') : '',
    fullName: row.full_name,
    position: row.position,
    unitName: row.unit_name,
    roundTitle: row.title,
    when: formatVnRange(row.starts_at, row.ends_at),
    venue: row.venue,
    chair: row.chair,
    notes: row.notes,
    topics: row.topics ? row.topics.split('\n') : [],
    shortCode: formatShortCode(code.shortCode),
    url,
    qrSvg: await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    sessionStatus: row.status,
  };
}

/** The token behind a typed short code, if the code exists (whatever its state: the page explains it). */
export async function findTokenByShortCode(db: Kysely<DB>, typed: string): Promise<string | undefined> {
  const code = normalizeShortCode(typed);
  return code ? (await findCodeByShortCode(db, code))?.token : undefined;
}
