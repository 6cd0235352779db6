import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/db/database.ts';
import { migrateDown, migrateToLatest } from '../server/db/migrate.ts';
import { findRolesByUserId, findUserByUsername } from '../server/db/queries/users.ts';
import { migrations } from '../migrations/index.ts';
import { ROOT, runCli, SERVER_ARGS, startServer } from './helpers/processes.ts';

describe('operations', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tap-huan-ops-'));
    env = { DATA_DIR: dataDir };
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates up, all the way down with real downs, and up again', async () => {
    const db = openDatabase(path.join(dataDir, 'm.sqlite'), 0);
    try {
      const tables = async () =>
        (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'kysely_%' and name not like 'sqlite_%' order by name`.execute(db)).rows.map((r) => r.name);
      expect(await migrateToLatest(db)).toHaveLength(Object.keys(migrations).length);
      const all = await tables();
      expect(all).toEqual(expect.arrayContaining(['agency', 'app_settings', 'audit_log', 'auth_sessions', 'user_roles', 'users', 'units', 'people', 'plans', 'rounds', 'sessions', 'invitations', 'attendances']));
      for (let i = 0; i < Object.keys(migrations).length; i++) await migrateDown(db);
      expect(await tables()).toEqual([]);
      await migrateToLatest(db);
      expect(await tables()).toEqual(all);
      expect(await migrateToLatest(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('creates a user from the CLI with the password read from standard input, never from the command line', async () => {
    const created = await runCli(['user:create', '--username', 'Nhung', '--role', 'organizer', '--role', 'reporter', '--full-name', 'Nguyễn Thị Hồng Nhung'], env, 'mat-khau-cli-123\n');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Đã tạo tài khoản nhung');
    const db = openDatabase(path.join(dataDir, 'tap-huan.sqlite'), 0);
    try {
      const user = await findUserByUsername(db, 'nhung');
      expect(user?.full_name).toBe('Nguyễn Thị Hồng Nhung');
      expect(user?.password_hash).toMatch(/^scrypt\$/);
      expect(user?.password_hash).not.toContain('mat-khau-cli-123');
      expect(await findRolesByUserId(db, user!.id)).toEqual(['organizer', 'reporter']);
    } finally {
      await db.destroy();
    }
    const onCommandLine = await runCli(['user:create', '--username', 'khac', '--role', 'admin', '--password', 'mat-khau-123'], env);
    expect(onCommandLine.code).not.toBe(0);
    const badRole = await runCli(['user:create', '--username', 'khac', '--role', 'vua'], env, 'mat-khau-cli-123\n');
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('Vai trò không hợp lệ');
    const duplicate = await runCli(['user:create', '--username', 'nhung', '--role', 'admin'], env, 'mat-khau-cli-456\n');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('Tên đăng nhập này đã có người dùng');
    const unknown = await runCli(['lam-gi-do'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Lệnh không rõ');
  });

  it('refuses to start with a wrong setting and names the variable', async () => {
    const result = await runCli(['migrate'], { ...env, PORT: 'tam-nghin' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('biến môi trường PORT');
  });

  it('runs the server as npm start does: compiled, with its V8 flags, pages and assets found from dist/', async () => {
    const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(start).toMatch(/^npm run --silent build && node (--[\w-]+=\S+ )+dist\/server\/server\.js$/);
    const server = await startServer(env);
    try {
      const commandLine = readFileSync(`/proc/${server.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(commandLine.slice(1)).toEqual(SERVER_ARGS);
      expect(start.endsWith(`node ${SERVER_ARGS.join(' ')}`)).toBe(true);
      const login = await fetch(`${server.baseUrl}/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain('Đăng nhập');
      const css = await fetch(`${server.baseUrl}/assets/css/app.css`);
      expect(css.status).toBe(200);
      expect(await css.text()).toBe(readFileSync(path.join(ROOT, 'assets/css/app.css'), 'utf8'));
    } finally {
      await server.stop('SIGTERM');
    }
  });

  it('prints the setup link, backs up consistently while serving, and stops cleanly on SIGTERM', async () => {
    const server = await startServer(env);
    try {
      await server.waitForOutput(/Cài đặt lần đầu — mở liên kết sau trong trình duyệt:\s+http:\/\/localhost:\d+\/setup\?token=[\w-]{40,}/);
      const demo = await runCli(['demo'], env);
      expect(demo.code).toBe(0);
      expect(demo.stdout).toContain('Đã nạp dữ liệu minh họa');
      const again = await runCli(['demo'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('Hệ thống đã có tài khoản');

      // Sessions are written while the backup runs: the copy must still be a sound snapshot.
      const logins = Array.from({ length: 20 }, () => fetch(`${server.baseUrl}/login`));
      const backupFile = path.join(dataDir, 'sao-luu', 'ban-sao.sqlite');
      const backup = await runCli(['backup', backupFile], env);
      await Promise.all(logins);
      expect(backup.code).toBe(0);
      expect(backup.stdout).toContain('Đã sao lưu vào');
      const copy = openDatabase(backupFile, 0);
      try {
        const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(copy);
        expect(check.rows[0]?.integrity_check).toBe('ok');
        expect(await findUserByUsername(copy, 'quantri')).toBeDefined();
      } finally {
        await copy.destroy();
      }
      const overwrite = await runCli(['backup', backupFile], env);
      expect(overwrite.code).toBe(1);
      expect(overwrite.stderr).toContain('đã tồn tại');
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      const code = await server.stop('SIGTERM');
      expect(code).toBe(0);
      expect(server.output()).toContain('stopping');
    }
  }, 60_000);
});
