// Units (đơn vị): the offices and commune bodies that send people to training.
import type { Kysely, Transaction } from 'kysely';
import {
  countPeopleByUnit,
  deleteUnit as deleteUnitRow,
  findUnitById,
  findUnitsByNameSearch,
  insertUnit,
  listUnits,
  updateUnit as updateUnitRow,
  type UnitRow,
} from '../db/queries/units.ts';
import type { DB, UnitKind } from '../db/types.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { nowIso } from './clock.ts';
import { cleanText, searchKey } from './text.ts';

export const UNIT_KINDS: readonly UnitKind[] = ['office', 'commune', 'other'];

export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  office: 'Cơ quan chuyên môn',
  commune: 'UBND xã, phường, thị trấn',
  other: 'Đơn vị khác',
};

export interface UnitInput {
  kind: string;
  name: string;
  shortName: string;
  sortOrder: string;
}

export interface CheckedUnit {
  kind: UnitKind;
  name: string;
  shortName: string;
  sortOrder: number;
}

export interface UnitView {
  id: number;
  kind: UnitKind;
  kindLabel: string;
  name: string;
  shortName: string;
  sortOrder: number;
  peopleCount: number;
}

/** Rows split by unit kind (offices, communes, others: the I., II., III. of printed lists), keeping their order. */
export function groupByUnitKind<T, R>(rows: T[], kindOf: (row: T) => UnitKind, map: (row: T) => R): { heading: string; rows: R[] }[] {
  return UNIT_KINDS.map((kind) => ({ heading: UNIT_KIND_LABELS[kind], rows: rows.filter((row) => kindOf(row) === kind).map(map) })).filter(
    (group) => group.rows.length > 0,
  );
}

function isUnitKind(value: string): value is UnitKind {
  return (UNIT_KINDS as readonly string[]).includes(value);
}

/** Checks a unit's fields; throws ValidationError with a message per field. */
export function validateUnitInput(input: UnitInput): CheckedUnit {
  const errors: Record<string, string> = {};
  const name = cleanText(input.name);
  const shortName = cleanText(input.shortName);
  if (!isUnitKind(input.kind)) errors.kind = 'Chọn loại đơn vị.';
  if (!name) errors.name = 'Nhập tên đơn vị.';
  else if (name.length > 200) errors.name = 'Tên đơn vị quá dài (tối đa 200 ký tự).';
  if (shortName.length > 60) errors.shortName = 'Tên viết tắt quá dài (tối đa 60 ký tự).';
  const sortOrder = input.sortOrder.trim() === '' ? 0 : Number(input.sortOrder);
  if (!Number.isInteger(sortOrder) || sortOrder < 0 || sortOrder > 100000) errors.sortOrder = 'Thứ tự là số nguyên từ 0 đến 100000.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return { kind: input.kind as UnitKind, name, shortName, sortOrder };
}

export function toUnitView(row: UnitRow, peopleCount = 0): UnitView {
  return {
    id: row.id,
    kind: row.kind,
    kindLabel: UNIT_KIND_LABELS[row.kind],
    name: row.name,
    shortName: row.short_name,
    sortOrder: row.sort_order,
    peopleCount,
  };
}

/** Every unit in display order (by kind, then order, then name), with how many people each has. */
export async function listUnitViews(db: Kysely<DB>): Promise<UnitView[]> {
  const [rows, counts] = await Promise.all([listUnits(db), countPeopleByUnit(db)]);
  return rows.map((row) => toUnitView(row, counts.get(row.id) ?? 0));
}

export async function requireUnit(db: Kysely<DB> | Transaction<DB>, id: number): Promise<UnitRow> {
  const unit = await findUnitById(db, id);
  if (!unit) throw new NotFoundError('Không tìm thấy đơn vị.');
  return unit;
}

async function assertNameFree(trx: Transaction<DB>, name: string, exceptId?: number): Promise<void> {
  const same = (await findUnitsByNameSearch(trx, searchKey(name))).filter((u) => u.id !== exceptId);
  if (same.length > 0) throw new ValidationError({ name: `Đã có đơn vị “${same[0]!.name}”.` });
}

/** Inserts a checked unit inside the caller's transaction (used by the form and by imports). */
export async function insertCheckedUnit(trx: Transaction<DB>, actor: Actor, unit: CheckedUnit): Promise<number> {
  await assertNameFree(trx, unit.name);
  const now = nowIso();
  const id = await insertUnit(trx, {
    kind: unit.kind,
    name: unit.name,
    short_name: unit.shortName,
    sort_order: unit.sortOrder,
    name_search: searchKey(unit.name),
    created_at: now,
    updated_at: now,
  });
  await recordAudit(trx, actor, { action: 'unit.create', entityType: 'unit', entityId: id, after: unit });
  return id;
}

export async function createUnit(db: Kysely<DB>, actor: Actor, input: UnitInput): Promise<number> {
  const unit = validateUnitInput(input);
  return db.transaction().execute((trx) => insertCheckedUnit(trx, actor, unit));
}

export async function updateUnit(db: Kysely<DB>, actor: Actor, id: number, input: UnitInput): Promise<void> {
  const unit = validateUnitInput(input);
  await db.transaction().execute(async (trx) => {
    const before = await requireUnit(trx, id);
    await assertNameFree(trx, unit.name, id);
    await updateUnitRow(trx, id, {
      kind: unit.kind,
      name: unit.name,
      short_name: unit.shortName,
      sort_order: unit.sortOrder,
      name_search: searchKey(unit.name),
      updated_at: nowIso(),
    });
    await recordAudit(trx, actor, {
      action: 'unit.update',
      entityType: 'unit',
      entityId: id,
      before: { kind: before.kind, name: before.name, shortName: before.short_name, sortOrder: before.sort_order },
      after: unit,
    });
  });
}

/** Deletes a unit nobody refers to; otherwise says what still refers to it. */
export async function deleteUnit(db: Kysely<DB>, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const unit = await requireUnit(trx, id);
    const people = (await countPeopleByUnit(trx)).get(id) ?? 0;
    if (people > 0) {
      throw new ValidationError({ unit: `Đơn vị còn ${people} người trong danh sách; chuyển hoặc xóa họ trước.` });
    }
    const used = await trx
      .selectFrom('plan_units')
      .select('plan_id')
      .where('unit_id', '=', id)
      .union(trx.selectFrom('round_quotas').select('round_id as plan_id').where('unit_id', '=', id))
      .union(trx.selectFrom('session_units').select('session_id as plan_id').where('unit_id', '=', id))
      .executeTakeFirst();
    if (used) throw new ValidationError({ unit: 'Đơn vị đang có trong kế hoạch, đợt hoặc buổi tập huấn; không thể xóa.' });
    await deleteUnitRow(trx, id);
    await recordAudit(trx, actor, { action: 'unit.delete', entityType: 'unit', entityId: id, before: { name: unit.name } });
  });
}
