// Convocation letters (giấy mời / công văn triệu tập): drafts, the numbered register, issuing and reissuing.
import type { Kysely, Transaction } from 'kysely';
import type { Readable } from 'node:stream';
import type { DB, LetterKind, LetterStatus } from '../db/types.ts';
import { documentFileName, formatNumberSymbol, formatSessionTime, letterSymbol, renderLetterPdf, renderSlipsPdf, type InvitationSlip, type Letter } from '../documents/nd30/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { getAgencyProfile, type AgencyProfile } from './agency.ts';
import { recordAudit, type Actor } from './audit.ts';
import { formatDateTime, isoToVnParts, nowIso } from './clock.ts';
import { endCodes, findActiveCodes, issueCodes } from './invitation-codes.ts';
import { invitationUrl } from './invitation-page.ts';
import { getPlan, getRound } from './plans.ts';
import { cleanLines, cleanText } from './text.ts';
import { groupByUnitKind } from './units.ts';
import { listActiveInvitees } from '../db/queries/invitations.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export const LETTER_KIND_LABELS: Record<LetterKind, string> = { 'giay-moi': 'Giấy mời', 'cong-van': 'Công văn triệu tập' };
export const LETTER_STATUS_LABELS: Record<LetterStatus, string> = { draft: 'Bản nháp', issued: 'Đã ban hành', replaced: 'Đã được thay thế' };

/** The letter's editable text, as typed in its form (one field per box; lists one item per line). */
export interface LetterForm {
  summary: string;
  basis: string;
  invitees: string;
  event: string;
  chair: string;
  venue: string;
  length: string;
  notes: string;
  subject: string;
  addressees: string;
  paragraphs: string;
  draftingUnit: string;
  signerAuthorityLines: string;
  signerName: string;
  recipients: string;
  archive: string;
  appendixTitle: string;
  includeAppendix: string;
}

export const LETTER_FORM_FIELDS: readonly (keyof LetterForm)[] = [
  'summary', 'basis', 'invitees', 'event', 'chair', 'venue', 'length', 'notes', 'subject', 'addressees', 'paragraphs',
  'draftingUnit', 'signerAuthorityLines', 'signerName', 'recipients', 'archive', 'appendixTitle', 'includeAppendix',
];

/** What an issued letter froze: the agency as it was, and the invitee list of that moment. */
interface IssuedSnapshot {
  agency: AgencyProfile;
  appendix: { heading: string; invitees: { name: string; position: string; unit: string }[] }[];
  session: { startsAt: string; endsAt: string };
}

interface StoredContent {
  form: LetterForm;
  snapshot?: IssuedSnapshot;
}

/**
 * The issuing body in running text: "ỦY BAN NHÂN DÂN" / "HUYỆN GÒ DẦU" → "Ủy ban nhân dân huyện Gò Dầu".
 * First line in sentence case; each further line keeps its unit noun lower case and capitalizes the name.
 */
export function issuerName(agency: Pick<AgencyProfile, 'nameLines'>): string {
  const lower = (text: string) => text.toLocaleLowerCase('vi');
  const capital = (word: string) => word.charAt(0).toLocaleUpperCase('vi') + lower(word.slice(1));
  const [first = '', ...rest] = agency.nameLines;
  const head = capital(first.split(' ')[0] ?? '') + lower(first.slice((first.split(' ')[0] ?? '').length));
  const tail = rest.map((line) => {
    const [noun = '', ...name] = line.split(' ');
    // A numbered unit keeps its noun as part of the name ("Phường 3").
    const numbered = name.length > 0 && name.every((word) => /^\d+$/.test(word));
    return [numbered ? capital(noun) : lower(noun), ...name.map((word) => (/\d/.test(word) ? word : capital(word)))].join(' ');
  });
  return [head, ...tail].join(' ').trim();
}

