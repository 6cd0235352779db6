// News links (tin bài): articles published about the training, attached to a plan, round or session.
import type { Kysely, Selectable } from 'kysely';
import type { DB, NewsLinksTable } from '../db/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { formatDateTime, formatVnDate, isoToVnParts, nowIso } from './clock.ts';
import { resolveScope, resolveScopeInto, type EvidenceScope } from './materials.ts';
import { cleanText } from './text.ts';

export interface NewsLinkInput {
  scope: string;
  url: string;
  title: string;
  outlet: string;
  publishedOn: string;
}

interface CheckedNewsLink {
  scope: EvidenceScope;
  url: string;
  title: string;
  outlet: string;
  publishedOn: string;
}

/** An absolute http(s) address without credentials, as the browser would open it; undefined otherwise. */
export function normalizeNewsUrl(raw: string): string | undefined {
  const value = raw.trim();
  if (!/^https?:\/\//i.test(value) || value.length > 2000 || /[\s<>"]/.test(value)) return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname.includes('.') || url.username || url.password) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.getUTCDate() === Number(m[3]) && Number(m[1]) >= 2000;
}

async function checkNewsLink(db: Kysely<DB>, input: NewsLinkInput): Promise<CheckedNewsLink> {
  const errors: Record<string, string> = {};
  const scope = await resolveScopeInto(db, input.scope, errors);
  const url = normalizeNewsUrl(input.url);
  if (!url) errors.url = 'Địa chỉ tin bài phải là liên kết đầy đủ bắt đầu bằng http:// hoặc https://, ví dụ https://godau.tayninh.gov.vn/tin-tuc/…';
  const title = cleanText(input.title);
  if (!title) errors.title = 'Vui lòng nhập tiêu đề tin bài.';
  else if ([...title].length > 300) errors.title = 'Tiêu đề dài tối đa 300 ký tự.';
  const outlet = cleanText(input.outlet);
  if ([...outlet].length > 200) errors.outlet = 'Tên nơi đăng dài tối đa 200 ký tự.';
  const publishedOn = input.publishedOn.trim();
  if (!isRealDate(publishedOn)) errors.publishedOn = 'Ngày đăng không hợp lệ (ngày/tháng/năm).';
  else if (publishedOn > isoToVnParts(nowIso()).date) errors.publishedOn = 'Ngày đăng không thể ở tương lai.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return { scope: scope!, url: url!, title, outlet, publishedOn };
}

function snapshot(link: { url: string; title: string; outlet: string; published_on?: string; publishedOn?: string }, scopeLabel?: string) {
  return { newsTitle: link.title, url: link.url, outlet: link.outlet, publishedOn: link.publishedOn ?? link.published_on, ...(scopeLabel && { attachedTo: scopeLabel }) };
}

/** Adds a news link; returns its id. */
export async function createNewsLink(db: Kysely<DB>, actor: Actor, input: NewsLinkInput): Promise<number> {
  const link = await checkNewsLink(db, input);
  return db.transaction().execute(async (trx) => {
    const duplicate = await trx
      .selectFrom('news_links')
      .select('id')
      .where('plan_id', '=', link.scope.planId)
      .where('url', '=', link.url)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (duplicate) throw new ValidationError({ url: 'Tin bài có địa chỉ này đã được thêm vào kế hoạch.' });
    const now = nowIso();
    const { id } = await trx
      .insertInto('news_links')
      .values({
        plan_id: link.scope.planId,
        round_id: link.scope.roundId,
        session_id: link.scope.sessionId,
        url: link.url,
        title: link.title,
        outlet: link.outlet,
        published_on: link.publishedOn,
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'news_link.create', entityType: 'news_link', entityId: id, after: snapshot(link, link.scope.label) });
    return id;
  });
}

/** Edits a news link's address, title, outlet or date (its place stays). */
export async function updateNewsLink(db: Kysely<DB>, actor: Actor, id: number, input: Omit<NewsLinkInput, 'scope'>): Promise<EvidenceScope> {
  const row = await findLiveRow(db, id);
  const scope = await resolveScope(db, scopeValueOf(row));
  const link = await checkNewsLink(db, { ...input, scope: scope.value });
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('news_links')
      .set({ url: link.url, title: link.title, outlet: link.outlet, published_on: link.publishedOn, updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, actor, { action: 'news_link.update', entityType: 'news_link', entityId: id, before: snapshot(row), after: snapshot(link) });
  });
  return scope;
}

async function findLiveRow(db: Kysely<DB>, id: number): Promise<Selectable<NewsLinksTable>> {
  const row = await db.selectFrom('news_links').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.deleted_at) throw new NotFoundError('Không tìm thấy tin bài (có thể đã bị xóa).');
  return row;
}

