// The data the document builders take. Plain values only (strings, numbers, ISO dates): the services
// build them from the database; nothing here knows about tables or requests.
import type { SessionTime } from './format.ts';
import type { RichText } from './text-flow.ts';

/**
 * The issuing body as printed. Field names match the agency profile (AgencyProfile), so the profile
 * can be passed as it is.
 */
export interface LetterAgency {
  /** Parent body ("UBND TỈNH TÂY NINH"); empty for none. Printed in upper case. */
  parentName?: string;
  /** Issuing body, one printed line each ("ỦY BAN NHÂN DÂN", "HUYỆN GÒ DẦU"). Printed in upper case, bold. */
  nameLines: string[];
  /** Place name without its unit noun ("Gò Dầu", "Phường 3"). */
  placeName: string;
  /** Abbreviation used in document symbols ("UBND"). */
  symbol: string;
  /** Signing authority lines ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"). */
  signerAuthorityLines: string[];
  signerName: string;
}

/** One person on the invitee list (Mẫu 2.1 appendix). */
export interface Invitee {
  name: string;
  position?: string;
  unit?: string;
}

/** A group of the list: its heading is data ("Cơ quan chuyên môn thuộc UBND huyện"); numbered I, II, … in order. */
export interface InviteeGroup {
  heading: string;
  invitees: Invitee[];
}

/** The invitee list appended to the letter. */
export interface InviteeAppendix {
  /** Title, printed in upper case ("Danh sách đại biểu được mời dự tập huấn …"). */
  title: string;
  groups: InviteeGroup[];
}

/** What every letter has. */
export interface LetterCommon {
  agency: LetterAgency;
  /**
   * Issuing body's name in running text ("Ủy ban nhân dân huyện Gò Dầu"): it opens the invitation
   * ("… trân trọng kính mời") and closes the appendix reference ("… của Ủy ban nhân dân huyện Gò Dầu").
   */
  issuerName: string;
  /** Number from the letter register; null or absent on a draft. */
  number?: number | null;
  /** Issue date: "2022-05-06" (Vietnam's calendar) or an instant. */
  date: string;
  /**
   * Draft: the number left blank and a grey "BẢN XEM TRƯỚC" in the top margin. A letter without a number
   * is always shown as a draft.
   */
  preview?: boolean;
  /** Overrides the agency's default signer. */
  signer?: { authorityLines: string[]; name: string };
  /** "Nơi nhận" list, one recipient each, without the leading "- " or trailing ";" ("Như trên", "Phòng Nội vụ"). */
  recipients: string[];
  /** Archive line after "Lưu: " ("VT, VP"); "VT" when absent. */
  archive?: string;
  /** Invitee list, appended as Mẫu 2.1 when it has at least one person. */
  appendix?: InviteeAppendix;
}

/** Giấy mời (Mẫu 1.7). */
export interface InvitationLetter extends LetterCommon {
  kind: 'giay-moi';
  /** Trích yếu under "GIẤY MỜI" ("Tham dự lớp tập huấn nghiệp vụ cải cách hành chính năm 2022"); optional. */
  summary?: string;
  /** Opening basis, e.g. "Thực hiện Kế hoạch số 1183/KH-UBND ngày 08/4/2022 của … về …;". */
  basis?: RichText[];
  /** Who is invited, after "trân trọng kính mời:" ("Thủ trưởng các cơ quan chuyên môn thuộc UBND huyện; …"). */
  invitees: string;
  /** What to attend, after "Tới dự " ("lớp tập huấn nghiệp vụ cải cách hành chính năm 2022"). */
  event: string;
  /** Who chairs ("Đồng chí Nguyễn Văn Minh - Phó Chủ tịch UBND huyện"); optional. */
  chair?: string;
  time: SessionTime;
  venue: string;
  /** Notes paragraphs (what to bring, contact person); the last one ends with "./.". */
  notes?: RichText[];
}

