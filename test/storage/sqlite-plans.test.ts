import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, type Compilable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, subtreeBounds, type Store } from '../../src/storage/index.js';

/**
 * The hot queries must be answered from an index, so their cost does not grow with the
 * number of cases. Checked on SQLite, whose planner is deterministic on an empty database.
 */
describe('SQLite query plans', () => {
  let store: Store;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-plans-'));
    store = await openStore({ dataDir });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function plan(query: Compilable): Promise<string> {
    const { sql, parameters } = query.compile();
    const result = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${sql}`, [...parameters]));
    return result.rows.map((r) => r.detail).join('\n');
  }

  it('the timer sweep probes the (status, due_at) index: with nothing due it reads no case or timer rows', async () => {
    const now = '2025-11-28T02:00:00.000Z';
    const text = await plan(
      store.db
        .selectFrom('timers')
        .select('id')
        .where('status', '=', 'pending')
        .where('due_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
        .orderBy('due_at')
        .limit(100),
    );
    expect(text).toMatch(/SEARCH timers USING INDEX timers_status_due_ix \(status=\? AND due_at<\?\)/);
  });

  it("an officer's worklist reads open cases of the subtree from the partial due-date index", async () => {
    const { from, to } = subtreeBounds('/ha-tinh/xa-cam-xuyen/');
    const text = await plan(
      store.db
        .selectFrom('cases')
        .select(['id', 'due_at'])
        .where('unit_path', '>=', from)
        .where('unit_path', '<', to)
        .where('closed_at', 'is', null)
        .orderBy('due_at')
        .limit(50),
    );
    expect(text).toMatch(/USING INDEX cases_open_due_ix \(unit_path>\? AND unit_path<\?\)/);
  });

  it('a case history reads the (case_id, seq) index in order, without sorting', async () => {
    const text = await plan(store.db.selectFrom('case_transitions').selectAll().where('case_id', '=', 'k').orderBy('seq'));
    expect(text).toMatch(/USING INDEX case_transitions_case_seq_uq \(case_id=\?\)/);
    expect(text).not.toMatch(/TEMP B-TREE/);
  });
});
