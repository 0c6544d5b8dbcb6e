/** Titles and choices the pages take from procedure definitions (via the catalogue). */
import { vnDate } from '../clock/index.js';
import type { ProcedureDefinition, StateNode } from '../definitions/schema.js';
import type { CaseView } from '../service/case-view.js';
import type { WebDeps } from './deps.js';
import { SYSTEM_EVENT_LABELS } from './labels.js';

/** Every state of a definition, nested ones included, in document order. */
export function allStates(def: ProcedureDefinition): { name: string; node: StateNode; depth: number; parent: string | null }[] {
  const out: { name: string; node: StateNode; depth: number; parent: string | null }[] = [];
  const visit = (states: Record<string, StateNode>, depth: number, parent: string | null) => {
    for (const [name, node] of Object.entries(states)) {
      out.push({ name, node, depth, parent });
      if (node.states) visit(node.states, depth + 1, name);
    }
  };
  visit(def.states, 0, null);
  return out;
}

/** A state's title, or its name. */
export function stateTitleIn(def: ProcedureDefinition | undefined, name: string): string {
  if (!def) return name;
  return allStates(def).find((s) => s.name === name)?.node.title ?? name;
}

/** The title of the event `type` somewhere in the definition (first found), or a system label. */
export function eventTitleIn(def: ProcedureDefinition | undefined, type: string): string {
  const system = SYSTEM_EVENT_LABELS[type];
  if (system) return system;
  if (def) {
    for (const s of allStates(def)) {
      const t = s.node.on?.[type];
      const list = t === undefined ? [] : Array.isArray(t) ? t : [t];
      const title = list.find((x) => x.title)?.title;
      if (title) return title;
    }
  }
  return type;
}

/** The definition a case was opened under. */
export function definitionOf(deps: WebDeps, c: { procedure: { id: string; version: number } }): ProcedureDefinition | undefined {
  return deps.catalog.get(c.procedure.id, c.procedure.version)?.definition;
}

/** The title of a case's current state. */
export function stateTitle(deps: WebDeps, c: CaseView): string {
  const def = definitionOf(deps, c);
  return c.active_states.map((s) => stateTitleIn(def, s)).join(' · ') || stateTitleIn(def, c.state);
}

/** The version of each procedure in force today (or its newest), for choosers. */
export function procedureOptions(deps: WebDeps): { id: string; title: string; version: number; def: ProcedureDefinition }[] {
  const today = vnDate(deps.clock.now());
  const out: { id: string; title: string; version: number; def: ProcedureDefinition }[] = [];
  for (const id of deps.catalog.ids()) {
    const entry = deps.catalog.inForce(id, today) ?? deps.catalog.versionsOf(id).at(-1);
    if (entry) out.push({ id, title: entry.definition.title, version: entry.definition.version, def: entry.definition });
  }
  return out.sort((a, b) => a.title.localeCompare(b.title, 'vi'));
}

/** States to filter by: one procedure's, or the union of every procedure's (by name). */
export function stateOptions(deps: WebDeps, procedureId: string | undefined): { name: string; title: string }[] {
  const seen = new Map<string, string>();
  for (const p of procedureOptions(deps)) {
    if (procedureId !== undefined && p.id !== procedureId) continue;
    for (const s of allStates(p.def)) if (!s.node.final && !seen.has(s.name)) seen.set(s.name, s.node.title ?? s.name);
  }
  return [...seen].map(([name, title]) => ({ name, title }));
}
