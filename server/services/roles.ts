// The four roles and their names as users read them.
import type { Role } from '../db/types.ts';

export const ROLES: readonly Role[] = ['admin', 'organizer', 'checkin', 'reporter'];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Quản trị',
  organizer: 'Cán bộ tổ chức',
  checkin: 'Cán bộ điểm danh',
  reporter: 'Người báo cáo',
};

/** Narrows untrusted input (a form field, a CLI flag) to the known roles. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
