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

  it('may serve an expired entry while reading it again, but never keeps a read that a write overtook', async () => {
    const { here, elsewhere } = await twoInstances();
    try {
      let release: (() => void) | undefined;
      let hold = false;
      const settings = cachedReads(here, { tables: ['app_settings'], ttlMs: 50, staleMs: 60_000, maxEntries: 10 }, async (key: string) => {
        const row = await here.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirst();
        if (hold) await new Promise<void>((resolve) => (release = resolve));
        return row?.value;
      });
      const now = new Date().toISOString();
      await here.insertInto('app_settings').values({ key: 'k', value: 'one', updated_at: now }).execute();
      expect(await settings.get('k')).toBe('one');
      // Another instance changes it; once the TTL passed, the old value is served at once and read again behind it.
      await elsewhere.updateTable('app_settings').set({ value: 'two' }).where('key', '=', 'k').execute();
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await settings.get('k')).toBe('one');
      await until(async () => (await settings.get('k')) === 'two');
      // A background read that began before this process's own write must not bring the old value back.
      await new Promise((resolve) => setTimeout(resolve, 80));
      hold = true;
      expect(await settings.get('k')).toBe('two');
      await until(() => release !== undefined);
      await here.updateTable('app_settings').set({ value: 'three' }).where('key', '=', 'k').execute();
      hold = false;
      release!();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await settings.get('k')).toBe('three');
      settings.close();
    } finally {
      await here.destroy();
      await elsewhere.destroy();
    }
  });
  it('warms a key with one read, shared by the next get, and leaves a failed read unremembered and unthrown', async () => {
    const { here, elsewhere } = await twoInstances();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let loads = 0;
      let failing = false;
      const settings = cachedReads(here, { tables: ['app_settings'], ttlMs: 60_000, maxEntries: 10 }, async (key: string) => {
        loads++;
        if (failing) throw new Error('read failed');
        return (await here.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
      });
      await here.insertInto('app_settings').values({ key: 'k', value: 'one', updated_at: new Date().toISOString() }).execute();
      settings.warm('k');
      expect(loads).toBe(1);
      expect(await settings.get('k')).toBe('one');
      // Remembered: warming again reads nothing.
      settings.warm('k');
      expect(loads).toBe(1);

      failing = true;
      settings.warm('other');
      expect(loads).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
      // The failure was not kept: the next get reads again.
      failing = false;
      expect(await settings.get('other')).toBeUndefined();
      expect(loads).toBe(3);
      settings.close();
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await here.destroy();
      await elsewhere.destroy();
    }
  });
});

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}
