/**
 * A procedure as a Mermaid `stateDiagram-v2`, for `motcua diagram` and the procedure API.
 * Compound states nest as `state x { … }`, parallel regions are separated by `--`, final
 * states lead to `[*]`, and each transition is labelled with its event and roles.
 */
import type { ProcedureDefinition } from '../definitions/schema.js';
import { ancestry, buildModel, type ProcedureModel } from './model.js';

/** Mermaid ids allow letters, digits and `_`; state names also allow `-`. */
function createIds(model: ProcedureModel): Map<string, string> {
  const ids = new Map<string, string>();
  const names = [...model.states.keys()];
  // Names Mermaid reads as they are keep their spelling; only names with '-' are rewritten.
  const used = new Set(names.filter((n) => !n.includes('-')));
  for (const name of names) {
    if (!name.includes('-')) {
      ids.set(name, name);
      continue;
    }
    const base = name.replace(/-/g, '_');
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(name, id);
  }
  return ids;
}

/** Keeps a label on one line and away from Mermaid's statement separators. */
function clean(text: string): string {
  return text.replace(/[;#]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The composite state an edge between `a` and `b` must be written in (null: the top level). */
function edgeContainer(model: ProcedureModel, a: string, b: string): string | null {
  const outerOfA = ancestry(model, a).slice(1);
  const outerOfB = new Set(ancestry(model, b).slice(1));
  let container = outerOfA.find((n) => outerOfB.has(n)) ?? null;
  // Between regions of a parallel state there is no place for an edge; draw it one level out.
  while (container !== null && model.states.get(container)?.node.type === 'parallel') {
    container = model.states.get(container)?.parent ?? null;
  }
  return container;
}

/** Renders the definition as Mermaid `stateDiagram-v2` text. */
export function toMermaid(def: ProcedureDefinition): string {
  const model = buildModel(def);
  const ids = createIds(model);
  const id = (name: string): string => ids.get(name) ?? name;

  const edges = new Map<string | null, string[]>();
  const addEdge = (container: string | null, line: string): void => {
    const list = edges.get(container) ?? [];
    if (!list.includes(line)) list.push(line);
    edges.set(container, list);
  };
  for (const info of model.states.values()) {
    const timers = new Map(Object.entries(info.node.after ?? {}).map(([duration, event]) => [event, duration]));
    for (const [event, infos] of model.bySource.get(info.name) ?? []) {
      for (const t of infos) {
        const target = t.def.to ?? info.name;
        const roles = t.def.roles ?? [];
        const delay = timers.get(event);
        const who = roles.length > 0 ? roles.join(', ') : delay !== undefined ? `after ${delay.trim()}` : 'system';
        const guard = t.def.when !== undefined ? ' [guarded]' : '';
        addEdge(edgeContainer(model, info.name, target), `${id(info.name)} --> ${id(target)} : ${event} (${clean(who)})${guard}`);
      }
    }
    if (info.node.done !== undefined) {
      addEdge(edgeContainer(model, info.name, info.node.done), `${id(info.name)} --> ${id(info.node.done)} : done`);
    }
  }

  const lines = ['stateDiagram-v2'];
  const render = (container: string | null, children: string[], initial: string | undefined, depth: number): void => {
    const pad = '    '.repeat(depth);
    if (initial !== undefined) lines.push(`${pad}[*] --> ${id(initial)}`);
    for (const name of children) {
      const node = model.states.get(name)?.node;
      if (node === undefined) continue;
      if (node.title !== undefined) lines.push(`${pad}${id(name)} : ${clean(node.title)}`);
      const inner = Object.keys(node.states ?? {});
      if (inner.length > 0) {
        lines.push(`${pad}state ${id(name)} {`);
        if (node.type === 'parallel') {
          inner.forEach((region, i) => {
            if (i > 0) lines.push(`${pad}    --`);
            const regionNode = model.states.get(region)?.node;
            const regionChildren = Object.keys(regionNode?.states ?? {});
            if (regionChildren.length === 0) {
              lines.push(`${pad}    ${id(region)}`);
              return;
            }
            lines.push(`${pad}    state ${id(region)} {`);
            render(region, regionChildren, regionNode?.initial ?? regionChildren[0], depth + 2);
            lines.push(`${pad}    }`);
          });
        } else {
          render(name, inner, node.initial ?? inner[0], depth + 1);
        }
        lines.push(`${pad}}`);
      }
      if (node.final === true) lines.push(`${pad}${id(name)} --> [*]`);
    }
    for (const line of edges.get(container) ?? []) lines.push(`${pad}${line}`);
  };
  render(null, model.roots, def.initial, 1);
  return `${lines.join('\n')}\n`;
}
