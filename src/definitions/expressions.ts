/**
 * Guard and rule conditions are CEL (Common Expression Language) evaluated by
 * @marcbachmann/cel-js: no `eval`, no `new Function`, no loops, bounded AST size, so an
 * administrator's typo can never run code or hang the server.
 */
import { Environment } from '@marcbachmann/cel-js';

/** What a guard sees: the dossier data, the event input, and case facts (channel, flags). */
export interface GuardContext {
  data: Record<string, unknown>;
  input: Record<string, unknown>;
  case: Record<string, unknown>;
}

/** A parsed, reusable expression. */
export interface CompiledExpression {
  readonly source: string;
  evaluate(context: GuardContext): unknown;
}

const env = new Environment({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
  limits: { maxAstNodes: 2_000, maxDepth: 32 },
});

/** Parses a CEL expression; on failure returns the message and the 0-based offset in `source`. */
export function parseExpression(
  source: string,
): { ok: true; expression: CompiledExpression } | { ok: false; message: string; offset: number } {
  try {
    const program = env.parse(source);
    return { ok: true, expression: { source, evaluate: (ctx) => program(ctx as unknown as Record<string, unknown>) } };
  } catch (e) {
    const err = e as { summary?: string; message?: string; range?: { start: number }; node?: { pos?: number } };
    const offset = err.range?.start ?? err.node?.pos ?? 0;
    const message = err.summary ?? String(err.message ?? e).split('\n')[0] ?? 'invalid expression';
    return { ok: false, message, offset: Math.max(0, Math.min(offset, source.length)) };
  }
}

/**
 * Evaluates a guard. A guard is satisfied only by `true`; an evaluation error (a missing
 * field, a type mismatch) is not a crash but a refusal with its reason.
 */
export function evaluateGuard(expression: CompiledExpression, context: GuardContext): { pass: boolean; reason?: string } {
  try {
    const value = expression.evaluate(context);
    if (value === true) return { pass: true };
    return { pass: false, reason: `condition '${expression.source}' is not met` };
  } catch (e) {
    const err = e as { summary?: string; message?: string };
    const why = err.summary ?? String(err.message ?? e).split('\n')[0];
    return { pass: false, reason: `condition '${expression.source}' could not be evaluated: ${why}` };
  }
}
