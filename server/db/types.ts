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

export interface AuthSessionsTable {
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
  auth_sessions: AuthSessionsTable;
  app_settings: AppSettingsTable;
  agency: AgencyTable;
  audit_log: AuditLogTable;
  units: UnitsTable;
  people: PeopleTable;
  person_name_tokens: PersonNameTokensTable;
  plans: PlansTable;
  plan_units: PlanUnitsTable;
  rounds: RoundsTable;
  round_quotas: RoundQuotasTable;
  sessions: SessionsTable;
  session_units: SessionUnitsTable;
  invitations: InvitationsTable;
  attendances: AttendancesTable;
  people_imports: PeopleImportsTable;
  letters: LettersTable;
  invitation_tokens: InvitationTokensTable;
  checkin_attempts: CheckinAttemptsTable;
  session_staff: SessionStaffTable;
  materials: MaterialsTable;
  news_links: NewsLinksTable;
  bundle_digests: BundleDigestsTable;
}

export interface SessionStaffTable {
  session_id: number;
  user_id: number;
}

export type UnitKind = 'office' | 'commune' | 'other';

export interface UnitsTable {
  id: Generated<number>;
  kind: UnitKind;
  name: string;
  short_name: Generated<string>;
  sort_order: Generated<number>;
  name_search: string;
  created_at: string;
  updated_at: string;
}

export interface PeopleTable {
  id: Generated<number>;
  full_name: string;
  full_name_search: string;
  position: Generated<string>;
  unit_id: number;
  phone: Generated<string>;
  phone_digits: Generated<string>;
  email: Generated<string>;
  notes: Generated<string>;
  created_at: string;
  updated_at: string;
}

export interface PersonNameTokensTable {
  token: string;
  person_id: number;
}

