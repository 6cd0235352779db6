// Accounts: creation, roles, disabling, passwords, and logging in. Every change is audited.
import type { Kysely, Transaction } from 'kysely';
import { cachedReadsFor } from '../db/cached-reads.ts';
import { deleteSessionsOfUser } from '../db/queries/auth-sessions.ts';
import {
  countActiveAdmins,
  findRolesByUserId,
  findRolesByUserIds,
  findUserById,
  findUserByUsername,
  findUserWithRoles,
  insertUser,
  listUsers,
  replaceRoles,
  updateUser,
  type UserRow,
} from '../db/queries/users.ts';
import type { DB, Role } from '../db/types.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { formatDateTime, nowIso } from './clock.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { ROLE_LABELS, isRole } from './roles.ts';

export const PASSWORD_MIN_LENGTH = 8;
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/** The logged-in user as the rest of the app sees it. */
export interface CurrentUser {
  id: number;
  username: string;
  fullName: string;
  roles: Role[];
  mustChangePassword: boolean;
}

export interface NewAccount {
  username: string;
  fullName: string;
  password: string;
  roles: string[];
  mustChangePassword?: boolean;
}

/** Lower-cases and trims a username as typed, so "NguyenVanA " and "nguyenvana" are one account. */
export function normalizeUsername(username: string): string {
  return username.normalize('NFC').trim().toLowerCase();
}

function checkPassword(password: string, username: string, field = 'password'): Record<string, string> {
  if (password.length < PASSWORD_MIN_LENGTH) return { [field]: `Mật khẩu cần ít nhất ${PASSWORD_MIN_LENGTH} ký tự.` };
  if (password.length > 200) return { [field]: 'Mật khẩu quá dài (tối đa 200 ký tự).' };
  if (password.toLowerCase() === username) return { [field]: 'Mật khẩu không được trùng tên đăng nhập.' };
  return {};
}

function checkRoles(roles: string[]): Record<string, string> {
  if (roles.length === 0) return { roles: 'Chọn ít nhất một vai trò.' };
  if (!roles.every(isRole)) return { roles: 'Vai trò không hợp lệ.' };
  return {};
}

/** Checks a new account's fields; throws ValidationError with a message per field. */
export function validateNewAccount(input: NewAccount): { username: string; fullName: string; roles: Role[] } {
  const username = normalizeUsername(input.username);
  const fullName = input.fullName.normalize('NFC').trim();
  const errors: Record<string, string> = {};
  if (!USERNAME_PATTERN.test(username)) {
    errors.username = 'Tên đăng nhập gồm 3–32 ký tự: chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.';
  }
  if (fullName.length === 0) errors.fullName = 'Nhập họ và tên.';
  if (fullName.length > 120) errors.fullName = 'Họ và tên quá dài (tối đa 120 ký tự).';
  Object.assign(errors, checkPassword(input.password, username), checkRoles(input.roles));
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return { username, fullName, roles: [...new Set(input.roles)] as Role[] };
}

/** Inserts a checked account inside a transaction the caller holds (used by setup and by createUser). */
export async function insertAccount(
  trx: Transaction<DB>,
  actor: Actor,
  account: { username: string; fullName: string; roles: Role[]; passwordHash: string; mustChangePassword: boolean },
): Promise<number> {
  if (await findUserByUsername(trx, account.username)) {
    throw new ValidationError({ username: 'Tên đăng nhập này đã có người dùng.' });
  }
  const now = nowIso();
  const id = await insertUser(trx, {
    username: account.username,
    full_name: account.fullName,
    password_hash: account.passwordHash,
    must_change_password: account.mustChangePassword ? 1 : 0,
    password_changed_at: now,
    created_at: now,
    updated_at: now,
  });
  await replaceRoles(trx, id, account.roles);
  await recordAudit(trx, actor, {
    action: 'user.create',
    entityType: 'user',
    entityId: id,
    after: { username: account.username, fullName: account.fullName, roles: account.roles },
  });
  return id;
}

