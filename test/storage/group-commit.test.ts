import { describe, expect, it } from 'vitest';
import { MotcuaError } from '../../src/errors/index.js';
import { sqliteCapabilities, type Tx } from '../../src/storage/index.js';
import { createGroupCommit, TransactionLostError, type BatchControl, type GroupCommit, type TransactionMemo } from '../../src/storage/group-commit.js';
import { emptyStats } from '../../src/storage/store.js';

/** A write connection that records the transaction statements, and can be told to fail. */
function fakeConnection() {
  const log: string[] = [];
  const fail: Partial<Record<keyof BatchControl, Error>> = {};
  let open = false;
  const step = (name: keyof BatchControl, effect: () => void) => () => {
    log.push(name);
    const error = fail[name];
    if (error !== undefined) throw error;
    effect();
  };
  const control: BatchControl = {
    begin: step('begin', () => (open = true)),
    savepoint: step('savepoint', () => undefined),
    release: step('release', () => undefined),
    rollbackToSavepoint: step('rollbackToSavepoint', () => undefined),
    commit: step('commit', () => (open = false)),
    rollback: step('rollback', () => (open = false)),
    inTransaction: () => open,
  };
  return { log, fail, control, drop: () => (open = false) };
}

function start(conn: ReturnType<typeof fakeConnection>, options: { maxBatch?: number; maxQueued?: number; memo?: TransactionMemo; gatherMs?: number } = {}) {
  const stats = emptyStats();
  const tx = { db: undefined, capabilities: sqliteCapabilities } as unknown as Tx;
  const group: GroupCommit = createGroupCommit({
    withConnection: (body) => body(tx),
    control: conn.control,
    maxBatch: options.maxBatch ?? 256,
    maxQueued: options.maxQueued ?? 10_000,
    stats,
    describeFailure: (e) => (e instanceof TransactionLostError ? new MotcuaError('unavailable', e.message) : e),
    ...(options.memo ? { memo: options.memo } : {}),
    ...(options.gatherMs !== undefined ? { gatherMs: options.gatherMs } : {}),
  });
  return { group, stats };
}

