// The audit log: every change to accounts, profile, attendance, letters and files is recorded here.
import type { Kysely, Transaction } from 'kysely';
import { insertAuditEntries, insertAuditEntry, listAuditEntityTypes, listAuditEntries } from '../db/queries/audit-log.ts';
import { JsonText } from '../db/json-rows.ts';
import type { DB } from '../db/types.ts';
import { formatDateTime, nowIso } from './clock.ts';
import { ROLE_LABELS, isRole } from './roles.ts';

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
  await insertAuditEntry(db, auditRow(actor, change));
}

/** Records several changes in one statement, each with its own actor, in the order given. */
export async function recordAudits(db: Kysely<DB> | Transaction<DB>, changes: { actor: Actor; change: AuditChange }[]): Promise<void> {
  await insertAuditEntries(db, changes.map(({ actor, change }) => auditRow(actor, change)));
}

function auditRow(actor: Actor, change: AuditChange) {
  return {
    at: nowIso(),
    user_id: actor.userId,
    username: actor.username,
    ip: actor.ip,
    action: change.action,
    entity_type: change.entityType,
    entity_id: change.entityId == null ? null : String(change.entityId),
    before_json: auditJson(change.before),
    after_json: auditJson(change.after),
  };
}

/** Objects travel as they are (encoded once, with the row); anything else as its JSON text. */
function auditJson(value: unknown): string | JsonText | null {
  if (value === undefined) return null;
  return typeof value === 'object' && value !== null ? new JsonText(value) : JSON.stringify(value);
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
  'unit.create': 'Thêm đơn vị',
  'unit.update': 'Sửa đơn vị',
  'unit.delete': 'Xóa đơn vị',
  'person.create': 'Thêm đại biểu',
  'person.update': 'Sửa thông tin đại biểu',
  'person.delete': 'Xóa đại biểu',
  'person.import': 'Nhập danh sách từ tệp',
  'plan.create': 'Thêm kế hoạch',
  'plan.update': 'Sửa kế hoạch',
  'round.create': 'Thêm đợt tập huấn',
  'round.update': 'Sửa đợt tập huấn',
  'session.create': 'Thêm buổi tập huấn',
  'session.update': 'Sửa buổi tập huấn',
  'session.invite_unit': 'Mời đơn vị',
  'session.uninvite_unit': 'Bỏ đơn vị khỏi danh sách mời',
  'invitation.create': 'Mời đại biểu',
  'invitation.status': 'Cập nhật trả lời lời mời',
  'invitation.substitute': 'Cử người đi thay',
  'letter.draft': 'Lập bản nháp văn bản',
  'letter.update_draft': 'Sửa bản nháp văn bản',
  'letter.issue': 'Ban hành văn bản',
  'invitation.revoke_code': 'Thu hồi mã giấy mời',
  'attendance.checkin': 'Điểm danh',
  'session.assign_staff': 'Giao buổi cho cán bộ điểm danh',
  'session.unassign_staff': 'Thôi giao buổi cho cán bộ điểm danh',
  'attendance.excuse': 'Ghi vắng có phép',
  'attendance.undo': 'Hoàn tác điểm danh',
  'attendance.confirm': 'Xác nhận đăng ký tại chỗ',
  'attendance.close': 'Kết thúc điểm danh',
  'invitation.reissue_code': 'Cấp lại mã giấy mời',
  'material.upload': 'Tải lên tệp minh chứng',
  'material.delete': 'Xóa tệp minh chứng (còn lưu để xem xét)',
  'material.purge': 'Xóa vĩnh viễn tệp minh chứng',
  'news_link.create': 'Thêm tin bài',
  'news_link.update': 'Sửa tin bài',
  'news_link.delete': 'Xóa tin bài (còn lưu để xem xét)',
  'news_link.purge': 'Xóa vĩnh viễn tin bài',
};

const ENTITY_LABELS: Record<string, string> = {
  user: 'Tài khoản',
  agency: 'Cơ quan',
  setup: 'Cài đặt',
  unit: 'Đơn vị',
  person: 'Đại biểu',
  userId: 'Mã tài khoản',
  plan: 'Kế hoạch',
  round: 'Đợt tập huấn',
  session: 'Buổi tập huấn',
  invitation: 'Lời mời',
  letter: 'Văn bản',
  material: 'Tệp minh chứng',
  news_link: 'Tin bài',
};

