import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/clock/index.js';
import { createMotcua, type Motcua } from '../../src/server/motcua.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { storeKinds } from '../support/stores.js';

const vn = (local: string) => new Date(`${local}+07:00`);
const COMPLAINT = { content: 'Đề nghị bố trí thêm chỗ ngồi chờ', contact: { name: 'Người phản ánh', phone: '0912000010' } };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function site(kind: 'sqlite' | 'postgres') {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-timers-'));
  const database: TestDatabase | undefined = kind === 'postgres' ? await createTestDatabase() : undefined;
  cleanups.push(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  });
  const clock = createManualClock(vn('2026-03-02T09:00:00'));
  const start = async (dir = dataDir): Promise<Motcua> => {
    // Every node signs the audit log with the one key, as servers sharing a database must (MOTCUA_AUDIT_KEY).
    const m = await createMotcua({ dataDir: dir, databaseUrl: database?.url, proceduresDir: 'procedures', configDir: 'config', clock, audit: { keyPath: dataDir } });
    cleanups.push(() => m.close().catch(() => undefined));
    return m;
  };
  return { dataDir, clock, start };
}

async function openComplaints(m: Motcua, n: number): Promise<string[]> {
  const { user } = await m.users.create(null, { name: 'Cán bộ tiếp nhận', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 't' });
  const actor = (await m.users.authenticate((await m.users.create(null, { name: 'Cán bộ', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 't' })).token))!;
  void user;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await m.cases.open(actor, { procedure: 'phan-anh-kien-nghi', applicant: { name: 'Người phản ánh' }, data: COMPLAINT, channel: 2 }, { requestId: 't' });
    ids.push((r.body as { id: string }).id);
  }
  return ids;
}

async function autoAccepts(m: Motcua, caseId: string): Promise<number> {
  const rows = await m.store.read((tx) => tx.db.selectFrom('case_transitions').select('event').where('case_id', '=', caseId).where('event', '=', 'AUTO_ACCEPT').execute());
  return rows.length;
}

for (const { kind, available } of storeKinds) {
  describe.skipIf(!available)(`durable timers [${kind}]`, () => {
    it('survive a restart: timers due while the server was down fire on start, earliest first', async () => {
      const s = await site(kind);
      const first = await s.start();
      const [a, b] = await openComplaints(first, 2);
      await first.close();
      // Down for a week: both AUTO_ACCEPT timers (due Wednesday 4 March 17:00) are past due.
      s.clock.set(vn('2026-03-09T08:00:00'));
      const second = await s.start();
      const report = await second.sweeper.sweepOnce();
      expect(report.fired).toBe(2);
      expect(await autoAccepts(second, a!)).toBe(1);
      expect(await autoAccepts(second, b!)).toBe(1);
      const fired = await second.store.read((tx) => tx.db.selectFrom('timers').select(['case_id', 'status']).where('kind', '=', 'after').where('event', '=', 'AUTO_ACCEPT').execute());
      expect(fired.every((t) => t.status === 'fired')).toBe(true);
    });

    it.skipIf(kind !== 'postgres')('two sweepers on two nodes never fire one timer twice', async () => {
      const s = await site(kind);
      const nodeA = await s.start();
      const nodeB = await s.start(mkdtempSync(join(tmpdir(), 'motcua-node-b-')));
      const ids = await openComplaints(nodeA, 20);
      s.clock.set(vn('2026-03-05T08:00:00'));
      const [ra, rb] = await Promise.all([nodeA.sweeper.sweepOnce(), nodeB.sweeper.sweepOnce()]);
      expect(ra.fired + rb.fired).toBe(20);
      for (const id of ids) expect(await autoAccepts(nodeA, id)).toBe(1);
    });
  });
}
