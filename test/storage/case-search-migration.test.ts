/**
 * Migration 0007 fills `cases.search_text` for the dossiers opened before it, on both databases,
 * so a search without diacritics finds old dossiers as well as new ones.
 */
import { Migrator } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { createStoreSite, describeEachKind } from '../support/stores.js';
import { caseRow, insertProcedure, insertUnits } from './rows.js';

describeEachKind(
  'migration 0007: case search text',
  async (kind) => {
    const site = await createStoreSite(kind);
    return { site, cleanup: () => site.cleanup() };
  },
  (ctx) => {
    const site = () => ctx().site;
    it('folds the applicant of every existing case: name without diacritics, phone, ID number', async () => {
      const store = await site().open({ migrate: false });
      const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.capabilities), migrationTableName: 'motcua_migrations', migrationLockTableName: 'motcua_migrations_lock' });
      expect((await migrator.migrateTo('0006_worklist_index')).error).toBeUndefined();
      const applicants = [
        { name: 'Nguyễn Văn Đức', phone: '0912 345.678' },
        { name: 'TRẦN THỊ ÁNH', id_number: '001090000001' },
        { name: 'Lê  Hoàng' },
      ];
      // More than one page of the backfill (1,000 rows a page).
      const extra = 1500;
      await store.write(async (tx) => {
        await insertUnits(tx, ['/tm/']);
        await insertProcedure(tx);
        for (const [i, applicant] of applicants.entries()) await tx.db.insertInto('cases').values({ ...caseRow(`c${i}`, 'tm', '/tm/'), applicant: JSON.stringify(applicant) }).execute();
        for (let i = 0; i < extra; i++) await tx.db.insertInto('cases').values({ ...caseRow(`z${String(i).padStart(5, '0')}`, 'tm', '/tm/'), applicant: JSON.stringify({ name: `Phạm ${i}` }) }).execute();
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const rows = await store.read((tx) => tx.db.selectFrom('cases').select(['id', 'search_text']).orderBy('id').execute());
      expect(rows.slice(0, 3).map((r) => r.search_text)).toEqual(['nguyen van duc | 0912 345.678 | 0912345678', 'tran thi anh | 001090000001', 'le hoang']);
      expect(rows.filter((r) => r.search_text === null)).toEqual([]);
      expect(rows.at(-1)).toEqual({ id: `z0${extra - 1}`, search_text: `pham ${extra - 1}` });
    });
  },
);

describe('a migration that fails halfway on SQLite', () => {
  const sites: { cleanup(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of sites) await s.cleanup();
  });

  it('leaves nothing of itself: after the cause is fixed, the next run applies it whole', async () => {
    const site = await createStoreSite('sqlite');
    sites.push(site);
    const store = await site.open({ migrate: false });
    const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.capabilities), migrationTableName: 'motcua_migrations', migrationLockTableName: 'motcua_migrations_lock' });
    expect((await migrator.migrateTo('0006_worklist_index')).error).toBeUndefined();
    await store.write(async (tx) => {
      await insertUnits(tx, ['/tm/']);
      await insertProcedure(tx);
      await tx.db.insertInto('cases').values({ ...caseRow('c1', 'tm', '/tm/'), applicant: JSON.stringify({ name: 'Hà' }) }).execute();
      // Not JSON: the backfill fails on it after the column was added.
      await tx.db.insertInto('cases').values({ ...caseRow('c2', 'tm', '/tm/'), applicant: '{' }).execute();
    });
    const failed = await migrator.migrateToLatest();
    expect(failed.error).toBeDefined();
    const columns = async () => (await store.read((tx) => tx.db.introspection.getTables())).find((t) => t.name === 'cases')!.columns.map((c) => c.name);
    expect(await columns()).not.toContain('search_text');
    expect((await migrator.getMigrations()).find((m) => m.name === '0007_case_search')?.executedAt).toBeUndefined();

    await store.write((tx) => tx.db.updateTable('cases').set({ applicant: '{"name":"Hồ"}' }).where('id', '=', 'c2').execute());
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const rows = await store.read((tx) => tx.db.selectFrom('cases').select(['id', 'search_text']).orderBy('id').execute());
    expect(rows).toEqual([
      { id: 'c1', search_text: 'ha' },
      { id: 'c2', search_text: 'ho' },
    ]);
  });
});

