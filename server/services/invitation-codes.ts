// Personal invitation codes: a long random token for the QR link, and a short code people can type.
import { randomBytes, randomInt } from 'node:crypto';
import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import type { DB, TokenStatus } from '../db/types.ts';
import { nowIso } from './clock.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** Letters and digits that cannot be mistaken for each other when read aloud or typed: no 0/O, 1/I/L. */
export const SHORT_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const SHORT_CODE_LENGTH = 9;

/** 144 random bits as base64url (24 characters): unguessable, so the link itself is the credential. */
export function generateToken(): string {
  return randomBytes(18).toString('base64url');
}

export function generateShortCode(): string {
  let code = '';
  for (let i = 0; i < SHORT_CODE_LENGTH; i++) code += SHORT_CODE_ALPHABET[randomInt(SHORT_CODE_ALPHABET.length)];
  return code;
}

/** "K7PM4Q9XZ" → "K7P-M4Q-9XZ", for printing and reading aloud. */
export function formatShortCode(code: string): string {
  return code.replace(/(.{3})(?=.)/g, '$1-');
}

/** What someone typed ("k7p m4q-9xz") as a stored code, or undefined when it cannot be one. */
export function normalizeShortCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]+/g, '');
  return code.length === SHORT_CODE_LENGTH && [...code].every((c) => SHORT_CODE_ALPHABET.includes(c)) ? code : undefined;
}

export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{22,64}$/.test(token);
}

/** Gives each invitation a fresh active code; an existing active code is marked replaced (it stops working). */
export async function issueCodes(trx: Transaction<DB>, invitationIds: number[], letterId: number | null): Promise<number> {
  const now = nowIso();
  let issued = 0;
  for (const invitationId of invitationIds) {
    await trx
      .updateTable('invitation_tokens')
      .set({ status: 'replaced', ended_at: now })
      .where('invitation_id', '=', invitationId)
      .where('status', '=', 'active')
      .execute();
    // A short-code clash is possible (about 2.6e13 codes): draw again rather than fail.
    for (let attempt = 0; ; attempt++) {
      const shortCode = generateShortCode();
      const taken = await trx.selectFrom('invitation_tokens').select('id').where('short_code', '=', shortCode).executeTakeFirst();
      if (taken && attempt < 5) continue;
      await trx
        .insertInto('invitation_tokens')
        .values({ invitation_id: invitationId, token: generateToken(), short_code: shortCode, letter_id: letterId, created_at: now, ended_at: null })
        .execute();
      break;
    }
    issued++;
  }
  return issued;
}

/** Ends an invitation's active code (revoked by staff, or replaced when the unit sends someone else). */
export async function endCodes(trx: Transaction<DB>, invitationId: number, status: Exclude<TokenStatus, 'active'>): Promise<void> {
  await trx
    .updateTable('invitation_tokens')
    .set({ status, ended_at: nowIso() })
    .where('invitation_id', '=', invitationId)
    .where('status', '=', 'active')
    .execute();
}

export interface CodeRow {
  tokenId: number;
  token: string;
  shortCode: string;
  status: TokenStatus;
  invitationId: number;
  sessionId: number;
  personId: number;
}

function selectCodes(db: Executor) {
  return db
    .selectFrom('invitation_tokens')
    .innerJoin('invitations', 'invitations.id', 'invitation_tokens.invitation_id')
    .select([
      'invitation_tokens.id as tokenId', 'invitation_tokens.token', 'invitation_tokens.short_code as shortCode',
      'invitation_tokens.status', 'invitations.id as invitationId', 'invitations.session_id as sessionId', 'invitations.person_id as personId',
    ]);
}

export function findCodeByToken(db: Executor, token: string): Promise<CodeRow | undefined> {
  return selectCodes(db).where('invitation_tokens.token', '=', token).executeTakeFirst();
}

export function findCodeByShortCode(db: Executor, shortCode: string): Promise<CodeRow | undefined> {
  return selectCodes(db).where('invitation_tokens.short_code', '=', shortCode).executeTakeFirst();
}

function selectCodesWithHolder(db: Executor) {
  return selectCodes(db)
    .innerJoin('people', 'people.id', 'invitations.person_id')
    .innerJoin('units', 'units.id', 'people.unit_id')
    .select(['people.full_name as fullName', 'people.position', 'units.name as unitName']);
}

export type CodeWithHolder = CodeRow & { fullName: string; position: string; unitName: string };

// The door looks codes up many times a second in a rush: both lookups are built and compiled once, then run with
// the scanned value as their single parameter.
let compiledLookups: { token: CompiledQuery<CodeWithHolder>; shortCode: CompiledQuery<CodeWithHolder> } | undefined;
const PLACEHOLDER = '\u0000code';

function compileLookups(db: Executor) {
  const compile = (query: { compile(): CompiledQuery<CodeWithHolder> }) => {
    const compiled = query.compile();
    if (compiled.parameters.length !== 1 || compiled.parameters[0] !== PLACEHOLDER) throw new Error('code lookup: expected one parameter');
    return compiled;
  };
  return {
    token: compile(selectCodesWithHolder(db).where('invitation_tokens.token', '=', PLACEHOLDER)),
    shortCode: compile(selectCodesWithHolder(db).where('invitation_tokens.short_code', '=', PLACEHOLDER)),
  };
}

/** A scanned or typed code with its holder's name, position and unit, in one read (the door's hot path). */
export async function findCodeWithHolder(db: Executor, by: { token: string } | { shortCode: string }): Promise<CodeWithHolder | undefined> {
  compiledLookups ??= compileLookups(db);
  const [compiled, value] = 'token' in by ? [compiledLookups.token, by.token] : [compiledLookups.shortCode, by.shortCode];
  const result = await db.executeQuery<CodeWithHolder>({ ...compiled, parameters: [value] });
  return result.rows[0];
}

/** Every code of a training session's invitations (active, revoked and replaced alike), with its holder. */
export function findSessionCodesWithHolder(db: Executor, sessionId: number): Promise<CodeWithHolder[]> {
  return selectCodesWithHolder(db).where('invitations.session_id', '=', sessionId).execute();
}

/** The active code of each of these invitations. */
export async function findActiveCodes(db: Executor, invitationIds: number[]): Promise<Map<number, CodeRow>> {
  if (invitationIds.length === 0) return new Map();
  const rows = await selectCodes(db).where('invitations.id', 'in', invitationIds).where('invitation_tokens.status', '=', 'active').execute();
  return new Map(rows.map((row) => [row.invitationId, row]));
}