/** Công văn triệu tập: "V/v …" under Số, "Kính gửi:", then free paragraphs. */
export interface OfficialLetter extends LetterCommon {
  kind: 'cong-van';
  /** Drafting unit's abbreviation for the symbol ("VP" → "12/UBND-VP"). */
  draftingUnit?: string;
  /** Summary after "V/v " ("triệu tập cán bộ, công chức tham dự lớp tập huấn …"). */
  subject: string;
  /** One addressee ("Phòng Nội vụ huyện") or several, listed under "Kính gửi:" as "- …;". */
  addressees: string[];
  paragraphs: RichText[];
}

export type Letter = InvitationLetter | OfficialLetter;

/** What a personal invitation slip shows for its session. */
export interface SlipEvent {
  /** "Lớp tập huấn nghiệp vụ cải cách hành chính năm 2022 (Đợt 1)". */
  title: string;
  time: SessionTime;
  venue: string;
}

/** One personal invitation slip. */
export interface InvitationSlip {
  name: string;
  position?: string;
  unit?: string;
  /** What the QR code encodes: the personal check-in URL. */
  url: string;
  /** The short typed code (printed grouped: "K7P-M4Q-9X"). ASCII letters and digits. */
  code: string;
  /** A slip for another session than the options' default. */
  event?: SlipEvent;
}

/** What all slips of one print share. */
export interface SlipsOptions {
  /** Printed as the slips' heading (upper case): parent body and issuing body lines. */
  agency: Pick<LetterAgency, 'parentName' | 'nameLines'>;
  event: SlipEvent;
  /** "Kèm theo Giấy mời số 12/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu" (italic, at the foot). */
  reference?: string;
  /** Where a person can type the code instead of scanning ("taphuan.godau.gov.vn/ma"). */
  codeHint?: string;
  /** Slips per A4 page: 2 (A5 each) or 3 (default). */
  perPage?: 2 | 3;
  fontDir?: string;
}

/** What was recorded for a person at the session. */
export type AttendanceStatus = 'present' | 'late' | 'excused' | 'absent' | 'substitute';

/** One person on the sign-in sheet. */
export interface SignInRow {
  name: string;
  position?: string;
  unit?: string;
  /** Check-in instant (ISO 8601); printed as HH:MM, Vietnam time, on a filled sheet. */
  checkedInAt?: string | null;
  /** On a filled sheet, null means "not recorded": present when checked in, otherwise absent. */
  status?: AttendanceStatus | null;
  /** The reason of an excused absence, or the name of the person a substitute came for; other statuses ignore it. */
  note?: string;
  /** Registered at the door and not yet confirmed by the organizers. */
  needsReview?: boolean;
}

/** A group of the sheet: its heading is data ("Cơ quan chuyên môn thuộc UBND huyện"); numbered I, II, … in order. */
export interface SignInGroup {
  heading: string;
  rows: SignInRow[];
}

/** The sign-in sheet (danh sách đại biểu tham dự): blank for signing at the door, or filled from the check-ins. */
export interface SignInSheet {
  agency: LetterAgency;
  /** Printed in upper case; "DANH SÁCH ĐẠI BIỂU THAM DỰ" when absent. */
  title?: string;
  /** "Lớp tập huấn nghiệp vụ cải cách hành chính năm 2022 (Đợt 1)". */
  event: string;
  /** "Kèm theo Giấy mời số 01/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu" (printed in brackets). */
  reference?: string;
  /** ISO instants. */
  time: { start: string; end?: string };
  venue: string;
  /** After the session: check-in times and statuses. Before it (false): no times, no statuses. */
  filled: boolean;
  groups: SignInGroup[];
  /** Printed under "NGƯỜI LẬP DANH SÁCH" and "TM. BAN TỔ CHỨC"; left blank to be written by hand. */
  preparedBy?: string;
  organizerName?: string;
}

// ---- The results report (báo cáo kết quả): the data the PDF prints and the tests compare against. ----

/** Attendance at a session (or summed over several), per status. */
export interface AttendanceCounts {
  /** Current invitees (invited or confirmed). */
  invited: number;
  present: number;
  late: number;
  substitute: number;
  /** present + late + substitute: the people in the room. */
  attended: number;
  excused: number;
  absent: number;
  /** Invitees with nothing recorded (a session not closed yet). */
  unrecorded: number;
}

