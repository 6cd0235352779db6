import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loadDemoData } from '../server/services/demo.ts';
import { recoverStagedFiles } from '../server/services/materials.ts';
import { contentDisposition, parseRange } from '../server/routes/materials/file-response.ts';
import { cleanOriginalName, uploadLimitsFrom } from '../server/services/uploads.ts';
import { loadConfig } from '../server/config.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loggedInUser, loginAs } from './helpers/factories.ts';
import { Visitor, csrfFrom } from './helpers/http.ts';
import { createProgramme, multipartBody, samplePdf, samplePhoto, type MultipartPart, type Programme } from './helpers/materials.ts';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Posts the upload form as a browser does: token and fields first, the file last. */
async function uploadForm(
  t: TestApp,
  visitor: Visitor,
  fields: { scope: string; kind: string; title?: string; description?: string },
  file: { filename: string; content: Buffer; contentType?: string } | null,
  options: { csrf?: string | null; accept?: string } = {},
) {
  const csrf = options.csrf === undefined ? csrfFrom((await visitor.get(`/materials/new?scope=${fields.scope}`)).body) : options.csrf;
  const parts: MultipartPart[] = [];
  if (csrf !== null) parts.push({ name: '_csrf', value: csrf });
  parts.push({ name: 'scope', value: fields.scope }, { name: 'kind', value: fields.kind });
  parts.push({ name: 'title', value: fields.title ?? '' }, { name: 'description', value: fields.description ?? '' });
  if (file) parts.push({ name: 'file', filename: file.filename, content: file.content, contentType: file.contentType });
  const { body, contentType } = multipartBody(parts);
  return t.app.inject({
    method: 'POST',
    url: '/materials',
    payload: body,
    headers: { 'content-type': contentType, cookie: visitor.cookieHeader, accept: options.accept ?? 'text/html' },
  });
}

function materialIdFrom(location: string | undefined): number {
  const match = /^\/materials\/(\d+)$/.exec(location ?? '');
  if (!match) throw new Error(`not a material page: ${location}`);
  return Number(match[1]);
}

function workFiles(t: TestApp): string[] {
  const found: string[] = [];
  for (const dir of ['incoming', 'staged']) {
    const full = path.join(t.dataDir, 'tmp', dir);
    if (existsSync(full)) found.push(...readdirSync(full).map((name) => `${dir}/${name}`));
  }
  return found;
}

