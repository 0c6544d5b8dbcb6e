import { describe, expect, it } from 'vitest';
import { startCase, step, type Effect, type EngineSnapshot, type StepResult } from '../../src/engine/index.js';
import { as, facts, loadFixture, now, system } from './fixtures.js';

const def = loadFixture('one-stop');
const receiver = as('receiver');
const processor = as('processor');
const leader = as('leader');

function send(snapshot: EngineSnapshot, type: string, actor = receiver, input?: Record<string, unknown>, data: Record<string, unknown> = { checked: true }) {
  const r: StepResult = step(def, snapshot, { type, input }, actor, facts(data), now);
  if (!r.ok) throw new Error(`${type} refused: ${r.message}`);
  return r;
}

const kinds = (effects: Effect[]): string[] => effects.map((e) => (e.kind.startsWith('timer') ? `${e.kind} ${(e as { key: string }).key}` : e.kind));
const start = (): EngineSnapshot => startCase(def, facts(), now).snapshot;
const supplement = { reason: 'thiếu giấy tờ' };

describe('timer effects', () => {
  it('sets a timer per delayed event on entering a state, from now, with the working duration', () => {
    const r = send(start(), 'REQUEST_SUPPLEMENT', receiver, supplement);
    expect(r.effects).toContainEqual({
      kind: 'timer.set',
      key: 'awaiting_supplement:EXPIRE:30 working days',
      state: 'awaiting_supplement',
      event: 'EXPIRE',
      duration: { amount: 30, unit: 'working_days' },
      at: now.toISOString(),
    });
    expect(r.effects).toContainEqual(expect.objectContaining({ kind: 'timer.set', event: 'REMIND', duration: { amount: 0.5, unit: 'working_days' } }));
  });

  it('cancels the timers of every state left, and only of those', () => {
    const waiting = send(start(), 'REQUEST_SUPPLEMENT', receiver, supplement).snapshot;
    const back = send(waiting, 'SUPPLEMENTED');
    expect(kinds(back.effects)).toEqual([
      'clock.resume',
      'timer.cancel awaiting_supplement:EXPIRE:30 working days',
      'timer.cancel awaiting_supplement:REMIND:½ working day',
    ]);
  });

  it('sets timers for a compound state and its initial child, and keeps the parent timer while moving inside it', () => {
    const processing = send(start(), 'ACCEPT');
    expect(kinds(processing.effects)).toEqual(['clock.start', 'timer.set processing:ESCALATE:2 working days', 'timer.set drafting:NUDGE:4 working hours']);
    const approval = send(processing.snapshot, 'PROPOSE', processor);
    expect(kinds(approval.effects)).toEqual(['timer.cancel drafting:NUDGE:4 working hours']);
    const returned = send(approval.snapshot, 'RETURN', leader, { reason: 'sai năm sinh' });
    expect(kinds(returned.effects)).toEqual(['timer.set drafting:NUDGE:4 working hours']);
    const result = send(send(returned.snapshot, 'PROPOSE', processor).snapshot, 'APPROVE', leader);
    expect(kinds(result.effects)).toEqual(['timer.cancel processing:ESCALATE:2 working days']);
  });

  it('cancels nested and parent timers when leaving from deep inside', () => {
    const processing = send(start(), 'ACCEPT').snapshot;
    const withdrawn = send(processing, 'WITHDRAW');
    expect(kinds(withdrawn.effects)).toEqual([
      'timer.cancel drafting:NUDGE:4 working hours',
      'timer.cancel processing:ESCALATE:2 working days',
      'case.closed',
    ]);
  });

  it('restarts the timers when a transition names its own state, but not for a record-only event', () => {
    const waiting = send(start(), 'REQUEST_SUPPLEMENT', receiver, supplement).snapshot;
    const again = send(waiting, 'REQUEST_SUPPLEMENT', receiver, { reason: 'vẫn thiếu' });
    expect(kinds(again.effects)).toEqual([
      'timer.cancel awaiting_supplement:EXPIRE:30 working days',
      'timer.cancel awaiting_supplement:REMIND:½ working day',
      'timer.set awaiting_supplement:EXPIRE:30 working days',
      'timer.set awaiting_supplement:REMIND:½ working day',
    ]);
    expect(send(waiting, 'REMIND', system).effects).toEqual([]);
  });

  it('lets the system fire a timer event, which leaves the state and closes the case', () => {
    const waiting = send(start(), 'REQUEST_SUPPLEMENT', receiver, supplement).snapshot;
    const expired = send(waiting, 'EXPIRE', system);
    expect(expired.to).toEqual(['withdrawn']);
    expect(expired.transition.roles).toEqual([]);
    expect(expired.effects.at(-1)).toEqual({ kind: 'case.closed', state: 'withdrawn', outcome: 'withdrawn' });
    expect(kinds(expired.effects)).toContain('clock.resume');
  });
});

describe('clock effects', () => {
  it('pauses on entering a paused state and resumes on leaving it', () => {
    const waiting = send(start(), 'REQUEST_SUPPLEMENT', receiver, supplement);
    expect(waiting.effects.at(-1)).toEqual({ kind: 'clock.pause', state: 'awaiting_supplement' });
    const back = send(waiting.snapshot, 'SUPPLEMENTED');
    expect(back.effects[0]).toEqual({ kind: 'clock.resume', state: 'awaiting_supplement' });
  });

  it('pauses and resumes for a nested paused state', () => {
    const drafting = send(start(), 'ACCEPT').snapshot;
    const waiting = send(drafting, 'WAIT_CITIZEN', processor);
    expect(waiting.effects).toContainEqual({ kind: 'clock.pause', state: 'waiting_citizen' });
    const resumed = send(waiting.snapshot, 'RESUME', processor);
    expect(resumed.effects[0]).toEqual({ kind: 'clock.resume', state: 'waiting_citizen' });
  });

  it('does not touch the clock when re-entering a paused state', () => {
    const waiting = send(start(), 'REQUEST_SUPPLEMENT', receiver, supplement).snapshot;
    const again = send(waiting, 'REQUEST_SUPPLEMENT', receiver, supplement);
    expect(again.effects.filter((e) => e.kind.startsWith('clock'))).toEqual([]);
  });

  it('starts the statutory clock on a transition marked starts_clock, and only there', () => {
    expect(send(start(), 'ACCEPT').effects[0]).toEqual({ kind: 'clock.start' });
    expect(kinds(send(start(), 'REQUEST_SUPPLEMENT', receiver, supplement).effects)).not.toContain('clock.start');
  });
});
