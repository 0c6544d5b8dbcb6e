import { sql } from 'kysely';
import { expect, it, onTestFinished } from 'vitest';
import {
  appendOnlyTables,
  migrate,
  migrationNames,
  migrationStatus,
  subtreeBounds,
  toDbTime,
  type Database,
  type Store,
} from '../../src/storage/index.js';
import { createStoreSite, describeEachStore } from '../support/stores.js';
import { caseRow, insertProcedure, insertUnits, t0 } from './rows.js';

/** Every table of the schema, as the database itself lists them (with the migrator's two). */
const tables: (keyof Database | 'motcua_migrations' | 'motcua_migrations_lock')[] = [
  'access_records',
  'api_tokens',
  'audit_checkpoints',
  'audit_entries',
  'audit_keys',
  'case_complaints',
  'case_transitions',
  'cases',
  'code_counters',
  'idempotency_keys',
  'motcua_migrations',
  'motcua_migrations_lock',
  'procedure_versions',
  'ratings',
  'timers',
  'units',
  'users',
  'web_sessions',
];

async function countRows(store: Store, table: keyof Database): Promise<number> {
  const row = await store.read((tx) => tx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow());
  return Number(row.n);
}

describeEachStore('migrations', (ctx) => {
  it('are applied by openStore, and running them again applies nothing', async () => {
    const { store } = ctx();
    const made = await store.db.introspection.getTables();
    expect(made.map((t) => t.name).sort()).toEqual(tables);
    const again = await migrate(store);
    expect(again.applied).toEqual([]);
    expect(again.known).toEqual(migrationNames);
  });

  it('can be left to `motcua migrate`: with migrate:false nothing is created until migrate() runs', async () => {
    const site = await createStoreSite(ctx().site.kind);
    onTestFinished(() => site.cleanup());
    const bare = await site.open({ migrate: false });
    await expect(countRows(bare, 'cases')).rejects.toThrow(/cases/);
    const first = await migrate(bare);
    expect(first.applied).toEqual([...migrationNames]);
    expect(await countRows(bare, 'cases')).toBe(0);
    expect((await migrate(bare)).applied).toEqual([]);
  });

  it('let several nodes start at once on a shared database: each migration is applied exactly once', async (t) => {
    if (!ctx().store.capabilities.multiProcess) t.skip();
    const site = await createStoreSite(ctx().site.kind);
    onTestFinished(() => site.cleanup());
    const nodes = await Promise.all([1, 2, 3, 4].map(() => site.open({ poolSize: 2 })));
    const status = await migrationStatus(nodes[0] as Store);
    expect(status.map((m) => m.name)).toEqual([...migrationNames]);
    expect(status.every((m) => m.appliedAt !== null)).toBe(true);
  });
});

describeEachStore('stored values', (ctx) => {
  it('read back in the same portable forms on every database: ISO instants, JSON text, numbers', async () => {
    const { store } = ctx();
    const created = new Date('2025-12-31T23:59:59.123Z');
    await store.write(async (tx) => {
      await insertUnits(tx, ['/vals/']);
      await insertProcedure(tx);
      await tx.db
        .insertInto('cases')
        .values({ ...caseRow('vals-1', 'vals', '/vals/', created), paused_ms: 30 * 24 * 3600 * 1000, flags: '{"late": true, "a": [1, 2]}' })
        .execute();
    });
    const row = await store.read((tx) => tx.db.selectFrom('cases').selectAll().where('id', '=', 'vals-1').executeTakeFirstOrThrow());
    expect(row.created_at).toBe('2025-12-31T23:59:59.123Z');
    expect(row.due_at).toBeNull();
    expect(row.paused_ms).toBe(2_592_000_000);
    expect(row.version).toBe(1);
    expect(typeof row.flags).toBe('string');
    expect(JSON.parse(row.flags)).toEqual({ late: true, a: [1, 2] });
    expect(row.supplement_count).toBe(0);
  });

  it('rejects an instant that is not an ISO-8601 UTC string', async () => {
    const { store } = ctx();
    await store.write((tx) => insertUnits(tx, ['/badtime/']));
    await expect(
      store.write((tx) =>
        tx.db.insertInto('users').values({ id: 'bt', name: 'b', unit_id: 'badtime', roles: '[]', disabled_at: null, created_at: 'next tuesday' }).execute(),
      ),
    ).rejects.toThrow();
  });

  it('compares instants in time order (due timers, overdue cases)', async () => {
    const { store } = ctx();
    const times = ['2025-01-02T00:00:00.000Z', '2025-01-01T23:59:59.999Z', '2024-12-31T00:00:00.000Z'];
    await store.write(async (tx) => {
      await insertUnits(tx, ['/order/']);
      for (const [i, at] of times.entries()) {
        await tx.db.insertInto('access_records').values({ actor_id: `order-${i}`, case_id: null, route: '/x', at }).execute();
      }
    });
    const before = await store.read((tx) =>
      tx.db.selectFrom('access_records').select('at').where('actor_id', 'like', 'order-%').where('at', '<', '2025-01-02T00:00:00.000Z').orderBy('at').execute(),
    );
    expect(before.map((r) => r.at)).toEqual(['2024-12-31T00:00:00.000Z', '2025-01-01T23:59:59.999Z']);
  });
});

