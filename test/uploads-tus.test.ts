// Resumable uploads over real HTTP: interrupted and resumed to the same SHA-256, refusals before and after the
// bytes, ownership of an upload, the sweep of abandoned uploads, and kill -9 of the server mid-upload.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/database.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { TEST_PASSWORD, loggedInUser } from './helpers/factories.ts';
import { csrfFrom } from './helpers/http.ts';
import { loginOverHttp } from './helpers/load.ts';
import { createProgramme, samplePdf, samplePhoto, sampleVideo, seedUploadData, type Programme } from './helpers/materials.ts';
import { startServer } from './helpers/processes.ts';
import { databaseFile } from './helpers/seed.ts';
import { createUpload, patchCutOff, patchUpload, settledOffset, uploadOffset, uploadUrl, type TusLogin } from './helpers/tus.ts';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A "recording": the demo WebM followed by random bytes, so it sniffs as video and is large enough to cut. */
function recording(megabytes: number): Buffer {
  return Buffer.concat([sampleVideo(), randomBytes(megabytes * 1024 * 1024)]);
}

function tusFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'tmp', 'tus');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('resumable uploads (tus)', () => {
  let t: TestApp;
  let baseUrl: string;
  let programme: Programme;
  let login: TusLogin;

  async function loginFor(roles: ('organizer' | 'reporter' | 'admin')[]): Promise<TusLogin> {
    const { visitor } = await loggedInUser(t.app, roles);
    const page = await visitor.get('/');
    return { cookie: visitor.cookieHeader, csrf: csrfFrom(page.body) };
  }

  beforeEach(async () => {
    t = await buildApp({ UPLOAD_MAX_PHOTO_MB: '1' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    programme = await createProgramme(t.app);
    login = await loginFor(['organizer']);
  });
  afterEach(() => t.close());

  const videoMeta = (title = 'Ghi hình buổi khai mạc') => ({ filename: 'Ghi hình khai mạc.webm', scope: `session:${programme.sessionId}`, kind: 'video', title });

  it('continues an interrupted upload from the server’s offset and registers the whole file with the same SHA-256', async () => {
    const data = recording(8);
    const url = uploadUrl(baseUrl, await createUpload(baseUrl, login, data.length, videoMeta()));
    await patchCutOff(url, login, 0, data, 3 * 1024 * 1024);
    const offset = await settledOffset(url, login);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(data.length);
    // Cut off: nothing is registered yet.
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toEqual([]);

    const rest = data.subarray(offset);
    const finished = await patchUpload(url, login, offset, rest, rest.length);
    expect(finished.status, finished.text).toBe(204);
    expect(finished.headers['upload-offset']).toBe(String(data.length));
    // tus writes the raw response itself; the app's security headers still go with it.
    expect(finished.headers['x-content-type-options']).toBe('nosniff');
    expect(finished.headers['content-security-policy']).toContain("default-src 'self'");
    const id = Number(finished.headers['x-material-id']);
    const row = await t.app.db.selectFrom('materials').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'video', mime_type: 'video/webm', bytes: data.length, sha256: sha(data), original_name: 'Ghi hình khai mạc.webm', session_id: programme.sessionId });
    const download = await fetch(`${baseUrl}/materials/${id}/download`, { headers: { cookie: login.cookie } });
    expect(sha(Buffer.from(await download.arrayBuffer()))).toBe(sha(data));
    expect(tusFiles(t.dataDir)).toEqual([]);
    const audit = await t.app.db.selectFrom('audit_log').select('after_json').where('action', '=', 'material.upload').executeTakeFirstOrThrow();
    expect(audit.after_json).toContain(sha(data));
  });

  it('refuses before the bytes: no session, no CSRF header, a reporter, a declared size over the limit, bad metadata', async () => {
    const photo = await samplePhoto(5);
    const meta = { filename: 'anh.jpg', scope: `session:${programme.sessionId}`, kind: 'photo', title: 'Ảnh' };
    expect((await createUpload(baseUrl, { cookie: '', csrf: '' }, photo.length, meta)).status).toBe(401);
    expect((await createUpload(baseUrl, { cookie: login.cookie, csrf: 'forged' }, photo.length, meta)).status).toBe(403);
    const reporter = await loginFor(['reporter']);
    expect((await createUpload(baseUrl, reporter, photo.length, meta)).status).toBe(403);
    const tooBig = await createUpload(baseUrl, login, 2 * 1024 * 1024, meta);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.text()).toBe('Tệp quá lớn: hình ảnh được tải lên tối đa 1 MB.');
    const badScope = await createUpload(baseUrl, login, photo.length, { ...meta, scope: 'session:99999' });
    expect(badScope.status).toBe(422);
    expect(await badScope.text()).toContain('Không xác định được kế hoạch, đợt hoặc buổi tập huấn');
    const badName = await createUpload(baseUrl, login, photo.length, { ...meta, filename: 'a\u0000.jpg' });
    expect(badName.status).toBe(422);
    expect(tusFiles(t.dataDir)).toEqual([]);
  });

  it('refuses content that is not what the kind accepts once the last byte arrives, keeping nothing', async () => {
    const pdf = await samplePdf('Không phải video');
    const url = uploadUrl(baseUrl, await createUpload(baseUrl, login, pdf.length, { ...videoMeta(), filename: 'video.mp4' }));
    expect(tusFiles(t.dataDir)).toHaveLength(2);
    const finished = await patchUpload(url, login, 0, pdf, pdf.length);
    expect(finished.status).toBe(415);
    expect(finished.text).toContain('Nội dung tệp không phải định dạng được nhận cho mục video');
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toEqual([]);
    expect(tusFiles(t.dataDir)).toEqual([]);
    expect(readdirSync(path.join(t.dataDir, 'tmp', 'staged'))).toEqual([]);
  });

  it('refuses a second copy of the same recording with a message tus clients do not retry', async () => {
    const data = recording(1);
    const first = uploadUrl(baseUrl, await createUpload(baseUrl, login, data.length, videoMeta('Bản một')));
    expect((await patchUpload(first, login, 0, data, data.length)).status).toBe(204);
    const second = uploadUrl(baseUrl, await createUpload(baseUrl, login, data.length, videoMeta('Bản hai')));
    const again = await patchUpload(second, login, 0, data, data.length);
    expect(again.status).toBe(422);
    expect(again.text).toContain('Tệp này đã có trong hồ sơ của kế hoạch: “Bản một”');
    expect(await t.app.db.selectFrom('materials').select('id').execute()).toHaveLength(1);
    expect(tusFiles(t.dataDir)).toEqual([]);
  });

  it('lets only the account that started an upload continue it', async () => {
    const data = recording(1);
    const url = uploadUrl(baseUrl, await createUpload(baseUrl, login, data.length, videoMeta()));
    const colleague = await loginFor(['organizer']);
    expect((await uploadOffset(url, colleague)).status).toBe(403);
    expect((await patchUpload(url, colleague, 0, data, data.length)).status).toBe(403);
    expect((await uploadOffset(url, login)).offset).toBe(0);
  });

  it('removes uploads abandoned longer than UPLOAD_EXPIRY_HOURS when the server starts', async () => {
    const data = recording(2);
    const url = uploadUrl(baseUrl, await createUpload(baseUrl, login, data.length, videoMeta()));
    await patchCutOff(url, login, 0, data, 1024 * 1024);
    await settledOffset(url, login);
    const fresh = uploadUrl(baseUrl, await createUpload(baseUrl, login, 10, { ...videoMeta(), title: 'Mới' }));
    expect(tusFiles(t.dataDir)).toHaveLength(4);
    await t.app.close();
    const old = new Date(Date.now() - 25 * 3600_000);
    const abandonedId = url.split('/').pop()!;
    for (const name of [abandonedId, `${abandonedId}.json`]) utimesSync(path.join(t.dataDir, 'tmp', 'tus', name), old, old);
    const restarted = await createApp(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: t.dataDir, UPLOAD_EXPIRY_HOURS: '24' }));
    await restarted.ready();
    try {
      const freshId = fresh.split('/').pop()!;
      expect(tusFiles(t.dataDir).sort()).toEqual([freshId, `${freshId}.json`]);
    } finally {
      await restarted.close();
    }
  });
});

