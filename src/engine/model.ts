/**
 * A flat index of a procedure's state tree: every state by its (tree-unique) name, its parent,
 * and its transitions with stable keys. Compilation, the step and the diagram all read it
 * instead of walking the nested definition again.
 */
import { parseDuration, type Duration } from '../calendar/duration.js';
import { MotcuaError } from '../errors/index.js';
import type { ProcedureDefinition, StateNode, TransitionDef } from '../definitions/schema.js';
import type { StateValue } from './types.js';

/** One state of the tree. */
export interface StateInfo {
  name: string;
  node: StateNode;
  parent: string | null;
  depth: number;
}

/** One transition alternative: `key` names its guard in the compiled machine. */
export interface TransitionInfo {
  key: string;
  source: string;
  event: string;
  index: number;
  def: TransitionDef;
}

/** A delayed event of a state (`after: { "30 working days": EXPIRE }`). */
export interface DelayedInfo {
  /** The timer key the service stores: unique per state and delay. */
  key: string;
  state: string;
  event: string;
  durationText: string;
  duration: Duration;
}

export interface ProcedureModel {
  states: Map<string, StateInfo>;
  /** Top-level state names in document order. */
  roots: string[];
  transitions: Map<string, TransitionInfo>;
  /** source state → event → alternatives in order. */
  bySource: Map<string, Map<string, TransitionInfo[]>>;
  delayed: DelayedInfo[];
}

/** A transition list as the language allows it (one or several alternatives), always as an array. */
export function alternativesOf(t: TransitionDef | TransitionDef[]): TransitionDef[] {
  return Array.isArray(t) ? t : [t];
}

/** Builds the index; throws definitionInvalid when names repeat or targets are missing (the checker reports these first). */
export function buildModel(def: ProcedureDefinition): ProcedureModel {
  const model: ProcedureModel = { states: new Map(), roots: Object.keys(def.states), transitions: new Map(), bySource: new Map(), delayed: [] };
  const invalid = (message: string): MotcuaError =>
    new MotcuaError('definitionInvalid', `procedure '${def.id}' v${def.version}: ${message}; run motcua validate`);

  const visit = (states: Record<string, StateNode>, parent: string | null, depth: number): void => {
    for (const [name, node] of Object.entries(states)) {
      if (model.states.has(name)) throw invalid(`state name '${name}' is used twice`);
      model.states.set(name, { name, node, parent, depth });
      const events = new Map<string, TransitionInfo[]>();
      for (const [event, list] of Object.entries(node.on ?? {})) {
        const infos = alternativesOf(list).map((t, index) => {
          const info: TransitionInfo = { key: `${name}:${event}:${index}`, source: name, event, index, def: t };
          model.transitions.set(info.key, info);
          return info;
        });
        events.set(event, infos);
      }
      model.bySource.set(name, events);
      for (const [durationText, event] of Object.entries(node.after ?? {})) {
        const parsed = parseDuration(durationText);
        if (!parsed.ok) throw invalid(`state '${name}': ${parsed.message}`);
        model.delayed.push({ key: `${name}:${event}:${durationText.trim()}`, state: name, event, durationText, duration: parsed.value });
      }
      if (node.states) visit(node.states, name, depth + 1);
    }
  };
  visit(def.states, null, 0);

  const must = (name: string | undefined, where: string): void => {
    if (name !== undefined && !model.states.has(name)) throw invalid(`${where} names state '${name}', which does not exist`);
  };
  must(def.initial, 'initial');
  for (const info of model.states.values()) {
    must(info.node.initial, `state '${info.name}' initial`);
    must(info.node.done, `state '${info.name}' done`);
  }
  for (const t of model.transitions.values()) must(t.def.to, `transition ${t.event} of '${t.source}'`);
  return model;
}

/** The state and its ancestors, innermost first. */
export function ancestry(model: ProcedureModel, name: string): string[] {
  const chain: string[] = [];
  let current: string | null = name;
  while (current !== null) {
    chain.push(current);
    current = model.states.get(current)?.parent ?? null;
  }
  return chain;
}

/** Active leaf state names of a state value, in document order. */
export function leavesOf(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  const out: string[] = [];
  for (const [name, child] of Object.entries(value)) {
    // XState writes a compound state with no active child (a final region) as `{ name: {} }`.
    const inner = leavesOf(child);
    out.push(...(inner.length > 0 ? inner : [name]));
  }
  return out;
}

/** Every active state name of a state value, ancestors included. */
export function activeNamesOf(value: StateValue): Set<string> {
  const out = new Set<string>();
  const walk = (v: StateValue): void => {
    if (typeof v === 'string') {
      out.add(v);
      return;
    }
    for (const [name, child] of Object.entries(v)) {
      out.add(name);
      walk(child);
    }
  };
  walk(value);
  return out;
}

/**
 * The actor's roles that a transition allows, or null when the actor may not send it.
 * Role-less transitions belong to the system (timers); the system sends nothing else.
 */
export function matchRoles(t: TransitionDef, actor: { roles: readonly string[]; system?: boolean | undefined }): string[] | null {
  const allowed = t.roles ?? [];
  if (allowed.length === 0) return actor.system === true ? [] : null;
  if (actor.system === true) return null;
  const matched = actor.roles.filter((r) => allowed.includes(r));
  return matched.length > 0 ? matched : null;
}
