/**
 * The state tree of a procedure and its structural checks: unique names, valid `initial`,
 * parallel regions that can finish, final states that close the dossier, status codes, `after`
 * events that are handled, and targets that exist (the graph checks are in check-graph.ts).
 * These read the raw document defensively, so they run even when the schema check failed.
 */
import type { CheckContext } from './check-context.js';
import { didYouMean } from './suggest.js';
import type { YamlPath } from './yaml-source.js';

/** A state as found in the document. */
export interface StateInfo {
  name: string;
  path: YamlPath;
  raw: Record<string, unknown>;
  parent: StateInfo | undefined;
  children: StateInfo[];
  parallel: boolean;
  final: boolean;
  /** Transitions written under this state's own `on:`. */
  transitions: TransitionInfo[];
  /** Some entry under `on:` is not a transition (a schema error): where it leads is unknown. */
  unreadable: boolean;
}

/** A transition as found in the document (`on: { EVENT: {…} }` or one item of a list). */
export interface TransitionInfo {
  state: StateInfo;
  event: string;
  path: YamlPath;
  raw: Record<string, unknown>;
  to: string | undefined;
}

/** All states and transitions of a procedure. */
export interface StateTree {
  roots: StateInfo[];
  all: StateInfo[];
  byName: Map<string, StateInfo>;
  transitions: TransitionInfo[];
}

/** True for a plain mapping. */
export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Collects the state tree; a state name used twice anywhere in the tree is an error at the second. */
export function collectStates(root: Record<string, unknown>, ctx: CheckContext): StateTree {
  const tree: StateTree = { roots: [], all: [], byName: new Map(), transitions: [] };
  const visit = (states: unknown, base: YamlPath, parent: StateInfo | undefined, depth: number): StateInfo[] => {
    if (!isRecord(states) || depth > 32) return [];
    const out: StateInfo[] = [];
    for (const [name, raw] of Object.entries(states)) {
      const path = [...base, name];
      const info: StateInfo = {
        name,
        path,
        raw: isRecord(raw) ? raw : {},
        parent,
        children: [],
        parallel: isRecord(raw) && raw['type'] === 'parallel',
        final: isRecord(raw) && raw['final'] === true,
        transitions: [],
        unreadable: false,
      };
      const earlier = tree.byName.get(name);
      if (earlier) {
        const line = ctx.doc.locate(earlier.path).line;
        ctx.error(path, `state name '${name}' is already used on line ${line}; state names must be unique in the whole procedure (nested states too) so transitions are unambiguous: rename one`);
      } else tree.byName.set(name, info);
      tree.all.push(info);
      out.push(info);
      info.children = visit(info.raw['states'], [...path, 'states'], info, depth + 1);
      collectTransitions(info, tree);
    }
    return out;
  };
  tree.roots = visit(root['states'], ['states'], undefined, 0);
  return tree;
}

function collectTransitions(state: StateInfo, tree: StateTree): void {
  const on = state.raw['on'];
  if (on === undefined) return;
  if (!isRecord(on)) {
    state.unreadable = true;
    return;
  }
  for (const [event, value] of Object.entries(on)) {
    const base = [...state.path, 'on', event];
    if (!Array.isArray(value)) addTransition(state, event, base, value, tree);
    else for (let i = 0; i < value.length; i++) addTransition(state, event, [...base, i], value[i], tree);
  }
}

function addTransition(state: StateInfo, event: string, path: YamlPath, raw: unknown, tree: StateTree): void {
  if (!isRecord(raw)) {
    state.unreadable = true;
    return;
  }
  const t: TransitionInfo = { state, event, path, raw, to: str(raw['to']) };
  tree.transitions.push(t);
  state.transitions.push(t);
}

/** The state and its ancestors, innermost first. */
export function lineage(state: StateInfo): StateInfo[] {
  const out: StateInfo[] = [];
  for (let s: StateInfo | undefined = state; s; s = s.parent) out.push(s);
  return out;
}

/** The transitions that apply while `state` is active: its own and its ancestors'. */
export function availableTransitions(state: StateInfo): TransitionInfo[] {
  return lineage(state).flatMap((s) => s.transitions);
}

/** Checks `initial`, compound and parallel states, final states, status codes and `after` events; returns the initial state. */
export function checkStructure(root: Record<string, unknown>, tree: StateTree, ctx: CheckContext): StateInfo | undefined {
  const initialName = str(root['initial']);
  let initial: StateInfo | undefined;
  if (initialName !== undefined && !ctx.hasSchemaError(['initial'])) {
    initial = tree.roots.find((s) => s.name === initialName);
    const nested = tree.byName.get(initialName);
    if (!initial && nested) {
      ctx.error(['initial'], `the initial state must be a top-level state; '${initialName}' is inside '${nested.parent?.name ?? ''}'`, 'value');
    } else if (!initial) {
      ctx.error(['initial'], `state '${initialName}' does not exist${didYouMean(initialName, tree.roots.map((s) => s.name))}`, 'value');
    }
  }
  for (const s of tree.all) checkState(s, ctx);
  return initial;
}