/** Defaults for a new letter of a session (fields of both kinds), from the plan, round, session and agency profile. */
export async function defaultLetterForm(db: Kysely<DB>, sessionId: number): Promise<LetterForm> {
  const session = await requireSession(db, sessionId);
  const round = await getRound(db, session.round_id);
  const plan = await getPlan(db, round.planId);
  const agency = await requireAgency(db);
  const topics = round.topics.length ? `Nội dung: ${round.topics.join('; ')}.` : '';
  return {
    summary: `Tham dự ${round.title.charAt(0).toLocaleLowerCase('vi')}${round.title.slice(1)}`,
    basis: `Thực hiện ${plan.reference} của ${issuerName(agency)} về ${plan.summary.charAt(0).toLocaleLowerCase('vi')}${plan.summary.slice(1)};`,
    invitees: 'Đại biểu các cơ quan, đơn vị',
    event: `${round.title.charAt(0).toLocaleLowerCase('vi')}${round.title.slice(1)} (${round.label})`,
    chair: session.chair,
    venue: session.venue,
    length: '01 buổi',
    notes: [topics, session.notes, 'Đề nghị đại biểu mang theo giấy mời cá nhân có mã QR để điểm danh.'].filter(Boolean).join('\n'),
    subject: `triệu tập cán bộ, công chức tham dự ${round.title.charAt(0).toLocaleLowerCase('vi')}${round.title.slice(1)}`,
    addressees: 'Thủ trưởng các cơ quan, đơn vị có tên trong danh sách kèm theo',
    paragraphs: [
      plan.basis || `Thực hiện ${plan.reference};`,
      `${issuerName(agency)} triệu tập cán bộ, công chức có tên trong danh sách kèm theo tham dự ${round.title.charAt(0).toLocaleLowerCase('vi')}${round.title.slice(1)} (${round.label}).`,
      `Thời gian: ${formatSessionTime({ start: session.starts_at, end: session.ends_at, arriveEarlyMinutes: 15 })}.`,
      `Địa điểm: ${session.venue}.`,
      topics,
      'Đề nghị Thủ trưởng các cơ quan, đơn vị cử cán bộ, công chức tham dự đầy đủ, đúng thời gian.',
    ].filter(Boolean).join('\n'),
    draftingUnit: 'VP',
    signerAuthorityLines: agency.signerAuthorityLines.join('\n'),
    signerName: agency.signerName,
    recipients: 'Như trên\nChủ tịch, các PCT UBND',
    archive: 'VT',
    appendixTitle: `Danh sách đại biểu được mời dự ${round.title.charAt(0).toLocaleLowerCase('vi')}${round.title.slice(1)}`,
    includeAppendix: '1',
  };
}

async function requireSession(db: Executor, id: number) {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Không tìm thấy buổi tập huấn.');
  return row;
}

async function requireAgency(db: Executor): Promise<AgencyProfile> {
  const agency = await getAgencyProfile(db);
  if (!agency) throw new ConflictError('Chưa khai báo thông tin cơ quan; quản trị cần nhập trước khi lập văn bản.');
  return agency;
}

/** Checks the form; throws ValidationError with a message per field. */
export function validateLetterForm(kind: LetterKind, raw: LetterForm): LetterForm {
  const form = Object.fromEntries(LETTER_FORM_FIELDS.map((k) => [k, (raw[k] ?? '').normalize('NFC').replace(/\r\n/g, '\n').trim()])) as unknown as LetterForm;
  const errors: Record<string, string> = {};
  const need = (field: keyof LetterForm, message: string) => {
    if (!form[field]) errors[field] = message;
  };
  if (kind === 'giay-moi') {
    need('invitees', 'Nhập đối tượng được mời.');
    need('event', 'Nhập nội dung tới dự.');
    need('venue', 'Nhập địa điểm.');
  } else {
    need('subject', 'Nhập trích yếu (V/v …).');
    need('addressees', 'Nhập nơi gửi (Kính gửi).');
    need('paragraphs', 'Nhập nội dung công văn.');
    if (form.draftingUnit && !/^[\p{Lu}\p{N}Đ]{1,10}$/u.test(form.draftingUnit)) errors.draftingUnit = 'Viết tắt đơn vị soạn thảo bằng chữ in hoa, ví dụ VP.';
  }
  need('signerAuthorityLines', 'Nhập thẩm quyền ký.');
  need('signerName', 'Nhập họ tên người ký.');
  for (const field of LETTER_FORM_FIELDS) if (form[field].length > 5000) errors[field] = 'Nội dung quá dài (tối đa 5000 ký tự).';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return form;
}

