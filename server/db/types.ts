// The database as SQLite returns it: integers for booleans (0/1), ISO-8601 text for times.
import type { Generated } from 'kysely';

export type Role = 'admin' | 'organizer' | 'checkin' | 'reporter';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  full_name: string;
  password_hash: string;
  is_disabled: Generated<number>;
  must_change_password: Generated<number>;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
}

export interface UserRolesTable {
  user_id: number;
  role: Role;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number | null;
  data: string;
  expires_at: string;
  updated_at: string;
}

export interface AppSettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface AgencyTable {
  id: number;
  parent_name: string;
  name_lines: string;
  place_name: string;
  symbol: string;
  signer_authority_lines: string;
  signer_name: string;
  address: string;
  phone: string;
  email: string;
  website: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  username: string | null;
  ip: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before_json: string | null;
  after_json: string | null;
}

export interface DB {
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  app_settings: AppSettingsTable;
  agency: AgencyTable;
  audit_log: AuditLogTable;
}