describe('kill -9 of the server in the middle of an upload', () => {
  let dataDir: string;
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('registers nothing, and after the restart the upload resumes to the same SHA-256', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tap-huan-tus-crash-'));
    const { sessionId } = await seedUploadData(dataDir);
    const env = { DATA_DIR: dataDir, NODE_ENV: 'test' };
    const data = recording(24);
    let server = await startServer(env);
    try {
      let login = await loginOverHttp(server.baseUrl, 'tochuc', TEST_PASSWORD, `/sessions/${sessionId}`);
      let url = uploadUrl(server.baseUrl, await createUpload(server.baseUrl, login, data.length, { filename: 'ghi-hinh.webm', scope: `session:${sessionId}`, kind: 'video', title: 'Ghi hình' }));
      // The PATCH is under way when the process dies.
      const cut = patchCutOff(url, login, 0, data, 12 * 1024 * 1024);
      await new Promise((r) => setTimeout(r, 100));
      await server.stop('SIGKILL');
      await cut;

      server = await startServer(env);
      const reopened = openDatabase(databaseFile(dataDir), 0);
      try {
        expect(await reopened.selectFrom('materials').select('id').execute()).toEqual([]);
      } finally {
        await reopened.destroy();
      }
      login = await loginOverHttp(server.baseUrl, 'tochuc', TEST_PASSWORD, `/sessions/${sessionId}`);
      url = url.replace(/^http:\/\/[^/]+/, server.baseUrl);
      const offset = await settledOffset(url, login);
      expect(offset).toBeLessThan(data.length);
      const rest = data.subarray(offset);
      const finished = await patchUpload(url, login, offset, rest, rest.length);
      expect(finished.status, finished.text).toBe(204);
      const download = await fetch(`${server.baseUrl}/materials/${finished.headers['x-material-id']}/download`, { headers: { cookie: login.cookie } });
      expect(sha(Buffer.from(await download.arrayBuffer()))).toBe(sha(data));
    } finally {
      await server.stop('SIGTERM');
    }
  });
});
