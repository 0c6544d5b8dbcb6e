/**
 * Stores for contract tests: the same suite runs on every kind. SQLite gets a temporary data
 * folder, PostgreSQL a fresh database (see postgres.ts); `cleanup()` closes and removes both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { openStore, type Store, type StoreConfig } from '../../src/storage/index.js';
import { createTestDatabase, postgresUrl } from './postgres.js';

export type StoreKind = 'sqlite' | 'postgres';

/** Every kind, with whether it can run here (PostgreSQL needs DATABASE_URL). */
export const storeKinds: { kind: StoreKind; available: boolean }[] = [
  { kind: 'sqlite', available: true },
  { kind: 'postgres', available: postgresUrl !== undefined },
];

/** A place for a store of one kind: open as many stores on it as a test needs. */
export interface TestStoreSite {
  kind: StoreKind;
  /** Opens a store on this site (SQLite: the same data folder; PostgreSQL: the same database). */
  open(config?: StoreConfig): Promise<Store>;
  /** The config `open()` uses, e.g. to hand to a child process. */
  config: StoreConfig;
  /** Closes every store opened here and deletes the data. */
  cleanup(): Promise<void>;
}

/** Makes an empty site of `kind`. */
export async function createStoreSite(kind: StoreKind): Promise<TestStoreSite> {
  const opened: Store[] = [];
  let config: StoreConfig;
  let remove: () => Promise<void>;
  if (kind === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-store-'));
    config = { dataDir };
    remove = async () => rmSync(dataDir, { recursive: true, force: true });
  } else {
    const database = await createTestDatabase();
    config = { databaseUrl: database.url, poolSize: 20 };
    remove = database.drop;
  }
  return {
    kind,
    config,
    async open(extra = {}) {
      const store = await openStore({ ...config, ...extra });
      opened.push(store);
      return store;
    },
    async cleanup() {
      // A test that failed mid-transaction can leave a store that never finishes closing; the
      // data is removed anyway (PostgreSQL: DROP … WITH (FORCE) ends its connections).
      const closing = Promise.all(opened.map((s) => s.close()));
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      await remove();
    },
  };
}

/** A site with one store opened on it. */
export interface StoreContext {
  site: TestStoreSite;
  store: Store;
}

/**
 * Declares `suite` once per store kind ("… [sqlite]", "… [postgres]"), each copy with its own
 * context made by `create` before the suite and cleaned up after it; the PostgreSQL copy is
 * skipped only when DATABASE_URL is unset.
 */
export function describeEachKind<C>(title: string, create: (kind: StoreKind) => Promise<C & { cleanup(): Promise<void> }>, suite: (context: () => C) => void): void {
  for (const { kind, available } of storeKinds) {
    describe.skipIf(!available)(`${title} [${kind}]`, () => {
      let context: (C & { cleanup(): Promise<void> }) | undefined;
      beforeAll(async () => {
        context = await create(kind);
      });
      afterAll(async () => {
        await context?.cleanup();
      });
      suite(() => {
        if (context === undefined) throw new Error(`the ${kind} context did not start; see the beforeAll error`);
        return context;
      });
    });
  }
}

/** {@link describeEachKind} with one store opened on a fresh site. */
export function describeEachStore(title: string, suite: (context: () => StoreContext) => void): void {
  describeEachKind<StoreContext>(
    title,
    async (kind) => {
      const site = await createStoreSite(kind);
      return { site, store: await site.open(), cleanup: () => site.cleanup() };
    },
    suite,
  );
}
