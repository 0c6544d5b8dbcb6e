/**
 * Scenarios beside each procedure: reading them (safely, with line:col findings), replaying
 * them through the engine, and measuring which transitions they took. The engine is passed in
 * (a port), so definitions stay free of XState and the replay uses the very `step` the server uses.
 */
import type { z } from 'zod';
import { compileDataSchema, inputJsonSchema } from './data-schema.js';
import { evaluateGuard, parseExpression } from './expressions.js';
import { hasErrors, sortFindings, type Finding } from './findings.js';
import { Scenarios, type ScenarioDef, type ScenariosFile, type ScenarioStepDef } from './scenario-schema.js';
import type { ProcedureDefinition, StateNode, TransitionDef } from './schema.js';
import { parseYamlSource, type ParsedYaml, type YamlPath } from './yaml-source.js';

/** Who a scenario step acts as: an officer holding one role, or the system firing a timer. */
export interface ScenarioActor {
  id: string;
  roles: string[];
  system?: boolean;
}

/** What guards read besides the input. */
export interface ScenarioFacts {
  data: Record<string, unknown>;
  case: Record<string, unknown>;
}

/** The two engine calls a replay needs; `src/engine` satisfies it. */
export interface ScenarioEngine<S> {
  startCase(def: ProcedureDefinition, facts: ScenarioFacts, now: Date): { snapshot: S; active: string[] };
  step(
    def: ProcedureDefinition,
    snapshot: S,
    event: { type: string; input?: Record<string, unknown> | undefined },
    actor: ScenarioActor,
    facts: ScenarioFacts,
    now: Date,
  ): { ok: true; snapshot: S; from: string[]; to: string[] } | { ok: false; code: string; message: string };
}

/** Parses a scenarios file; never throws. Findings are sorted by position; `scenarios` is null when any is an error. */
export function parseScenariosSource(source: string | Uint8Array, path: string): { scenarios: ScenariosFile | null; findings: Finding[] } {
  const doc = parseYamlSource(source, path);
  if (doc.value === undefined) return { scenarios: null, findings: doc.findings };
  const checked = scenariosFromDocument(doc, path);
  // A duplicate key is an error that still yields a value; a file with any error is not replayed.
  const findings = sortFindings([...doc.findings, ...checked.findings]);
  return { scenarios: hasErrors(findings) ? null : checked.scenarios, findings };
}

/**
 * The scenarios checker for `checkPaths` (`registerDocumentChecker('scenarios', checkScenariosDocument)`):
 * the schema findings of an already parsed scenarios file.
 */
export function checkScenariosDocument(doc: ParsedYaml, path: string): Finding[] {
  return scenariosFromDocument(doc, path).findings;
}

function scenariosFromDocument(doc: ParsedYaml, path: string): { scenarios: ScenariosFile | null; findings: Finding[] } {
  const result = Scenarios.safeParse(doc.value);
  if (result.success) return { scenarios: result.data, findings: [] };
  const findings: Finding[] = [];
  for (const issue of result.error.issues) {
    const at: YamlPath = issue.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
    const keys = issue.code === 'unrecognized_keys' ? (issue as z.core.$ZodIssueUnrecognizedKeys).keys : [];
    if (keys.length > 0) {
      for (const key of keys) {
        const pos = doc.locate([...at, key]);
        findings.push({ path, ...pos, severity: 'error', message: `unknown key '${key}'${where(at)}` });
      }
      continue;
    }
    const pos = doc.locate(at);
    findings.push({ path, ...pos, severity: 'error', message: `${issue.message}${where(at)}` });
  }
  return { scenarios: null, findings };
}

function where(at: YamlPath): string {
  return at.length === 0 ? '' : ` (at ${at.join('.')})`;
}

/** The dossier data of one scenario: the file's shared data with the scenario's fields laid over it. */
export function scenarioData(file: ScenariosFile, scenario: ScenarioDef): Record<string, unknown> {
  return { ...(file.data ?? {}), ...(scenario.data ?? {}) };
}

