// The audit log: every change to accounts, profile, attendance, letters and files is recorded here.
import type { Kysely, Transaction } from 'kysely';
import { insertAuditEntry, listAuditEntityTypes, listAuditEntries } from '../db/queries/audit-log.ts';
import type { DB } from '../db/types.ts';
import { formatDateTime, nowIso } from './clock.ts';

/** Who does something: the logged-in user (or none, for the setup page and the CLI) and where from. */
export interface Actor {
  userId: number | null;
  username: string | null;
  ip: string | null;
}

export const CLI_ACTOR: Actor = { userId: null, username: 'cli', ip: null };

export interface AuditChange {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** Appends one entry; call it inside the same transaction as the change it describes. */
export async function recordAudit(db: Kysely<DB> | Transaction<DB>, actor: Actor, change: AuditChange): Promise<void> {
  await insertAuditEntry(db, {
    at: nowIso(),
    user_id: actor.userId,
    username: actor.username,
    ip: actor.ip,
    action: change.action,
    entity_type: change.entityType,
    entity_id: change.entityId == null ? null : String(change.entityId),
    before_json: change.before === undefined ? null : JSON.stringify(change.before),
    after_json: change.after === undefined ? null : JSON.stringify(change.after),
  });
}

const ACTION_LABELS: Record<string, string> = {
  'setup.complete': 'Cài đặt lần đầu',
  'user.create': 'Tạo tài khoản',
  'user.update': 'Sửa tài khoản',
  'user.disable': 'Khóa tài khoản',
  'user.enable': 'Mở khóa tài khoản',
  'user.reset_password': 'Đặt lại mật khẩu',
  'user.change_password': 'Đổi mật khẩu',
  'user.login': 'Đăng nhập',
  'user.login_failed': 'Đăng nhập thất bại',
  'user.logout': 'Đăng xuất',
  'agency.update': 'Sửa thông tin cơ quan',
};

const ENTITY_LABELS: Record<string, string> = {
  user: 'Tài khoản',
  agency: 'Cơ quan',
  setup: 'Cài đặt',
};

export interface AuditEntryView {
  id: number;
  at: string;
  username: string;
  ip: string;
  action: string;
  entity: string;
  before: string;
  after: string;
}

function prettyJson(json: string | null): string {
  if (json === null) return '';
  return JSON.stringify(JSON.parse(json), null, 1);
}

/** One page of the log, newest first, ready for the admin's page. */
export async function listAuditPage(
  db: Kysely<DB>,
  filter: { entityType?: string; username?: string; page: number; pageSize: number },
): Promise<{ entries: AuditEntryView[]; hasNext: boolean; entityTypes: { value: string; label: string }[] }> {
  const rows = await listAuditEntries(db, {
    entityType: filter.entityType,
    username: filter.username,
    limit: filter.pageSize + 1,
    offset: (filter.page - 1) * filter.pageSize,
  });
  const entityTypes = await listAuditEntityTypes(db);
  return {
    entries: rows.slice(0, filter.pageSize).map((row) => ({
      id: row.id,
      at: formatDateTime(row.at),
      username: row.username ?? '—',
      ip: row.ip ?? '',
      action: ACTION_LABELS[row.action] ?? row.action,
      entity: `${ENTITY_LABELS[row.entity_type] ?? row.entity_type}${row.entity_id ? ` #${row.entity_id}` : ''}`,
      before: prettyJson(row.before_json),
      after: prettyJson(row.after_json),
    })),
    hasNext: rows.length > filter.pageSize,
    entityTypes: entityTypes.map((value) => ({ value, label: ENTITY_LABELS[value] ?? value })),
  };
}
