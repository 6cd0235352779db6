// Hot reads remembered briefly: forgotten at once on this process's writes, and after the TTL for other writers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedReads } from '../server/db/cached-reads.ts';
import { openDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function twoInstances() {
  const dir = mkdtempSync(path.join(tmpdir(), 'cached-reads-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const here = openDatabase(file, 1);
  await migrateToLatest(here);
  const elsewhere = openDatabase(file, 1);
  return { here, elsewhere };
}

describe('cached reads', () => {
  it('forget at once what this process writes, and see another instance’s write after the TTL', async () => {
    const { here, elsewhere } = await twoInstances();
    try {
      let loads = 0;
      const settings = cachedReads(here, { tables: ['app_settings'], ttlMs: 200, maxEntries: 10 }, async (key: string) => {
        loads++;
        return (await here.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
      });
      const now = new Date().toISOString();
      await here.insertInto('app_settings').values({ key: 'k', value: 'one', updated_at: now }).execute();
      expect(await settings.get('k')).toBe('one');
      // Concurrent and repeated reads share one load.
      await Promise.all([settings.get('k'), settings.get('k')]);
      expect(loads).toBe(1);

      await here.updateTable('app_settings').set({ value: 'two' }).where('key', '=', 'k').execute();
      expect(await settings.get('k')).toBe('two');

      // A write to a table the memo does not read keeps it.
      await here.insertInto('audit_log').values({ at: now, user_id: null, username: 't', ip: null, action: 'x', entity_type: 'x', entity_id: null, before_json: null, after_json: null }).execute();
      const before = loads;
      await settings.get('k');
      expect(loads).toBe(before);

      await elsewhere.updateTable('app_settings').set({ value: 'three' }).where('key', '=', 'k').execute();
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await settings.get('k')).toBe('three');
      settings.close();
    } finally {
      await here.destroy();
      await elsewhere.destroy();
    }
  });
});
