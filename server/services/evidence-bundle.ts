// The evidence bundle (hồ sơ minh chứng) of a plan or a round: one ZIP holding the results report, the plan
// document, every issued letter, a programme per session, the attendance lists, materials, photos and
// recordings, news items, a manifest and SHA256SUMS. Built as a stream, entry after entry, so gigabytes of
// video never sit in memory; reproducible, so the same data gives the same bytes and a bundle's checksum can be
// quoted and checked later. Its checksum is kept per scope under a fingerprint of its inputs.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import {
  findBundleDigest, findPlanRow, findRoundRow, lastAttendanceChange, listRegisterLetters, listScopeMaterials, listScopeNews,
  listScopeRounds, listScopeSessions, loadFingerprintRows, saveBundleDigest, type ScopeKey,
} from '../db/queries/bundle.ts';
import { listActiveInvitees } from '../db/queries/invitations.ts';
import type { DB, MaterialKind, MaterialsTable } from '../db/types.ts';
import { buildAttendanceCsv, buildAttendanceXlsx } from '../documents/attendance-export.ts';
import { resolveFonts } from '../documents/fonts.ts';
import { buildNewsCsv, buildNewsIndexHtml, type NewsLinkItem } from '../documents/news-links-index.ts';
import { asciiSlug, documentFileName, formatDocumentDate, formatNumberSymbol, formatShortDate, renderSignInSheetPdf, toVnDate, type VnDate } from '../documents/nd30/index.ts';
import { renderResultsReportPdf } from '../documents/nd30/results-report.ts';
import { renderProgrammePdf, type SessionProgramme } from '../documents/nd30/programme.ts';
import { archiveTimestamp, DigestStream, fixZipTimestamps, ZipWriter, type WrittenEntry } from '../documents/zip.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { getAgencyProfile } from './agency.ts';
import { buildSignInSheet } from './attendance-sheet.ts';
import { nowIso } from './clock.ts';
import { issuerName, LETTER_KIND_LABELS, renderLetter } from './letters.ts';
import { planReference } from './plans.ts';
import { loadResultsReport, type ReportScope } from './results-report.ts';
import { createFileStorage, type FileStorage } from './storage.ts';

/** A whole plan or one round: the same scopes as the results report. */
export type BundleScope = ReportScope;

/** Bump when the bundle's bytes change for the same data (layout, manifest, a document's drawing). */
export const BUNDLE_FORMAT = 'tap-huan/ho-so-minh-chung/1';
/** Raise when a generated document (letter, sheet, programme, report, index) is drawn differently: checksums kept for the old drawing are then recomputed. */
const DOCUMENTS_REVISION = 2;

export const REPORT_PATH = '00_Bao_cao_ket_qua.pdf';
export const BUNDLE_FOLDERS = {
  plan: '01_Ke_hoach',
  letters: '02_Van_ban_trieu_tap',
  programme: '03_Noi_dung_tap_huan',
  attendance: '04_Danh_sach_diem_danh',
  materials: '05_Tai_lieu_tap_huan',
  media: '06_Hinh_anh_Video',
  news: '07_Tin_bai',
} as const;
export const MANIFEST_PATH = 'manifest.json';
export const SUMS_PATH = 'SHA256SUMS';

/** What a file of the bundle is (the manifest's "kind"). */
export type BundleFileKind =
  | 'results-report' | 'plan-document' | 'letter' | 'programme' | 'attendance-pdf' | 'attendance-xlsx' | 'attendance-csv'
  | 'document' | 'photo' | 'video' | 'news-index' | 'news-csv' | 'manifest';

/** One file in manifest.json. */
export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
  kind: BundleFileKind;
  /** What it is, in Vietnamese. */
  title: string;
  /** The round's number, null for the plan as a whole. */
  round: number | null;
  /** The session's number within its round (Buổi 1, 2, … in time order), null when not about one session. */
  session: number | null;
}

/** Above this much stored media a bundle's checksum is not computed when the reports page opens, but recorded by its first download. */
export const INLINE_DIGEST_LIMIT_BYTES = 64 * 1024 * 1024;