/** Creates an account (admin page, CLI). */
export async function createUser(db: Kysely<DB>, actor: Actor, input: NewAccount): Promise<number> {
  const checked = validateNewAccount(input);
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute((trx) =>
    insertAccount(trx, actor, { ...checked, passwordHash, mustChangePassword: input.mustChangePassword ?? false }),
  );
}

async function requireUser(db: Kysely<DB> | Transaction<DB>, id: number): Promise<UserRow> {
  const user = await findUserById(db, id);
  if (!user) throw new NotFoundError('Không tìm thấy tài khoản.');
  return user;
}

// The last working admin cannot lose the role or be disabled: nobody could manage accounts afterwards.
async function assertNotLastAdmin(trx: Transaction<DB>, userId: number, field: string): Promise<void> {
  const roles = await findRolesByUserId(trx, userId);
  const user = await requireUser(trx, userId);
  if (roles.includes('admin') && user.is_disabled === 0 && (await countActiveAdmins(trx)) <= 1) {
    throw new ValidationError({ [field]: 'Đây là tài khoản quản trị cuối cùng đang hoạt động; không thể thực hiện.' });
  }
}

/** Changes a user's full name and roles. */
export async function updateUserAccount(
  db: Kysely<DB>,
  actor: Actor,
  id: number,
  input: { fullName: string; roles: string[] },
): Promise<void> {
  const fullName = input.fullName.normalize('NFC').trim();
  const errors: Record<string, string> = { ...checkRoles(input.roles) };
  if (fullName.length === 0) errors.fullName = 'Nhập họ và tên.';
  if (fullName.length > 120) errors.fullName = 'Họ và tên quá dài (tối đa 120 ký tự).';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const roles = [...new Set(input.roles)].sort() as Role[];
  await db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    const beforeRoles = await findRolesByUserId(trx, id);
    if (beforeRoles.includes('admin') && !roles.includes('admin')) await assertNotLastAdmin(trx, id, 'roles');
    await updateUser(trx, id, { full_name: fullName, updated_at: nowIso() });
    await replaceRoles(trx, id, roles);
    await recordAudit(trx, actor, {
      action: 'user.update',
      entityType: 'user',
      entityId: id,
      before: { fullName: user.full_name, roles: beforeRoles },
      after: { fullName, roles },
    });
  });
}

/** Disables or re-enables an account; disabling ends all its sessions at once. */
export async function setUserDisabled(db: Kysely<DB>, actor: Actor, id: number, disabled: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    if (disabled && actor.userId === id) throw new ValidationError({ disabled: 'Bạn không thể tự khóa tài khoản của mình.' });
    if (disabled) await assertNotLastAdmin(trx, id, 'disabled');
    await updateUser(trx, id, { is_disabled: disabled ? 1 : 0, updated_at: nowIso() });
    if (disabled) await deleteSessionsOfUser(trx, id);
    await recordAudit(trx, actor, {
      action: disabled ? 'user.disable' : 'user.enable',
      entityType: 'user',
      entityId: id,
      before: { disabled: user.is_disabled === 1 },
      after: { disabled },
    });
  });
}

/** The admin sets a temporary password; the user must change it at next login; their sessions end. */
export async function resetUserPassword(db: Kysely<DB>, actor: Actor, id: number, newPassword: string): Promise<void> {
  const user = await requireUser(db, id);
  const errors = checkPassword(newPassword, user.username);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const hash = await hashPassword(newPassword);
  await db.transaction().execute(async (trx) => {
    const now = nowIso();
    await updateUser(trx, id, { password_hash: hash, must_change_password: 1, password_changed_at: now, updated_at: now });
    await deleteSessionsOfUser(trx, id);
    await recordAudit(trx, actor, { action: 'user.reset_password', entityType: 'user', entityId: id });
  });
}

