import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loadDemoData } from '../server/services/demo.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loginAs } from './helpers/factories.ts';
import { addMaterial, demoIds, FAKE_MP4, sha256Hex } from './helpers/bundle.ts';
import { runCli } from './helpers/processes.ts';

describe('CLI: list and bundle', () => {
  let t: TestApp;
  let ids: { planId: number; round1: number; round2: number };
  beforeEach(async () => {
    t = await buildApp({ LOGIN_MAX_PER_IP: '100' });
    await loadDemoData(t.app.db);
    ids = await demoIds(t.app.db);
    await addMaterial(t.app.db, t.app.storage, { planId: ids.planId, roundId: ids.round1, kind: 'video', title: 'Ghi hình', originalName: 'ghi-hinh.mp4', mimeType: 'video/mp4', content: FAKE_MP4 });
  });
  afterEach(() => t.close());
  const cli = (...args: string[]) => runCli(args, { DATA_DIR: t.dataDir });

  it('lists plans and rounds with the ids the bundle command takes', async () => {
    const run = await cli('list');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Kế hoạch mã ${ids.planId}: Kế hoạch số …/KH-UBND ngày 06/5/2022 - Tuyên truyền cải cách hành chính`);
    expect(run.stdout).toContain(`  Đợt mã ${ids.round1}: Đợt 1 - Tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính (2 buổi)`);
    expect(run.stdout).toContain(`  Đợt mã ${ids.round2}: Đợt 2 - `);
    expect(run.stdout).toContain(`npm run cli -- bundle --plan ${ids.planId} --out`);
  });

  it('writes the same bytes the reports page serves, for a round and for the plan', { timeout: 120_000 }, async () => {
    const reporter = await loginAs(t.app, 'baocao', DEMO_PASSWORD);
    for (const [flag, id, url] of [['--round', ids.round1, `/reports/rounds/${ids.round1}/bundle.zip`], ['--plan', ids.planId, `/reports/plans/${ids.planId}/bundle.zip`]] as const) {
      const out = path.join(t.dataDir, `cli-${flag.slice(2)}.zip`);
      const run = await cli('bundle', flag, String(id), '--out', out);
      expect(run.code, run.stderr).toBe(0);
      const bytes = readFileSync(out);
      expect(run.stdout).toContain(`Đã ghi hồ sơ minh chứng vào ${out} (${bytes.length} byte).`);
      expect(run.stdout).toContain(`SHA-256: ${sha256Hex(bytes)}`);
      const served = await reporter.get(url);
      expect(served.statusCode).toBe(200);
      expect(sha256Hex(served.rawPayload), flag).toBe(sha256Hex(bytes));
    }
    // The CLI kept the checksum it computed: the page shows it.
    const page = await reporter.get('/reports');
    expect(page.body).toContain(sha256Hex(readFileSync(path.join(t.dataDir, 'cli-round.zip'))));
  });

  it('never overwrites a file, and refuses bad or unknown ids and missing options with a message and a non-zero exit', { timeout: 180_000 }, async () => {
    const existing = path.join(t.dataDir, 'co-san.zip');
    writeFileSync(existing, 'giữ nguyên');
    const overwrite = await cli('bundle', '--round', String(ids.round1), '--out', existing);
    expect(overwrite.code).not.toBe(0);
    expect(overwrite.stderr).toContain('đã có');
    expect(readFileSync(existing, 'utf8')).toBe('giữ nguyên');

    const missing = path.join(t.dataDir, 'khong-co.zip');
    const unknownRound = await cli('bundle', '--round', '999', '--out', missing);
    expect(unknownRound.code).toBe(1);
    expect(unknownRound.stderr).toContain('Không tìm thấy đợt tập huấn');
    const unknownPlan = await cli('bundle', '--plan', '999', '--out', missing);
    expect(unknownPlan.code).toBe(1);
    expect(unknownPlan.stderr).toContain('Không tìm thấy kế hoạch');
    expect(existsSync(missing)).toBe(false);

    for (const args of [['--round', 'abc', '--out', missing], ['--plan', '0', '--out', missing], ['--round', '1'], ['--plan', '1', '--round', '1', '--out', missing], []]) {
      const run = await cli('bundle', ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/không hợp lệ|Cần đúng một/);
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('leaves no file behind when a stored file turns out damaged', { timeout: 60_000 }, async () => {
    const video = await t.app.db.selectFrom('materials').select('storage_key').executeTakeFirstOrThrow();
    const file = t.app.storage.pathOf(video.storage_key);
    const bytes = readFileSync(file);
    bytes[5000] = bytes[5000]! ^ 0xff;
    writeFileSync(file, bytes);
    const out = path.join(t.dataDir, 'hong.zip');
    const run = await cli('bundle', '--round', String(ids.round1), '--out', out);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('không khớp mã SHA-256');
    expect(existsSync(out)).toBe(false);
  });
});