// Field names as the forms label them, so the log reads in Vietnamese.
const FIELD_LABELS: Record<string, string> = {
  username: 'Tên đăng nhập',
  fullName: 'Họ và tên',
  roles: 'Vai trò',
  disabled: 'Đã khóa',
  parentName: 'Cơ quan chủ quản',
  nameLines: 'Tên cơ quan ban hành',
  placeName: 'Địa danh',
  symbol: 'Chữ viết tắt',
  signerAuthorityLines: 'Thẩm quyền ký',
  signerName: 'Người ký',
  address: 'Địa chỉ',
  phone: 'Điện thoại',
  email: 'Thư điện tử',
  website: 'Trang thông tin điện tử',
  kind: 'Loại',
  name: 'Tên',
  shortName: 'Tên viết tắt',
  sortOrder: 'Thứ tự',
  position: 'Chức vụ',
  unitId: 'Mã đơn vị',
  unitName: 'Đơn vị',
  notes: 'Ghi chú',
  number: 'Số',
  issuedOn: 'Ngày ban hành',
  summary: 'Trích yếu',
  basis: 'Căn cứ',
  year: 'Năm',
  requiredRounds: 'Số đợt phải tổ chức',
  unitIds: 'Mã các đơn vị',
  title: 'Tên đợt',
  topics: 'Nội dung',
  quotas: 'Số người cử',
  startsAt: 'Bắt đầu',
  endsAt: 'Kết thúc',
  venue: 'Địa điểm',
  chair: 'Chủ trì',
  capacity: 'Sức chứa',
  checkinOpensMinutes: 'Mở điểm danh trước (phút)',
  lateAfterMinutes: 'Đến muộn sau (phút)',
  status: 'Trạng thái',
  date: 'Ngày',
  startTime: 'Giờ bắt đầu',
  endTime: 'Giờ kết thúc',
  sessionId: 'Mã buổi',
  personId: 'Mã đại biểu',
  invitationId: 'Mã lời mời',
  quota: 'Số người',
  id: 'Mã',
  filename: 'Tệp',
  rows: 'Số dòng trong tệp',
  imported: 'Số người đã thêm',
  unitsCreated: 'Số đơn vị đã thêm',
  skippedDuplicates: 'Bỏ qua vì trùng',
  skippedErrors: 'Bỏ qua vì lỗi',
  skippedNoUnit: 'Bỏ qua vì chưa có đơn vị',
  replaces: 'Thay thế văn bản',
  codes: 'Số mã giấy mời đã cấp',
  person: 'Đại biểu',
  method: 'Cách điểm danh',
  needsReview: 'Chờ xác nhận',
  reason: 'Lý do',
  checkedInAt: 'Giờ điểm danh',
  absent: 'Số người ghi vắng',
  fileTitle: 'Tiêu đề',
  originalName: 'Tên tệp gốc',
  bytes: 'Dung lượng (byte)',
  sha256: 'Mã kiểm tra SHA-256',
  mimeType: 'Định dạng',
  attachedTo: 'Thuộc',
  newsTitle: 'Tiêu đề tin bài',
  url: 'Địa chỉ',
  outlet: 'Nơi đăng',
  publishedOn: 'Ngày đăng',
};

export interface AuditField {
  label: string;
  value: string;
}

export interface AuditEntryView {
  id: number;
  at: string;
  username: string;
  ip: string;
  action: string;
  entity: string;
  before: AuditField[];
  after: AuditField[];
}

function describeValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Có' : 'Không';
  if (Array.isArray(value)) {
    const items = key === 'roles' ? value.map((role) => (isRole(role) ? ROLE_LABELS[role] : String(role))) : value.map(String);
    return items.join(key === 'roles' ? ', ' : ' / ') || '—';
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A stored before/after snapshot as labelled lines. */
function describeSnapshot(json: string | null): AuditField[] {
  if (json === null) return [];
  const value = JSON.parse(json) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ label: 'Giá trị', value: describeValue('', value) }];
  return Object.entries(value).map(([key, v]) => ({ label: FIELD_LABELS[key] ?? key, value: describeValue(key, v) }));
}

/** Only the fields that changed, when both sides exist; everything otherwise. */
function changedOnly(before: AuditField[], after: AuditField[]): { before: AuditField[]; after: AuditField[] } {
  if (before.length === 0 || after.length === 0) return { before, after };
  const old = new Map(before.map((f) => [f.label, f.value]));
  const changed = new Set(after.filter((f) => old.get(f.label) !== f.value).map((f) => f.label));
  return { before: before.filter((f) => changed.has(f.label)), after: after.filter((f) => changed.has(f.label)) };
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
    entries: rows.slice(0, filter.pageSize).map((row) => {
      const firstProfile = row.action === 'agency.update' && row.before_json === null;
      return {
        id: row.id,
        at: formatDateTime(row.at),
        username: row.username ?? '—',
        ip: row.ip ?? '',
        action: firstProfile ? 'Khai báo thông tin cơ quan' : (ACTION_LABELS[row.action] ?? row.action),
        entity: `${ENTITY_LABELS[row.entity_type] ?? row.entity_type}${row.entity_id && row.entity_type !== 'agency' ? ` số ${row.entity_id}` : ''}`,
        ...changedOnly(describeSnapshot(row.before_json), describeSnapshot(row.after_json)),
      };
    }),
    hasNext: rows.length > filter.pageSize,
    entityTypes: entityTypes.map((value) => ({ value, label: ENTITY_LABELS[value] ?? value })),
  };
}