/** A file the stored checksum or size no longer matches: the bundle is not produced rather than shipped with a wrong checksum. */
export class BundleIntegrityError extends ConflictError {}

/** Formats that compress well; every other file (PDF, XLSX, images, video, archives) is stored as it is. */
const DEFLATED_EXTENSIONS = new Set(['csv', 'txt', 'doc', 'xls', 'ppt', 'rtf', 'html', 'htm', 'xml', 'json', 'svg']);
const MIME_EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic', 'video/mp4': 'mp4',
  'video/webm': 'webm', 'video/quicktime': 'mov', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/msword': 'doc', 'application/vnd.ms-excel': 'xls', 'application/vnd.ms-powerpoint': 'ppt',
};
const MATERIAL_KIND_WORDS: Record<MaterialKind, string> = { plan: 'Kế hoạch', document: 'Tài liệu', photo: 'Hình ảnh', video: 'Video' };

type MaterialRow = Omit<MaterialsTable, 'id' | 'description'> & { id: number; description: string };

/** Every stored file is there with the size recorded at upload (a cheap check: the checksum is checked as the bundle streams). */
async function checkStoredFiles(storage: FileStorage, materials: Pick<MaterialRow, 'storage_key' | 'bytes' | 'title' | 'original_name' | 'kind'>[]): Promise<void> {
  for (const material of materials) {
    const size = await storage.size(material.storage_key);
    if (size !== material.bytes) {
      throw new BundleIntegrityError(
        `Tệp “${material.title || material.original_name}” (${MATERIAL_KIND_WORDS[material.kind].toLocaleLowerCase('vi')}) ${size === null ? 'không còn trong kho lưu trữ' : `có kích thước ${size} byte, khác ${material.bytes} byte đã ghi khi tải lên`}. ` +
          'Hồ sơ minh chứng không được lập; liên hệ quản trị để khôi phục tệp từ bản sao lưu.',
      );
    }
  }
}

interface ScopeData {
  key: ScopeKey;
  plan: NonNullable<Awaited<ReturnType<typeof findPlanRow>>>;
  rounds: Awaited<ReturnType<typeof listScopeRounds>>;
  sessions: (Awaited<ReturnType<typeof listScopeSessions>>[number] & { number: number; roundNumber: number })[];
}

/** The scope's rows, or a 404 with a Vietnamese message. */
async function loadScope(db: Kysely<DB>, scope: BundleScope): Promise<ScopeData> {
  let key: ScopeKey;
  if ('roundId' in scope) {
    const round = await findRoundRow(db, scope.roundId);
    if (!round) throw new NotFoundError('Không tìm thấy đợt tập huấn. Có thể đợt đã bị xóa hoặc địa chỉ không đúng.');
    key = { kind: 'round', id: round.id, planId: round.plan_id, roundId: round.id };
  } else {
    key = { kind: 'plan', id: scope.planId, planId: scope.planId };
  }
  const plan = await findPlanRow(db, key.planId);
  if (!plan) throw new NotFoundError('Không tìm thấy kế hoạch. Có thể kế hoạch đã bị xóa hoặc địa chỉ không đúng.');
  const rounds = await listScopeRounds(db, key);
  const roundNumber = new Map(rounds.map((r) => [r.id, r.number]));
  const counters = new Map<number, number>();
  const sessions = (await listScopeSessions(db, rounds.map((r) => r.id)))
    .sort((a, b) => roundNumber.get(a.round_id)! - roundNumber.get(b.round_id)! || a.starts_at.localeCompare(b.starts_at) || a.id - b.id)
    .map((s) => {
      const number = (counters.get(s.round_id) ?? 0) + 1;
      counters.set(s.round_id, number);
      return { ...s, number, roundNumber: roundNumber.get(s.round_id)! };
    });
  return { key, plan, rounds, sessions };
}

/** The calendar date a bundle is dated by: its last session not cancelled (in Vietnam), else the plan's date. */
function bundleDate(data: ScopeData): VnDate {
  const held = data.sessions.filter((s) => s.status !== 'cancelled');
  const last = held.reduce<string | undefined>((max, s) => (!max || s.starts_at > max ? s.starts_at : max), undefined);
  return toVnDate(last ?? data.plan.issued_on);
}

