/**
 * A validated procedure definition → an XState v5 machine, built with `setup()` so that every
 * guard and delay is referenced by name. Compiled machines are cached per `id@version`: a
 * published version never changes, so it is compiled once per process.
 *
 * Delays: XState keeps no durable timers and motcua never runs the machine as a live actor.
 * A state's `after` becomes an XState delayed transition with a named delay; the pure
 * `transition()` returns it as a delayed raise (on entry) and a cancel (on exit), which the
 * engine turns into durable timer effects. When a timer fires, the system sends the
 * definition's event (e.g. EXPIRE) through the normal step.
 */
import { createActor, raise, setup } from 'xstate';
import { MotcuaError } from '../errors/index.js';
import type { ProcedureDefinition } from '../definitions/schema.js';
import { createTransitionChecker, type MachineEvent, type TransitionChecker } from './guards.js';
import { buildModel, type DelayedInfo, type ProcedureModel, type StateInfo } from './model.js';

/** Named action emitted by transitions with `starts_clock: true`. */
export const CLOCK_START_ACTION = 'clock.start';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A compiled procedure: the machine plus what the step needs to explain its decisions. */
export interface CompiledProcedure {
  definition: ProcedureDefinition;
  model: ProcedureModel;
  machine: ProcedureMachine;
  checker: TransitionChecker;
  /** XState's id of a delayed raise (`xstate.after.<delay>.<state>`) → the timer it stands for. */
  delayedById: Map<string, DelayedInfo>;
  /** XState's pure transition: the next snapshot and the actions it would run, none executed. */
  transition(snapshot: MachineSnapshot, event: MachineEvent): [MachineSnapshot, ExecutedAction[]];
  /** XState's pure initial transition. */
  initial(): [MachineSnapshot, ExecutedAction[]];
}

/** XState's snapshot of a compiled machine. */
export type MachineSnapshot = ReturnType<ProcedureMachine['resolveState']>;

/** The shape of the executable actions XState returns, as far as the engine reads them. */
export interface ExecutedAction {
  type: string;
  params?: unknown;
}

type MachineConfig = Record<string, unknown>;

function buildSetup(checker: TransitionChecker, model: ProcedureModel) {
  const guards: Record<string, (args: { event: MachineEvent }) => boolean> = {};
  for (const info of model.transitions.values()) {
    guards[info.key] = ({ event }) => checker.check(info, event).ok;
  }
  // Durations in calendar milliseconds only so that the machine stays meaningful in XState
  // tooling; motcua's timers count working time through the calendar, never these numbers.
  const delays: Record<string, number> = {};
  for (const d of model.delayed) {
    delays[d.durationText] = d.duration.amount * (d.duration.unit === 'working_days' ? DAY_MS : HOUR_MS);
  }
  return setup({
    types: { events: {} as MachineEvent },
    guards,
    delays,
    actions: { [CLOCK_START_ACTION]: () => undefined },
  });
}

/** The XState machine type of a compiled procedure. */
export type ProcedureMachine = ReturnType<ReturnType<typeof buildSetup>['createMachine']>;

function systemEvent(type: string): MachineEvent {
  return { type, input: {}, facts: { data: {}, case: {} }, actor: { id: 'system', roles: [], system: true } };
}

