// Boots the production app on a fresh database in a temporary data directory, one per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

/** Builds the app exactly as server.ts does, with the environment overrides given. */
export async function buildApp(env: Record<string, string> = {}, options: { logLines?: string[] } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tap-huan-test-'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env });
  const logStream = options.logLines && { write: (line: string) => void options.logLines!.push(line) };
  const app = await createApp(config, { logStream });
  await app.ready();
  return {
    app,
    config,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
