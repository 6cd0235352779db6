// Secrets the app needs but nobody should have to invent: generated once into the data directory.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Secrets {
  sessionSecret: string;
}

/** Reads `secrets.json` from the data directory, creating it (mode 0600) on first start. */
export function loadOrCreateSecrets(dataDir: string, given: Partial<Secrets>): Secrets {
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`Không đọc được tệp bí mật ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  const secrets: Secrets = { sessionSecret: given.sessionSecret ?? stored.sessionSecret ?? '' };
  if (!secrets.sessionSecret) {
    secrets.sessionSecret = randomBytes(48).toString('base64url');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ ...stored, sessionSecret: secrets.sessionSecret }, null, 2), { mode: 0o600 });
  }
  return secrets;
}
