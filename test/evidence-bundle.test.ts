import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDemoData } from '../server/services/demo.ts';
import {
  BUNDLE_FOLDERS, BundleIntegrityError, MANIFEST_PATH, REPORT_PATH, SUMS_PATH, computeBundleDigest, describeBundle, openBundle, prepareBundle, streamBundle,
  type ManifestFile,
} from '../server/services/evidence-bundle.ts';
import { archiveTimestamp, fixZipTimestamps } from '../server/documents/zip.ts';
import { runCli } from './helpers/processes.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { FAKE_JPEG, FAKE_MP4, addMaterial, addNewsLink, readAll, sha256Hex, unzipTest, unzipTo, zipEntries } from './helpers/bundle.ts';

let work = '';
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'tap-huan-bundle-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
let fileCounter = 0;
function saveZip(bytes: Buffer): string {
  fileCounter += 1;
  const file = path.join(work, `bundle-${fileCounter}.zip`);
  writeFileSync(file, bytes);
  return file;
}

const FOLDERS = Object.values(BUNDLE_FOLDERS);

/** The demo programme (round 1 held and checked in) plus one file of each kind and two news items for round 1. */
async function demoWithEvidence(t: TestApp) {
  await loadDemoData(t.app.db);
  const plan = await t.app.db.selectFrom('plans').select('id').executeTakeFirstOrThrow();
  const rounds = await t.app.db.selectFrom('rounds').select(['id', 'number']).orderBy('number').execute();
  const round1 = rounds[0]!.id;
  const sessions = await t.app.db.selectFrom('sessions').select(['id']).where('round_id', '=', round1).orderBy('starts_at').execute();
  const db = t.app.db;
  const storage = t.app.storage;
  await addMaterial(db, storage, { planId: plan.id, kind: 'plan', title: 'Kế hoạch số 95/KH-UBND tuyên truyền CCHC năm 2022', originalName: 'Kế hoạch 95.pdf', mimeType: 'application/pdf', content: Buffer.from('%PDF-1.4\n% kế hoạch\n%%EOF\n') });
  await addMaterial(db, storage, { planId: plan.id, roundId: round1, sessionId: sessions[0]!.id, kind: 'document', title: 'Bài giảng: Kiểm soát thủ tục hành chính', originalName: 'bai giang.pdf', mimeType: 'application/pdf', content: Buffer.from('%PDF-1.4\n% bài giảng\n%%EOF\n') });
  await addMaterial(db, storage, { planId: plan.id, roundId: round1, sessionId: sessions[0]!.id, kind: 'photo', title: 'Toàn cảnh hội trường', originalName: 'IMG_0001.JPG', mimeType: 'image/jpeg', content: FAKE_JPEG });
  await addMaterial(db, storage, { planId: plan.id, roundId: round1, kind: 'video', title: 'Ghi hình buổi khai mạc', originalName: 'khai mac.mp4', mimeType: 'video/mp4', content: FAKE_MP4 });
  const deleted = await addMaterial(db, storage, { planId: plan.id, roundId: round1, kind: 'document', title: 'Tệp đã xóa', originalName: 'xoa.pdf', mimeType: 'application/pdf', content: Buffer.from('%PDF deleted') });
  await db.updateTable('materials').set({ deleted_at: '2022-05-20T00:00:00.000Z', delete_reason: 'Tải nhầm' }).where('id', '=', deleted.id).execute();
  await addNewsLink(db, { planId: plan.id, roundId: round1, url: 'https://godau.tayninh.gov.vn/tin-tuc/tap-huan-cchc-2022', title: 'Gò Dầu tập huấn nghiệp vụ cải cách hành chính', outlet: 'Cổng thông tin điện tử huyện Gò Dầu', publishedOn: '2022-05-13' });
  await addNewsLink(db, { planId: plan.id, roundId: round1, sessionId: sessions[1]!.id, url: 'https://baotayninh.vn/go-dau-tap-huan', title: '=Tin "đặc biệt", có dấu phẩy', outlet: 'Báo Tây Ninh', publishedOn: '2022-05-14' });
  return { planId: plan.id, round1, round2: rounds[1]!.id, sessions: sessions.map((s) => s.id) };
}

async function bundleBytes(t: TestApp, scope: { planId: number } | { roundId: number }): Promise<Buffer> {
  const bundle = await openBundle(t.app.db, t.app.storage, scope, { fontDir: t.config.fontDir });
  const bytes = await readAll(bundle.stream);
  const done = await bundle.done;
  expect(done.sha256).toBe(sha256Hex(bytes));
  expect(done.bytes).toBe(bytes.length);
  return bytes;
}

