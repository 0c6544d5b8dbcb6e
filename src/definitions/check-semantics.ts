/**
 * The checks beyond the schema and the state graph: roles are declared, conditions are sound
 * (check-expressions.ts), durations parse, JSON Schemas compile with Ajv, and
 * warnings for definitions that would run but surely not as meant.
 */
import { parseDuration } from '../calendar/duration.js';
import type { CheckContext } from './check-context.js';
import { checkCondition } from './check-expressions.js';
import { checkGraph } from './check-graph.js';
import { checkStructure, checkTargets, collectStates, isRecord, type StateInfo, type StateTree } from './check-states.js';
import { dataSchemaProblems } from './data-schema.js';
import { didYouMean, suggest } from './suggest.js';
import type { YamlPath } from './yaml-source.js';

/** Runs every semantic check of a procedure on its raw (possibly schema-invalid) value. */
export function checkProcedureSemantics(value: unknown, ctx: CheckContext): void {
  if (!isRecord(value)) return;
  const tree = collectStates(value, ctx);
  const initial = checkStructure(value, tree, ctx);
  checkTargets(tree, ctx);
  checkGraph(tree, initial, ctx);
  checkRoles(value, tree, ctx);
  checkExpressions(value, tree, ctx);
  checkDurations(value, tree, ctx);
  checkSchemas(value, tree, ctx);
  checkUsefulness(tree, ctx);
}

function checkRoles(root: Record<string, unknown>, tree: StateTree, ctx: CheckContext): void {
  const declared = Array.isArray(root['roles']) ? root['roles'].filter((r): r is string => typeof r === 'string') : [];
  const seen = new Set<string>();
  declared.forEach((role, i) => {
    if (seen.has(role)) ctx.error(['roles', i], `role '${role}' is declared twice; remove one`, 'value');
    seen.add(role);
  });
  for (const t of tree.transitions) {
    const roles = t.raw['roles'];
    if (!Array.isArray(roles)) continue;
    roles.forEach((role, i) => {
      if (typeof role !== 'string' || seen.has(role)) return;
      const at = [...t.path, 'roles', i];
      if (ctx.hasSchemaError(at)) return;
      const hint = didYouMean(role, declared) || '; add it to `roles:` at the top of the procedure';
      ctx.error(at, `role '${role}' is not declared in \`roles:\`${hint}`, 'value');
    });
  }
}

function checkExpressions(root: Record<string, unknown>, tree: StateTree, ctx: CheckContext): void {
  for (const t of tree.transitions) if (t.raw['when'] !== undefined) checkCondition([...t.path, 'when'], t.raw['when'], 'guard', ctx);
  const deadline = root['deadline'];
  if (isRecord(deadline) && Array.isArray(deadline['rules'])) {
    deadline['rules'].forEach((rule, i) => {
      if (isRecord(rule)) checkCondition(['deadline', 'rules', i, 'when'], rule['when'], 'deadline rule', ctx);
    });
  }
}

function checkDurations(root: Record<string, unknown>, tree: StateTree, ctx: CheckContext): void {
  const check = (at: YamlPath, text: unknown, which: 'key' | 'value'): void => {
    if (typeof text !== 'string' || ctx.hasSchemaError(at)) return;
    const parsed = parseDuration(text);
    if (!parsed.ok) ctx.error(at, parsed.message, which);
  };
  const deadline = root['deadline'];
  if (typeof deadline === 'string') check(['deadline'], deadline, 'value');
  else if (isRecord(deadline)) {
    check(['deadline', 'default'], deadline['default'], 'value');
    if (Array.isArray(deadline['rules'])) {
      deadline['rules'].forEach((rule, i) => {
        if (isRecord(rule)) check(['deadline', 'rules', i, 'duration'], rule['duration'], 'value');
      });
    }
  }
  for (const s of tree.all) {
    if (s.raw['target'] !== undefined) check([...s.path, 'target'], s.raw['target'], 'value');
    const after = s.raw['after'];
    if (isRecord(after)) for (const delay of Object.keys(after)) check([...s.path, 'after', delay], delay, 'key');
  }
}

function checkSchemas(root: Record<string, unknown>, tree: StateTree, ctx: CheckContext): void {
  const data = root['data'];
  if (isRecord(data) && !ctx.hasSchemaError(['data'])) {
    if (data['type'] !== undefined && data['type'] !== 'object') {
      ctx.error(['data', 'type'], 'the dossier data is a mapping of fields, so its schema must have `type: object`', 'value');
    } else reportSchemaProblems(['data'], data, ctx);
  }
  for (const t of tree.transitions) {
    const input = t.raw['input'];
    const properties = isRecord(input) ? input['properties'] : undefined;
    if (!isRecord(properties)) continue;
    for (const [field, schema] of Object.entries(properties)) {
      const at = [...t.path, 'input', 'properties', field];
      if (isRecord(schema) && !ctx.hasSchemaError(at)) reportSchemaProblems(at, schema, ctx);
    }
  }
}

function reportSchemaProblems(at: YamlPath, schema: Record<string, unknown>, ctx: CheckContext): void {
  for (const problem of dataSchemaProblems(schema)) {
    const segments = problem.pointer === '' ? [] : problem.pointer.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    ctx.error([...at, ...segments], `JSON Schema: ${problem.message}`, problem.at);
  }
}

/** Warnings: the definition is valid but something in it can never happen. */
function checkUsefulness(tree: StateTree, ctx: CheckContext): void {
  if (tree.all.length > 0 && !tree.transitions.some((t) => t.raw['starts_clock'] === true)) {
    ctx.warn(['states'], 'no transition has `starts_clock: true`, so the statutory deadline never starts; mark the transition that receives a complete dossier (e.g. ACCEPT)');
  }
  for (const t of tree.transitions) {
    const roles = t.raw['roles'];
    if ((Array.isArray(roles) ? roles.length > 0 : roles !== undefined) || ctx.hasSchemaError(t.path)) continue;
    const subtree = withDescendants(t.state);
    const afterEvents = subtree.flatMap((s) => (isRecord(s.raw['after']) ? Object.values(s.raw['after']) : []));
    // A mistyped `after` event is already an error; the event it meant is not also "never sent".
    const sent = afterEvents.some((e) => e === t.event || (typeof e === 'string' && suggest(e, [t.event]) === t.event));
    if (!sent) {
      ctx.warn(t.path, `nobody can send '${t.event}' in state '${t.state.name}': it has no \`roles:\` and no \`after:\` of this state sends it; add \`roles:\` or an \`after:\` entry`);
    }
  }
}

/** A state and every state nested in it, in document order. */
function withDescendants(state: StateInfo): StateInfo[] {
  const out: StateInfo[] = [];
  const visit = (s: StateInfo): void => {
    out.push(s);
    for (const c of s.children) visit(c);
  };
  visit(state);
  return out;
}