describeEachStore('append-only log tables', (ctx) => {
  it('the database itself rejects UPDATE and DELETE on audit_entries, audit_checkpoints and access_records', async () => {
    const { store } = ctx();
    const at = toDbTime(t0);
    await store.write(async (tx) => {
      await tx.db.insertInto('audit_entries').values({ seq: 1, bytes: '{"a":1}', leaf_hash: 'l', chain_hash: 'c', created_at: at, case_id: 'k', actor_id: 'u', unit_id: null, event: 'E' }).execute();
      await tx.db.insertInto('audit_checkpoints').values({ size: 1, note: 'note', created_at: at }).execute();
      await tx.db.insertInto('access_records').values({ actor_id: 'append-only', case_id: 'k', route: '/cases/k', at }).execute();
    });
    const attempts: Record<(typeof appendOnlyTables)[number], Array<(s: Store) => Promise<unknown>>> = {
      audit_entries: [
        (s) => s.write((tx) => tx.db.updateTable('audit_entries').set({ bytes: '{"a":2}' }).where('seq', '=', 1).execute()),
        (s) => s.write((tx) => tx.db.deleteFrom('audit_entries').where('seq', '=', 1).execute()),
        (s) => s.write((tx) => tx.db.deleteFrom('audit_entries').execute()),
      ],
      audit_checkpoints: [
        (s) => s.write((tx) => tx.db.updateTable('audit_checkpoints').set({ note: 'forged' }).execute()),
        (s) => s.write((tx) => tx.db.deleteFrom('audit_checkpoints').execute()),
      ],
      access_records: [
        (s) => s.write((tx) => tx.db.updateTable('access_records').set({ route: '/elsewhere' }).execute()),
        (s) => s.write((tx) => tx.db.deleteFrom('access_records').where('actor_id', '=', 'append-only').execute()),
      ],
    };
    for (const [table, tries] of Object.entries(attempts)) {
      for (const attempt of tries) await expect(attempt(store), table).rejects.toThrow(new RegExp(`${table} is append-only`));
    }
    if (store.capabilities.triggerStyle === 'plpgsql') {
      await expect(store.write((tx) => sql`truncate audit_entries`.execute(tx.db))).rejects.toThrow(/append-only/);
    }
    const entry = await store.read((tx) => tx.db.selectFrom('audit_entries').selectAll().where('seq', '=', 1).executeTakeFirstOrThrow());
    expect(entry.bytes).toBe('{"a":1}');
    expect(await countRows(store, 'audit_checkpoints')).toBe(1);
    expect(await countRows(store, 'access_records')).toBeGreaterThanOrEqual(1);
  });
});

describeEachStore('unit subtrees', (ctx) => {
  it('a path range selects a unit and everything under it, and nothing else', async () => {
    const { store } = ctx();
    const paths = ['/ht/', '/ht/xa-a/', '/ht/xa-a/thon-1/', '/ht/xa-ab/', '/ht/xa-b/', '/htx/'];
    await store.write(async (tx) => {
      await insertUnits(tx, paths);
      await insertProcedure(tx, 'tam-tru');
    });
    await store.write(async (tx) => {
      for (const [i, path] of paths.entries()) {
        const unit = path.split('/').filter(Boolean).at(-1) ?? '';
        await tx.db.insertInto('cases').values(caseRow(`sub-${i}`, unit, path, new Date(t0.getTime() + i * 1000))).execute();
      }
    });
    const inSubtree = async (path: string) => {
      const { from, to } = subtreeBounds(path);
      const units = await store.read((tx) =>
        tx.db.selectFrom('units').select('id').where('path', '>=', from).where('path', '<', to).orderBy('path').execute(),
      );
      const cases = await store.read((tx) =>
        tx.db
          .selectFrom('cases')
          .select('unit_id')
          .where('unit_path', '>=', from)
          .where('unit_path', '<', to)
          .where('id', 'like', 'sub-%')
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute(),
      );
      return { units: units.map((u) => u.id), cases: cases.map((c) => c.unit_id) };
    };
    expect(await inSubtree('/ht/xa-a/')).toEqual({ units: ['xa-a', 'thon-1'], cases: ['thon-1', 'xa-a'] });
    expect(await inSubtree('/ht/')).toEqual({
      units: ['ht', 'xa-a', 'thon-1', 'xa-ab', 'xa-b'],
      cases: ['xa-b', 'xa-ab', 'thon-1', 'xa-a', 'ht'],
    });
    expect((await inSubtree('/HT/')).units).toEqual([]);
  });
});