describe('materials: form uploads, downloads and deletion', () => {
  let t: TestApp;
  let programme: Programme;
  let organizer: Visitor;

  beforeEach(async () => {
    t = await buildApp({ UPLOAD_MAX_PHOTO_MB: '1' });
    programme = await createProgramme(t.app);
    organizer = (await loggedInUser(t.app, ['organizer'])).visitor;
  });
  afterEach(() => t.close());

  it('stores a document under a generated name with its SHA-256, lists it on the session page and audits it', async () => {
    const pdf = await samplePdf();
    const response = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document', title: 'Bài giảng chuyên đề 1' }, { filename: 'Bài giảng CCHC.pdf', content: pdf });
    expect(response.statusCode, response.body).toBe(303);
    const id = materialIdFrom(response.headers.location);
    const row = await t.app.db.selectFrom('materials').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      plan_id: programme.planId, round_id: programme.roundId, session_id: programme.sessionId, kind: 'document',
      title: 'Bài giảng chuyên đề 1', original_name: 'Bài giảng CCHC.pdf', mime_type: 'application/pdf', bytes: pdf.length, sha256: sha(pdf),
    });
    expect(row.storage_key).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}\.pdf$/);
    expect(row.storage_key).not.toContain('Bài');
    expect(sha(Buffer.from((await organizer.get(`/materials/${id}/download`)).rawPayload))).toBe(sha(pdf));
    expect(workFiles(t)).toEqual([]);

    const page = await organizer.get(`/sessions/${programme.sessionId}`);
    expect(page.body).toContain('Bài giảng chuyên đề 1');
    expect((await organizer.get(`/rounds/${programme.roundId}`)).body).toContain('Bài giảng chuyên đề 1');
    expect((await organizer.get(`/plans/${programme.planId}`)).body).toContain('Bài giảng chuyên đề 1');
    const audit = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'material.upload').executeTakeFirstOrThrow();
    expect(audit.entity_id).toBe(String(id));
    expect(audit.after_json).toContain(sha(pdf));
  });

  it('reads a photo’s capture time from EXIF, its size, and makes a thumbnail for the session gallery', async () => {
    const photo = await samplePhoto(1, '2022:06:15 08:30:00');
    const response = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'photo', title: 'Khai mạc' }, { filename: 'IMG_0001.JPG', content: photo });
    expect(response.statusCode, response.body).toBe(303);
    const id = materialIdFrom(response.headers.location);
    const row = await t.app.db.selectFrom('materials').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    // 08:30 in Vietnam (UTC+7) is 01:30 UTC.
    expect(row).toMatchObject({ mime_type: 'image/jpeg', captured_at: '2022-06-15T01:30:00.000Z', width: 320, height: 240 });
    expect(row.thumbnail_key).toMatch(/\.webp$/);
    const thumbnail = await organizer.get(`/materials/${id}/thumbnail`);
    expect(thumbnail.statusCode).toBe(200);
    expect(thumbnail.headers['content-type']).toBe('image/webp');
    expect(thumbnail.rawPayload.subarray(8, 12).toString()).toBe('WEBP');
    const gallery = await organizer.get(`/sessions/${programme.sessionId}/gallery`);
    expect(gallery.statusCode).toBe(200);
    expect(gallery.body).toContain(`/materials/${id}/thumbnail`);
    expect(gallery.body).toContain('15/06/2022 08:30');
    const inline = await organizer.get(`/materials/${id}/view`);
    expect(inline.headers['content-disposition']).toMatch(/^inline; /);
    expect(inline.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a file larger than its kind allows with 413, keeping nothing', async () => {
    const big = Buffer.concat([await samplePhoto(2), Buffer.alloc(1536 * 1024, 7)]);
    const response = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'photo' }, { filename: 'to.jpg', content: big });
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('Tệp quá lớn: hình ảnh được tải lên tối đa 1 MB');
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toEqual([]);
    expect(workFiles(t)).toEqual([]);
  });

  it('checks the type by content, not by the name: a lying extension is refused with 415', async () => {
    const pdf = await samplePdf();
    const asPhoto = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'photo' }, { filename: 'anh-khai-mac.jpg', content: pdf, contentType: 'image/jpeg' });
    expect(asPhoto.statusCode).toBe(415);
    expect(asPhoto.body).toContain('Nội dung tệp không phải định dạng được nhận cho mục hình ảnh');
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const asPdf = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document' }, { filename: 'tai-lieu.pdf', content: html, contentType: 'application/pdf' });
    expect(asPdf.statusCode).toBe(415);
    const videoAsDoc = await uploadForm(t, organizer, { scope: `plan:${programme.planId}`, kind: 'plan' }, { filename: 'ke-hoach.pdf', content: await samplePhoto(3) });
    expect(videoAsDoc.statusCode).toBe(415);
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toEqual([]);
    expect(workFiles(t)).toEqual([]);
  });

  it('keeps only the last part of a name with path tricks, refuses control characters, and caps long names', async () => {
    const cases: [string, string][] = [
      ['../../../etc/passwd.pdf', 'passwd.pdf'],
      ['/var/lib/tap-huan/files/ab/x.pdf', 'x.pdf'],
      ['C:\\Users\\can-bo\\Tài liệu\\Kế hoạch số 12.pdf', 'Kế hoạch số 12.pdf'],
      ['..\\..\\windows\\win.ini.pdf', 'win.ini.pdf'],
    ];
    for (const [index, [name, kept]] of cases.entries()) {
      const response = await uploadForm(t, organizer, { scope: `round:${programme.roundId}`, kind: 'document' }, { filename: name, content: await samplePdf(`Tài liệu ${index}`) });
      expect(response.statusCode, name).toBe(303);
      const row = await t.app.db.selectFrom('materials').selectAll().where('id', '=', materialIdFrom(response.headers.location)).executeTakeFirstOrThrow();
      expect(row.original_name).toBe(kept);
      expect(row.storage_key).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}\.pdf$/);
    }
    const long = `${'Tài liệu hướng dẫn '.repeat(40)}.pdf`;
    const longResponse = await uploadForm(t, organizer, { scope: `round:${programme.roundId}`, kind: 'document' }, { filename: long, content: await samplePdf('dài') });
    const longRow = await t.app.db.selectFrom('materials').selectAll().where('id', '=', materialIdFrom(longResponse.headers.location)).executeTakeFirstOrThrow();
    expect([...longRow.original_name].length).toBe(200);
    expect(longRow.original_name.endsWith('.pdf')).toBe(true);

    for (const name of ['..', 'bad\u0000name.pdf', 'tab\tname.pdf', '/']) {
      const response = await uploadForm(t, organizer, { scope: `round:${programme.roundId}`, kind: 'document' }, { filename: name, content: await samplePdf(name) });
      expect(response.statusCode, JSON.stringify(name)).toBe(422);
      expect(response.body).toMatch(/Tên tệp (không hợp lệ|chứa ký tự điều khiển)|Vui lòng chọn tệp/);
    }
    expect(() => cleanOriginalName('a\u0000b.pdf')).toThrow();
    expect(cleanOriginalName('Ke\u0302\u0301 hoa\u0323ch.pdf')).toBe('Kế hoạch.pdf');
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toHaveLength(5);
    expect(workFiles(t)).toEqual([]);
  });

  it('refuses the same file twice in one plan, pointing at the one kept; accepts it again once that was deleted', async () => {
    const pdf = await samplePdf('Một tệp');
    const first = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document', title: 'Bản đầu' }, { filename: 'a.pdf', content: pdf });
    const firstId = materialIdFrom(first.headers.location);
    const again = await uploadForm(t, organizer, { scope: `round:${programme.roundId}`, kind: 'document', title: 'Bản hai' }, { filename: 'b.pdf', content: pdf });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Tệp này đã có trong hồ sơ của kế hoạch: “Bản đầu”');
    expect(again.body).toContain(`href="/materials/${firstId}"`);
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toHaveLength(1);
    expect(workFiles(t)).toEqual([]);

    const csrf = csrfFrom((await organizer.get(`/materials/${firstId}`)).body);
    expect((await organizer.post(`/materials/${firstId}/delete`, { _csrf: csrf, reason: 'Tải nhầm buổi' })).statusCode).toBe(303);
    const third = await uploadForm(t, organizer, { scope: `round:${programme.roundId}`, kind: 'document', title: 'Bản đúng' }, { filename: 'b.pdf', content: pdf });
    expect(third.statusCode).toBe(303);
  });

  it('answers Range requests with 206 and 416, and names the file in Content-Disposition (RFC 5987)', async () => {
    const pdf = await samplePdf('Phạm vi');
    const id = materialIdFrom((await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document' }, { filename: 'Tài liệu "số 1".pdf', content: pdf })).headers.location);
    const full = await organizer.get(`/materials/${id}/download`);
    expect(full.statusCode).toBe(200);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.headers['content-length']).toBe(String(pdf.length));
    expect(full.headers['x-content-type-options']).toBe('nosniff');
    expect(full.headers['content-disposition']).toBe(`attachment; filename="Tai lieu _so 1_.pdf"; filename*=UTF-8''T%C3%A0i%20li%E1%BB%87u%20%22s%E1%BB%91%201%22.pdf`);
    const part = await organizer.get(`/materials/${id}/download`, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${pdf.length}`);
    expect(Buffer.compare(part.rawPayload, pdf.subarray(100, 200))).toBe(0);
    const tail = await organizer.get(`/materials/${id}/view`, { range: 'bytes=-10' });
    expect(tail.statusCode).toBe(206);
    expect(Buffer.compare(tail.rawPayload, pdf.subarray(pdf.length - 10))).toBe(0);
    const beyond = await organizer.get(`/materials/${id}/download`, { range: `bytes=${pdf.length}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${pdf.length}`);
    // A document is never shown inline, even through the viewing address.
    expect((await organizer.get(`/materials/${id}/view`)).headers['content-disposition']).toMatch(/^attachment; /);

    expect(parseRange('bytes=0-', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=0-1,3-4', 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(contentDisposition('inline', 'ảnh.jpg')).toBe(`inline; filename="anh.jpg"; filename*=UTF-8''%E1%BA%A3nh.jpg`);
  });

  it('lets a reporter view and download but not upload or delete; refuses anonymous and check-in accounts', async () => {
    const pdf = await samplePdf('Báo cáo');
    const id = materialIdFrom((await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document', title: 'Tài liệu' }, { filename: 'x.pdf', content: pdf })).headers.location);
    const reporter = (await loggedInUser(t.app, ['reporter'])).visitor;
    expect((await reporter.get(`/materials/${id}`)).statusCode).toBe(200);
    expect(sha((await reporter.get(`/materials/${id}/download`)).rawPayload)).toBe(sha(pdf));
    const session = await reporter.get(`/sessions/${programme.sessionId}`);
    expect(session.body).toContain('Tài liệu');
    expect(session.body).not.toContain('Tải lên tệp');
    expect((await reporter.get(`/materials/new?scope=session:${programme.sessionId}`)).statusCode).toBe(403);
    const csrf = csrfFrom(session.body);
    const upload = await uploadForm(t, reporter, { scope: `session:${programme.sessionId}`, kind: 'document' }, { filename: 'y.pdf', content: await samplePdf('y') }, { csrf });
    expect(upload.statusCode).toBe(403);
    expect((await reporter.post(`/materials/${id}/delete`, { _csrf: csrf, reason: 'không được' })).statusCode).toBe(403);
    expect((await reporter.post('/news-links', { _csrf: csrf, scope: `session:${programme.sessionId}`, url: 'https://a.vn/x', title: 'x', outlet: '', publishedOn: '2022-06-16' })).statusCode).toBe(403);
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toHaveLength(1);

    const anonymous = new Visitor(t.app);
    expect((await anonymous.get(`/materials/${id}/download`)).statusCode).toBe(303);
    expect((await anonymous.get(`/materials/${id}/download`, { accept: '*/*' })).statusCode).toBe(401);
    const checkin = (await loggedInUser(t.app, ['checkin'])).visitor;
    expect((await checkin.get(`/materials/${id}/download`)).statusCode).toBe(403);
    expect((await checkin.get(`/materials/${id}/thumbnail`)).statusCode).toBe(403);
  });

  it('refuses an upload without the form’s CSRF token and keeps nothing', async () => {
    const response = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document' }, { filename: 'x.pdf', content: await samplePdf() }, { csrf: null });
    expect(response.statusCode).toBe(403);
    const forged = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document' }, { filename: 'x.pdf', content: await samplePdf() }, { csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toEqual([]);
    expect(workFiles(t)).toEqual([]);
  });

  it('re-renders the form with Vietnamese messages for missing fields and a missing file', async () => {
    const noFile = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document' }, null);
    expect(noFile.statusCode).toBe(422);
    expect(noFile.body).toContain('Vui lòng chọn tệp cần tải lên.');
    const badKind = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'virus' }, { filename: 'x.pdf', content: await samplePdf() });
    expect(badKind.statusCode).toBe(422);
    expect(badKind.body).toContain('Chọn loại tệp');
    const planKindOnSession = await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'plan' }, { filename: 'x.pdf', content: await samplePdf() });
    expect(planKindOnSession.statusCode).toBe(422);
    const badScope = await uploadForm(t, organizer, { scope: 'session:99999', kind: 'document' }, { filename: 'x.pdf', content: await samplePdf() }, { csrf: csrfFrom((await organizer.get('/')).body) });
    expect(badScope.statusCode).toBeGreaterThanOrEqual(400);
    expect(badScope.statusCode).toBeLessThan(500);
    const notMultipart = await organizer.post('/materials', { _csrf: csrfFrom((await organizer.get('/')).body), kind: 'document' });
    expect(notMultipart.statusCode).toBe(415);
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toEqual([]);
  });

  it('soft-deletes with a reason in the audit log; only the admin purges, and the bytes go with the row', async () => {
    const pdf = await samplePdf('Xóa');
    const id = materialIdFrom((await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document', title: 'Sẽ xóa' }, { filename: 'x.pdf', content: pdf })).headers.location);
    const row = await t.app.db.selectFrom('materials').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const stored = path.join(t.dataDir, 'files', row.storage_key);
    const csrf = csrfFrom((await organizer.get(`/materials/${id}`)).body);
    const noReason = await organizer.post(`/materials/${id}/delete`, { _csrf: csrf, reason: '' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('Vui lòng ghi lý do xóa');
    expect((await organizer.post(`/materials/${id}/purge`, { _csrf: csrf })).statusCode).toBe(403);
    expect((await organizer.post(`/materials/${id}/delete`, { _csrf: csrf, reason: 'Ảnh mờ, chụp lại' })).statusCode).toBe(303);
    const after = await organizer.get(`/sessions/${programme.sessionId}`);
    expect(after.body).toContain('Đã xóa “Sẽ xóa”. Tệp vẫn được giữ');
    expect(after.body).not.toContain(`href="/materials/${id}"`);
    expect((await organizer.get(`/materials/${id}/download`)).statusCode).toBe(404);
    expect(existsSync(stored)).toBe(true);
    const deleted = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'material.delete').executeTakeFirstOrThrow();
    expect(deleted.after_json).toContain('Ảnh mờ, chụp lại');

    const admin = (await loggedInUser(t.app, ['admin'])).visitor;
    const list = await admin.get('/materials/deleted');
    expect(list.body).toContain('Sẽ xóa');
    expect((await admin.get(`/materials/${id}/download`)).statusCode).toBe(200);
    const adminCsrf = csrfFrom(list.body);
    expect((await admin.post(`/materials/${id}/purge`, { _csrf: adminCsrf })).statusCode).toBe(303);
    expect(await t.app.db.selectFrom('materials').select('id').where('id', '=', id).execute()).toEqual([]);
    expect(existsSync(stored)).toBe(false);
    const purged = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'material.purge').executeTakeFirstOrThrow();
    expect(purged.before_json).toContain(sha(pdf));
    const auditPage = await admin.get('/admin/audit');
    expect(auditPage.body).toContain('Xóa vĩnh viễn tệp minh chứng');
    expect(auditPage.body).toContain('Mã kiểm tra SHA-256');

    // A live file cannot be purged straight away.
    const other = materialIdFrom((await uploadForm(t, organizer, { scope: `session:${programme.sessionId}`, kind: 'document' }, { filename: 'y.pdf', content: await samplePdf('khác') })).headers.location);
    expect((await admin.post(`/materials/${other}/purge`, { _csrf: adminCsrf })).statusCode).toBe(409);
  });

  it('recovers after a crash between commit and rename, and removes staged files nobody registered', async () => {
    const storage = t.app.storage;
    const committedTemp = storage.incomingPath();
    writeFileSync(committedTemp, await samplePdf('đã ghi'));
    const key = await storage.stage(committedTemp, 'pdf');
    await t.app.db
      .insertInto('materials')
      .values({ plan_id: programme.planId, kind: 'document', title: 'Đã ghi', original_name: 'a.pdf', storage_key: key, mime_type: 'application/pdf', bytes: 1, sha256: 'x', uploaded_by: null, uploaded_at: new Date().toISOString() })
      .execute();
    const orphanTemp = storage.incomingPath();
    writeFileSync(orphanTemp, 'không ai đăng ký');
    const orphan = await storage.stage(orphanTemp, 'pdf');
    // A fresh orphan may belong to an upload still in progress elsewhere: kept.
    expect(await recoverStagedFiles(t.app.db, storage, 3600_000)).toEqual({ promoted: 1, removed: 0 });
    expect(await storage.size(key)).toBeGreaterThan(0);
    expect(await recoverStagedFiles(t.app.db, storage, -1)).toEqual({ promoted: 0, removed: 1 });
    expect(await storage.size(orphan)).toBeNull();
    expect(workFiles(t)).toEqual([]);
  });
});

describe('demo materials', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildApp();
  });
  afterEach(() => t.close());

  it('gives the plan its document, and round 1 a document, photos with capture times, a playable video and two news links, stored with real checksums', async () => {
    const report = await loadDemoData(t.app.db, { storage: t.app.storage });
    expect(report).toContain('7 tệp minh chứng');
    const rows = await t.app.db.selectFrom('materials').selectAll().orderBy('id').execute();
    expect(rows.map((r) => r.kind)).toEqual(['plan', 'document', 'photo', 'photo', 'video', 'photo', 'photo']);
    expect(rows[0]).toMatchObject({ round_id: null, session_id: null, mime_type: 'application/pdf' });
    for (const row of rows) {
      const stored = readFileSync(path.join(t.dataDir, 'files', row.storage_key));
      expect(sha(stored), row.title).toBe(row.sha256);
      expect(stored.length).toBe(row.bytes);
    }
    expect(rows.find((r) => r.kind === 'document')!.mime_type).toBe('application/pdf');
    expect(rows.find((r) => r.kind === 'video')!.mime_type).toBe('video/webm');
    expect(rows.filter((r) => r.kind === 'photo').every((r) => r.captured_at?.startsWith('2022-05-1') && r.thumbnail_key)).toBe(true);
    expect(await t.app.db.selectFrom('news_links').select('published_on').orderBy('id').execute()).toEqual([{ published_on: '2022-05-13' }, { published_on: '2022-05-16' }]);
    const reporter = await loginAs(t.app, 'baocao', DEMO_PASSWORD);
    const sessionId = rows.find((r) => r.kind === 'video')!.session_id!;
    const gallery = await reporter.get(`/sessions/${sessionId}/gallery`);
    expect(gallery.body).toContain('<video controls');
    expect(gallery.body).toContain('chụp lúc 12/05/2022 07:41');
  });
});

describe('upload settings', () => {
  it('reads per-kind limits and the expiry of abandoned uploads, refusing nonsense with the variable’s name', () => {
    const config = loadConfig({ UPLOAD_MAX_FILE_MB: '10', UPLOAD_MAX_PHOTO_MB: '5', UPLOAD_MAX_VIDEO_MB: '2048', UPLOAD_EXPIRY_HOURS: '48' });
    expect(uploadLimitsFrom(config)).toEqual({ document: 10 * 1024 * 1024, plan: 10 * 1024 * 1024, photo: 5 * 1024 * 1024, video: 2048 * 1024 * 1024 });
    expect(config.uploadExpiryHours).toBe(48);
    expect(() => loadConfig({ UPLOAD_EXPIRY_HOURS: '0' })).toThrow(/biến môi trường UPLOAD_EXPIRY_HOURS phải là số giờ từ 1 đến 720/);
    expect(() => loadConfig({ UPLOAD_MAX_PHOTO_MB: 'nhiều' })).toThrow(/biến môi trường UPLOAD_MAX_PHOTO_MB /);
  });
});
