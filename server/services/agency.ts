// The agency profile (cơ quan ban hành): the heading, place name and default signer of every document.
import type { Kysely, Transaction } from 'kysely';
import { findAgency, saveAgency, type AgencyRow } from '../db/queries/agency.ts';
import type { DB } from '../db/types.ts';
import { ValidationError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { nowIso } from './clock.ts';

/** The profile as forms and documents use it. */
export interface AgencyProfile {
  parentName: string;
  nameLines: string[];
  placeName: string;
  symbol: string;
  signerAuthorityLines: string[];
  signerName: string;
  address: string;
  phone: string;
  email: string;
  website: string;
}

/** The profile as typed into the form: multi-line fields are text areas. */
export interface AgencyInput {
  parentName: string;
  nameLines: string;
  placeName: string;
  symbol: string;
  signerAuthorityLines: string;
  signerName: string;
  address: string;
  phone: string;
  email: string;
  website: string;
}

function clean(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(clean)
    .filter((line) => line.length > 0);
}

/** Checks and normalizes the form's input; throws ValidationError with a message per field. */
export function validateAgencyInput(input: AgencyInput): AgencyProfile {
  const profile: AgencyProfile = {
    parentName: clean(input.parentName),
    nameLines: splitLines(input.nameLines),
    placeName: clean(input.placeName),
    symbol: clean(input.symbol).toUpperCase(),
    signerAuthorityLines: splitLines(input.signerAuthorityLines),
    signerName: clean(input.signerName),
    address: clean(input.address),
    phone: clean(input.phone),
    email: clean(input.email),
    website: clean(input.website),
  };
  const errors: Record<string, string> = {};
  if (profile.nameLines.length === 0) errors.nameLines = 'Nhập tên cơ quan ban hành (mỗi dòng một dòng in).';
  if (profile.nameLines.length > 3) errors.nameLines = 'Tên cơ quan in tối đa 3 dòng.';
  if (profile.placeName.length === 0) errors.placeName = 'Nhập địa danh (ví dụ: Gò Dầu).';
  if (!/^[\p{Lu}\p{N}Đ-]{1,20}$/u.test(profile.symbol)) {
    errors.symbol = 'Chữ viết tắt gồm chữ in hoa, chữ số hoặc gạch ngang (ví dụ: UBND).';
  }
  if (profile.signerAuthorityLines.length === 0) errors.signerAuthorityLines = 'Nhập thẩm quyền ký (ví dụ: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH).';
  if (profile.signerAuthorityLines.length > 3) errors.signerAuthorityLines = 'Thẩm quyền ký tối đa 3 dòng.';
  if (profile.signerName.length === 0) errors.signerName = 'Nhập họ tên người ký.';
  if (profile.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(profile.email)) errors.email = 'Địa chỉ thư điện tử không hợp lệ.';
  if (profile.website && !/^https?:\/\/[^\s]+$/.test(profile.website)) {
    errors.website = 'Trang thông tin điện tử phải bắt đầu bằng http:// hoặc https://';
  }
  const tooLong = (Object.entries(input) as [keyof AgencyInput, string][]).find(([, value]) => value.length > 500);
  if (tooLong) errors[tooLong[0]] = 'Nội dung quá dài (tối đa 500 ký tự).';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return profile;
}

function toProfile(row: AgencyRow): AgencyProfile {
  return {
    parentName: row.parent_name,
    nameLines: row.name_lines.split('\n'),
    placeName: row.place_name,
    symbol: row.symbol,
    signerAuthorityLines: row.signer_authority_lines.split('\n'),
    signerName: row.signer_name,
    address: row.address,
    phone: row.phone,
    email: row.email,
    website: row.website,
  };
}

/** The profile as form input (text areas joined by line breaks), for re-editing. */
export function toAgencyInput(profile: AgencyProfile): AgencyInput {
  return { ...profile, nameLines: profile.nameLines.join('\n'), signerAuthorityLines: profile.signerAuthorityLines.join('\n') };
}

/** The saved profile, or undefined before first-run setup. */
export async function getAgencyProfile(db: Kysely<DB> | Transaction<DB>): Promise<AgencyProfile | undefined> {
  const row = await findAgency(db);
  return row && toProfile(row);
}

/** Writes the profile inside the caller's transaction, auditing before and after. */
export async function saveAgencyProfile(trx: Transaction<DB>, actor: Actor, profile: AgencyProfile): Promise<void> {
  const before = await getAgencyProfile(trx);
  await saveAgency(trx, {
    parent_name: profile.parentName,
    name_lines: profile.nameLines.join('\n'),
    place_name: profile.placeName,
    symbol: profile.symbol,
    signer_authority_lines: profile.signerAuthorityLines.join('\n'),
    signer_name: profile.signerName,
    address: profile.address,
    phone: profile.phone,
    email: profile.email,
    website: profile.website,
    updated_at: nowIso(),
  });
  await recordAudit(trx, actor, { action: 'agency.update', entityType: 'agency', entityId: 1, before, after: profile });
}

/** Validates and saves the admin's edit of the profile. */
export async function updateAgencyProfile(db: Kysely<DB>, actor: Actor, input: AgencyInput): Promise<void> {
  const profile = validateAgencyInput(input);
  await db.transaction().execute((trx) => saveAgencyProfile(trx, actor, profile));
}
