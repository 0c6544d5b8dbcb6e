import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, leafHashOfText } from '../../src/audit/index.js';
import type { Actor } from '../../src/auth/policy.js';
import { createManualClock } from '../../src/clock/index.js';
import { isMotcuaError } from '../../src/errors/index.js';
import { createMotcua, type Motcua } from '../../src/server/motcua.js';
import { TAM_TRU_DATA } from '../http/cases-fixture.js';

/**
 * Random sequences of events, sent by random officers at random times, through the real
 * service: whatever is accepted or refused, the invariants hold. A case's version equals its
 * transition records and its audit entries; every accepted transition was allowed to the role
 * that sent it; the audit chain links; timers never outlive a closed case.
 */
const EVENTS = ['ACCEPT', 'REQUEST_SUPPLEMENT', 'SUPPLEMENTED', 'REJECT', 'WITHDRAW', 'PROPOSE', 'APPROVE', 'RETURN', 'STOP', 'DELIVER'];
const INPUTS: Record<string, Record<string, unknown>> = {
  REQUEST_SUPPLEMENT: { reason: 'Thiếu giấy tờ' },
  REJECT: { reason: 'Không đủ điều kiện' },
  WITHDRAW: { reason: 'Công dân rút' },
  RETURN: { reason: 'Xác minh lại' },
  STOP: { reason: 'Dừng' },
  PROPOSE: { cho_o_hop_phap: true },
};
const ROLE_OF: Record<string, string> = { ACCEPT: 'receiver', REQUEST_SUPPLEMENT: 'receiver', SUPPLEMENTED: 'receiver', REJECT: 'receiver', WITHDRAW: 'receiver', DELIVER: 'receiver', PROPOSE: 'processor', APPROVE: 'leader', RETURN: 'leader', STOP: 'leader' };

let m: Motcua;
let dataDir: string;
const actors: Record<string, Actor> = {};
/** Monday 2 March 2026, 09:00 in Việt Nam: where every run (and every replay while shrinking) starts. */
const START = '2026-03-02T02:00:00Z';
const clock = createManualClock(START);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-props-'));
  m = await createMotcua({ dataDir, proceduresDir: 'procedures', configDir: 'config', clock });
  for (const role of ['receiver', 'processor', 'leader']) {
    const { token } = await m.users.create(null, { name: `Cán bộ ${role}`, unit: 'thanh-sen', roles: [role] }, { requestId: 'p' });
    actors[role] = (await m.users.authenticate(token))!;
  }
});
afterAll(async () => {
  await m.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('service invariants under random event sequences', () => {
  it('keep version = transitions = audit entries per case, roles respected, chain intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ event: fc.constantFrom(...EVENTS), role: fc.constantFrom('receiver', 'processor', 'leader'), hours: fc.integer({ min: 0, max: 60 }) }), { minLength: 1, maxLength: 12 }),
        async (steps) => {
          // A run moves the clock up to 720 hours. Carried over from run to run (and through the
          // many replays of shrinking) it passed the calendar's last year, and any sequence with
          // an ACCEPT became a counterexample (calendarYearMissing). Timers of earlier runs' cases
          // are all due after the time those runs ended; they fire when this run's clock reaches
          // them, on cases this run does not check.
          clock.set(START);
          const opened = await m.cases.open(actors['receiver']!, { procedure: 'dang-ky-tam-tru', applicant: { name: 'Nguyễn Văn An' }, data: { ...TAM_TRU_DATA }, channel: 1 }, { requestId: null });
          const id = (opened.body as { id: string }).id;
          let accepted = 0;
          for (const s of steps) {
            clock.advance(s.hours * 3600_000);
            await m.sweeper.sweepOnce();
            try {
              await m.cases.send(actors[s.role]!, id, { type: s.event, ...(INPUTS[s.event] ? { input: INPUTS[s.event] } : {}) }, { requestId: null });
              accepted += 1;
              // Accepted only when the sender holds the role the procedure gives that event.
              expect(ROLE_OF[s.event]).toBe(s.role);
            } catch (e) {
              if (!isMotcuaError(e)) throw e;
              expect(['eventNotAllowed', 'forbidden', 'validationFailed']).toContain(e.code);
            }
          }
          const { row, transitions, audit, timers } = await m.store.read(async (tx) => ({
            row: (await tx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
            transitions: await tx.db.selectFrom('case_transitions').select(['seq', 'actor_id']).where('case_id', '=', id).orderBy('seq').execute(),
            audit: await tx.db.selectFrom('audit_entries').select('seq').where('case_id', '=', id).execute(),
            timers: await tx.db.selectFrom('timers').select('status').where('case_id', '=', id).execute(),
          }));
          expect(transitions.map((t) => t.seq)).toEqual(Array.from({ length: row.version }, (_, i) => i + 1));
          expect(audit).toHaveLength(row.version);
          const byOfficers = transitions.filter((t) => t.actor_id !== 'system').length - 1;
          expect(byOfficers).toBe(accepted);
          if (row.closed_at !== null) expect(timers.filter((t) => t.status === 'pending')).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
    // The whole chain, recomputed from the stored bytes, links from the first entry to the last.
    const entries = await m.store.read((tx) => tx.db.selectFrom('audit_entries').select(['seq', 'bytes', 'leaf_hash', 'chain_hash']).orderBy('seq').execute());
    let chain: Uint8Array = Buffer.alloc(32);
    for (const [i, e] of entries.entries()) {
      expect(e.seq).toBe(i + 1);
      const leaf = leafHashOfText(e.bytes);
      expect(leaf.toString('hex')).toBe(e.leaf_hash);
      chain = chainHash(chain, leaf);
      expect(Buffer.from(chain).toString('hex')).toBe(e.chain_hash);
    }
  });
});