/** The invitee list of a session right now, grouped as the appendix prints it. */
async function currentAppendix(db: Executor, sessionId: number): Promise<IssuedSnapshot['appendix']> {
  const rows = await listActiveInvitees(db, sessionId);
  return groupByUnitKind(rows, (r) => r.unit_kind, (r) => ({ name: r.full_name, position: r.position, unit: r.unit_name })).map((g) => ({
    heading: g.heading,
    invitees: g.rows,
  }));
}

/** The document the PDF builder draws, from a stored letter (draft: live data; issued: its snapshot). */
async function toDocument(db: Executor, row: LetterRow, preview: boolean): Promise<Letter> {
  const content = JSON.parse(row.content_json) as StoredContent;
  const form = content.form;
  const session = row.session_id ? await requireSession(db, row.session_id) : undefined;
  const agency = content.snapshot?.agency ?? (await requireAgency(db));
  const times = content.snapshot?.session ?? (session ? { startsAt: session.starts_at, endsAt: session.ends_at } : undefined);
  const appendix = content.snapshot?.appendix ?? (row.session_id ? await currentAppendix(db, row.session_id) : []);
  const common = {
    agency,
    issuerName: issuerName(agency),
    number: row.number,
    date: row.issued_on ?? isoToVnParts(nowIso()).date,
    preview: preview || row.status === 'draft',
    signer: { authorityLines: cleanLines(form.signerAuthorityLines), name: cleanText(form.signerName) },
    recipients: cleanLines(form.recipients),
    archive: cleanText(form.archive) || 'VT',
    appendix: form.includeAppendix && appendix.length ? { title: form.appendixTitle, groups: appendix } : undefined,
  };
  if (row.kind === 'giay-moi') {
    return {
      ...common,
      kind: 'giay-moi',
      summary: form.summary || undefined,
      basis: cleanLines(form.basis),
      invitees: cleanText(form.invitees),
      event: cleanText(form.event),
      chair: cleanText(form.chair) || undefined,
      time: { start: times?.startsAt ?? nowIso(), end: times?.endsAt, length: form.length || undefined, arriveEarlyMinutes: 15 },
      venue: cleanText(form.venue),
      notes: cleanLines(form.notes),
    };
  }
  return {
    ...common,
    kind: 'cong-van',
    draftingUnit: form.draftingUnit || undefined,
    subject: cleanText(form.subject),
    addressees: cleanLines(form.addressees),
    paragraphs: cleanLines(form.paragraphs),
  };
}

type LetterRow = Awaited<ReturnType<typeof requireLetter>>;

async function requireLetter(db: Executor, id: number) {
  const row = await db.selectFrom('letters').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Không tìm thấy văn bản.');
  return row;
}

