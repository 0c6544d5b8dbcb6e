/**
 * Prepared hot statements: built once per dialect and key, then only bound; each call binds its
 * own arguments, constants of the builder stay, and a key reused for another shape is caught.
 */
import { expect, it } from 'vitest';
import { prepared, placeholders } from '../../src/storage/index.js';
import { describeEachStore } from '../support/stores.js';
import { insertUnits } from './rows.js';

describeEachStore('prepared statements', (ctx) => {
  it('builds the statement once and binds each call’s arguments', async () => {
    const { store, site } = ctx();
    await store.write((tx) => insertUnits(tx, ['/p-a/', '/p-b/', '/p-c/']));
    let builds = 0;
    const byPath = (path: string) =>
      store.read((tx) =>
        prepared<{ id: string; level: string }>(
          tx,
          `test: unit by path (${site.kind})`,
          (db, arg) => {
            builds += 1;
            return db.selectFrom('units').select(['id', 'level']).where('path', '=', arg(0)).where('level', '=', 'province');
          },
          [path],
        ),
      );
    expect((await byPath('/p-a/')).rows).toEqual([{ id: 'p-a', level: 'province' }]);
    expect((await byPath('/p-c/')).rows).toEqual([{ id: 'p-c', level: 'province' }]);
    expect((await byPath('/nowhere/')).rows).toEqual([]);
    expect(builds).toBe(1);
  });

  it('writes with placeholders and reports the rows it changed', async () => {
    const { store } = ctx();
    await store.write((tx) => insertUnits(tx, ['/q-a/']));
    const rename = (id: string, name: string) =>
      store.write((tx) => prepared(tx, 'test: rename unit', (db, arg) => db.updateTable('units').set(placeholders(['name'], arg)).where('id', '=', arg(1)), [name, id]));
    expect(Number((await rename('q-a', 'Xã A')).numAffectedRows)).toBe(1);
    expect(Number((await rename('q-missing', 'Xã B')).numAffectedRows)).toBe(0);
    const row = await store.read((tx) => tx.db.selectFrom('units').select('name').where('id', '=', 'q-a').executeTakeFirstOrThrow());
    expect(row.name).toBe('Xã A');
  });

  it('refuses a call whose arguments do not match the statement', async () => {
    const { store } = ctx();
    await expect(store.read((tx) => prepared(tx, 'test: two args', (db, arg) => db.selectFrom('units').select('id').where('id', '=', arg(0)).where('path', '=', arg(1)), ['only one']))).rejects.toThrow(/binds 2 arguments, called with 1/);
  });
});