describe('evidence bundle', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildApp();
  });
  afterEach(() => t.close());

  it('holds exactly the layout, every folder filled for demo round 1, and every file checks with unzip and sha256sum', async () => {
    const ids = await demoWithEvidence(t);
    const zip = saveZip(await bundleBytes(t, { roundId: ids.round1 }));
    expect(unzipTest(zip)).toContain('No errors detected');

    const entries = zipEntries(zip);
    const names = entries.map((e) => e.name);
    // Only ASCII names, and nothing outside the layout.
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9._/-]+$/);
    const top = [...new Set(names.map((n) => n.split('/')[0]))];
    expect(top).toEqual([REPORT_PATH, ...FOLDERS, MANIFEST_PATH, SUMS_PATH]);
    for (const folder of FOLDERS) {
      expect(names).toContain(`${folder}/`);
      expect(names.filter((n) => n.startsWith(`${folder}/`) && !n.endsWith('/')).length, folder).toBeGreaterThan(0);
    }
    const files = names.filter((n) => !n.endsWith('/'));
    expect(files).toEqual(expect.arrayContaining([
      `${BUNDLE_FOLDERS.letters}/2022-05-06_01-GM-UBND_giay-moi.pdf`,
      `${BUNDLE_FOLDERS.programme}/2022-05-12_Dot-1_Buoi-1_chuong-trinh.pdf`,
      `${BUNDLE_FOLDERS.attendance}/2022-05-12_Dot-1_Buoi-1_diem-danh.pdf`,
      `${BUNDLE_FOLDERS.attendance}/2022-05-12_Dot-1_Buoi-1_diem-danh.xlsx`,
      `${BUNDLE_FOLDERS.attendance}/2022-05-13_Dot-1_Buoi-2_diem-danh.csv`,
      `${BUNDLE_FOLDERS.news}/tin-bai.html`,
      `${BUNDLE_FOLDERS.news}/tin-bai.csv`,
    ]));
    // The deleted file is not there; the plan document is, in a round's bundle too.
    expect(files.some((n) => n.includes('tep-da-xoa'))).toBe(false);
    expect(files.filter((n) => n.startsWith(`${BUNDLE_FOLDERS.plan}/`))).toEqual([`${BUNDLE_FOLDERS.plan}/001_Ke-hoach_ke-hoach-so-95-kh-ubnd-tuyen-truyen-cchc-nam-2022.pdf`]);
    // Media and already-compressed files are stored; text is deflated.
    const method = (suffix: string) => entries.find((e) => e.name.endsWith(suffix))!.method;
    for (const suffix of ['.pdf', '.xlsx', '.jpg', '.mp4']) expect(method(suffix), suffix).toBe('stor');
    for (const suffix of ['.csv', '.html', MANIFEST_PATH, SUMS_PATH]) expect(method(suffix), suffix).toBe('defN');

    const dir = path.join(work, `out-${fileCounter}`);
    unzipTo(zip, dir);
    expect(execFileSync('sha256sum', ['-c', SUMS_PATH], { cwd: dir, encoding: 'utf8' })).not.toMatch(/FAILED/);
    const sums = readFileSync(path.join(dir, SUMS_PATH), 'utf8').trim().split('\n').map((line) => line.split('  ')[1]);
    // Every file has its checksum (SHA256SUMS cannot list itself).
    expect(sums.sort()).toEqual(files.filter((n) => n !== SUMS_PATH).sort());

    const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_PATH), 'utf8')) as { format: string; scope: string; files: ManifestFile[]; rounds: { number: number; sessions: unknown[] }[] };
    expect(manifest.scope).toBe('round');
    expect(manifest.rounds.map((r) => r.number)).toEqual([1]);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(files.filter((n) => n !== SUMS_PATH && n !== MANIFEST_PATH).sort());
    for (const file of manifest.files) {
      expect(Object.keys(file)).toEqual(['path', 'bytes', 'sha256', 'kind', 'title', 'round', 'session']);
      const bytes = readFileSync(path.join(dir, file.path));
      expect(file.bytes, file.path).toBe(bytes.length);
      expect(file.sha256, file.path).toBe(sha256Hex(bytes));
      expect(file.round, file.path).toBe(file.kind === 'plan-document' ? null : 1);
    }
    const byPath = new Map(manifest.files.map((f) => [f.path, f]));
    expect(byPath.get(`${BUNDLE_FOLDERS.attendance}/2022-05-13_Dot-1_Buoi-2_diem-danh.csv`)).toMatchObject({ kind: 'attendance-csv', session: 2 });
    expect(byPath.get(REPORT_PATH)).toMatchObject({ kind: 'results-report', session: null });
    const stored = await t.app.db.selectFrom('materials').select(['title', 'sha256']).where('deleted_at', 'is', null).execute();
    for (const material of stored) expect(manifest.files.find((f) => f.title === material.title)?.sha256, material.title).toBe(material.sha256);

    // The documents inside read as what they are.
    const text = (file: string) => execFileSync('pdftotext', ['-layout', path.join(dir, file), '-'], { encoding: 'utf8' });
    const programme = text(`${BUNDLE_FOLDERS.programme}/2022-05-12_Dot-1_Buoi-1_chuong-trinh.pdf`);
    expect(programme).toContain('CHƯƠNG TRÌNH TẬP HUẤN');
    expect(programme).toContain('Hội trường UBND huyện Gò Dầu');
    expect(programme).toMatch(/Kèm theo Giấy mời số 01\/GM-UBND/);
    expect(text(`${BUNDLE_FOLDERS.attendance}/2022-05-12_Dot-1_Buoi-1_diem-danh.pdf`)).toContain('DANH SÁCH ĐẠI BIỂU THAM DỰ');
    expect(text(REPORT_PATH)).toContain('BÁO CÁO');
    const csv = readFileSync(path.join(dir, BUNDLE_FOLDERS.news, 'tin-bai.csv'), 'utf8');
    expect(csv.startsWith('\ufeffSTT,')).toBe(true);
    expect(csv).toContain(`"'=Tin ""đặc biệt"", có dấu phẩy"`);
    const html = readFileSync(path.join(dir, BUNDLE_FOLDERS.news, 'tin-bai.html'), 'utf8');
    expect(html).toContain('<a href="https://godau.tayninh.gov.vn/tin-tuc/tap-huan-cchc-2022" rel="noopener noreferrer">');
    expect(html).toContain('=Tin &quot;đặc biệt&quot;');
  });

  it('gives the same bytes for the same data, built twice and in other time zones (CLI)', { timeout: 120_000 }, async () => {
    const ids = await demoWithEvidence(t);
    const first = await bundleBytes(t, { planId: ids.planId });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await bundleBytes(t, { planId: ids.planId });
    expect(sha256Hex(second)).toBe(sha256Hex(first));
    expect(second.equals(first)).toBe(true);
    for (const zone of ['UTC', 'Asia/Ho_Chi_Minh', 'America/New_York']) {
      const out = path.join(work, `tz-${zone.replace('/', '-')}-${fileCounter++}.zip`);
      const run = await runCli(['bundle', '--plan', String(ids.planId), '--out', out], { DATA_DIR: t.dataDir, TZ: zone });
      expect(run.code, run.stderr).toBe(0);
      expect(sha256Hex(readFileSync(out)), zone).toBe(sha256Hex(first));
    }
    // A change in the data is a different bundle.
    await t.app.db.updateTable('news_links').set({ title: 'Tiêu đề đã sửa', updated_at: '2022-06-01T00:00:00.000Z' }).where('plan_id', '=', ids.planId).execute();
    expect(sha256Hex(await bundleBytes(t, { planId: ids.planId }))).not.toBe(sha256Hex(first));
  });

  it('keeps every folder of the layout in an empty round, and refuses a missing plan or round', async () => {
    const ids = await demoWithEvidence(t);
    const zip = saveZip(await bundleBytes(t, { roundId: ids.round2 }));
    unzipTest(zip);
    const names = zipEntries(zip).map((e) => e.name);
    for (const folder of FOLDERS) expect(names).toContain(`${folder}/`);
    // Round 2 has no letter issued (a draft is not in the register) and no check-in yet.
    expect(names.filter((n) => n.startsWith(`${BUNDLE_FOLDERS.letters}/`) || n.startsWith(`${BUNDLE_FOLDERS.attendance}/`))).toEqual([`${BUNDLE_FOLDERS.letters}/`, `${BUNDLE_FOLDERS.attendance}/`]);
    expect(names).toContain(`${BUNDLE_FOLDERS.programme}/2022-09-15_Dot-2_Buoi-1_chuong-trinh.pdf`);
    expect(names).toContain(`${BUNDLE_FOLDERS.plan}/001_Ke-hoach_ke-hoach-so-95-kh-ubnd-tuyen-truyen-cchc-nam-2022.pdf`);
    await expect(prepareBundle(t.app.db, t.app.storage, { roundId: 999 })).rejects.toMatchObject({ statusCode: 404, message: expect.stringContaining('Không tìm thấy đợt') });
    await expect(prepareBundle(t.app.db, t.app.storage, { planId: 999 })).rejects.toMatchObject({ statusCode: 404, message: expect.stringContaining('Không tìm thấy kế hoạch') });
  });

  it('fails with a clear message instead of shipping a file whose bytes no longer match its checksum', async () => {
    const ids = await demoWithEvidence(t);
    const photo = await t.app.db.selectFrom('materials').select(['storage_key', 'bytes']).where('kind', '=', 'photo').executeTakeFirstOrThrow();
    // Same size, other bytes: found only while streaming; the archive stops before its central directory.
    const file = t.app.storage.pathOf(photo.storage_key);
    const damaged = readFileSync(file);
    damaged[1000] = damaged[1000]! ^ 0xff;
    writeFileSync(file, damaged);
    const bundle = await openBundle(t.app.db, t.app.storage, { roundId: ids.round1 });
    const read = readAll(bundle.stream);
    await expect(bundle.done).rejects.toBeInstanceOf(BundleIntegrityError);
    await expect(bundle.done).rejects.toThrow(/Toàn cảnh hội trường.*không khớp mã SHA-256/);
    await expect(read).rejects.toThrow();
    // Another size or no file at all: refused before the first byte (409).
    writeFileSync(file, damaged.subarray(0, 100));
    await expect(prepareBundle(t.app.db, t.app.storage, { roundId: ids.round1 })).rejects.toMatchObject({ statusCode: 409, message: expect.stringContaining('khác 20006 byte') });
    rmSync(file);
    await expect(prepareBundle(t.app.db, t.app.storage, { roundId: ids.round1 })).rejects.toMatchObject({ statusCode: 409, message: expect.stringContaining('không còn trong kho lưu trữ') });
  });

  it('opens the files one at a time as the archive reaches them, and stops reading when the reader goes away', async () => {
    const ids = await demoWithEvidence(t);
    const prepared = await prepareBundle(t.app.db, t.app.storage, { roundId: ids.round1 });
    const opened: string[] = [];
    const written: string[] = [];
    const files = prepared.files.map((file) => ({
      ...file,
      source: async () => {
        // When a file is opened, every file before it has been written in full.
        expect(written).toEqual(opened);
        opened.push(file.path);
        const content = await file.source();
        written.push(file.path);
        return content;
      },
    }));
    const bundle = streamBundle({ ...prepared, files });
    const first = await new Promise<Buffer>((resolve) => bundle.stream.once('data', resolve));
    expect(first.readUInt32LE(0)).toBe(0x04034b50);
    expect(opened.length).toBeLessThan(files.length);
    bundle.stream.destroy();
    await expect(bundle.done).rejects.toThrow();
    const complete = streamBundle(await prepareBundle(t.app.db, t.app.storage, { roundId: ids.round1 }));
    complete.stream.resume();
    await complete.done;
  });

  it('keeps the checksum per input fingerprint: a large bundle waits for its first build, a change of data asks for a new one', async () => {
    const ids = await demoWithEvidence(t);
    const scope = { roundId: ids.round1 };
    const waiting = await describeBundle(t.app.db, t.app.storage, scope, { inlineLimitBytes: 1000 });
    expect(waiting).toMatchObject({ sha256: null, bytes: null, pending: true, error: null, fileName: '2022-05-13_Ho-so-minh-chung_KH-UBND_Dot-1.zip' });
    const built = await computeBundleDigest(t.app.db, t.app.storage, scope);
    expect(await describeBundle(t.app.db, t.app.storage, scope, { inlineLimitBytes: 1000 })).toMatchObject({ sha256: built.sha256, bytes: built.bytes, pending: false });
    expect(sha256Hex(await bundleBytes(t, scope))).toBe(built.sha256);
    // An attendance corrected after the fact is new data: the stored checksum no longer applies.
    await t.app.db.updateTable('attendances').set({ reason: 'Ốm', updated_at: '2022-05-20T01:00:00.000Z' }).where('status', '=', 'excused').execute();
    expect(await describeBundle(t.app.db, t.app.storage, scope, { inlineLimitBytes: 1000 })).toMatchObject({ sha256: null, pending: true });
    const rebuilt = await describeBundle(t.app.db, t.app.storage, scope);
    expect(rebuilt.sha256).not.toBe(built.sha256);
    expect(rebuilt.sha256).toBe(sha256Hex(await bundleBytes(t, scope)));
  });
});