export interface PlansTable {
  id: Generated<number>;
  number: Generated<string>;
  symbol: string;
  /** YYYY-MM-DD */
  issued_on: string;
  summary: string;
  basis: Generated<string>;
  year: number;
  required_rounds: Generated<number>;
  is_demo: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface PlanUnitsTable {
  plan_id: number;
  unit_id: number;
}

export interface RoundsTable {
  id: Generated<number>;
  plan_id: number;
  number: number;
  title: string;
  /** One topic per line. */
  topics: Generated<string>;
  notes: Generated<string>;
  created_at: string;
  updated_at: string;
}

export interface RoundQuotasTable {
  round_id: number;
  unit_id: number;
  quota: number;
}

export type SessionStatus = 'planned' | 'open' | 'closed' | 'cancelled';

export interface SessionsTable {
  id: Generated<number>;
  round_id: number;
  /** UTC ISO-8601 instants; shown in Asia/Ho_Chi_Minh. */
  starts_at: string;
  ends_at: string;
  venue: string;
  chair: Generated<string>;
  capacity: number | null;
  checkin_opens_minutes: Generated<number>;
  late_after_minutes: Generated<number>;
  status: Generated<SessionStatus>;
  notes: Generated<string>;
  created_at: string;
  updated_at: string;
  /** Per-session secret the rotating room code is derived from; created on first use. */
  room_secret: string | null;
}

export interface SessionUnitsTable {
  session_id: number;
  unit_id: number;
  quota: number;
}

export type InvitationStatus = 'invited' | 'confirmed' | 'declined' | 'substituted';

export interface InvitationsTable {
  id: Generated<number>;
  session_id: number;
  person_id: number;
  unit_id: number;
  status: Generated<InvitationStatus>;
  replaces_invitation_id: number | null;
  created_at: string;
  updated_at: string;
}

export type AttendanceStatus = 'present' | 'late' | 'excused' | 'absent' | 'substitute';

export interface AttendancesTable {
  id: Generated<number>;
  session_id: number;
  person_id: number;
  invitation_id: number | null;
  status: AttendanceStatus;
  checked_in_at: string | null;
  reason: Generated<string>;
  created_at: string;
  updated_at: string;
  method: Generated<CheckinMethod | 'close'>;
  recorded_by: number | null;
  /** 1 for walk-ins and self-declared substitutes until staff confirm them. */
  needs_review: Generated<number>;
  /** For a substitute: whom they replace, as typed. */
  substitute_for: Generated<string>;
}

export type CheckinMethod = 'door' | 'room' | 'desk' | 'walk-in';

export interface CheckinAttemptsTable {
  id: Generated<number>;
  session_id: number;
  at: string;
  user_id: number | null;
  method: CheckinMethod;
  ip: string | null;
  device: Generated<string>;
  input: Generated<string>;
  result: 'ok' | 'duplicate' | 'refused';
  reason: Generated<string>;
  person_id: number | null;
  client_nonce: string | null;
  response_json: string;
}

/** An uploaded people list awaiting confirmation; payload is the checked rows as JSON. */
export interface PeopleImportsTable {
  /** 128 random bits, base64url. */
  id: string;
  created_by: number;
  created_at: string;
  expires_at: string;
  filename: string;
  payload: string;
}

export type LetterKind = 'giay-moi' | 'cong-van';
export type LetterStatus = 'draft' | 'issued' | 'replaced';

export interface LettersTable {
  id: Generated<number>;
  kind: LetterKind;
  status: Generated<LetterStatus>;
  year: number | null;
  number: number | null;
  /** "GM-UBND" for a giấy mời; "UBND-VP" style for a công văn. */
  symbol: string;
  /** YYYY-MM-DD, set when issued. */
  issued_on: string | null;
  round_id: number;
  session_id: number | null;
  /** The letter's whole content: editable while a draft, frozen once issued. */
  content_json: string;
  replaces_letter_id: number | null;
  created_by: number | null;
  issued_by: number | null;
  created_at: string;
  updated_at: string;
  issued_at: string | null;
}

export type TokenStatus = 'active' | 'revoked' | 'replaced';

export interface InvitationTokensTable {
  id: Generated<number>;
  invitation_id: number;
  /** ≥ 128 random bits, base64url: the personal link. */
  token: string;
  /** 9 characters without look-alikes, typed at the door. */
  short_code: string;
  status: Generated<TokenStatus>;
  letter_id: number | null;
  created_at: string;
  ended_at: string | null;
}

/** tài liệu, hình ảnh, video, kế hoạch */
export type MaterialKind = 'document' | 'photo' | 'video' | 'plan';

/** A file kept as evidence, attached to a plan, a round or a session (plan_id always set). */
export interface MaterialsTable {
  id: Generated<number>;
  plan_id: number;
  round_id: number | null;
  session_id: number | null;
  kind: MaterialKind;
  title: string;
  description: Generated<string>;
  /** The uploader's file name, NFC, without any path: shown and used in Content-Disposition only. */
  original_name: string;
  /** Generated name inside the storage module; never derived from the uploader's name. */
  storage_key: string;
  /** From the content (magic bytes), not from the name. */
  mime_type: string;
  bytes: number;
  /** Hex SHA-256 computed while the upload streamed. */
  sha256: string;
  /** Photos: capture time from EXIF (ISO, UTC) when present. */
  captured_at: string | null;
  width: number | null;
  height: number | null;
  thumbnail_key: string | null;
  uploaded_by: number | null;
  uploaded_at: string;
  /** Soft delete: evidence never vanishes silently; only the admin purges. */
  deleted_at: string | null;
  deleted_by: number | null;
  delete_reason: string | null;
}

/** A news item (tin bài) published about the training. */
export interface NewsLinksTable {
  id: Generated<number>;
  plan_id: number;
  round_id: number | null;
  session_id: number | null;
  /** http or https only. */
  url: string;
  title: string;
  /** The newspaper or portal, e.g. "Cổng thông tin điện tử huyện Gò Dầu". */
  outlet: Generated<string>;
  /** YYYY-MM-DD */
  published_on: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  deleted_by: number | null;
  delete_reason: string | null;
}

/** The checksum of an evidence bundle as last built; valid while its inputs' fingerprint is unchanged. */
export interface BundleDigestsTable {
  scope_kind: 'plan' | 'round';
  scope_id: number;
  /** Hex SHA-256 over the bundle's inputs (rows, stored files' checksums, format version, fonts). */
  fingerprint: string;
  /** Hex SHA-256 of the ZIP's bytes. */
  sha256: string;
  bytes: number;
  computed_at: string;
}
