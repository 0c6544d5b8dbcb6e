/**
 * The pure engine step: (definition, snapshot, event, actor, facts, now) → next snapshot and
 * effects, or a refusal that says why and what may be sent instead. No I/O, no clock reads:
 * the case service loads, calls this, and writes the result in one transaction.
 */
import type { ProcedureDefinition } from '../definitions/schema.js';
import { compileProcedure, type CompiledProcedure } from './compile.js';
import { collectEffects } from './effects.js';
import type { AlternativeCheck, MachineEvent } from './guards.js';
import { ancestry, leavesOf, matchRoles, type TransitionInfo } from './model.js';
import { persist, restore } from './snapshot.js';
import type { Actor, AvailableEvent, EngineEventInput, EngineSnapshot, Facts, FieldError, StartResult, StepRefused, StepResult } from './types.js';

function quoteList(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

/** Candidate transitions for an event, per active leaf: the leaf's own first, then its ancestors', as XState selects them. */
function candidatesPerLeaf(compiled: CompiledProcedure, leaves: readonly string[], type: string): TransitionInfo[][] {
  return leaves.map((leaf) => ancestry(compiled.model, leaf).flatMap((name) => compiled.model.bySource.get(name)?.get(type) ?? []));
}

function available(compiled: CompiledProcedure, leaves: readonly string[], actor: Actor): AvailableEvent[] {
  const seen = new Map<string, AvailableEvent>();
  for (const leaf of leaves) {
    for (const name of ancestry(compiled.model, leaf)) {
      for (const [type, infos] of compiled.model.bySource.get(name) ?? []) {
        if (seen.has(type)) continue;
        const first = infos.find((t) => matchRoles(t.def, actor) !== null);
        if (first === undefined) continue;
        seen.set(type, { type, title: first.def.title ?? null, to: first.def.to ?? null, inputSchema: compiled.checker.inputSchema(first) });
      }
    }
  }
  return [...seen.values()];
}

/** The national status code of one state: its own, or the nearest ancestor's. */
function ownOrInherited(compiled: CompiledProcedure, name: string): number | null {
  for (const n of ancestry(compiled.model, name)) {
    const status = compiled.model.states.get(n)?.node.status;
    if (status !== undefined) return status;
  }
  return null;
}

/**
 * National status code of the current configuration: the active leaf's own or inherited code;
 * inside a parallel state, the (outermost) parallel state's, since its regions may disagree.
 */
export function statusCode(def: ProcedureDefinition, active: readonly string[]): number | null {
  const compiled = compileProcedure(def);
  for (const leaf of active) {
    const parallel = ancestry(compiled.model, leaf).filter((n) => compiled.model.states.get(n)?.node.type === 'parallel').at(-1);
    const code = ownOrInherited(compiled, parallel ?? leaf);
    if (code !== null) return code;
  }
  return null;
}

/** Events the actor may send now (role check only; guards are evaluated when the event is sent). */
export function availableEvents(def: ProcedureDefinition, snapshot: EngineSnapshot, actor: Actor): AvailableEvent[] {
  const compiled = compileProcedure(def);
  const restored = restore(compiled, snapshot);
  if (restored.status === 'done') return [];
  return available(compiled, leavesOf(restored.value), actor);
}

/** Opens a case: the initial state, with the timers and clock effects entering it implies. */
export function startCase(def: ProcedureDefinition, _facts: Facts, now: Date): StartResult {
  const compiled = compileProcedure(def);
  const [snapshot, actions] = compiled.initial();
  const persisted = persist(snapshot);
  const active = leavesOf(persisted.value);
  return { snapshot: persisted, active, status: statusCode(def, active), effects: collectEffects(compiled, actions, null, persisted, now) };
}

function refusalFor(type: string, state: string, actor: Actor, checks: ReadonlyMap<TransitionInfo, AlternativeCheck>): Omit<StepRefused, 'allowed'> {
  const verdicts = [...checks.values()];
  const guardReasons = [...new Set(verdicts.flatMap((v) => (!v.ok && v.stage === 'guardFailed' ? [v.reason] : [])))];
  if (guardReasons.length > 0) {
    return { ok: false, code: 'guardFailed', message: `event '${type}' refused in state '${state}': ${guardReasons.join('; ')}` };
  }
  const invalid = verdicts.find((v): v is Extract<AlternativeCheck, { stage: 'validationFailed' }> => !v.ok && v.stage === 'validationFailed');
  if (invalid !== undefined) {
    const fieldErrors: FieldError[] = invalid.fieldErrors;
    const detail = fieldErrors.map((f) => `${f.path === '' ? '(input)' : f.path}: ${f.message}`).join('; ');
    return { ok: false, code: 'validationFailed', message: `input of event '${type}' is invalid: ${detail}`, fieldErrors };
  }
  const roles = [...new Set([...checks.keys()].flatMap((t) => t.def.roles ?? []))];
  const message =
    roles.length === 0
      ? `event '${type}' is sent only by the system (a timer); no user may send it`
      : actor.system === true
        ? `the system sends only timer events; '${type}' needs one of the roles ${quoteList(roles)}`
        : `event '${type}' in state '${state}' needs one of the roles ${quoteList(roles)}; you have ${quoteList(actor.roles)}`;
  return { ok: false, code: 'forbidden', message };
}

/**
 * Sends one event. Checks, in order: the event is handled in the current state
 * (eventNotAllowed), the actor holds a role the transition allows (forbidden), the input fits
 * its schema with no unknown fields (validationFailed), the guard holds (guardFailed); then
 * XState's pure `transition()` computes the next snapshot.
 */
export function step(
  def: ProcedureDefinition,
  snapshot: EngineSnapshot,
  event: EngineEventInput,
  actor: Actor,
  facts: Facts,
  now: Date,
): StepResult {
  const compiled = compileProcedure(def);
  const current = restore(compiled, snapshot);
  const from = leavesOf(current.value);
  const state = from.join(', ');
  const refuse = (r: Omit<StepRefused, 'allowed'>): StepRefused => ({
    ...r,
    allowed: current.status === 'done' ? [] : available(compiled, from, actor).map((e) => e.type),
  });
  if (current.status === 'done') {
    return refuse({ ok: false, code: 'eventNotAllowed', message: `the case is closed (state '${state}'); no event is allowed` });
  }

  const perLeaf = candidatesPerLeaf(compiled, from, event.type);
  const candidates = [...new Set(perLeaf.flat())];
  if (candidates.length === 0) {
    const allowed = available(compiled, from, actor).map((e) => e.type);
    return refuse({
      ok: false,
      code: 'eventNotAllowed',
      message: `event '${event.type}' is not allowed in state '${state}'; allowed now: ${quoteList(allowed)}`,
    });
  }

  const input = event.input ?? {};
  const payload: MachineEvent = { type: event.type, input, facts, actor };
  const checks = new Map<TransitionInfo, AlternativeCheck>(candidates.map((t) => [t, compiled.checker.check(t, payload)]));
  const chosen = new Set<TransitionInfo>();
  for (const list of perLeaf) {
    const first = list.find((t) => checks.get(t)?.ok === true);
    if (first !== undefined) chosen.add(first);
  }
  if (chosen.size === 0) return refuse(refusalFor(event.type, state, actor, checks));

  const [next, actions] = compiled.transition(current, payload);
  const persisted = persist(next);
  const to = leavesOf(persisted.value);
  const roles = [...new Set([...chosen].flatMap((t) => matchRoles(t.def, actor) ?? []))];
  const reason = typeof input['reason'] === 'string' ? input['reason'] : undefined;
  return {
    ok: true,
    snapshot: persisted,
    from,
    to,
    status: statusCode(def, to),
    effects: collectEffects(compiled, actions, current.value, persisted, now),
    transition: { event: event.type, roles, ...(reason !== undefined ? { reason } : {}) },
  };
}