/** Saves a new draft for a session (optionally the reissue of an issued letter). */
export async function createDraft(
  db: Kysely<DB>,
  actor: Actor,
  input: { sessionId: number; kind: LetterKind; form: LetterForm; replacesLetterId?: number },
): Promise<number> {
  const form = validateLetterForm(input.kind, input.form);
  return db.transaction().execute(async (trx) => {
    const session = await requireSession(trx, input.sessionId);
    const agency = await requireAgency(trx);
    if (input.replacesLetterId) {
      const old = await requireLetter(trx, input.replacesLetterId);
      if (old.status !== 'issued') throw new ConflictError('Chỉ văn bản đã ban hành mới được thay thế.');
    }
    const now = nowIso();
    const symbol = input.kind === 'giay-moi' ? `GM-${agency.symbol}` : form.draftingUnit ? `${agency.symbol}-${form.draftingUnit}` : agency.symbol;
    const { id } = await trx
      .insertInto('letters')
      .values({
        kind: input.kind, symbol, round_id: session.round_id, session_id: session.id, year: null, number: null, issued_on: null,
        content_json: JSON.stringify({ form } satisfies StoredContent), replaces_letter_id: input.replacesLetterId ?? null,
        created_by: actor.userId, issued_by: null, created_at: now, updated_at: now, issued_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'letter.draft', entityType: 'letter', entityId: id, after: { kind: input.kind, sessionId: session.id } });
    return id;
  });
}

/** Edits a draft; an issued letter never changes (a change is a new letter that replaces it). */
export async function updateDraft(db: Kysely<DB>, actor: Actor, id: number, raw: LetterForm): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await requireLetter(trx, id);
    if (row.status !== 'draft') throw new ConflictError('Văn bản đã ban hành không sửa được. Dùng “Ban hành lại” để lập văn bản thay thế.');
    const form = validateLetterForm(row.kind, raw);
    const agency = await requireAgency(trx);
    const symbol = row.kind === 'giay-moi' ? `GM-${agency.symbol}` : form.draftingUnit ? `${agency.symbol}-${form.draftingUnit}` : agency.symbol;
    await trx.updateTable('letters').set({ content_json: JSON.stringify({ form } satisfies StoredContent), symbol, updated_at: nowIso() }).where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'letter.update_draft', entityType: 'letter', entityId: id });
  });
}

/**
 * Issues a draft: takes the next number of its kind for the year in one transaction with the write, freezes
 * the content with the agency and invitee list of this moment, marks a replaced letter as such, and gives
 * every invitee a personal code (replacing older ones, which stop working).
 */
export async function issueLetter(
  db: Kysely<DB>,
  actor: Actor,
  id: number,
  options: { issuedOn?: string } = {},
): Promise<{ number: number; symbol: string; codes: number }> {
  return db.transaction().execute(async (trx) => {
    const row = await requireLetter(trx, id);
    if (row.status !== 'draft') throw new ConflictError('Văn bản này đã được ban hành.');
    if (!row.session_id) throw new ConflictError('Văn bản chưa gắn với buổi tập huấn.');
    const session = await requireSession(trx, row.session_id);
    const agency = await requireAgency(trx);
    const content = JSON.parse(row.content_json) as StoredContent;
    // Only the historical demo backdates a letter; real letters are dated the day they are issued.
    const today = options.issuedOn ?? isoToVnParts(nowIso()).date;
    const year = Number(today.slice(0, 4));
    const last = await trx
      .selectFrom('letters')
      .select((eb) => eb.fn.max('number').as('n'))
      .where('kind', '=', row.kind)
      .where('year', '=', year)
      .executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const snapshot: IssuedSnapshot = {
      agency,
      appendix: await currentAppendix(trx, row.session_id),
      session: { startsAt: session.starts_at, endsAt: session.ends_at },
    };
    const now = nowIso();
    await trx
      .updateTable('letters')
      .set({ status: 'issued', year, number, issued_on: today, issued_by: actor.userId, issued_at: now, updated_at: now, content_json: JSON.stringify({ ...content, snapshot }) })
      .where('id', '=', id)
      .execute();
    if (row.replaces_letter_id) {
      await trx.updateTable('letters').set({ status: 'replaced', updated_at: now }).where('id', '=', row.replaces_letter_id).where('status', '=', 'issued').execute();
    }
    const invitations = await listActiveInvitees(trx, row.session_id);
    const codes = await issueCodes(trx, invitations.map((i) => i.invitation_id), id);
    await recordAudit(trx, actor, {
      action: 'letter.issue',
      entityType: 'letter',
      entityId: id,
      after: { number: formatNumberSymbol(number, row.symbol), issuedOn: today, replaces: row.replaces_letter_id, codes },
    });
    return { number, symbol: row.symbol, codes };
  });
}