function stateConfig(info: StateInfo, model: ProcedureModel): MachineConfig {
  const { node, name } = info;
  const config: MachineConfig = { id: name };
  if (node.final === true) config['type'] = 'final';
  if (node.type === 'parallel') config['type'] = 'parallel';
  const children = Object.keys(node.states ?? {});
  if (children.length > 0) {
    config['states'] = Object.fromEntries(children.map((child) => [child, stateConfig(model.states.get(child) as StateInfo, model)]));
    if (node.type !== 'parallel') config['initial'] = node.initial ?? children[0];
  }
  if (node.done !== undefined) config['onDone'] = { target: `#${node.done}` };

  const on: Record<string, MachineConfig[]> = {};
  for (const [event, infos] of model.bySource.get(name) ?? []) {
    on[event] = infos.map((t) => ({
      ...(t.def.to !== undefined ? { target: `#${t.def.to}` } : {}),
      // An explicit `to` naming the state itself leaves and re-enters it (timers restart);
      // a transition without `to` only records, with no exit and no entry.
      ...(t.def.to === name ? { reenter: true } : {}),
      guard: t.key,
      actions: t.def.starts_clock === true ? [{ type: CLOCK_START_ACTION }] : [],
    }));
  }
  if (Object.keys(on).length > 0) config['on'] = on;

  const after: Record<string, MachineConfig> = {};
  for (const [durationText, event] of Object.entries(node.after ?? {})) {
    after[durationText] = { actions: raise(systemEvent(event)) };
  }
  if (Object.keys(after).length > 0) config['after'] = after;
  return config;
}

function build(def: ProcedureDefinition): CompiledProcedure {
  const model = buildModel(def);
  const checker = createTransitionChecker(def, model);
  const machineSetup = buildSetup(checker, model);
  const config: MachineConfig = {
    // '@' never occurs in a state name, so the root id cannot collide with a state's id.
    id: `${def.id}@${def.version}`,
    initial: def.initial,
    states: Object.fromEntries(model.roots.map((name) => [name, stateConfig(model.states.get(name) as StateInfo, model)])),
  };
  let machine: ProcedureMachine;
  try {
    machine = machineSetup.createMachine(config as Parameters<typeof machineSetup.createMachine>[0]);
  } catch (e) {
    throw new MotcuaError(
      'definitionInvalid',
      `procedure '${def.id}' v${def.version} does not compile: ${e instanceof Error ? e.message : String(e)}; run motcua validate`,
    );
  }
  const delayedById = new Map<string, DelayedInfo>();
  for (const d of model.delayed) delayedById.set(`xstate.after.${d.durationText}.${d.state}`, d);
  return { definition: def, model, machine, checker, delayedById, ...createPureRunner(machine) };
}

/**
 * The same computation as XState's `transition()` / `initialTransition()`, which build a fresh
 * inert actor (and its initial snapshot) on every call: five times the cost of the step itself.
 * The inert scope is built once per machine instead; actions are only collected, never run,
 * and the machines have no children, so nothing in the scope carries over between calls.
 */
function createPureRunner(machine: ProcedureMachine): Pick<CompiledProcedure, 'transition' | 'initial'> {
  const self = createActor(machine);
  let sink: ExecutedAction[] = [];
  const scope = {
    self,
    system: self.system,
    id: '',
    sessionId: '',
    defer: () => undefined,
    logger: () => undefined,
    stopChild: () => undefined,
    emit: () => undefined,
    actionExecutor: (action: ExecutedAction) => void sink.push(action),
  } as unknown as Parameters<ProcedureMachine['transition']>[2];
  return {
    transition(snapshot, event) {
      const actions: ExecutedAction[] = [];
      sink = actions;
      return [machine.transition(snapshot, event, scope), actions];
    },
    initial() {
      const actions: ExecutedAction[] = [];
      sink = actions;
      return [machine.getInitialSnapshot(scope), actions];
    },
  };
}

const cache = new Map<string, CompiledProcedure>();

/**
 * Compiles (or returns the cached compilation of) a validated definition. The cache is keyed by
 * `id@version` and holds the definition object it was built from; a different object under
 * the same key (only tests build such) is compiled afresh.
 */
export function compileProcedure(def: ProcedureDefinition): CompiledProcedure {
  const key = `${def.id}@${def.version}`;
  const cached = cache.get(key);
  if (cached !== undefined && cached.definition === def) return cached;
  const compiled = build(def);
  cache.set(key, compiled);
  return compiled;
}

/** The XState machine of a validated definition (cached per `id@version`). */
export function compileMachine(def: ProcedureDefinition): ProcedureMachine {
  return compileProcedure(def).machine;
}