function isoDay(date: VnDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/**
 * "2022-05-12_Ho-so-minh-chung_95-KH-UBND_Dot-1.zip" (a round) or "…_95-KH-UBND.zip" (the plan): the date of the
 * last session, the plan's number and symbol, the round; ASCII only (vn-documents "File names").
 */
function bundleFileName(data: ScopeData): string {
  const plan = asciiSlug(`${data.plan.number ? `${data.plan.number}-` : ''}${data.plan.symbol}`);
  const round = data.key.kind === 'round' ? `_Dot-${data.rounds[0]?.number ?? ''}` : '';
  return `${isoDay(bundleDate(data))}_Ho-so-minh-chung_${plan}${round}.zip`;
}

function latest(values: (string | null | undefined)[]): string {
  return values.filter((v): v is string => Boolean(v)).reduce((max, v) => (v > max ? v : max), '');
}

/** "Dot-1_Buoi-2", "Dot-1", "Ke-hoach": where a file belongs, for its name. */
function placeLabel(round: number | null, session: number | null): string {
  if (round === null) return 'Ke-hoach';
  return session === null ? `Dot-${round}` : `Dot-${round}_Buoi-${session}`;
}

/** The extension a stored file keeps in the bundle: the storage key's (chosen from the content), else the name's, else the type's. */
function materialExtension(material: Pick<MaterialRow, 'storage_key' | 'original_name' | 'mime_type'>): string {
  const fromKey = /\.([a-z0-9]{1,8})$/.exec(material.storage_key)?.[1];
  const fromName = /\.([A-Za-z0-9]{1,8})$/.exec(material.original_name)?.[1]?.toLowerCase();
  return fromKey ?? fromName ?? MIME_EXTENSIONS[material.mime_type] ?? 'bin';
}

/** "003_Dot-1_Buoi-1_bai-giang-cai-cach-hanh-chinh.pdf": order in the folder, where it belongs, its title in ASCII. */
function materialFileName(index: number, material: MaterialRow, round: number | null, session: number | null): string {
  const base = asciiSlug(material.title || material.original_name.replace(/\.[^.]*$/u, '')).toLowerCase().slice(0, 60).replace(/-+$/u, '') || 'tep';
  return `${String(index).padStart(3, '0')}_${placeLabel(round, session)}_${base}.${materialExtension(material)}`;
}

interface PlannedFile {
  path: string;
  kind: BundleFileKind;
  title: string;
  round: number | null;
  session: number | null;
  compress: boolean;
  size?: number;
  /** Stored checksum the streamed bytes must match. */
  expectedSha256?: string;
  source: () => Promise<Readable | Buffer>;
}

export interface BundleOptions {
  fontDir?: string;
  /** The instant the report counts sessions as held at (tests); default now. */
  now?: string;
}

/** A bundle ready to stream: its name, what it will hold and the fingerprint of its inputs. */
export interface PreparedBundle {
  scope: ScopeKey;
  fileName: string;
  fingerprint: string;
  /** Bytes of stored files (materials) it holds. */
  storedBytes: number;
  folders: string[];
  files: PlannedFile[];
  mtime: Date;
  manifestHeader: Record<string, unknown>;
}

/** The fingerprint of a plan's data as a bundle of `scope` sees it (see loadFingerprintRows), with the format and fonts. */
async function fingerprintOf(db: Kysely<DB>, key: ScopeKey, options: BundleOptions): Promise<string> {
  const fonts = resolveFonts({ fontDir: options.fontDir });
  const fontFiles = Object.values(fonts.files).map((file) => [file, statSync(file).size]);
  const rows = await loadFingerprintRows(db, key.planId, options.now ?? nowIso());
  const input = JSON.stringify({ format: BUNDLE_FORMAT, documents: DOCUMENTS_REVISION, zlib: process.versions.zlib, scope: [key.kind, key.id], fonts: fontFiles, rows });
  return createHash('sha256').update(input).digest('hex');
}

/** The fingerprint of a scope's bundle without planning it (the reports page compares it with the stored one). */
export async function bundleFingerprint(db: Kysely<DB>, scope: BundleScope, options: BundleOptions = {}): Promise<{ scope: ScopeKey; fingerprint: string; fileName: string }> {
  const data = await loadScope(db, scope);
  return { scope: data.key, fingerprint: await fingerprintOf(db, data.key, options), fileName: bundleFileName(data) };
}

/**
 * Plans a bundle: checks what can be refused before the first byte (a missing plan or round: 404; no agency
 * profile, a stored file missing or of the wrong size: 409), then lists every file in order with a function
 * that produces it when the archive reaches it.
 */
export async function prepareBundle(db: Kysely<DB>, storage: FileStorage, scope: BundleScope, options: BundleOptions = {}): Promise<PreparedBundle> {
  const data = await loadScope(db, scope);
  const agency = await getAgencyProfile(db);
  if (!agency) throw new ConflictError('Chưa khai báo thông tin cơ quan; quản trị cần nhập trước khi lập hồ sơ minh chứng.');
  const fingerprint = await fingerprintOf(db, data.key, options);
  const roundIds = data.rounds.map((r) => r.id);
  const roundById = new Map(data.rounds.map((r) => [r.id, r]));
  const sessionById = new Map(data.sessions.map((s) => [s.id, s]));
  const sessionsInRound = (roundId: number) => data.sessions.filter((s) => s.round_id === roundId);
  const fontDir = options.fontDir;
  const files: PlannedFile[] = [];
  const taken = new Set<string>();
  const add = (file: PlannedFile) => {
    // Two files never share a name: a second one gets "_2", "_3" before its extension.
    let path = file.path;
    for (let n = 2; taken.has(path); n++) path = file.path.replace(/(\.[a-z0-9]+)?$/u, (ext) => `_${n}${ext}`);
    taken.add(path);
    files.push({ ...file, path });
  };
  const where = (roundId: number | null, sessionId: number | null) => ({
    round: roundId === null ? null : (roundById.get(roundId)?.number ?? null),
    session: sessionId === null ? null : (sessionById.get(sessionId)?.number ?? null),
  });

  // 00: the results report.
  const reportScope: ReportScope = data.key.kind === 'round' ? { roundId: data.key.id } : { planId: data.key.id };
  add({
    path: REPORT_PATH, kind: 'results-report', title: 'Báo cáo kết quả', round: data.key.kind === 'round' ? data.rounds[0]!.number : null, session: null, compress: false,
    source: async () => renderResultsReportPdf(await loadResultsReport(db, reportScope, { now: options.now }), { fontDir }),
  });

  // 01, 05, 06: stored files, each checked against its recorded size now and its checksum as it streams.
  const materials = (await listScopeMaterials(db, data.key)) as MaterialRow[];
  await checkStoredFiles(storage, materials);
  const materialFolder = (kind: MaterialKind) => (kind === 'plan' ? BUNDLE_FOLDERS.plan : kind === 'document' ? BUNDLE_FOLDERS.materials : BUNDLE_FOLDERS.media);
  const sortedMaterials = [...materials].sort((a, b) => {
    const pa = where(a.round_id, a.session_id);
    const pb = where(b.round_id, b.session_id);
    return (pa.round ?? 0) - (pb.round ?? 0) || (pa.session ?? 0) - (pb.session ?? 0) || a.uploaded_at.localeCompare(b.uploaded_at) || a.id - b.id;
  });
  const materialFiles = new Map<string, PlannedFile[]>();
  for (const material of sortedMaterials) {
    const folder = materialFolder(material.kind);
    const list = materialFiles.get(folder) ?? [];
    const place = where(material.round_id, material.session_id);
    const extension = materialExtension(material);
    list.push({
      path: `${folder}/${materialFileName(list.length + 1, material, place.round, place.session)}`,
      kind: material.kind === 'plan' ? 'plan-document' : material.kind,
      title: material.title || material.original_name,
      ...place,
      compress: material.kind === 'document' && DEFLATED_EXTENSIONS.has(extension),
      size: material.bytes,
      expectedSha256: material.sha256.toLowerCase(),
      source: async () => storage.openRead(material.storage_key),
    });
    materialFiles.set(folder, list);
  }
  for (const file of materialFiles.get(BUNDLE_FOLDERS.plan) ?? []) add(file);

  // 02: the register's letters as issued (frozen content), replaced ones too: they were sent.
  const letters = await listRegisterLetters(db, roundIds);
  for (const letter of letters) {
    const numberText = formatNumberSymbol(letter.number, letter.symbol);
    add({
      path: `${BUNDLE_FOLDERS.letters}/${documentFileName({ date: letter.issued_on!, number: letter.number, symbol: letter.symbol, kind: letter.kind })}`,
      kind: 'letter',
      title: `${LETTER_KIND_LABELS[letter.kind]} số ${numberText} ngày ${formatShortDate(letter.issued_on!)}${letter.status === 'replaced' ? ' (đã được thay thế)' : ''}`,
      ...where(letter.round_id, letter.session_id),
      compress: false,
      source: async () => (await renderLetter(db, letter.id, { fontDir, creationDate: new Date(letter.issued_at ?? letter.updated_at) })).stream,
    });
  }

  // 03: a programme per session held or to be held.
  const issuer = issuerName(agency);
  const lastLetterOf = (sessionId: number) => letters.filter((l) => l.session_id === sessionId && l.status === 'issued').at(-1);
  for (const session of data.sessions.filter((s) => s.status !== 'cancelled')) {
    const round = roundById.get(session.round_id)!;
    const several = sessionsInRound(round.id).filter((s) => s.status !== 'cancelled').length > 1;
    const day = isoDay(toVnDate(session.starts_at));
    add({
      path: `${BUNDLE_FOLDERS.programme}/${day}_${placeLabel(round.number, session.number)}_chuong-trinh.pdf`,
      kind: 'programme',
      title: `Chương trình tập huấn Đợt ${round.number}, buổi ${session.number}`,
      round: round.number,
      session: session.number,
      compress: false,
      source: async () => {
        const invitees = await listActiveInvitees(db, session.id);
        const letter = lastLetterOf(session.id);
        const programme: SessionProgramme = {
          agency,
          event: `${round.title} (Đợt ${round.number}${several ? ` - Buổi ${session.number}` : ''})`,
          reference: letter?.number && letter.issued_on
            ? `Kèm theo ${letter.kind === 'cong-van' ? 'Công văn' : 'Giấy mời'} số ${formatNumberSymbol(letter.number, letter.symbol)} ${formatDocumentDate(letter.issued_on)} của ${issuer}`
            : undefined,
          basis: `Thực hiện ${planReference(data.plan)} của ${issuer} về ${data.plan.summary.charAt(0).toLocaleLowerCase('vi')}${data.plan.summary.slice(1)}.`,
          time: { start: session.starts_at, end: session.ends_at },
          venue: session.venue,
          chair: session.chair,
          audience: invitees.length ? `${invitees.length} đại biểu của ${new Set(invitees.map((i) => i.unit_name)).size} cơ quan, đơn vị (có danh sách kèm theo giấy mời)` : undefined,
          topics: round.topics ? round.topics.split('\n') : [],
          notes: session.notes,
        };
        return renderProgrammePdf(programme, { fontDir, creationDate: new Date(latest([round.updated_at, session.updated_at])) });
      },
    });
  }

  // 04: the attendance of every session that took check-in (open or closed): sign-in sheet with times, XLSX, CSV.
  const attended = data.sessions.filter((s) => s.status === 'open' || s.status === 'closed');
  const lastChange = await lastAttendanceChange(db, attended.map((s) => s.id));
  for (const session of attended) {
    const place = placeLabel(session.roundNumber, session.number);
    const day = isoDay(toVnDate(session.starts_at));
    const created = new Date(latest([session.ends_at, lastChange.get(session.id)]));
    // The sheet is read once for its three files, when the first of them is written, and let go after the last.
    let sheet: ReturnType<typeof buildSignInSheet> | undefined;
    const sheetOnce = () => (sheet ??= buildSignInSheet(db, session.id, true));
    const common = { round: session.roundNumber, session: session.number, compress: false };
    add({
      ...common, path: `${BUNDLE_FOLDERS.attendance}/${day}_${place}_diem-danh.pdf`, kind: 'attendance-pdf',
      title: `Danh sách điểm danh có giờ điểm danh, Đợt ${session.roundNumber}, buổi ${session.number} (PDF)`,
      source: async () => renderSignInSheetPdf(await sheetOnce(), { fontDir, creationDate: created }),
    });
    add({
      ...common, path: `${BUNDLE_FOLDERS.attendance}/${day}_${place}_diem-danh.xlsx`, kind: 'attendance-xlsx',
      title: `Danh sách điểm danh, Đợt ${session.roundNumber}, buổi ${session.number} (Excel)`,
      source: async () => fixZipTimestamps(await buildAttendanceXlsx(await sheetOnce(), { created }), toVnDate(created)),
    });
    add({
      ...common, path: `${BUNDLE_FOLDERS.attendance}/${day}_${place}_diem-danh.csv`, kind: 'attendance-csv', compress: true,
      title: `Danh sách điểm danh, Đợt ${session.roundNumber}, buổi ${session.number} (CSV)`,
      source: async () => {
        const csv = buildAttendanceCsv(await sheetOnce());
        sheet = undefined;
        return csv;
      },
    });
  }

  for (const file of materialFiles.get(BUNDLE_FOLDERS.materials) ?? []) add(file);
  for (const file of materialFiles.get(BUNDLE_FOLDERS.media) ?? []) add(file);

  // 07: news items, as a page to click through and a CSV.
  const news = await listScopeNews(db, data.key);
  if (news.length) {
    const items: NewsLinkItem[] = news.map((n) => {
      const place = where(n.round_id, n.session_id);
      return {
        url: n.url, title: n.title, outlet: n.outlet, publishedOn: n.published_on,
        scope: place.round === null ? 'Kế hoạch' : place.session === null ? `Đợt ${place.round}` : `Đợt ${place.round} - Buổi ${place.session}`,
      };
    });
    const heading = {
      title: planReference(data.plan),
      subtitle: data.key.kind === 'round' ? `Đợt ${data.rounds[0]!.number}: ${data.rounds[0]!.title}` : data.plan.summary,
    };
    const round = data.key.kind === 'round' ? data.rounds[0]!.number : null;
    add({ path: `${BUNDLE_FOLDERS.news}/tin-bai.html`, kind: 'news-index', title: 'Danh sách tin bài (trang web)', round, session: null, compress: true, source: async () => buildNewsIndexHtml(heading, items) });
    add({ path: `${BUNDLE_FOLDERS.news}/tin-bai.csv`, kind: 'news-csv', title: 'Danh sách tin bài (CSV)', round, session: null, compress: true, source: async () => buildNewsCsv(items) });
  }

  const date = bundleDate(data);
  return {
    scope: data.key,
    fileName: bundleFileName(data),
    fingerprint,
    storedBytes: materials.reduce((sum, m) => sum + m.bytes, 0),
    folders: Object.values(BUNDLE_FOLDERS),
    files,
    mtime: archiveTimestamp(date),
    manifestHeader: {
      format: BUNDLE_FORMAT,
      scope: data.key.kind,
      agency: issuer,
      plan: { reference: planReference(data.plan), summary: data.plan.summary, year: data.plan.year, required_rounds: data.plan.required_rounds },
      rounds: data.rounds.map((r) => ({
        number: r.number,
        title: r.title,
        sessions: sessionsInRound(r.id).map((s) => ({ number: s.number, starts_at: s.starts_at, ends_at: s.ends_at, venue: s.venue, status: s.status })),
      })),
      date: isoDay(date),
    },
  };
}

/** SHA256SUMS as `sha256sum -c` reads it: "<hex>  <path>" a line, paths from the bundle's root. */
export function buildSha256Sums(entries: readonly WrittenEntry[]): Buffer {
  return Buffer.from(entries.map((e) => `${e.sha256}  ${e.path}\n`).join(''), 'utf8');
}

export interface StreamedBundle {
  stream: Readable;
  /** Settles when the archive is complete (its checksum and size) or has failed. */
  done: Promise<{ sha256: string; bytes: number; files: ManifestFile[] }>;
}

/**
 * Streams a prepared bundle: folders, then the files in order (each opened only when its turn comes, hashed on
 * its way in), then manifest.json and SHA256SUMS. Destroying `stream` (a client gone) stops the work.
 */
export function streamBundle(prepared: PreparedBundle): StreamedBundle {
  const zip = new ZipWriter(prepared.mtime);
  const described: ManifestFile[] = [];
  const folderOf = (path: string) => path.split('/')[0]!;
  const folders = new Set(prepared.folders);
  const written = new Set<string>();
  const addFolder = (folder: string) => {
    if (folders.has(folder) && !written.has(folder)) {
      written.add(folder);
      zip.addDirectory(folder);
    }
  };
  // Every folder of the layout appears, in order, even when it holds nothing.
  const order = [REPORT_PATH, ...prepared.folders];
  let next = 0;
  const foldersUpTo = (name: string) => {
    const index = order.indexOf(name);
    for (; next <= index; next++) addFolder(order[next]!);
  };
  for (const file of prepared.files) {
    foldersUpTo(folderOf(file.path));
    zip.addFile(file.path, file.source, {
      compress: file.compress,
      size: file.size,
      onWritten: (entry) => {
        if (file.expectedSha256 && entry.sha256 !== file.expectedSha256) {
          throw new BundleIntegrityError(
            `Tệp “${file.title}” (${file.path}) không khớp mã SHA-256 đã ghi khi tải lên: tệp đã bị thay đổi hoặc hỏng. ` +
              'Hồ sơ minh chứng không được lập; liên hệ quản trị để khôi phục tệp từ bản sao lưu.',
          );
        }
        described.push({ path: entry.path, bytes: entry.bytes, sha256: entry.sha256, kind: file.kind, title: file.title, round: file.round, session: file.session });
      },
    });
  }
  foldersUpTo(order.at(-1)!);
  zip.addFile(MANIFEST_PATH, () => Buffer.from(`${JSON.stringify({ ...prepared.manifestHeader, files: described }, null, 2)}\n`, 'utf8'), { compress: true });
  zip.addFile(SUMS_PATH, () => buildSha256Sums(zip.entries), { compress: true });
  zip.end();

  const digest = new DigestStream();
  const done = new Promise<{ sha256: string; bytes: number; files: ManifestFile[] }>((resolve, reject) => {
    zip.output.on('error', (error) => {
      digest.destroy(error);
      reject(error);
    });
    digest.on('error', reject);
    digest.on('finish', () => resolve({ sha256: digest.sha256, bytes: digest.bytes, files: described }));
    digest.on('close', () => {
      if (!digest.writableFinished) {
        const error = new Error('bundle stream closed before the end');
        zip.fail(error);
        reject(error);
      }
    });
  });
  done.catch(() => undefined);
  zip.output.pipe(digest);
  return { stream: digest, done };
}

/** Prepares and streams a bundle in one step. */
export async function openBundle(db: Kysely<DB>, storage: FileStorage, scope: BundleScope, options: BundleOptions = {}): Promise<PreparedBundle & StreamedBundle> {
  const prepared = await prepareBundle(db, storage, scope, options);
  return { ...prepared, ...streamBundle(prepared) };
}

/** Keeps a finished bundle's checksum, unless its inputs changed while it was built. */
export async function recordBundleDigest(db: Kysely<DB>, prepared: Pick<PreparedBundle, 'scope' | 'fingerprint'>, result: { sha256: string; bytes: number }, options: BundleOptions = {}): Promise<boolean> {
  const now = await fingerprintOf(db, prepared.scope, options);
  if (now !== prepared.fingerprint) return false;
  await saveBundleDigest(db, prepared.scope, { fingerprint: prepared.fingerprint, sha256: result.sha256, bytes: result.bytes, computedAt: nowIso() });
  return true;
}

/** Builds a bundle without sending it anywhere, to learn (and keep) its checksum. */
export async function computeBundleDigest(db: Kysely<DB>, storage: FileStorage, scope: BundleScope, options: BundleOptions = {}): Promise<{ sha256: string; bytes: number }> {
  const bundle = await openBundle(db, storage, scope, options);
  bundle.stream.resume();
  const result = await bundle.done;
  await recordBundleDigest(db, bundle, result, options);
  return { sha256: result.sha256, bytes: result.bytes };
}

/** What the reports page says about a bundle: its checksum and size, or why it has none. */
export interface BundleDigestView {
  fileName: string;
  sha256: string | null;
  bytes: number | null;
  /** Too large to build when the page opens: the first download records the checksum. */
  pending: boolean;
  /** A stored file no longer matches: the bundle cannot be produced until it is restored. */
  error: string | null;
}

/** The checksum the page shows: the stored one while the inputs are unchanged, else computed now when small. */
export async function describeBundle(db: Kysely<DB>, storage: FileStorage, scope: BundleScope, options: BundleOptions & { inlineLimitBytes?: number } = {}): Promise<BundleDigestView> {
  const { scope: key, fingerprint, fileName } = await bundleFingerprint(db, scope, options);
  const failed = (error: unknown): BundleDigestView => {
    if (error instanceof ConflictError) return { fileName, sha256: null, bytes: null, pending: false, error: error.message };
    throw error;
  };
  const materials = await listScopeMaterials(db, key);
  try {
    await checkStoredFiles(storage, materials);
  } catch (error) {
    return failed(error);
  }
  const stored = await findBundleDigest(db, key);
  if (stored && stored.fingerprint === fingerprint) return { fileName, sha256: stored.sha256, bytes: stored.bytes, pending: false, error: null };
  const storedBytes = materials.reduce((sum, m) => sum + m.bytes, 0);
  if (storedBytes > (options.inlineLimitBytes ?? INLINE_DIGEST_LIMIT_BYTES)) return { fileName, sha256: null, bytes: null, pending: true, error: null };
  try {
    const digest = await computeBundleDigest(db, storage, scope, options);
    return { fileName, ...digest, pending: false, error: null };
  } catch (error) {
    return failed(error);
  }
}

/** The plans and rounds with their ids, for `npm run cli -- list`. */
export async function listBundleTargets(db: Kysely<DB>): Promise<string> {
  const plans = await db.selectFrom('plans').selectAll().orderBy('year', 'desc').orderBy('issued_on', 'desc').orderBy('id', 'desc').execute();
  if (plans.length === 0) return 'Chưa có kế hoạch nào.';
  const lines: string[] = [];
  for (const plan of plans) {
    lines.push(`Kế hoạch mã ${plan.id}: ${planReference(plan)} - ${plan.summary}`);
    const rounds = await db.selectFrom('rounds').selectAll().where('plan_id', '=', plan.id).orderBy('number').execute();
    for (const round of rounds) {
      const sessions = await db.selectFrom('sessions').select('id').where('round_id', '=', round.id).where('status', '!=', 'cancelled').execute();
      lines.push(`  Đợt mã ${round.id}: Đợt ${round.number} - ${round.title} (${sessions.length} buổi)`);
    }
  }
  const first = plans[0]!;
  lines.push('', `Ghi hồ sơ minh chứng: npm run cli -- bundle --plan ${first.id} --out ho-so.zip (hoặc --round MÃ_ĐỢT)`);
  return lines.join('\n');
}

/**
 * Writes a bundle to a new file (never over an existing one), the same bytes the reports page serves, and keeps
 * its checksum. A failed bundle leaves no file behind.
 */
export async function writeBundleFile(db: Kysely<DB>, config: { dataDir: string; fontDir?: string }, scope: BundleScope, file: string): Promise<{ file: string; sha256: string; bytes: number }> {
  const target = path.resolve(file);
  if (existsSync(target)) throw new ConflictError(`Tệp ${target} đã có; chọn tên khác hoặc xóa tệp cũ trước (lệnh không ghi đè).`);
  const options = { fontDir: config.fontDir };
  const bundle = await openBundle(db, createFileStorage(config), scope, options);
  let output;
  try {
    output = createWriteStream(target, { flags: 'wx' });
    await pipeline(bundle.stream, output);
  } catch (error) {
    bundle.stream.destroy();
    if (output) await rm(target, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError(`Tệp ${target} đã có; lệnh không ghi đè.`);
    throw error;
  }
  const result = await bundle.done;
  await recordBundleDigest(db, bundle, result, options);
  return { file: target, sha256: result.sha256, bytes: result.bytes };
}