describe('reproducible parts', () => {
  it('stamps archive entries with a DOS time that reads the same in every time zone', () => {
    const stamp = archiveTimestamp({ year: 2022, month: 5, day: 13 });
    expect([stamp.getFullYear(), stamp.getMonth() + 1, stamp.getDate(), stamp.getHours(), stamp.getMinutes()]).toEqual([2022, 5, 13, 12, 0]);
    // fixZipTimestamps rewrites local headers and central directory alike.
    const zip = path.join(work, 'fix.zip');
    const dir = mkdtempSync(path.join(work, 'fix-'));
    writeFileSync(path.join(dir, 'a.txt'), 'một');
    execFileSync('zip', ['-q', '-X', zip, 'a.txt'], { cwd: dir });
    const fixed = fixZipTimestamps(readFileSync(zip), { year: 2022, month: 5, day: 13 });
    writeFileSync(zip, fixed);
    expect(execFileSync('zipinfo', ['-T', '-l', zip], { encoding: 'utf8' })).toContain('20220513.120000');
    expect(unzipTest(zip)).toContain('No errors detected');
  });
});

// A recording over 4 GB (a sparse file: no disk used for its zeros) must come out as a valid ZIP64 archive. The
// archive itself is written out in full (4.1 GB), so this needs the disk space.
const SPARSE_BYTES = 4 * 1024 ** 3 + 100 * 1024 ** 2;
const freeBytes = (() => {
  const stats = statfsSync(tmpdir());
  return stats.bavail * stats.bsize;
})();
const enoughDisk = freeBytes >= 10 * 1024 ** 3;
if (!enoughDisk) console.warn(`ZIP64 test skipped: ${(freeBytes / 1024 ** 3).toFixed(1)} GB free in ${tmpdir()}, it needs 10 GB.`);

