import { describe, expect, it } from 'vitest';
import { activeStates, startCase, statusCode, step, type EngineSnapshot, type StepResult } from '../../src/engine/index.js';
import { as, facts, loadFixture, now, system } from './fixtures.js';

const def = loadFixture('parallel');
const receiver = as('receiver');
const processor = as('processor');

function send(snapshot: EngineSnapshot, type: string, actor = processor, input?: Record<string, unknown>): StepResult {
  return step(def, snapshot, { type, input }, actor, facts(), now);
}

function ok(r: StepResult): Extract<StepResult, { ok: true }> {
  if (!r.ok) throw new Error(`refused: ${r.code}: ${r.message}`);
  return r;
}

const inChecks = (): Extract<StepResult, { ok: true }> => ok(send(startCase(def, facts(), now).snapshot, 'ACCEPT', receiver));

describe('parallel states', () => {
  it('enters every region at once and reports the parallel state status', () => {
    const r = inChecks();
    expect(r.to).toEqual(['police_pending', 'ward_pending']);
    expect(activeStates(r.snapshot)).toEqual(['police_pending', 'ward_pending']);
    // police_pending says 5, but the regions of a parallel state may disagree: its own code wins.
    expect(r.status).toBe(4);
    expect(statusCode(def, r.to)).toBe(4);
    expect(r.effects).toContainEqual(expect.objectContaining({ kind: 'timer.set', state: 'police_pending', event: 'POLICE_TIMEOUT' }));
  });

  it('moves one region while the other waits, with guards and typed input', () => {
    const checks = inChecks().snapshot;
    const low = send(checks, 'WARD_OK', processor, { score: 3 });
    expect(low.ok || low.code).toBe('guardFailed');
    const wrongType = send(checks, 'WARD_OK', processor, { score: 'cao' });
    expect(wrongType.ok || wrongType.code).toBe('validationFailed');
    const good = ok(send(checks, 'WARD_OK', processor, { score: 7 }));
    expect(good.to).toEqual(['police_pending', 'ward_done']);
    expect(good.effects).toEqual([]);
  });

  it('takes an event handled in both regions once per region, as a record', () => {
    const r = ok(send(inChecks().snapshot, 'COMMENT'));
    expect(r.to).toEqual(['police_pending', 'ward_pending']);
    expect(r.effects).toEqual([]);
  });

  it('leaves through `done` when every region is final, cancelling the regions’ timers', () => {
    const ward = ok(send(inChecks().snapshot, 'WARD_OK', processor, { score: 9 })).snapshot;
    const r = ok(send(ward, 'POLICE_TIMEOUT', system));
    expect(r.to).toEqual(['reviewing']);
    expect(r.effects).toEqual([expect.objectContaining({ kind: 'timer.cancel', state: 'police_pending' })]);
    const restored = JSON.parse(JSON.stringify(r.snapshot)) as EngineSnapshot;
    const delivered = ok(send(restored, 'APPROVE', as('leader')));
    // signed is final inside approval, so approval's `done` moves on in the same step.
    expect(delivered.to).toEqual(['delivered']);
    expect(delivered.effects).toContainEqual({ kind: 'case.closed', state: 'delivered', outcome: 'approved' });
  });

  it('leaves every region at once through a transition of the parallel state', () => {
    const r = ok(send(inChecks().snapshot, 'WITHDRAW', receiver));
    expect(r.from).toEqual(['police_pending', 'ward_pending']);
    expect(r.to).toEqual(['withdrawn']);
    expect(r.effects.map((e) => e.kind)).toEqual(['timer.cancel', 'case.closed']);
  });
});
