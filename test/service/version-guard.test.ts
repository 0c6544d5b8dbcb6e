/**
 * On PostgreSQL two nodes (or two pooled connections) run commands on one case in parallel
 * transactions. The service reads the case, decides, and writes `where version = <what it read>`;
 * if another transaction committed in between, nothing is written and the command fails with
 * versionConflict (409). This test forces exactly that interleaving: the moment the command has
 * read the case, another command on another connection changes it and commits.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/policy.js';
import { isMotcuaError } from '../../src/errors/index.js';
import { sendEventCommand } from '../../src/service/case-commands.js';
import { createMotcuaContext, type MotcuaContext } from '../http/cases-fixture.js';
import { postgresUrl } from '../support/postgres.js';

/**
 * Runs `meanwhile` once, right after the first read of a case row returns. Recognised by its
 * result (a row with the case's columns), since the service's hot statements reach the driver
 * already compiled, past the plugins' query hook.
 */
function afterFirstCaseRead(meanwhile: () => Promise<void>): KyselyPlugin {
  let fired = false;
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const row = args.result.rows[0];
      if (!fired && row !== undefined && 'snapshot' in row && 'unit_path' in row) {
        fired = true;
        await meanwhile();
      }
      return args.result;
    },
  };
}

describe.skipIf(postgresUrl === undefined)('the version guard under real concurrency [postgres]', () => {
  let c: (MotcuaContext & { cleanup(): Promise<void> }) | undefined;
  const actor = async (who: 'receiver' | 'receiver2'): Promise<Actor> => (await c!.m.users.authenticate(c!.tokens[who]))!;

  beforeAll(async () => {
    c = await createMotcuaContext('postgres');
  });
  afterAll(async () => {
    await c?.cleanup();
  });

  it('a change committed between the read and the write makes the command fail with versionConflict, writing nothing', async () => {
    const { m } = c!;
    const opened = await c!.open();
    const me = await actor('receiver');
    const rival = await actor('receiver2');
    let rivalVersion = 0;
    const plugin = afterFirstCaseRead(async () => {
      // Another connection accepts the dossier and commits while our command holds what it read.
      const r = await m.cases.send(rival, opened.id, { type: 'ACCEPT' }, { requestId: 'rival' });
      rivalVersion = (r.body as { case: { version: number } }).case.version;
    });
    const attempt = m.store.write((tx) =>
      sendEventCommand({ db: tx.db.withPlugin(plugin), capabilities: tx.capabilities }, m.deps, me, opened.id, { type: 'REJECT', input: { reason: 'Không đủ điều kiện' } }, { requestId: 'mine' }),
    );
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(rivalVersion).toBe(2);
    expect(isMotcuaError(error, 'versionConflict')).toBe(true);
    const history = await m.cases.history(me, opened.id);
    expect(history.map((t) => t.event)).toEqual(['case.opened', 'ACCEPT']);
    const audit = await m.store.read((tx) => tx.db.selectFrom('audit_entries').select('event').where('case_id', '=', opened.id).orderBy('seq').execute());
    expect(audit.map((a) => a.event)).toEqual(['case.opened', 'ACCEPT']);
    const now = await m.cases.get(me, opened.id);
    expect(now).toMatchObject({ version: 2, state: 'processing' });
  });

  it('through HTTP the same interleaving answers 409 versionConflict', async () => {
    const { m, send } = c!;
    const opened = await c!.open();
    const rival = await actor('receiver2');
    const store = m.store;
    const realWrite = store.write;
    store.write = ((fn) =>
      realWrite((tx) =>
        fn({
          db: tx.db.withPlugin(
            afterFirstCaseRead(async () => {
              store.write = realWrite;
              await m.cases.send(rival, opened.id, { type: 'REQUEST_SUPPLEMENT', input: { reason: 'Thiếu CT01' } }, { requestId: 'rival' });
            }),
          ),
          capabilities: tx.capabilities,
        }),
      )) as typeof store.write;
    try {
      const r = await send('receiver', opened.id, 'ACCEPT');
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('versionConflict');
    } finally {
      store.write = realWrite;
    }
    expect((await c!.call('receiver', 'GET', `/api/v1/cases/${opened.id}/history`)).body.items.map((t: { event: string }) => t.event)).toEqual(['case.opened', 'REQUEST_SUPPLEMENT']);
  });
});
