/**
 * The state graph checks: every state can be reached from the initial state, every state has a
 * way out, and a final state can be reached from every state. A mistyped target is followed to
 * the state it evidently meant, and a transition whose target cannot be told counts as "leads
 * somewhere", so one typo gives one finding, not a cascade.
 */
import type { CheckContext } from './check-context.js';
import { availableTransitions, lineage, type StateInfo, type StateTree, type TransitionInfo } from './check-states.js';
import { suggest } from './suggest.js';
import type { YamlPath } from './yaml-source.js';

type Target = StateInfo | 'unknown' | undefined;

/** The procedure's edges, resolved once. */
interface Graph {
  targetOf: Map<TransitionInfo, Target>;
  doneOf: Map<StateInfo, Target>;
  entryOf: Map<StateInfo, Target>;
  available: Map<StateInfo, TransitionInfo[]>;
  /** Some edge leads to an unknown state: reachability cannot be judged. */
  incomplete: boolean;
}

const known = (x: Target): StateInfo | undefined => (x === 'unknown' ? undefined : x);

/** Runs the graph checks; `initial` is the procedure's initial state when it is valid. */
export function checkGraph(tree: StateTree, initial: StateInfo | undefined, ctx: CheckContext): void {
  const graph = resolveGraph(tree, ctx);
  if (initial && !graph.incomplete) reportUnreachable(tree, initial, graph, ctx);
  reportDeadEnds(tree, graph, ctx);
}

function resolveGraph(tree: StateTree, ctx: CheckContext): Graph {
  const names = [...tree.byName.keys()];
  const resolveName = (name: unknown, at: YamlPath, key: string): Target => {
    if (name === undefined) return undefined;
    if (typeof name !== 'string' || ctx.hasSchemaError(at, key)) return 'unknown';
    const found = tree.byName.get(name);
    if (found) return found;
    const guess = suggest(name, names);
    return guess === undefined ? 'unknown' : tree.byName.get(guess);
  };
  const targetOf = new Map<TransitionInfo, Target>(
    tree.transitions.map((t) => [t, ctx.hasSchemaError(t.path) ? 'unknown' : resolveName(t.raw['to'], t.path, 'to')]),
  );
  // A missing `done` where one is required is already an error; where it would lead is unknown, not nowhere.
  const needsDone = (s: StateInfo): boolean => s.parallel || (!s.parent?.parallel && s.children.some((c) => c.final));
  const doneOf = new Map<StateInfo, Target>(
    tree.all
      .filter((s) => s.children.length > 0)
      .map((s) => [s, s.raw['done'] === undefined && needsDone(s) ? 'unknown' : resolveName(s.raw['done'], s.path, 'done')]),
  );
  // A compound state's entry child, by name or by evident typo.
  const entryOf = new Map<StateInfo, Target>(
    tree.all
      .filter((s) => s.children.length > 0 && !s.parallel)
      .map((s) => {
        const name = s.raw['initial'];
        const childNames = s.children.map((c) => c.name);
        const chosen = typeof name === 'string' ? (childNames.includes(name) ? name : suggest(name, childNames)) : undefined;
        return [s, s.children.find((c) => c.name === chosen) ?? 'unknown'];
      }),
  );
  const available = new Map(tree.all.map((s) => [s, availableTransitions(s)] as const));
  const incomplete = tree.all.some((s) => s.unreadable) || [...targetOf.values(), ...doneOf.values(), ...entryOf.values()].includes('unknown');
  return { targetOf, doneOf, entryOf, available, incomplete };
}

function reportUnreachable(tree: StateTree, initial: StateInfo, graph: Graph, ctx: CheckContext): void {
  const reached = new Set<StateInfo>();
  const defaulted = new Set<StateInfo>();
  const queue: StateInfo[] = [];
  const mark = (s: StateInfo): void => {
    if (!reached.has(s)) {
      reached.add(s);
      queue.push(s);
    }
  };
  // Entering a compound state enters its initial child; entering a parallel state enters every region.
  const enterDefault = (s: StateInfo): void => {
    if (defaulted.has(s)) return;
    defaulted.add(s);
    mark(s);
    const next = s.parallel ? s.children : [known(graph.entryOf.get(s))];
    for (const c of next) if (c) enterDefault(c);
  };
  // Entering a nested state enters its ancestors, and the other regions of any parallel ancestor.
  const enter = (t: StateInfo): void => {
    let child = t;
    for (let a = t.parent; a; child = a, a = a.parent) {
      mark(a);
      if (a.parallel) for (const r of a.children) if (r !== child) enterDefault(r);
    }
    enterDefault(t);
  };
  enter(initial);
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    for (const t of s.transitions) {
      const to = known(graph.targetOf.get(t));
      if (to) enter(to);
    }
    const done = known(graph.doneOf.get(s));
    if (done) enter(done);
  }
  for (const s of tree.all) {
    if (!reached.has(s) && (!s.parent || reached.has(s.parent))) {
      ctx.error(s.path, `state '${s.name}' can never be reached from the initial state '${initial.name}': no transition leads to it; add one or remove the state`);
    }
  }
}

function reportDeadEnds(tree: StateTree, graph: Graph, ctx: CheckContext): void {
  const leadsSomewhereUnknown = (s: StateInfo): boolean =>
    lineage(s).some((a) => a.unreadable || graph.doneOf.get(a) === 'unknown') ||
    (graph.available.get(s) ?? []).some((t) => graph.targetOf.get(t) === 'unknown');

  const stuck = new Set<StateInfo>();
  for (const s of tree.all) {
    if (s.final || s.children.length > 0 || leadsSomewhereUnknown(s)) continue;
    if (!(graph.available.get(s) ?? []).some((t) => t.raw['to'] !== undefined && t.raw['to'] !== s.name)) {
      stuck.add(s);
      ctx.error(s.path, `state '${s.name}' has no way out: add a transition with \`to:\` under \`on:\`, or make it final (\`final: true\` with an \`outcome\`)`);
    }
  }

  // Walk backwards from the top-level final states; over-approximates parallel joins, which is enough to find dead ends.
  const predecessors = new Map<StateInfo, StateInfo[]>();
  const edge = (from: StateInfo, to: StateInfo | undefined): void => {
    if (!to) return;
    const list = predecessors.get(to);
    if (list) list.push(from);
    else predecessors.set(to, [from]);
  };
  for (const s of tree.all) {
    for (const t of graph.available.get(s) ?? []) edge(s, known(graph.targetOf.get(t)));
    if (s.parallel) for (const c of s.children) edge(s, c);
    else edge(s, known(graph.entryOf.get(s)));
    const parent = s.parent;
    if (s.final && parent) edge(s, known(graph.doneOf.get(parent)) ?? (parent.parent?.parallel ? known(graph.doneOf.get(parent.parent)) : undefined));
  }
  const good = new Set(tree.all.filter((s) => (s.final && !s.parent) || leadsSomewhereUnknown(s)));
  const queue = [...good];
  for (let i = 0; i < queue.length; i++) {
    for (const p of predecessors.get(queue[i]!) ?? []) {
      if (!good.has(p)) {
        good.add(p);
        queue.push(p);
      }
    }
  }
  for (const s of tree.all) {
    if (s.final || s.children.length > 0 || stuck.has(s) || good.has(s)) continue;
    ctx.error(s.path, `no final state can be reached from state '${s.name}': every path from here loops without closing the dossier; add a transition toward a final state`);
  }
}