describe('group commit runner', () => {
  it('acknowledges commands only after the one COMMIT of their batch', async () => {
    const conn = fakeConnection();
    const { group, stats } = start(conn);
    const acks: string[] = [];
    const all = [1, 2, 3].map((i) =>
      group.submit(async () => i).then((v) => {
        acks.push(`ack ${v} after ${conn.log.at(-1)}`);
      }),
    );
    await Promise.all(all);
    expect(conn.log).toEqual(['begin', 'savepoint', 'release', 'savepoint', 'release', 'savepoint', 'release', 'commit']);
    expect(acks).toEqual(['ack 1 after commit', 'ack 2 after commit', 'ack 3 after commit']);
    expect(stats).toMatchObject({ commits: 1, batches: 1, committedCommands: 3, largestBatch: 3 });
  });

  it('rolls a failing command back to its savepoint and rejects only it', async () => {
    const conn = fakeConnection();
    const { group } = start(conn);
    const results = await Promise.allSettled([
      group.submit(async () => 'a'),
      group.submit(async () => {
        throw new Error('no');
      }),
      group.submit(async () => 'c'),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'no', 'c']);
    expect(conn.log).toContain('rollbackToSavepoint');
    expect(conn.log.at(-1)).toBe('commit');
  });

  it('rejects the whole batch when the database abandons the transaction under a command', async () => {
    const conn = fakeConnection();
    const { group, stats } = start(conn);
    const results = await Promise.allSettled([
      group.submit(async () => 'written before the failure'),
      group.submit(async () => {
        conn.drop();
        throw new Error('SQLITE_FULL: database or disk is full');
      }),
      group.submit(async () => 'never run'),
    ]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'unavailable', message: expect.stringContaining('disk is full') });
    expect(conn.log).not.toContain('commit');
    expect(stats).toMatchObject({ commits: 0, failedCommands: 3, committedCommands: 0 });
  });

  it('rejects every command when COMMIT fails, and rolls back', async () => {
    const conn = fakeConnection();
    conn.fail.commit = new Error('disk I/O error');
    const { group } = start(conn);
    const results = await Promise.allSettled([group.submit(async () => 1), group.submit(async () => 2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(conn.log.slice(-2)).toEqual(['commit', 'rollback']);
    delete conn.fail.commit;
    await expect(group.submit(async () => 'recovered')).resolves.toBe('recovered');
  });

  it('keeps in-memory state in step with the transaction: restored on a rollback, forgotten when the batch fails', async () => {
    const conn = fakeConnection();
    let value: number | undefined = 0;
    const memo: TransactionMemo = { save: () => value, restore: (saved) => (value = saved as number | undefined), forget: () => (value = undefined) };
    const { group } = start(conn, { memo });
    await Promise.allSettled([
      group.submit(async () => (value = 1)),
      group.submit(async () => {
        value = 99;
        throw new Error('rolled back');
      }),
      group.submit(async () => (value = (value ?? 0) + 1)),
    ]);
    expect(value).toBe(2);
    conn.fail.commit = new Error('disk I/O error');
    await Promise.allSettled([group.submit(async () => (value = 3))]);
    expect(value).toBeUndefined();
  });

  it('lets the callers of a batch come back and share the next commit with those queued behind them', async () => {
    const conn = fakeConnection();
    // A wait far longer than the test: it passes only if the batch starts when everyone is back.
    const { group, stats } = start(conn, { gatherMs: 60_000 });
    const first = [1, 2, 3].map((i) => group.submit(async () => i));
    await Promise.all(first);
    expect(stats.commits).toBe(1);
    // The three come back one by one, in separate turns of the event loop.
    const again: Promise<number>[] = [];
    for (const i of [4, 5, 6]) {
      again.push(group.submit(async () => i));
      await new Promise((resolve) => setImmediate(resolve));
      if (i < 6) expect(stats.commits).toBe(1);
    }
    expect(await Promise.all(again)).toEqual([4, 5, 6]);
    expect(stats).toMatchObject({ commits: 2, largestBatch: 3 });
  });

  it('never holds up a lone caller', async () => {
    const conn = fakeConnection();
    const { group, stats } = start(conn, { gatherMs: 60_000 });
    for (const i of [1, 2, 3]) await expect(group.submit(async () => i)).resolves.toBe(i);
    expect(stats.commits).toBe(3);
  });

  it('stops waiting for callers when it is closed', async () => {
    const conn = fakeConnection();
    const { group } = start(conn, { gatherMs: 60_000 });
    await Promise.all([1, 2].map((i) => group.submit(async () => i)));
    const late = group.submit(async () => 'late');
    await group.close();
    await expect(late).resolves.toBe('late');
  });

  it('rejects every command when BEGIN fails (the database is locked by another program)', async () => {
    const conn = fakeConnection();
    conn.fail.begin = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const { group } = start(conn);
    const results = await Promise.allSettled([group.submit(async () => 1), group.submit(async () => 2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('bounds each batch and keeps queue order across batches', async () => {
    const conn = fakeConnection();
    const { group, stats } = start(conn, { maxBatch: 4 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => group.submit(async () => void order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stats).toMatchObject({ batches: 3, commits: 3, largestBatch: 4 });
  });

  it('refuses commands past the queue bound at once, without touching the database', async () => {
    const conn = fakeConnection();
    const { group, stats } = start(conn, { maxQueued: 3 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => group.submit(async () => i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(stats.refused).toBe(2);
  });

  it('close() lets queued commands finish and refuses new ones', async () => {
    const conn = fakeConnection();
    const { group } = start(conn);
    const queued = group.submit(async () => 'queued');
    const closed = group.close();
    await expect(group.submit(async () => 'late')).rejects.toMatchObject({ code: 'unavailable' });
    await expect(queued).resolves.toBe('queued');
    await closed;
  });
});
