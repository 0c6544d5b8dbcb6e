/**
 * Two motcua processes on one PostgreSQL (here: two instances in one test process, sharing the
 * database and the data folder as a deployment shares its keys). A version published through one
 * must be usable on the other without a restart: a case opened under it is read and moved there,
 * and the other's periodic look puts it in force for new dossiers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/policy.js';
import { createManualClock } from '../../src/clock/index.js';
import { createMotcua, type Motcua } from '../../src/server/motcua.js';
import { publishProcedure } from '../../src/service/procedure-service.js';
import { syncPublishedVersions } from '../../src/service/procedure-sync.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/postgres.js';

const DATA = { ho_ten: 'Nguyễn Văn An', ngay_sinh: '1990-05-12', so_dinh_danh: '001090000001', dia_chi_tam_tru: 'Số 12, phố Trần Phú', thoi_han_thang: 12, giay_to_cho_o: 'hop_dong_thue' };
const source = readFileSync('procedures/dang-ky-tam-tru.yaml', 'utf8');
/** The shipped procedure as version `v`, in force from `from`. */
const versionOf = (v: number, from: string) => source.replace(/^version: 1$/m, `version: ${v}`).replace(/^effective_from: .*$/m, `effective_from: ${from}`);

describe.skipIf(postgresUrl === undefined)('two motcua processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let dataDir: string;
  let a: Motcua;
  let b: Motcua;
  let admin: Actor;
  let officer: Actor;
  const clock = createManualClock('2026-03-02T02:00:00.000Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-nodes-'));
    const start = () => createMotcua({ dataDir, databaseUrl: database.url, proceduresDir: 'procedures', configDir: 'config', clock });
    a = await start();
    b = await start();
    const made = await a.users.create(null, { name: 'Quản trị', unit: 'ha-tinh', roles: ['admin'] }, { requestId: 'test' });
    admin = (await a.users.authenticate(made.token))!;
    const desk = await a.users.create(null, { name: 'Cán bộ', unit: 'thanh-sen', roles: ['receiver', 'processor', 'leader'] }, { requestId: 'test' });
    officer = (await b.users.authenticate(desk.token))!;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads and moves, on node B, a case opened on node A under a version only A has loaded', async () => {
    await publishProcedure(a.deps, admin, 'dang-ky-tam-tru', versionOf(2, '2026-01-01'), { requestId: 'test' });
    const opened = await a.cases.open(officer, { procedure: 'dang-ky-tam-tru', applicant: { name: 'Nguyễn Văn An' }, data: DATA, channel: 1 }, { requestId: 'test' });
    const id = (opened.body as { id: string; procedure: { version: number } }).id;
    expect((opened.body as { procedure: { version: number } }).procedure.version).toBe(2);

    const seen = await b.cases.get(officer, id);
    expect(seen.procedure.version).toBe(2);
    const moved = await b.cases.send(officer, id, { type: 'ACCEPT' }, { requestId: 'test' });
    expect(moved.status).toBe(200);
    expect((moved.body as { case: { state: string } }).case.state).toBe('processing');
  });

  it('puts a version published on node A in force on node B at its next look', async () => {
    await publishProcedure(a.deps, admin, 'dang-ky-tam-tru', versionOf(3, '2026-02-01'), { requestId: 'test' });
    expect(b.deps.registry.inForce('dang-ky-tam-tru', '2026-03-02').definition.version).toBe(2);
    expect(await syncPublishedVersions(b.deps)).toBe(1);
    expect(b.deps.registry.inForce('dang-ky-tam-tru', '2026-03-02').definition.version).toBe(3);
    const opened = await b.cases.open(officer, { procedure: 'dang-ky-tam-tru', applicant: { name: 'Trần Thị Bình' }, data: DATA, channel: 1 }, { requestId: 'test' });
    expect((opened.body as { procedure: { version: number } }).procedure.version).toBe(3);
  });
});