/** The letter as a PDF stream (a draft always renders as a preview without a number). */
export async function renderLetter(db: Kysely<DB>, id: number, options: { fontDir?: string; creationDate?: Date } = {}): Promise<{ stream: Readable; fileName: string }> {
  const row = await requireLetter(db, id);
  const letter = await toDocument(db, row, false);
  const fileName = documentFileName({ date: letter.date, number: row.number, symbol: letterSymbol(letter), kind: row.kind === 'giay-moi' ? 'giay-moi' : 'cong-van' });
  return { stream: renderLetterPdf(letter, options), fileName };
}

/** A preview of unsaved form values, for the "Xem trước" button: nothing is stored and no number is taken. */
export async function previewLetter(db: Kysely<DB>, sessionId: number, kind: LetterKind, raw: LetterForm, options: { fontDir?: string } = {}): Promise<Readable> {
  const form = validateLetterForm(kind, raw);
  const session = await requireSession(db, sessionId);
  const fake = {
    id: 0, kind, status: 'draft' as const, year: null, number: null, symbol: '', issued_on: null, round_id: session.round_id, session_id: sessionId,
    content_json: JSON.stringify({ form }), replaces_letter_id: null, created_by: null, issued_by: null, created_at: '', updated_at: '', issued_at: null,
  };
  return renderLetterPdf(await toDocument(db, fake, true), options);
}

/** The personal slips of an issued letter: one per invitee holding an active code. */
export async function renderLetterSlips(
  db: Kysely<DB>,
  id: number,
  publicUrl: string,
  options: { fontDir?: string } = {},
): Promise<{ stream: Readable; fileName: string; count: number }> {
  const row = await requireLetter(db, id);
  if (row.status === 'draft' || !row.session_id) throw new ConflictError('Phiếu mời cá nhân chỉ có sau khi văn bản được ban hành.');
  const letter = await toDocument(db, row, false);
  const round = await getRound(db, row.round_id);
  const invitations = await listActiveInvitees(db, row.session_id);
  const codes = await findActiveCodes(db, invitations.map((i) => i.invitation_id));
  const slips: InvitationSlip[] = invitations.flatMap((inv) => {
    const code = codes.get(inv.invitation_id);
    return code ? [{ name: inv.full_name, position: inv.position, unit: inv.unit_name, url: invitationUrl(publicUrl, code.token), code: code.shortCode }] : [];
  });
  const time = letter.kind === 'giay-moi' ? letter.time : { start: JSON.parse(row.content_json).snapshot.session.startsAt, end: JSON.parse(row.content_json).snapshot.session.endsAt };
  const venue = letter.kind === 'giay-moi' ? letter.venue : (await requireSession(db, row.session_id)).venue;
  const stream = renderSlipsPdf(slips, {
    agency: letter.agency,
    event: { title: `${round.title} (${round.label})`, time, venue },
    reference: `Kèm theo ${LETTER_KIND_LABELS[row.kind]} số ${formatNumberSymbol(row.number, row.symbol)} của ${letter.issuerName}`,
    codeHint: `${publicUrl.replace(/^https?:\/\//, '')}/i`,
    fontDir: options.fontDir,
  });
  const fileName = documentFileName({ date: letter.date, number: row.number, symbol: row.symbol, kind: 'giay-moi-ca-nhan' });
  return { stream, fileName, count: slips.length };
}

export interface LetterView {
  id: number;
  kind: LetterKind;
  kindLabel: string;
  status: LetterStatus;
  statusLabel: string;
  numberText: string;
  issuedOn: string;
  title: string;
  sessionId: number | null;
  roundId: number;
  replacesLetterId: number | null;
  replacedById: number | null;
  createdAt: string;
  form: LetterForm;
}

