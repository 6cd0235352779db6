// Factories for test data: accounts with roles, logged-in visitors, a configured agency.
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../server/db/types.ts';
import { saveAgencyProfile, type AgencyProfile } from '../../server/services/agency.ts';
import { CLI_ACTOR } from '../../server/services/audit.ts';
import { createUser } from '../../server/services/users.ts';
import { Visitor } from './http.ts';

export const TEST_PASSWORD = 'mat-khau-thu-nghiem';

let counter = 0;

export const sampleAgency: AgencyProfile = {
  parentName: 'UBND TỈNH TÂY NINH',
  nameLines: ['ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU'],
  placeName: 'Gò Dầu',
  symbol: 'UBND',
  signerAuthorityLines: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'],
  signerName: 'Nguyễn Văn Minh',
  address: 'Thị trấn Gò Dầu',
  phone: '0276 3853 000',
  email: '',
  website: '',
};

/** Creates an account (and the agency profile, so the app counts as set up). */
export async function createTestUser(
  app: FastifyInstance,
  overrides: { username?: string; roles?: Role[]; password?: string; fullName?: string; mustChangePassword?: boolean } = {},
): Promise<{ id: number; username: string; password: string }> {
  counter += 1;
  const username = overrides.username ?? `user${counter}`;
  const password = overrides.password ?? TEST_PASSWORD;
  const id = await createUser(app.db, CLI_ACTOR, {
    username,
    fullName: overrides.fullName ?? `Người dùng ${counter}`,
    password,
    roles: overrides.roles ?? ['organizer'],
    mustChangePassword: overrides.mustChangePassword ?? false,
  });
  await app.db.transaction().execute((trx) => saveAgencyProfile(trx, CLI_ACTOR, sampleAgency));
  return { id, username, password };
}

/** A visitor already logged in through the real login form. */
export async function loginAs(app: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<Visitor> {
  const visitor = new Visitor(app);
  const response = await visitor.submit('/login', '/login', { username, password });
  if (response.statusCode !== 303) throw new Error(`login failed for ${username}: ${response.statusCode}`);
  return visitor;
}

/** Creates an account with the given roles and logs it in. */
export async function loggedInUser(app: FastifyInstance, roles: Role[]): Promise<{ visitor: Visitor; id: number; username: string }> {
  const user = await createTestUser(app, { roles });
  return { visitor: await loginAs(app, user.username, user.password), id: user.id, username: user.username };
}
