/**
 * The procedure language, defined once. `schemas/procedure.schema.json` is generated from
 * these zod schemas (`npm run schemas`), and the checker validates every YAML against them
 * before its semantic checks. docs/procedure-language.md is the reference for people.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from '../calendar/duration.js';

/** Lower-case slug: procedure ids, role ids, state names. */
const SLUG = /^[a-z][a-z0-9_-]*$/;
/** Event names are UPPER_SNAKE (ACCEPT, REQUEST_SUPPLEMENT). */
export const EVENT_NAME = /^[A-Z][A-Z0-9_]*$/;

export const Slug = z.string().regex(SLUG, 'use lower-case letters, digits, "-" and "_", starting with a letter').max(64);
export const EventName = z.string().regex(EVENT_NAME, 'event names are UPPER_SNAKE_CASE, e.g. ACCEPT or REQUEST_SUPPLEMENT').max(64);

export const DurationText = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), 'write e.g. "3 working days", "½ working day" or "4 working hours"')
  .describe('A working-time duration: "3 working days", "½ working day", "0.5 working days", "4 working hours".');

/** A guard or rule condition in CEL (Common Expression Language); never evaluated as JavaScript. */
export const Expression = z
  .string()
  .min(1)
  .max(2000)
  .describe('A CEL expression over `data` (the dossier data), `input` (the event input) and `case` (channel, flags). Example: data.checked == true');

/** National status codes of the one-stop portal (domain.md). */
export const StatusCode = z
  .number()
  .int()
  .min(1, 'national status codes are 1–10')
  .max(10, 'national status codes are 1–10')
  .describe('National status code: 1 Mới đăng ký, 2 Được tiếp nhận, 3 Không được tiếp nhận, 4 Đang xử lý, 5 Yêu cầu bổ sung, 6 Nghĩa vụ tài chính, 7 Rút hồ sơ, 8 Dừng xử lý, 9 Đã xử lý xong, 10 Đã trả kết quả');

/** A JSON Schema object, checked by the checker with Ajv (draft 2020-12) plus the `pii` keyword. */
export const JsonSchemaObject = z
  .record(z.string(), z.unknown())
  .describe('A JSON Schema (draft 2020-12). Mark personal fields with `pii: true`: they are masked in the audit log.');

/**
 * The input an event requires. Shorthand: `required: [reason]` declares a required text
 * field `reason`; `properties` give other fields a JSON Schema. Unknown fields are always rejected.
 */
export const InputSpec = z
  .strictObject({
    required: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).optional().describe('Fields that must be given. Fields without a schema in `properties` are non-empty text.'),
    properties: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), JsonSchemaObject).optional().describe('JSON Schema of each input field.'),
  })
  .describe('The input this event takes. Fields not declared here are rejected.');

export const Transition = z
  .strictObject({
    to: Slug.optional().describe('The state entered. Omit for an event that records something without changing state.'),
    title: z.string().max(200).optional().describe('Label of the action button, e.g. "Tiếp nhận".'),
    roles: z.array(Slug).optional().describe('Roles that may send this event. Omit for events only the system sends (timers).'),
    when: Expression.optional().describe('Guard: the transition is taken only if this CEL expression is true.'),
    input: InputSpec.optional(),
    starts_clock: z.boolean().optional().describe('Receiving the dossier as complete: the statutory deadline starts counting here.'),
  })
  .describe('A transition taken when the event arrives.');

export const TransitionList = z.union([Transition, z.array(Transition).min(1)]).describe('One transition, or a list of guarded alternatives tried in order.');

export const AfterTarget = EventName.describe('The event the system sends when the delay has passed; it must be handled in `on`.');

/** A state of the statechart; compound and parallel states nest `states`. */
export interface StateNode {
  title?: string | undefined;
  status?: number | undefined;
  clock?: 'running' | 'paused' | undefined;
  target?: string | undefined;
  after?: Record<string, string> | undefined;
  on?: Record<string, z.infer<typeof TransitionList>> | undefined;
  final?: boolean | undefined;
  outcome?: string | undefined;
  type?: 'parallel' | undefined;
  initial?: string | undefined;
  states?: Record<string, StateNode> | undefined;
  done?: string | undefined;
}

export const Outcome = z
  .enum(['approved', 'refused', 'withdrawn', 'stopped', 'answered', 'completed'])
  .describe('How a final state ends the dossier: approved (result delivered), refused, withdrawn, stopped, answered (feedback), completed.');

export const State: z.ZodType<StateNode> = z.lazy(() =>
  z
    .strictObject({
      title: z.string().max(200).optional().describe('Vietnamese label shown to officers and citizens.'),
      status: StatusCode.optional(),
      clock: z.enum(['running', 'paused']).optional().describe('`paused`: time in this state does not count toward the statutory deadline.'),
      target: DurationText.optional().describe('Internal time budget of this step (control slip).'),
      after: z.record(DurationText, AfterTarget).optional().describe('Delayed events: after this working time in the state, the system sends the event.'),
      on: z.record(EventName, TransitionList).optional().describe('Transitions, by event name.'),
      final: z.literal(true).optional().describe('A final state: the dossier is closed.'),
      outcome: Outcome.optional(),
      type: z.literal('parallel').optional().describe('All child states are active at once (e.g. two agencies checking at the same time).'),
      initial: Slug.optional().describe('The child state entered first (compound states).'),
      states: z.record(Slug, State).optional().describe('Child states (compound or parallel state).'),
      done: Slug.optional().describe('For compound and parallel states: the state entered when the children have reached their final states.'),
    })
    .describe('A state of the procedure: a step of the dossier, or a group of child states.'),
).meta({ id: 'State' });

export const ConditionalDeadline = z
  .strictObject({
    default: DurationText.describe('The deadline when no rule applies.'),
    rules: z
      .array(z.strictObject({ when: Expression, duration: DurationText }))
      .min(1)
      .describe('Shorter or longer deadlines under conditions, first match wins.'),
  })
  .describe('A deadline that depends on the dossier.');

export const Procedure = z
  .strictObject({
    kind: z.literal('procedure').optional().describe('Document kind; optional in procedure files (calendars and unit trees say theirs).'),
    id: Slug.describe('Stable identifier of the procedure, e.g. dang-ky-tam-tru.'),
    version: z.number().int().min(1).describe('Version number; a published version never changes, a change is a new version.'),
    title: z.string().min(1).max(300).describe('Official title in Vietnamese.'),
    code: z.string().regex(/^[0-9A-Za-z.\-]+$/).max(32).describe('National procedure code, e.g. "1.004194".'),
    legal_basis: z.array(z.string().min(1).max(300)).min(1).describe('Laws, decrees and circulars this procedure implements.'),
    effective_from: z.iso.date().describe('Date (YYYY-MM-DD) from which this version is in force.'),
    unit_level: z.enum(['province', 'commune']).describe('Level of the unit that handles the procedure.'),
    deadline: z.union([DurationText, ConditionalDeadline]).describe('Statutory deadline, counted from receipt of a complete dossier.'),
    roles: z.array(Slug).min(1).describe('Officer roles that act in this procedure.'),
    data: JsonSchemaObject.describe('JSON Schema of the dossier data. Mark personal fields with `pii: true`.'),
    initial: Slug.describe('The state a new dossier starts in.'),
    states: z.record(Slug, State).describe('The states of the procedure.'),
  })
  .describe('A motcua procedure definition.');

export type ProcedureDefinition = z.infer<typeof Procedure>;
export type TransitionDef = z.infer<typeof Transition>;
export type InputSpecDef = z.infer<typeof InputSpec>;
