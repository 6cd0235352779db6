// People (đại biểu / học viên): who they are, which unit they belong to, and finding them by name.
import type { Kysely, Transaction } from 'kysely';
import {
  countPeople,
  deletePerson as deletePersonRow,
  findPersonById,
  insertPerson,
  listPeople,
  searchPeopleByNamePrefix,
  searchPeopleByTokens,
  updatePerson as updatePersonRow,
  type PersonWithUnit,
} from '../db/queries/people.ts';
import { findUnitById } from '../db/queries/units.ts';
import type { DB } from '../db/types.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { nowIso } from './clock.ts';
import { cleanText, phoneDigits, searchKey, searchTokens } from './text.ts';

export interface PersonInput {
  fullName: string;
  position: string;
  unitId: string;
  phone: string;
  email: string;
  notes: string;
}

export interface CheckedPerson {
  fullName: string;
  position: string;
  unitId: number;
  phone: string;
  email: string;
  notes: string;
}

export interface PersonView {
  id: number;
  fullName: string;
  position: string;
  unitId: number;
  unitName: string;
  phone: string;
  email: string;
  notes: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks one person's fields (shared by the form and the import); returns messages per field. */
export function checkPersonFields(input: Omit<PersonInput, 'unitId'>): { person: Omit<CheckedPerson, 'unitId'>; errors: Record<string, string> } {
  const person = {
    fullName: cleanText(input.fullName),
    position: cleanText(input.position),
    phone: cleanText(input.phone),
    email: cleanText(input.email).toLowerCase(),
    notes: cleanText(input.notes),
  };
  const errors: Record<string, string> = {};
  if (!person.fullName) errors.fullName = 'Nhập họ và tên.';
  else if (person.fullName.length > 120) errors.fullName = 'Họ và tên quá dài (tối đa 120 ký tự).';
  else if (!/\p{L}/u.test(person.fullName)) errors.fullName = 'Họ và tên phải có chữ cái.';
  if (person.position.length > 200) errors.position = 'Chức vụ quá dài (tối đa 200 ký tự).';
  const digits = phoneDigits(person.phone);
  if (person.phone && (!/^[0-9+().\s-]+$/.test(person.phone) || digits.length < 9 || digits.length > 12)) {
    errors.phone = 'Số điện thoại không hợp lệ (9–12 chữ số).';
  }
  if (person.email && (!EMAIL.test(person.email) || person.email.length > 200)) errors.email = 'Địa chỉ thư điện tử không hợp lệ.';
  if (person.notes.length > 1000) errors.notes = 'Ghi chú quá dài (tối đa 1000 ký tự).';
  return { person, errors };
}

/** Checks a person from the form, including that the unit exists. */
export async function validatePersonInput(db: Kysely<DB> | Transaction<DB>, input: PersonInput): Promise<CheckedPerson> {
  const { person, errors } = checkPersonFields(input);
  const unitId = Number(input.unitId);
  if (!Number.isInteger(unitId) || unitId < 1 || !(await findUnitById(db, unitId))) errors.unitId = 'Chọn đơn vị.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return { ...person, unitId };
}

function personColumns(person: CheckedPerson) {
  return {
    full_name: person.fullName,
    full_name_search: searchKey(person.fullName),
    position: person.position,
    unit_id: person.unitId,
    phone: person.phone,
    phone_digits: phoneDigits(person.phone),
    email: person.email,
    notes: person.notes,
  };
}

/** Inserts a checked person inside the caller's transaction (used by the form and by imports). */
export async function insertCheckedPerson(trx: Transaction<DB>, actor: Actor, person: CheckedPerson, audit = true): Promise<number> {
  const now = nowIso();
  const id = await insertPerson(trx, { ...personColumns(person), created_at: now, updated_at: now }, searchTokens(person.fullName));
  if (audit) await recordAudit(trx, actor, { action: 'person.create', entityType: 'person', entityId: id, after: person });
  return id;
}

export async function createPerson(db: Kysely<DB>, actor: Actor, input: PersonInput): Promise<number> {
  return db.transaction().execute(async (trx) => insertCheckedPerson(trx, actor, await validatePersonInput(trx, input)));
}

export function toPersonView(row: PersonWithUnit): PersonView {
  return {
    id: row.id,
    fullName: row.full_name,
    position: row.position,
    unitId: row.unit_id,
    unitName: row.unit_name,
    phone: row.phone,
    email: row.email,
    notes: row.notes,
  };
}

export async function requirePerson(db: Kysely<DB> | Transaction<DB>, id: number): Promise<PersonWithUnit> {
  const person = await findPersonById(db, id);
  if (!person) throw new NotFoundError('Không tìm thấy người này.');
  return person;
}

export async function updatePerson(db: Kysely<DB>, actor: Actor, id: number, input: PersonInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await requirePerson(trx, id);
    const person = await validatePersonInput(trx, input);
    await updatePersonRow(trx, id, { ...personColumns(person), updated_at: nowIso() }, searchTokens(person.fullName));
    await recordAudit(trx, actor, {
      action: 'person.update',
      entityType: 'person',
      entityId: id,
      before: toPersonView(before),
      after: person,
    });
  });
}

/** Deletes a person who was never invited nor checked in; their history is evidence otherwise. */
export async function deletePerson(db: Kysely<DB>, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const person = await requirePerson(trx, id);
    const invited = await trx.selectFrom('invitations').select('id').where('person_id', '=', id).executeTakeFirst();
    const attended = await trx.selectFrom('attendances').select('id').where('person_id', '=', id).executeTakeFirst();
    if (invited || attended) {
      throw new ValidationError({ person: 'Người này đã được mời hoặc đã điểm danh; không thể xóa để giữ hồ sơ.' });
    }
    await deletePersonRow(trx, id);
    await recordAudit(trx, actor, { action: 'person.delete', entityType: 'person', entityId: id, before: toPersonView(person) });
  });
}

/**
 * Finds people by name without caring about case or diacritics ("nguyen van a" finds "Nguyễn Văn A",
 * "d" finds "Đ"): every typed word must start a word of the name. Empty query: the first page in name order.
 */
export async function searchPeople(
  db: Kysely<DB>,
  query: string,
  options: { unitId?: number; limit?: number; offset?: number } = {},
): Promise<PersonView[]> {
  const limit = options.limit ?? 50;
  const tokens = searchTokens(query).slice(0, 6);
  if (tokens.length === 0) return (await listPeople(db, { unitId: options.unitId, limit, offset: options.offset ?? 0 })).map(toPersonView);
  // Names typed from the start come first and in order; then names matching word by word ("tuyet", "huynh tuyet").
  const byPrefix = await searchPeopleByNamePrefix(db, tokens.join(' '), { unitId: options.unitId, limit });
  const seen = new Set(byPrefix.map((p) => p.id));
  const byWords = byPrefix.length < limit ? await searchPeopleByTokens(db, tokens, { unitId: options.unitId, limit }) : [];
  const more = byWords.filter((p) => !seen.has(p.id)).sort((a, b) => a.full_name_search.localeCompare(b.full_name_search));
  return [...byPrefix, ...more].slice(0, limit).map(toPersonView);
}

export { countPeople };