export interface ReportUnitRow extends AttendanceCounts {
  unitName: string;
  unitKind: 'office' | 'commune' | 'other';
  /** "Cơ quan chuyên môn", "UBND xã, phường, thị trấn": the printed tables group rows by it. */
  unitKindLabel: string;
}

/** A session of a round, not cancelled, with its counts per unit (offices, communes, others; by their order). */
export interface ReportSession {
  id: number;
  /** 1-based within its round, in time order. */
  number: number;
  /** UTC instants. */
  startsAt: string;
  endsAt: string;
  venue: string;
  chair: string;
  status: 'planned' | 'open' | 'closed' | 'cancelled';
  /** Closed, or already ended (the dashboard's rule). */
  held: boolean;
  units: ReportUnitRow[];
  totals: AttendanceCounts;
}

export interface ReportRound {
  id: number;
  number: number;
  label: string;
  title: string;
  topics: string[];
  status: 'held' | 'scheduled' | 'unscheduled';
  statusLabel: string;
  /** Sessions not cancelled, and of those the ones held. */
  sessionsScheduled: number;
  sessionsHeld: number;
  /** First start and last end of its sessions not cancelled (UTC), null without sessions. */
  firstStart: string | null;
  lastEnd: string | null;
  sessions: ReportSession[];
  /** Distinct people over the round's sessions (the dashboard's figures). */
  invited: number;
  attended: number;
  absent: number;
  excused: number;
  pending: number;
  unitsAttended: number;
  unitsTarget: number;
  /** Target units with nobody at any session of the round. */
  missingUnits: string[];
}

export interface ReportCoverageCell {
  roundNumber: number;
  state: 'attended' | 'invited' | 'absent' | 'not-invited';
  stateLabel: string;
  invited: number;
  attended: number;
  /** "3/4", a bare count when nobody was invited, or "". */
  countText: string;
}

export interface ReportCoverageRow {
  unitName: string;
  unitKind: 'office' | 'commune' | 'other';
  unitKindLabel: string;
  isTarget: boolean;
  cells: ReportCoverageCell[];
  /** Rounds of the report with at least one attendee. */
  roundsCovered: number;
}

export interface ReportMaterial {
  id: number;
  kind: 'document' | 'photo' | 'video' | 'plan';
  kindLabel: string;
  title: string;
  originalName: string;
  bytes: number;
  sha256: string;
  roundNumber: number | null;
  sessionId: number | null;
  /** Start of its session (UTC), when attached to one. */
  sessionStartsAt: string | null;
}

export interface ReportNewsLink {
  id: number;
  title: string;
  outlet: string;
  url: string;
  /** YYYY-MM-DD */
  publishedOn: string;
  roundNumber: number | null;
}

export interface ResultsReport {
  scope: 'plan' | 'round';
  agency: LetterAgency & { address?: string; phone?: string; email?: string; website?: string };
  /** The issuing body in running text: "Ủy ban nhân dân huyện Gò Dầu". */
  issuerName: string;
  plan: {
    id: number;
    number: string;
    symbol: string;
    /** YYYY-MM-DD */
    issuedOn: string;
    summary: string;
    year: number;
    requiredRounds: number;
    /** "Kế hoạch số 95/KH-UBND ngày 06/5/2022". */
    reference: string;
  };
  /** The plan's progress against its required rounds (whole plan, whatever the scope). */
  progress: { required: number; created: number; scheduled: number; held: number };
  /** The rounds reported on: all of the plan's, or the one of a round scope. */
  rounds: ReportRound[];
  coverage: {
    rows: ReportCoverageRow[];
    /** Target units of the plan, and of those the ones with someone at every round reported / at least one. */
    targetUnits: number;
    unitsAllRounds: number;
    unitsAnyRound: number;
  };
  materials: ReportMaterial[];
  newsLinks: ReportNewsLink[];
  /** Sums over the reported sessions already held (a person at two sessions counts twice); how many sessions, and held. */
  totals: AttendanceCounts & { sessions: number; sessionsHeld: number };
  /** The year printed on the date line: the year of the last reported session, else the plan's. */
  year: number;
  /** Latest change of anything the report shows (UTC ISO): the PDF's creation date, so the file is reproducible. */
  asOf: string;
}