function scopeValueOf(row: { plan_id: number; round_id: number | null; session_id: number | null }): string {
  return row.session_id ? `session:${row.session_id}` : row.round_id ? `round:${row.round_id}` : `plan:${row.plan_id}`;
}

/** Soft delete with a reason, recorded in the audit log. Returns where the link was shown. */
export async function deleteNewsLink(db: Kysely<DB>, actor: Actor, id: number, reasonRaw: string): Promise<EvidenceScope> {
  const reason = cleanText(reasonRaw);
  if (reason.length < 3) throw new ValidationError({ reason: 'Vui lòng ghi lý do xóa (ít nhất 3 ký tự).' });
  if ([...reason].length > 500) throw new ValidationError({ reason: 'Lý do dài tối đa 500 ký tự.' });
  const row = await findLiveRow(db, id);
  const scope = await resolveScope(db, scopeValueOf(row));
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('news_links').set({ deleted_at: nowIso(), deleted_by: actor.userId, delete_reason: reason }).where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'news_link.delete', entityType: 'news_link', entityId: id, before: snapshot(row, scope.label), after: { reason } });
  });
  return scope;
}

/** Purge (admin): removes a soft-deleted news link; the audit entry keeps what it was. */
export async function purgeNewsLink(db: Kysely<DB>, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('news_links').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('Không tìm thấy tin bài.');
    if (!row.deleted_at) throw new ConflictError('Chỉ xóa vĩnh viễn được tin bài đã bị xóa trước đó.');
    await trx.deleteFrom('news_links').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'news_link.purge', entityType: 'news_link', entityId: id, before: { ...snapshot(row), reason: row.delete_reason } });
  });
}

export interface NewsLinkView {
  id: number;
  url: string;
  host: string;
  title: string;
  outlet: string;
  publishedOn: string;
  publishedOnText: string;
  scopeLabel: string;
  createdAt: string;
  deleted: { at: string; reason: string } | null;
  input: Omit<NewsLinkInput, 'scope'>;
}

type NewsFilter = { planId: number } | { roundId: number } | { sessionId: number };

async function queryNewsLinks(db: Kysely<DB>, filter: NewsFilter | 'deleted'): Promise<NewsLinkView[]> {
  let query = db
    .selectFrom('news_links')
    .leftJoin('rounds', 'rounds.id', 'news_links.round_id')
    .leftJoin('sessions', 'sessions.id', 'news_links.session_id')
    .selectAll('news_links')
    .select(['rounds.number as round_number', 'sessions.starts_at as session_starts_at']);
  if (filter === 'deleted') query = query.where('news_links.deleted_at', 'is not', null);
  else {
    query = query.where('news_links.deleted_at', 'is', null);
    if ('planId' in filter) query = query.where('news_links.plan_id', '=', filter.planId);
    else if ('roundId' in filter) query = query.where('news_links.round_id', '=', filter.roundId);
    else query = query.where('news_links.session_id', '=', filter.sessionId);
  }
  const rows = await query.orderBy('news_links.published_on').orderBy('news_links.id').execute();
  return rows.map((row) => ({
    id: row.id,
    url: row.url,
    host: new URL(row.url).hostname,
    title: row.title,
    outlet: row.outlet,
    publishedOn: row.published_on,
    publishedOnText: formatVnDate(row.published_on),
    scopeLabel:
      row.round_number === null ? 'Kế hoạch' : row.session_starts_at === null ? `Đợt ${row.round_number}` : `Đợt ${row.round_number} — buổi ${formatVnDate(row.session_starts_at)}`,
    createdAt: formatDateTime(row.created_at),
    deleted: row.deleted_at ? { at: formatDateTime(row.deleted_at), reason: row.delete_reason ?? '' } : null,
    input: { url: row.url, title: row.title, outlet: row.outlet, publishedOn: row.published_on },
  }));
}

/** Live news links of a plan (all), a round (with its sessions) or a session, oldest first. */
export function listNewsLinks(db: Kysely<DB>, filter: NewsFilter): Promise<NewsLinkView[]> {
  return queryNewsLinks(db, filter);
}

export function listDeletedNewsLinks(db: Kysely<DB>): Promise<NewsLinkView[]> {
  return queryNewsLinks(db, 'deleted');
}

/** One live news link, with the scope value of its place (for the edit form). */
export async function getNewsLink(db: Kysely<DB>, id: number): Promise<{ link: Omit<NewsLinkInput, 'scope'>; scope: EvidenceScope }> {
  const row = await findLiveRow(db, id);
  return {
    link: { url: row.url, title: row.title, outlet: row.outlet, publishedOn: row.published_on },
    scope: await resolveScope(db, scopeValueOf(row)),
  };
}
