/**
 * Whether one transition alternative may be taken by this actor with this input and these
 * facts. The step's diagnostics and the compiled machine's named guards both call
 * {@link createTransitionChecker}, so the refusal a user reads and the transition XState takes can
 * never disagree.
 */
import { compileDataSchema, inputJsonSchema } from '../definitions/data-schema.js';
import { evaluateGuard, parseExpression, type CompiledExpression } from '../definitions/expressions.js';
import { MotcuaError } from '../errors/index.js';
import type { ProcedureDefinition } from '../definitions/schema.js';
import { matchRoles, type ProcedureModel, type TransitionInfo } from './model.js';
import type { Actor, Facts, FieldError } from './types.js';

/** The event object the compiled machine receives: the client's event plus who sends it and what guards read. */
export interface MachineEvent {
  type: string;
  input: Record<string, unknown>;
  facts: Facts;
  actor: Actor;
}

/** The verdict on one alternative, in the order the checks run. */
export type AlternativeCheck =
  | { ok: true; roles: string[] }
  | { ok: false; stage: 'forbidden' }
  | { ok: false; stage: 'validationFailed'; fieldErrors: FieldError[] }
  | { ok: false; stage: 'guardFailed'; reason: string };

export interface TransitionChecker {
  check(info: TransitionInfo, event: MachineEvent): AlternativeCheck;
  /** JSON Schema of the transition's input (additionalProperties false). */
  inputSchema(info: TransitionInfo): Record<string, unknown>;
}

/** Parses every guard now (a definition that fails here was never validated); input validators are compiled on first use. */
export function createTransitionChecker(def: ProcedureDefinition, model: ProcedureModel): TransitionChecker {
  const expressions = new Map<string, CompiledExpression>();
  for (const info of model.transitions.values()) {
    if (info.def.when === undefined) continue;
    const parsed = parseExpression(info.def.when);
    if (!parsed.ok) {
      throw new MotcuaError(
        'definitionInvalid',
        `procedure '${def.id}' v${def.version}: guard of ${info.event} in '${info.source}' does not parse: ${parsed.message}; run motcua validate`,
      );
    }
    expressions.set(info.key, parsed.expression);
  }
  // inputJsonSchema and compileDataSchema cache per spec object, and validators are built on
  // first use: compiling every input of a 500-state procedure up front would dominate start-up.
  const inputSchema = (info: TransitionInfo): Record<string, unknown> => inputJsonSchema(info.def.input);

  return {
    inputSchema,
    check(info, event) {
      const roles = matchRoles(info.def, event.actor);
      if (roles === null) return { ok: false, stage: 'forbidden' };
      const fieldErrors = compileDataSchema(inputSchema(info))(event.input);
      if (fieldErrors.length > 0) return { ok: false, stage: 'validationFailed', fieldErrors };
      const expression = expressions.get(info.key);
      if (expression !== undefined) {
        const verdict = evaluateGuard(expression, { data: event.facts.data, input: event.input, case: event.facts.case });
        if (!verdict.pass) return { ok: false, stage: 'guardFailed', reason: verdict.reason ?? `condition '${expression.source}' is not met` };
      }
      return { ok: true, roles };
    },
  };
}
