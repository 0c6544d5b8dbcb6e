/**
 * XState's returned actions and the states before/after a step → motcua effects: durable
 * timers to set or cancel, the statutory clock paused, resumed or started, the case closed.
 * The service applies them in the order given, inside the step's transaction.
 */
import { MotcuaError } from '../errors/index.js';
import { CLOCK_START_ACTION, type CompiledProcedure, type ExecutedAction } from './compile.js';
import { ancestry, leavesOf } from './model.js';
import type { Effect, StateValue } from './types.js';

/**
 * The state that pauses the clock in this configuration, or null when it runs. Per active leaf,
 * the innermost state that says `clock:` decides; a single paused leaf pauses the case.
 */
export function pausedBy(compiled: CompiledProcedure, value: StateValue | null): string | null {
  if (value === null) return null;
  for (const leaf of leavesOf(value)) {
    for (const name of ancestry(compiled.model, leaf)) {
      const clock = compiled.model.states.get(name)?.node.clock;
      if (clock === undefined) continue;
      if (clock === 'paused') return name;
      break;
    }
  }
  return null;
}

function delayedId(params: unknown, field: 'id' | 'sendId'): string | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const id = (params as Record<string, unknown>)[field];
  return typeof id === 'string' ? id : undefined;
}

/** Translates one step's actions and state change into effects. `before` is null when the case opens. */
export function collectEffects(
  compiled: CompiledProcedure,
  actions: readonly ExecutedAction[],
  before: StateValue | null,
  after: { value: StateValue; status: 'active' | 'done' },
  now: Date,
): Effect[] {
  const effects: Effect[] = [];
  const pausedBefore = pausedBy(compiled, before);
  const pausedAfter = after.status === 'done' ? null : pausedBy(compiled, after.value);
  if (pausedBefore !== null && pausedAfter === null) effects.push({ kind: 'clock.resume', state: pausedBefore });

  for (const action of actions) {
    if (action.type === CLOCK_START_ACTION) {
      effects.push({ kind: 'clock.start' });
    } else if (action.type === 'xstate.raise' || action.type === 'xstate.cancel') {
      const id = delayedId(action.params, action.type === 'xstate.raise' ? 'id' : 'sendId');
      if (id === undefined) continue;
      const timer = compiled.delayedById.get(id);
      // A delayed action the engine cannot name would be a timer silently lost: fail loudly.
      if (timer === undefined) throw new MotcuaError('internal', `unrecognised delayed action '${id}' in procedure '${compiled.definition.id}'`);
      effects.push(
        action.type === 'xstate.raise'
          ? { kind: 'timer.set', key: timer.key, state: timer.state, event: timer.event, duration: timer.duration, at: now.toISOString() }
          : { kind: 'timer.cancel', key: timer.key, state: timer.state, event: timer.event },
      );
    }
  }

  if (pausedAfter !== null && pausedBefore === null) effects.push({ kind: 'clock.pause', state: pausedAfter });
  if (after.status === 'done') {
    const [state = ''] = leavesOf(after.value);
    effects.push({ kind: 'case.closed', state, outcome: compiled.model.states.get(state)?.node.outcome ?? null });
  }
  return effects;
}