interface TreeEntry {
  node: StateNode;
  parent: string | null;
}

function stateTree(def: ProcedureDefinition): Map<string, TreeEntry> {
  const tree = new Map<string, TreeEntry>();
  const visit = (states: Record<string, StateNode>, parent: string | null): void => {
    for (const [name, node] of Object.entries(states)) {
      tree.set(name, { node, parent });
      if (node.states) visit(node.states, name);
    }
  };
  visit(def.states, null);
  return tree;
}

function ancestry(tree: Map<string, TreeEntry>, name: string): string[] {
  const chain: string[] = [];
  for (let current: string | null = name; current !== null; current = tree.get(current)?.parent ?? null) chain.push(current);
  return chain;
}

function alternatives(list: TransitionDef | TransitionDef[]): TransitionDef[] {
  return Array.isArray(list) ? list : [list];
}

/**
 * Every transition of a procedure, as `state:EVENT:index` (index of the guarded alternative),
 * plus `state:done` for compound and parallel states that move on when their children finish.
 */
export function transitionKeys(def: ProcedureDefinition): string[] {
  const keys: string[] = [];
  for (const [name, { node }] of stateTree(def)) {
    for (const [event, list] of Object.entries(node.on ?? {})) {
      alternatives(list).forEach((_, index) => keys.push(`${name}:${event}:${index}`));
    }
    if (node.done !== undefined) keys.push(`${name}:done`);
  }
  return keys;
}

/** A transition key in words, for a coverage report. */
export function describeTransitionKey(def: ProcedureDefinition, key: string): string {
  const tree = stateTree(def);
  const [state = '', event = '', index] = key.split(':');
  const node = tree.get(state)?.node;
  if (event === 'done') return `'${state}' → '${node?.done ?? '?'}' when its children finish`;
  const list = node?.on?.[event];
  const alts = list === undefined ? [] : alternatives(list);
  const t = alts[Number(index)];
  const alt = alts.length > 1 ? ` (alternative ${Number(index) + 1}${t?.when !== undefined ? `, when ${t.when}` : ''})` : '';
  return `'${state}' --${event}--> '${t?.to ?? state}'${alt}`;
}

function allows(t: TransitionDef, actor: ScenarioActor): boolean {
  const roles = t.roles ?? [];
  if (roles.length === 0) return actor.system === true;
  return actor.system !== true && roles.some((r) => actor.roles.includes(r));
}

function passes(t: TransitionDef, actor: ScenarioActor, input: Record<string, unknown>, facts: ScenarioFacts): boolean {
  if (!allows(t, actor)) return false;
  if (compileDataSchema(inputJsonSchema(t.input))(input).length > 0) return false;
  if (t.when === undefined) return true;
  const parsed = parseExpression(t.when);
  return parsed.ok && evaluateGuard(parsed.expression, { data: facts.data, input, case: facts.case }).pass;
}

/**
 * The transitions a successful step took: per active leaf, the first alternative (own state
 * first, then ancestors) that the actor may send with this input and whose guard holds, the
 * order the engine selects in; plus the `done` transitions of states the step finished.
 */
function takenKeys(
  tree: Map<string, TreeEntry>,
  from: readonly string[],
  to: readonly string[],
  event: string,
  actor: ScenarioActor,
  input: Record<string, unknown>,
  facts: ScenarioFacts,
): string[] {
  const taken: { key: string; source: string; target: string | undefined }[] = [];
  for (const leaf of from) {
    search: for (const name of ancestry(tree, leaf)) {
      const list = tree.get(name)?.node.on?.[event];
      if (list === undefined) continue;
      for (const [index, t] of alternatives(list).entries()) {
        if (passes(t, actor, input, facts)) {
          taken.push({ key: `${name}:${event}:${index}`, source: name, target: t.to });
          break search;
        }
      }
    }
  }
  const keys = new Set(taken.map((t) => t.key));
  for (const [name, { node }] of tree) {
    if (node.done === undefined) continue;
    const inside = (leaf: string): boolean => ancestry(tree, leaf).includes(name);
    const stayedInside = taken.every((t) => t.target === undefined || inside(t.target));
    const reachedDone = to.some((leaf) => ancestry(tree, leaf).includes(node.done as string));
    if (stayedInside && from.some(inside) && !to.some(inside) && reachedDone) keys.add(`${name}:done`);
  }
  return [...keys];
}