function checkState(s: StateInfo, ctx: CheckContext): void {
  const has = (key: string): boolean => s.raw[key] !== undefined && !ctx.hasSchemaError([...s.path, key]);
  const childNames = s.children.map((c) => c.name);
  if (s.parallel && s.children.length > 0) {
    if (s.children.length < 2) ctx.error(s.path, `parallel state '${s.name}' needs at least 2 regions under \`states:\` (it has ${s.children.length}); use a plain state otherwise`);
    if (has('initial')) ctx.error([...s.path, 'initial'], 'a parallel state has no `initial`: all its regions start at once; remove it');
    if (s.raw['done'] === undefined) ctx.error(s.path, `parallel state '${s.name}' needs \`done:\` naming the state entered when every region has reached its final state`);
    for (const region of s.children) {
      if (region.children.length === 0) {
        ctx.error(region.path, `region '${region.name}' of parallel state '${s.name}' needs child \`states:\` with an \`initial:\` and a final state`);
      } else if (!region.children.some((c) => c.final)) {
        ctx.error(region.path, `region '${region.name}' of parallel state '${s.name}' needs a final child state (\`final: true\`) so the parallel state can finish`);
      }
    }
  } else if (s.children.length > 0) {
    const initial = str(s.raw['initial']);
    if (initial === undefined) {
      if (!ctx.hasSchemaError([...s.path, 'initial'])) ctx.error(s.path, `state '${s.name}' has child states, so it needs \`initial:\` naming the one entered first (one of: ${childNames.join(', ')})`);
    } else if (!childNames.includes(initial) && !ctx.hasSchemaError([...s.path, 'initial'])) {
      ctx.error([...s.path, 'initial'], `'${initial}' is not a child state of '${s.name}'${didYouMean(initial, childNames)}`, 'value');
    }
    const regionOfParallel = s.parent?.parallel === true;
    if (!regionOfParallel && s.raw['done'] === undefined && s.children.some((c) => c.final)) {
      ctx.error(s.path, `state '${s.name}' has final child states but no \`done:\`; add \`done: <state>\` to say where the dossier goes when they finish`);
    }
  } else {
    if (s.raw['type'] === 'parallel' && !ctx.hasSchemaError([...s.path, 'type'])) ctx.error([...s.path, 'type'], 'a parallel state needs child states (its regions) under `states:`');
    if (has('initial')) ctx.error([...s.path, 'initial'], '`initial` is only for states with child `states:`; remove it');
    if (has('done')) ctx.error([...s.path, 'done'], '`done` is only for states with child `states:`; use a transition under `on:` instead');
    if (!lineage(s).some((a) => a.raw['status'] !== undefined)) {
      ctx.error(s.path, `state '${s.name}' has no national status code; add \`status:\` (1–10) to it or to its parent state`);
    }
  }
  if (s.final) {
    // Only a top-level final state closes the dossier; a nested one just ends its part (a region, a sub-step).
    if (!s.parent && s.raw['outcome'] === undefined) {
      ctx.error(s.path, `final state '${s.name}' needs \`outcome:\` (approved, refused, withdrawn, stopped, answered or completed)`);
    } else if (s.parent && s.raw['outcome'] !== undefined) {
      ctx.error([...s.path, 'outcome'], `'${s.name}' only ends its part of '${s.parent.name}', not the dossier; \`outcome\` belongs to top-level final states: remove it`);
    }
    for (const key of ['on', 'after'] as const) {
      if (s.raw[key] !== undefined) ctx.error([...s.path, key], `a final state closes the dossier, so it has no \`${key}\`; remove it or make the state non-final`);
    }
    if (s.children.length > 0) ctx.error([...s.path, 'states'], 'a final state cannot have child states');
  }
  checkAfterEvents(s, ctx);
}

function checkAfterEvents(s: StateInfo, ctx: CheckContext): void {
  const after = s.raw['after'];
  if (!isRecord(after) || s.final) return;
  const handled = new Set(availableTransitions(s).map((t) => t.event));
  for (const [delay, event] of Object.entries(after)) {
    if (typeof event !== 'string' || handled.has(event) || ctx.hasSchemaError([...s.path, 'after', delay])) continue;
    ctx.error(
      [...s.path, 'after', delay],
      `'${event}' is sent after ${delay}, but no \`on:\` of state '${s.name}' or its parents handles it${didYouMean(event, handled) || `; add \`${event}: { to: … }\` under \`on:\``}`,
      'value',
    );
  }
}

/** Every `to:` and `done:` names an existing state. */
export function checkTargets(tree: StateTree, ctx: CheckContext): void {
  const names = [...tree.byName.keys()];
  for (const t of tree.transitions) {
    if (t.to !== undefined && !tree.byName.has(t.to) && !ctx.hasSchemaError(t.path, 'to')) {
      ctx.error([...t.path, 'to'], `state '${t.to}' does not exist${didYouMean(t.to, names)}`, 'value');
    }
  }
  for (const s of tree.all) {
    const done = str(s.raw['done']);
    if (done !== undefined && s.children.length > 0 && !tree.byName.has(done) && !ctx.hasSchemaError(s.path, 'done')) {
      ctx.error([...s.path, 'done'], `state '${done}' does not exist${didYouMean(done, names)}`, 'value');
    }
  }
}
