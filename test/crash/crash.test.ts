/**
 * The crash test: the real server (`node bin/motcua.js serve`) under clients sending transitions
 * as fast as they can, killed with SIGKILL at a random moment, restarted on the same data, five
 * times. After each restart every transition acknowledged with 200/201 must be in the database
 * and no case may be half-written; the server must start again (on SQLite, despite the writer
 * lock the killed process held).
 *
 * The server's clock starts on Monday 2 March 2026 (MOTCUA_CLOCK_START, a later hour at each
 * restart so its time never goes back), so deadlines never depend on the machine's date. The kill
 * moments come from a seed, printed, and taken from MOTCUA_CRASH_SEED when set: a failure can be
 * re-run with the same moments.
 *
 * CI runs the suite twice: SQLite in the pass without DATABASE_URL, PostgreSQL in the pass with
 * it (the SQLite copy is not repeated there; this test costs tens of seconds).
 *
 * It needs the compiled server: `npm test` builds it first (run `npm run build` before running
 * this file alone).
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vnDate } from '../../src/clock/index.js';
import { openStore } from '../../src/storage/index.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/postgres.js';
import type { StoreKind } from '../support/stores.js';
import { startLoad, type Ack, type Tokens } from './load.js';
import { CLOCK_START, freePort, killHard, serverIsBuilt, startServer, type ServerProcess } from './server-process.js';
import { readSqliteRows, readStoreRows, verifyAfterCrash, type CrashRows } from './verify.js';

const ROUNDS = 5;
const CLIENTS = 16;

const kind: StoreKind = postgresUrl === undefined ? 'sqlite' : 'postgres';

/** The seed of the kill moments: MOTCUA_CRASH_SEED (to replay a failure), else a new one. */
const SEED = readSeed(process.env.MOTCUA_CRASH_SEED);
const REPLAY = `replay with MOTCUA_CRASH_SEED=${SEED}`;

function readSeed(text: string | undefined): number {
  if (text === undefined || text === '') return randomInt(2 ** 32);
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`MOTCUA_CRASH_SEED must be an integer from 0 to 2^32-1, not '${text}'`);
  return seed;
}

/** Uniform integers in [0, n) from `seed` (mulberry32): the same seed gives the same sequence. */
function seededInts(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
}

/** The clock of the `n`th start of the server: an hour after the previous one, all on 2 March 2026. */
const clockStart = (n: number) => new Date(Date.parse(CLOCK_START) + n * 3600_000).toISOString();

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
    process.stdout.write(`crash test [${kind}]: kill moments from seed ${SEED} (${REPLAY})\n`);
    const nextInt = seededInts(SEED);
    const port = await freePort();
    server = await startServer(dataDir, port, { databaseUrl: database?.url, clockStart: clockStart(0) });
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo-users.json'), 'utf8')) as Record<keyof Tokens, { token: string }>;
    const tokens: Tokens = { receiver: demo.receiver.token, processor: demo.processor.token, leader: demo.leader.token };
    const acks: Ack[] = [];
    const moments: number[] = [];

    for (let round = 1; round <= ROUNDS; round++) {
      const load = startLoad(port, tokens, CLIENTS);
      // The kill moment: after a random number of acknowledged transitions, so it falls at a
      // different point of the commit cycle each round whatever the machine's speed.
      const killAt = 40 + nextInt(400);
      moments.push(killAt);
      const where = `round ${round}, killed after ${killAt} acknowledgements; ${REPLAY}`;
      await load.reached(killAt);
      await killHard(server);
      await load.stop();
      expect(load.unexpected, `${where}: answers other than success`).toEqual([]);
      expect(load.acks.length, `${where}: the load stopped before the kill moment`).toBeGreaterThanOrEqual(killAt);
      acks.push(...load.acks);

      // On SQLite the killed process held the data folder's writer lock; the kernel released it.
      server = await startServer(dataDir, port, { databaseUrl: database?.url, clockStart: clockStart(round) });
      const report = verifyAfterCrash(await readRows(), acks);
      expect(report.problems, where).toEqual([]);
      expect(report.transitions, where).toBeGreaterThanOrEqual(new Set(acks.map((a) => `${a.caseId}:${a.version}`)).size);

      // The restarted server serves what was acknowledged before the crash, received on the
      // server's date, not the machine's.
      const last = load.acks.at(-1)!;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/cases/${last.caseId}`, { headers: { authorization: `Bearer ${tokens.receiver}` } });
      expect(res.status, where).toBe(200);
      const seen = (await res.json()) as { version: number; code: string; received_at: string };
      expect(seen.version, where).toBeGreaterThanOrEqual(last.version);
      expect(vnDate(new Date(seen.received_at)), where).toBe('2026-03-02');
      expect(seen.code, where).toMatch(/^HT\.TS-260302-\d{4}$/);
    }

    process.stdout.write(`crash test [${kind}]: ${ROUNDS} kills after ${moments.join(', ')} acknowledgements (seed ${SEED}); ${acks.length} acknowledged transitions all found\n`);
    await killHard(server);
    server = undefined;
  });

  it('stops cleanly on SIGTERM under load: exit 0, every acknowledged transition kept, and says how writes shared commits', { timeout: 120_000 }, async () => {
    const port = await freePort();
    server = await startServer(dataDir, port, { databaseUrl: database?.url, clockStart: clockStart(ROUNDS + 1) });
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
