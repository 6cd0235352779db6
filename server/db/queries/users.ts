// Queries on users and their roles.
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { DB, Role, UsersTable } from '../types.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type UserRow = Selectable<UsersTable>;

export function findUserById(db: Executor, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export function listUsers(db: Executor): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('username').execute();
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .where('user_roles.role', '=', 'admin')
    .where('users.is_disabled', '=', 0)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUser(
  db: Executor,
  values: Omit<UsersTable, 'id' | 'is_disabled' | 'must_change_password'> & { must_change_password?: number },
): Promise<number> {
  const row = await db.insertInto('users').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUser(
  db: Executor,
  id: number,
  values: Omit<Updateable<UsersTable>, 'id' | 'username' | 'created_at'>,
): Promise<void> {
  await db.updateTable('users').set(values).where('id', '=', id).execute();
}

export async function findRolesByUserId(db: Executor, userId: number): Promise<Role[]> {
  const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).orderBy('role').execute();
  return rows.map((r) => r.role);
}

export async function findRolesByUserIds(db: Executor, userIds: number[]): Promise<Map<number, Role[]>> {
  const roles = new Map<number, Role[]>();
  if (userIds.length === 0) return roles;
  const rows = await db.selectFrom('user_roles').selectAll().where('user_id', 'in', userIds).orderBy('role').execute();
  for (const row of rows) roles.set(row.user_id, [...(roles.get(row.user_id) ?? []), row.role]);
  return roles;
}

export async function replaceRoles(db: Executor, userId: number, roles: Role[]): Promise<void> {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roles.length > 0) {
    await db.insertInto('user_roles').values(roles.map((role) => ({ user_id: userId, role }))).execute();
  }
}

/** A user and their roles in one round trip (read on every request that carries a login). */
export async function findUserWithRoles(db: Executor, id: number): Promise<{ user: UserRow; roles: Role[] } | undefined> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('user_roles', 'user_roles.user_id', 'users.id')
    .selectAll('users')
    .select('user_roles.role')
    .where('users.id', '=', id)
    .orderBy('user_roles.role')
    .execute();
  const first = rows[0];
  if (!first) return undefined;
  const user: UserRow = {
    id: first.id, username: first.username, full_name: first.full_name, password_hash: first.password_hash, is_disabled: first.is_disabled,
    must_change_password: first.must_change_password, password_changed_at: first.password_changed_at, created_at: first.created_at, updated_at: first.updated_at,
  };
  return { user, roles: rows.flatMap((r) => (r.role ? [r.role] : [])) };
}
