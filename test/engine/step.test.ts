import { describe, expect, it } from 'vitest';
import { availableEvents, compileMachine, isFinal, startCase, step, type EngineSnapshot, type StepResult } from '../../src/engine/index.js';
import { as, facts, loadFixture, now, system } from './fixtures.js';

const def = loadFixture('one-stop');
const receiver = as('receiver');
const processor = as('processor');
const leader = as('leader');

function ok(result: StepResult): Extract<StepResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected the step to succeed, got ${result.code}: ${result.message}`);
  return result;
}

function refused(result: StepResult): Extract<StepResult, { ok: false }> {
  if (result.ok) throw new Error(`expected a refusal, the case moved to ${result.to.join(', ')}`);
  return result;
}

const start = (): EngineSnapshot => startCase(def, facts(), now).snapshot;
const inProcessing = (): EngineSnapshot => ok(step(def, start(), { type: 'ACCEPT' }, receiver, facts(), now)).snapshot;

describe('startCase', () => {
  it('opens in the initial state with its status code and no effects', () => {
    const started = startCase(def, facts(), now);
    expect(started.active).toEqual(['received']);
    expect(started.status).toBe(2);
    expect(started.effects).toEqual([]);
    expect(JSON.parse(JSON.stringify(started.snapshot))).toEqual(started.snapshot);
  });
});

describe('step: order of checks', () => {
  it('refuses an event the current state does not handle, naming the state and the allowed events', () => {
    const r = refused(step(def, start(), { type: 'APPROVE' }, receiver, facts(), now));
    expect(r.code).toBe('eventNotAllowed');
    expect(r.message).toContain("'received'");
    expect(r.allowed).toEqual(['REQUEST_SUPPLEMENT', 'ACCEPT', 'REJECT', 'NOTE']);
    expect(r.message).toContain('REQUEST_SUPPLEMENT, ACCEPT, REJECT, NOTE');
  });

  it('refuses a user without one of the transition roles, listing what they may send', () => {
    const r = refused(step(def, start(), { type: 'ACCEPT' }, processor, facts(), now));
    expect(r.code).toBe('forbidden');
    expect(r.message).toMatch(/needs one of the roles receiver; you have processor/);
    expect(r.allowed).toEqual(['NOTE']);
  });

  it('keeps role-less (timer) events for the system and role events for users', () => {
    const waiting = ok(step(def, start(), { type: 'REQUEST_SUPPLEMENT', input: { reason: 'thiếu CT01' } }, receiver, facts(), now)).snapshot;
    const byUser = refused(step(def, waiting, { type: 'EXPIRE' }, as('receiver', 'processor', 'leader'), facts(), now));
    expect(byUser.code).toBe('forbidden');
    expect(byUser.message).toContain('only by the system');
    const bySystem = refused(step(def, waiting, { type: 'SUPPLEMENTED' }, system, facts(), now));
    expect(bySystem.code).toBe('forbidden');
    expect(bySystem.allowed).toEqual(['REMIND', 'EXPIRE']);
  });

  it('reports every input field error, unknown fields included, before evaluating guards', () => {
    const r = refused(step(def, start(), { type: 'REQUEST_SUPPLEMENT', input: { state: 'delivered', version: 9 } }, receiver, facts(), now));
    expect(r.code).toBe('validationFailed');
    expect(r.fieldErrors).toEqual(
      expect.arrayContaining([
        { path: '/reason', message: 'is required' },
        expect.objectContaining({ path: '/state' }),
        expect.objectContaining({ path: '/version' }),
      ]),
    );
    expect(r.fieldErrors).toHaveLength(3);
  });

  it('rejects any input on an event that declares none', () => {
    const r = refused(step(def, start(), { type: 'ACCEPT', input: { unit: 'other-commune' } }, receiver, facts(), now));
    expect(r.code).toBe('validationFailed');
    expect(r.fieldErrors).toEqual([expect.objectContaining({ path: '/unit' })]);
  });

  it('refuses when the guard is false, with the condition as the reason', () => {
    const r = refused(step(def, inProcessing(), { type: 'PROPOSE' }, processor, facts({ checked: false }), now));
    expect(r.code).toBe('guardFailed');
    expect(r.message).toContain("condition 'data.checked == true' is not met");
  });

  it('refuses (never crashes) when the guard reads a field the dossier lacks', () => {
    const r = refused(step(def, inProcessing(), { type: 'PROPOSE' }, processor, facts({}), now));
    expect(r.code).toBe('guardFailed');
    expect(r.message).toContain('data.checked');
  });

  it('takes the first alternative whose roles match and whose guard holds', () => {
    const byProcessor = ok(step(def, inProcessing(), { type: 'PROPOSE' }, processor, facts({ checked: true }), now));
    expect(byProcessor.to).toEqual(['approval']);
    expect(byProcessor.transition.roles).toEqual(['processor']);
    const byLeader = ok(step(def, inProcessing(), { type: 'PROPOSE' }, leader, facts({ checked: false }), now));
    expect(byLeader.to).toEqual(['approval']);
    expect(byLeader.transition.roles).toEqual(['leader']);
  });

  it('refuses every event once the case is closed', () => {
    const closed = ok(step(def, start(), { type: 'REJECT', input: { reason: 'không đủ điều kiện' } }, receiver, facts(), now));
    expect(isFinal(closed.snapshot)).toBe(true);
    const r = refused(step(def, closed.snapshot, { type: 'ACCEPT' }, receiver, facts(), now));
    expect(r.code).toBe('eventNotAllowed');
    expect(r.message).toContain('closed');
    expect(r.allowed).toEqual([]);
  });
});

describe('step: transitions', () => {
  it('records an event without `to` with no state change and no effects', () => {
    const before = start();
    const r = ok(step(def, before, { type: 'NOTE', input: { note: 'gọi điện cho công dân' } }, processor, facts(), now));
    expect(r.from).toEqual(['received']);
    expect(r.to).toEqual(['received']);
    expect(r.snapshot).toEqual(before);
    expect(r.effects).toEqual([]);
  });

  it('returns the reason given in the input', () => {
    const r = ok(step(def, start(), { type: 'REJECT', input: { reason: 'không thuộc thẩm quyền' } }, receiver, facts(), now));
    expect(r.transition).toEqual({ event: 'REJECT', roles: ['receiver'], reason: 'không thuộc thẩm quyền' });
    expect(r.status).toBe(3);
  });

  it('walks the whole lifecycle to delivery and closes the case as approved', () => {
    let snapshot = start();
    const path: [string, ReturnType<typeof as>, Record<string, unknown>?][] = [
      ['ACCEPT', receiver],
      ['PROPOSE', processor],
      ['RETURN', leader, { reason: 'sai tên' }],
      ['PROPOSE', processor],
      ['APPROVE', leader],
      ['DELIVER', receiver],
    ];
    const visited: string[] = [];
    let last: Extract<StepResult, { ok: true }> | undefined;
    for (const [type, actor, input] of path) {
      last = ok(step(def, snapshot, { type, input }, actor, facts({ checked: true }), now));
      // The stored snapshot is JSON; every step must work from its JSON form.
      snapshot = JSON.parse(JSON.stringify(last.snapshot)) as EngineSnapshot;
      visited.push(...last.to);
    }
    expect(visited).toEqual(['drafting', 'approval', 'drafting', 'approval', 'result_ready', 'delivered']);
    expect(last?.status).toBe(10);
    expect(last?.effects).toContainEqual({ kind: 'case.closed', state: 'delivered', outcome: 'approved' });
    expect(isFinal(snapshot)).toBe(true);
  });
});

describe('availableEvents', () => {
  it('lists what the actor may send now, with titles, targets and closed input schemas', () => {
    const events = availableEvents(def, start(), receiver);
    expect(events.map((e) => e.type)).toEqual(['REQUEST_SUPPLEMENT', 'ACCEPT', 'REJECT', 'NOTE']);
    const supplement = events[0];
    expect(supplement).toMatchObject({ title: 'Yêu cầu bổ sung', to: 'awaiting_supplement' });
    expect(supplement?.inputSchema).toMatchObject({ additionalProperties: false, required: ['reason'] });
    expect(events[3]).toMatchObject({ type: 'NOTE', to: null, title: null });
  });

  it('includes events handled by an ancestor state', () => {
    const events = availableEvents(def, inProcessing(), receiver).map((e) => e.type);
    expect(events).toEqual(['WITHDRAW']);
    expect(availableEvents(def, inProcessing(), system).map((e) => e.type)).toEqual(['NUDGE', 'ESCALATE']);
  });
});

describe('compilation', () => {
  it('compiles once per version', () => {
    expect(compileMachine(def)).toBe(compileMachine(def));
  });

  it('refuses a stored snapshot that names a state the procedure does not have', () => {
    expect(() => step(def, { status: 'active', value: 'approvd' }, { type: 'ACCEPT' }, receiver, facts(), now)).toThrow(
      /'approvd' does not exist in procedure 'engine-one-stop' v1/,
    );
  });
});