/** The outcome of replaying one scenario. */
export interface ScenarioReplay {
  name: string;
  /** Empty when every step did what the scenario says; replay stops at the first failure. */
  failures: string[];
  /** Transition keys taken (see {@link transitionKeys}). */
  taken: Set<string>;
  /** Steps actually run. */
  steps: number;
}

function sameStates(expected: string | string[], actual: readonly string[]): boolean {
  const want = [...new Set(typeof expected === 'string' ? [expected] : expected)].sort();
  const got = [...new Set(actual)].sort();
  return want.length === got.length && want.every((s, i) => s === got[i]);
}

function describeStep(step: ScenarioStepDef): string {
  return step.timer !== undefined ? `timer ${step.timer}` : `${step.send ?? '?'} as ${step.as ?? '?'}`;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Replays one scenario through the engine: opens a case with the scenario's data, sends each
 * step's event as its role (or as the system for timers), and compares what happens with
 * `expect` / `refused`. Step i happens `i` hours after `start`.
 */
export function replayScenario<S>(
  def: ProcedureDefinition,
  file: ScenariosFile,
  scenario: ScenarioDef,
  engine: ScenarioEngine<S>,
  start: Date = new Date('2025-07-07T01:00:00Z'),
): ScenarioReplay {
  const tree = stateTree(def);
  const facts: ScenarioFacts = { data: scenarioData(file, scenario), case: scenario.case ?? {} };
  const replay: ScenarioReplay = { name: scenario.name, failures: [], taken: new Set(), steps: 0 };
  const opened = engine.startCase(def, facts, start);
  const expectedStart = scenario.start ?? def.initial;
  if (!sameStates(expectedStart, opened.active)) {
    replay.failures.push(`opens in [${opened.active.join(', ')}], expected [${[expectedStart].flat().join(', ')}]`);
    return replay;
  }
  let snapshot = opened.snapshot;
  let active = opened.active;
  for (const [i, step] of scenario.steps.entries()) {
    replay.steps = i + 1;
    const label = `step ${i + 1} (${describeStep(step)})`;
    const actor: ScenarioActor =
      step.timer !== undefined ? { id: 'system', roles: [], system: true } : { id: `scenario-${step.as ?? ''}`, roles: step.as === undefined ? [] : [step.as] };
    const type = step.timer ?? step.send ?? '';
    const input = step.input ?? {};
    const result = engine.step(def, snapshot, { type, input }, actor, facts, new Date(start.getTime() + (i + 1) * HOUR_MS));
    if (result.ok) {
      if (step.refused !== undefined) {
        replay.failures.push(`${label}: expected refusal '${step.refused}', but moved from [${result.from.join(', ')}] to [${result.to.join(', ')}]`);
        return replay;
      }
      for (const key of takenKeys(tree, result.from, result.to, type, actor, input, facts)) replay.taken.add(key);
      if (step.expect !== undefined && !sameStates(step.expect, result.to)) {
        replay.failures.push(`${label}: reached [${result.to.join(', ')}], expected [${[step.expect].flat().join(', ')}]`);
        return replay;
      }
      snapshot = result.snapshot;
      active = result.to;
    } else {
      if (step.refused === undefined) {
        replay.failures.push(`${label}: refused (${result.code}: ${result.message}) in [${active.join(', ')}], expected [${[step.expect ?? []].flat().join(', ')}]`);
        return replay;
      }
      if (result.code !== step.refused) {
        replay.failures.push(`${label}: refused with '${result.code}' (${result.message}), expected '${step.refused}'`);
        return replay;
      }
    }
  }
  return replay;
}
