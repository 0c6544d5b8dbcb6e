/**
 * Checking guard and rule conditions: they must parse (reported at the character inside the
 * YAML scalar), name only the variables a guard can see (`data`, `input`, `case`), use functions
 * that exist, and give true or false. A condition that fails any of these would refuse every
 * dossier at run time, so it is an error now rather than a surprise later.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { CheckContext } from './check-context.js';
import { parseExpression } from './expressions.js';
import type { YamlPath } from './yaml-source.js';

// Same options and limits as the evaluating environment, with the three variables declared so typos are caught.
const typeEnv = new Environment({ homogeneousAggregateLiterals: false, limits: { maxAstNodes: 2_000, maxDepth: 32 } })
  .registerVariable('data', 'dyn')
  .registerVariable('input', 'dyn')
  .registerVariable('case', 'dyn');

/** What is wrong with a condition's text, wherever it is written; undefined when it is sound. */
interface Flaw {
  kind: 'parse' | 'type';
  message: string;
  offset: number;
}

/**
 * Verdicts by source text: a procedure repeats the same guard on many transitions, and parsing
 * plus type-checking costs far more than a lookup. Pure, so shared; bounded like the schema cache.
 */
const verdicts = new Map<string, Flaw | undefined>();
const MAX_VERDICTS = 2_000;

/** Checks one condition at `at`; `what` names it in the message ("guard", "deadline rule"). */
export function checkCondition(at: YamlPath, source: unknown, what: string, ctx: CheckContext): void {
  if (typeof source !== 'string' || source.length === 0 || ctx.hasSchemaError(at)) return;
  const flaw = verdictOf(source);
  if (flaw === undefined) return;
  const shown = source.replace(/\s+/g, ' ').trim();
  const message = flaw.kind === 'parse' ? `${what} '${shown}' does not parse: ${flaw.message}` : `${what} '${shown}': ${flaw.message}`;
  ctx.errorAt(ctx.doc.locateInScalar(at, flaw.offset), message);
}

function verdictOf(source: string): Flaw | undefined {
  if (verdicts.has(source)) return verdicts.get(source);
  const parsed = parseExpression(source);
  let flaw: Flaw | undefined;
  if (!parsed.ok) flaw = { kind: 'parse', message: `${parsed.message}${syntaxHint(source, parsed.offset)}`, offset: parsed.offset };
  else {
    const typed = typeCheck(source);
    if (!typed.ok) flaw = { kind: 'type', message: typed.message, offset: typed.offset };
  }
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(source, flaw);
  return flaw;
}

function typeCheck(source: string): { ok: true } | { ok: false; message: string; offset: number } {
  let result: ReturnType<typeof typeEnv.check>;
  try {
    result = typeEnv.check(source);
  } catch {
    // The parser accepted it; a checker limitation must not block a definition.
    return { ok: true };
  }
  if (result.valid) {
    if (result.type === 'bool' || result.type === 'dyn') return { ok: true };
    return { ok: false, message: `a condition must be true or false, but this gives ${article(result.type ?? 'a value')}; compare it, e.g. with == or >`, offset: 0 };
  }
  const err = result.error as { summary?: string; message?: string; code?: string; range?: { start: number } } | undefined;
  const summary = err?.summary ?? err?.message?.split('\n')[0] ?? 'invalid condition';
  const offset = err?.range?.start ?? 0;
  if (err?.code === 'unknown_variable') {
    return { ok: false, message: `${summary}; a condition can read only \`data\`, \`input\` and \`case\``, offset };
  }
  return { ok: false, message: summary, offset };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The slips people coming from other languages make most often. */
function syntaxHint(source: string, offset: number): string {
  if (source[offset] === '=' && source[offset + 1] !== '=' && !'=!<>'.includes(source[offset - 1] ?? '')) return '; compare with `==`';
  if (/\b(and|or|not)\b/.test(source)) return '; CEL writes `&&`, `||` and `!`';
  if (source.includes("'") && source.includes('"')) return '; check that every string is closed with the quote it opened with';
  return '; conditions are CEL over `data`, `input` and `case`, e.g. data.checked == true';
}
