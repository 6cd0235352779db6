import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.ts';
import { loadOrCreateSecrets } from '../server/services/secrets.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({ DATA_DIR: './data', PORT: '3000', NODE_ENV: 'production' });
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.databaseFile).toBe(path.resolve('data', 'tap-huan.sqlite'));
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.trustProxy).toBe(false);
  });

  it('reads PUBLIC_URL without its trailing slash and TRUST_PROXY in its three forms', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://taphuan.example.gov.vn/' }).publicUrl).toBe('https://taphuan.example.gov.vn');
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PUBLIC_URL', 'ftp://example'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', 'yes please'],
    ['SESSION_SECRET', 'short'],
    ['UPLOAD_MAX_FILE_MB', '0'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`biến môi trường ${name} `));
  });

  it('generates the session secret once into the data directory, private to its owner', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tap-huan-secrets-'));
    const first = loadOrCreateSecrets(dir, {});
    const second = loadOrCreateSecrets(dir, {});
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.sessionSecret).toBe(first.sessionSecret);
    const file = path.join(dir, 'secrets.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).sessionSecret).toBe(first.sessionSecret);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(loadOrCreateSecrets(dir, { sessionSecret: 'x'.repeat(40) }).sessionSecret).toBe('x'.repeat(40));
  });
});
