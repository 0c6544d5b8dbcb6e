/**
 * The crash test: the real server (`node bin/motcua.js serve`) under clients sending transitions
 * as fast as they can, killed with SIGKILL at a random moment, restarted on the same data, five
 * times. After each restart every transition acknowledged with 200/201 must be in the database
 * and no case may be half-written; the server must start again (on SQLite, despite the writer
 * lock the killed process held).
 *
 * CI runs the suite twice: SQLite in the pass without DATABASE_URL, PostgreSQL in the pass with
 * it (the SQLite copy is not repeated there; this test costs tens of seconds).
 *
 * It needs the compiled server: `npm test` builds it first (run `npm run build` before running
 * this file alone).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/postgres.js';
import type { StoreKind } from '../support/stores.js';
import { startLoad, type Ack, type Tokens } from './load.js';
import { freePort, killHard, serverIsBuilt, startServer, type ServerProcess } from './server-process.js';
import { readSqliteRows, readStoreRows, verifyAfterCrash, type CrashRows } from './verify.js';

const ROUNDS = 5;
const CLIENTS = 16;

const kind: StoreKind = postgresUrl === undefined ? 'sqlite' : 'postgres';

describe(`crash: SIGKILL under load, restart on the same data [${kind}]`, () => {
  let dataDir = '';
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-crash-'));
    if (kind === 'postgres') database = await createTestDatabase();
  });

  afterAll(async () => {
    // Whatever happened, no server outlives the test.
    if (server) await killHard(server);
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  async function readRows(): Promise<CrashRows> {
    if (!database) return readSqliteRows(dataDir);
    const store = await openStore({ databaseUrl: database.url, migrate: false, poolSize: 2 });
    try {
      return await readStoreRows(store);
    } finally {
      await store.close();
    }
  }

  it('keeps every acknowledged transition and never a half-written case, over 5 kills at random moments', { timeout: 180_000 }, async () => {
    expect(serverIsBuilt(), 'dist/ is missing: run `npm run build` (npm test does) before this test').toBe(true);
    const port = await freePort();
    server = await startServer(dataDir, port, database?.url);
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo-users.json'), 'utf8')) as Record<keyof Tokens, { token: string }>;
    const tokens: Tokens = { receiver: demo.receiver.token, processor: demo.processor.token, leader: demo.leader.token };
    const acks: Ack[] = [];
    const moments: number[] = [];

    for (let round = 1; round <= ROUNDS; round++) {
      const load = startLoad(port, tokens, CLIENTS);
      // The kill moment: after a random number of acknowledged transitions, so it falls at a
      // different point of the commit cycle each round whatever the machine's speed.
      const killAt = 40 + Math.floor(Math.random() * 400);
      moments.push(killAt);
      await load.reached(killAt);
      await killHard(server);
      await load.stop();
      expect(load.unexpected, `round ${round}: answers other than success`).toEqual([]);
      expect(load.acks.length, `round ${round}: the load stopped before the kill moment`).toBeGreaterThanOrEqual(killAt);
      acks.push(...load.acks);

      // On SQLite the killed process held the data folder's writer lock; the kernel released it.
      server = await startServer(dataDir, port, database?.url);
      const report = verifyAfterCrash(await readRows(), acks);
      expect(report.problems, `round ${round} (killed after ${killAt} acknowledgements)`).toEqual([]);
      expect(report.transitions).toBeGreaterThanOrEqual(new Set(acks.map((a) => `${a.caseId}:${a.version}`)).size);

      // The restarted server serves what was acknowledged before the crash.
      const last = load.acks.at(-1)!;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/cases/${last.caseId}`, { headers: { authorization: `Bearer ${tokens.receiver}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { version: number }).version).toBeGreaterThanOrEqual(last.version);
    }

    process.stdout.write(`crash test [${kind}]: ${ROUNDS} kills after ${moments.join(', ')} acknowledgements; ${acks.length} acknowledged transitions all found\n`);
    await killHard(server);
    server = undefined;
  });

  it('stops cleanly on SIGTERM under load: exit 0, every acknowledged transition kept, and says how writes shared commits', { timeout: 120_000 }, async () => {
    const port = await freePort();
    server = await startServer(dataDir, port, database?.url);
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo-users.json'), 'utf8')) as Record<keyof Tokens, { token: string }>;
    const load = startLoad(port, { receiver: demo.receiver.token, processor: demo.processor.token, leader: demo.leader.token }, CLIENTS);
    await load.reached(200);
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    await load.stop();
    expect(code, server.stderr()).toBe(0);
    expect(load.unexpected).toEqual([]);
    const report = verifyAfterCrash(await readRows(), load.acks);
    expect(report.problems).toEqual([]);
    const writes = /writes: (\d+) commands committed in (\d+) transactions \(([\d.]+) per commit\), 0 failed/.exec(server.stderr());
    expect(writes, server.stderr()).not.toBeNull();
    // Every acknowledged transition was a committed command of this run (opening a case is one too).
    expect(Number(writes![1])).toBeGreaterThanOrEqual(load.acks.length);
    if (kind === 'sqlite') expect(Number(writes![2])).toBeLessThan(Number(writes![1]));
    server = undefined;
  });
});