/** A user changes their own password; every other session of theirs ends. */
export async function changeOwnPassword(
  db: Kysely<DB>,
  actor: Actor,
  input: { userId: number; currentPassword: string; newPassword: string; confirmPassword: string; keepSessionHash?: string },
): Promise<void> {
  const user = await requireUser(db, input.userId);
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw new ValidationError({ currentPassword: 'Mật khẩu hiện tại không đúng.' });
  }
  const errors = checkPassword(input.newPassword, user.username, 'newPassword');
  if (!errors.newPassword && input.newPassword !== input.confirmPassword) {
    errors.confirmPassword = 'Mật khẩu nhập lại không khớp.';
  }
  if (!errors.newPassword && input.newPassword === input.currentPassword) {
    errors.newPassword = 'Mật khẩu mới phải khác mật khẩu hiện tại.';
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const hash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    const now = nowIso();
    await updateUser(trx, user.id, { password_hash: hash, must_change_password: 0, password_changed_at: now, updated_at: now });
    await deleteSessionsOfUser(trx, user.id, input.keepSessionHash);
    await recordAudit(trx, actor, { action: 'user.change_password', entityType: 'user', entityId: user.id });
  });
}

/** Checks a username and password; undefined for a wrong pair or a disabled account (same answer, same time). */
export async function authenticate(db: Kysely<DB>, username: string, password: string): Promise<CurrentUser | undefined> {
  const user = await findUserByUsername(db, normalizeUsername(username));
  if (!user) return verifyAgainstDummy(password).then(() => undefined);
  const ok = await verifyPassword(password, user.password_hash);
  if (!ok || user.is_disabled === 1) return undefined;
  return toCurrentUser(user, await findRolesByUserId(db, user.id));
}

// Read on every request: remembered for a second, forgotten at once when an account or its roles change.
const currentUsers = cachedReadsFor({ tables: ['users', 'user_roles'], ttlMs: 1000, maxEntries: 10_000 }, async (db, userId: number) => {
  const found = await findUserWithRoles(db, userId);
  if (!found || found.user.is_disabled === 1) return undefined;
  return Object.freeze(toCurrentUser(found.user, found.roles));
});

/** The active user behind a session, or undefined when the account is gone or disabled. */
export function findCurrentUser(db: Kysely<DB>, id: number): Promise<CurrentUser | undefined> {
  return currentUsers(db).get(id);
}

function toCurrentUser(user: UserRow, roles: Role[]): CurrentUser {
  return {
    id: user.id,
    username: user.username,
    fullName: user.full_name,
    roles,
    mustChangePassword: user.must_change_password === 1,
  };
}

export interface UserListItem {
  id: number;
  username: string;
  fullName: string;
  roles: Role[];
  roleLabels: string;
  disabled: boolean;
  createdAt: string;
}

/** Every account, for the admin's list. */
export async function listUsersForAdmin(db: Kysely<DB>): Promise<UserListItem[]> {
  const users = await listUsers(db);
  const roles = await findRolesByUserIds(db, users.map((u) => u.id));
  return users.map((user) => {
    const userRoles = roles.get(user.id) ?? [];
    return {
      id: user.id,
      username: user.username,
      fullName: user.full_name,
      roles: userRoles,
      roleLabels: userRoles.map((r) => ROLE_LABELS[r]).join(', '),
      disabled: user.is_disabled === 1,
      createdAt: formatDateTime(user.created_at),
    };
  });
}

/** One account, for the admin's edit page. */
export async function findUserForAdmin(db: Kysely<DB>, id: number): Promise<UserListItem> {
  const user = await requireUser(db, id);
  const roles = await findRolesByUserId(db, id);
  return {
    id: user.id,
    username: user.username,
    fullName: user.full_name,
    roles,
    roleLabels: roles.map((r) => ROLE_LABELS[r]).join(', '),
    disabled: user.is_disabled === 1,
    createdAt: formatDateTime(user.created_at),
  };
}
