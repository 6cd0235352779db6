// First run: while no account exists, a one-time token opens the page that creates the first admin.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { deleteSetting, findSetting, saveSetting } from '../db/queries/app-settings.ts';
import { countUsers } from '../db/queries/users.ts';
import type { DB } from '../db/types.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';
import { saveAgencyProfile, validateAgencyInput, type AgencyInput } from './agency.ts';
import { recordAudit, type Actor } from './audit.ts';
import { nowIso } from './clock.ts';
import { hashPassword } from './passwords.ts';
import { insertAccount, validateNewAccount } from './users.ts';
import { insertDemoAttendance, insertDemoLetters, insertDemoPlan } from './demo-plan.ts';

const SETUP_TOKEN_KEY = 'setup_token_sha256';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** True until the first account exists. */
export async function isSetupNeeded(db: Kysely<DB>): Promise<boolean> {
  return (await countUsers(db)) === 0;
}

/** Makes a new one-time setup token (only its hash is kept) and returns it for printing. */
export async function issueSetupToken(db: Kysely<DB>): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await saveSetting(db, SETUP_TOKEN_KEY, sha256(token), nowIso());
  return token;
}

/** True when setup is still open and the token is the one printed at start. */
export async function isValidSetupToken(db: Kysely<DB>, token: string | undefined): Promise<boolean> {
  if (!token || token.length > 200 || !(await isSetupNeeded(db))) return false;
  const stored = await findSetting(db, SETUP_TOKEN_KEY);
  if (!stored) return false;
  const a = Buffer.from(sha256(token), 'hex');
  const b = Buffer.from(stored, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SetupInput {
  token: string;
  admin: { username: string; fullName: string; password: string; confirmPassword: string };
  agency: AgencyInput;
  /** Also load the 2022 Gò Dầu demo programme (units, people, a plan with two rounds). */
  loadDemo?: boolean;
}

/** Creates the first admin and the agency profile in one transaction, then retires the token. */
export async function completeSetup(db: Kysely<DB>, ip: string | null, input: SetupInput): Promise<number> {
  if (!(await isValidSetupToken(db, input.token))) {
    throw new ForbiddenError('Liên kết cài đặt không còn hiệu lực. Khởi động lại máy chủ để nhận liên kết mới.');
  }
  const errors: Record<string, string> = {};
  let account: ReturnType<typeof validateNewAccount> | undefined;
  let profile: ReturnType<typeof validateAgencyInput> | undefined;
  try {
    // The first admin also organizes: in a small agency one person does both.
    account = validateNewAccount({ ...input.admin, roles: ['admin', 'organizer'] });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    Object.assign(errors, error.fieldErrors);
  }
  if (!errors.password && input.admin.password !== input.admin.confirmPassword) {
    errors.confirmPassword = 'Mật khẩu nhập lại không khớp. Vui lòng nhập lại cả hai ô mật khẩu.';
  }
  try {
    profile = validateAgencyInput(input.agency);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    Object.assign(errors, error.fieldErrors);
  }
  if (Object.keys(errors).length > 0 || !account || !profile) throw new ValidationError(errors);
  const passwordHash = await hashPassword(input.admin.password);
  const checkedAccount = account;
  const checkedProfile = profile;
  let demoPlanId: number | undefined;
  const userId = await db.transaction().execute(async (trx) => {
    // Checked again inside the transaction: two setup forms sent at once must not make two admins.
    if ((await countUsers(trx)) > 0) throw new ForbiddenError('Hệ thống đã được cài đặt.');
    const actor: Actor = { userId: null, username: checkedAccount.username, ip };
    const id = await insertAccount(trx, actor, { ...checkedAccount, passwordHash, mustChangePassword: false });
    await saveAgencyProfile(trx, { ...actor, userId: id }, checkedProfile);
    if (input.loadDemo) demoPlanId = (await insertDemoPlan(trx, { ...actor, userId: id })).planId;
    await deleteSetting(trx, SETUP_TOKEN_KEY);
    await recordAudit(trx, { ...actor, userId: id }, { action: 'setup.complete', entityType: 'setup' });
    return id;
  });
  if (demoPlanId) {
    await insertDemoLetters(db, { userId, username: checkedAccount.username, ip }, demoPlanId);
    await insertDemoAttendance(db, demoPlanId);
  }
  return userId;
}