function titleOf(kind: LetterKind, form: LetterForm): string {
  return kind === 'giay-moi' ? form.summary || form.event : `V/v ${form.subject}`;
}

function toLetterView(row: LetterRow, replacedById: number | null): LetterView {
  const { form } = JSON.parse(row.content_json) as StoredContent;
  return {
    id: row.id,
    kind: row.kind,
    kindLabel: LETTER_KIND_LABELS[row.kind],
    status: row.status,
    statusLabel: LETTER_STATUS_LABELS[row.status],
    numberText: row.number == null ? '—' : formatNumberSymbol(row.number, row.symbol),
    issuedOn: row.issued_on ? row.issued_on.split('-').reverse().join('/') : '',
    title: titleOf(row.kind, form),
    sessionId: row.session_id,
    roundId: row.round_id,
    replacesLetterId: row.replaces_letter_id,
    replacedById,
    createdAt: formatDateTime(row.created_at),
    form,
  };
}

export async function getLetter(db: Kysely<DB>, id: number): Promise<LetterView> {
  const row = await requireLetter(db, id);
  const successor = await db.selectFrom('letters').select('id').where('replaces_letter_id', '=', id).orderBy('id', 'desc').executeTakeFirst();
  return toLetterView(row, successor?.id ?? null);
}

/** The register: issued and replaced letters (and drafts, when asked), newest first, by year and kind. */
export async function listLetters(
  db: Kysely<DB>,
  filter: { year?: number; kind?: LetterKind; sessionId?: number; includeDrafts?: boolean },
): Promise<LetterView[]> {
  let query = db.selectFrom('letters').selectAll();
  if (filter.year) query = query.where('year', '=', filter.year);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.sessionId) query = query.where('session_id', '=', filter.sessionId);
  if (!filter.includeDrafts) query = query.where('status', '!=', 'draft');
  const rows = await query.orderBy('year', 'desc').orderBy('kind').orderBy('number', 'desc').orderBy('id', 'desc').execute();
  const successors = new Map<number, number>();
  for (const row of rows) if (row.replaces_letter_id) successors.set(row.replaces_letter_id, row.id);
  return rows.map((row) => toLetterView(row, successors.get(row.id) ?? null));
}

export async function listLetterYears(db: Kysely<DB>): Promise<number[]> {
  const rows = await db.selectFrom('letters').select('year').distinct().where('year', 'is not', null).orderBy('year', 'desc').execute();
  return rows.map((r) => Number(r.year));
}

/** Staff end one invitee's personal code (a lost or shared slip); optionally a new one is issued at once. */
export async function revokeInvitationCode(db: Kysely<DB>, actor: Actor, invitationId: number, reissue: boolean): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const invitation = await trx.selectFrom('invitations').select(['id', 'session_id', 'status']).where('id', '=', invitationId).executeTakeFirst();
    if (!invitation) throw new NotFoundError('Không tìm thấy lời mời.');
    const active = await findActiveCodes(trx, [invitationId]);
    if (!active.has(invitationId) && !reissue) throw new ConflictError('Người này chưa có mã giấy mời đang hiệu lực.');
    await endCodes(trx, invitationId, 'revoked');
    if (reissue) {
      if (invitation.status !== 'invited' && invitation.status !== 'confirmed') throw new ConflictError('Chỉ cấp mã cho người đang được mời.');
      const letter = await trx.selectFrom('letters').select('id').where('session_id', '=', invitation.session_id).where('status', '=', 'issued').orderBy('id', 'desc').executeTakeFirst();
      if (!letter) throw new ConflictError('Buổi này chưa có giấy mời được ban hành; mã được cấp khi ban hành.');
      await issueCodes(trx, [invitationId], letter.id);
    }
    await recordAudit(trx, actor, { action: reissue ? 'invitation.reissue_code' : 'invitation.revoke_code', entityType: 'invitation', entityId: invitationId });
    return invitation.session_id;
  });
}