describe.skipIf(!enoughDisk)('evidence bundle over 4 GB', () => {
  it('writes a recording over 4 GB as a valid ZIP64 archive', { timeout: 600_000 }, async () => {
    const t = await buildApp();
    const out = path.join(work, 'zip64.zip');
    try {
      const ids = await demoWithEvidence(t);
      // The checksum of 4.1 GB of zeros, computed from memory, not from the file.
      const zeros = Buffer.alloc(64 << 20);
      const hash = createHash('sha256');
      for (let left = SPARSE_BYTES; left > 0; left -= zeros.length) hash.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
      const { id, file } = await addMaterial(t.app.db, t.app.storage, { planId: ids.planId, roundId: ids.round2, kind: 'video', title: 'Ghi hình cả buổi (dài)', originalName: 'ca-buoi.mp4', mimeType: 'video/mp4', content: Buffer.alloc(0) });
      const fd = openSync(file, 'r+');
      ftruncateSync(fd, SPARSE_BYTES);
      closeSync(fd);
      await t.app.db.updateTable('materials').set({ bytes: SPARSE_BYTES, sha256: hash.digest('hex') }).where('id', '=', id).execute();

      const run = await runCli(['bundle', '--round', String(ids.round2), '--out', out], { DATA_DIR: t.dataDir });
      expect(run.code, run.stderr).toBe(0);
      expect(statSync(out).size).toBeGreaterThan(SPARSE_BYTES);
      expect(unzipTest(out)).toContain('No errors detected');
      const video = zipEntries(out).find((e) => e.name.endsWith('_ghi-hinh-ca-buoi-dai.mp4'))!;
      expect(video).toMatchObject({ size: SPARSE_BYTES, method: 'stor' });
      // ZIP64: "version needed to extract" 4.5 for the big entry, and the ZIP64 end records.
      const verbose = execFileSync('zipinfo', ['-v', out], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(verbose).toMatch(/minimum software version required to extract:\s+4\.5/);
      expect(verbose).toMatch(/zip64/i);
      // The listed SHA-256 of the recording is the stored one.
      const listing = execFileSync('unzip', ['-p', out, SUMS_PATH], { encoding: 'utf8' });
      const stored = await t.app.db.selectFrom('materials').select('sha256').where('id', '=', id).executeTakeFirstOrThrow();
      expect(listing).toContain(`${stored.sha256}  ${video.name}`);
    } finally {
      // 4 GB: gone at once, whatever happened.
      rmSync(out, { force: true });
      await t.close();
    }
  });
});
