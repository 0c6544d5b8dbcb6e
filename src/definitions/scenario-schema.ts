/**
 * The scenario format: a small YAML beside each procedure (`procedures/<id>.scenarios.yaml`)
 * that replays events as officers with given roles and says which state each one reaches, or
 * why it is refused. Scenarios are executable documentation of a procedure, and the test suite
 * requires them to take every transition at least once. `schemas/scenarios.schema.json` is
 * generated from {@link Scenarios}.
 */
import { z } from 'zod';
import { EventName, Slug } from './schema.js';

/** Why the engine refuses an event; the same codes the engine answers with. */
export const RefusalCode = z
  .enum(['eventNotAllowed', 'forbidden', 'validationFailed', 'guardFailed'])
  .describe(
    'eventNotAllowed: no transition for this event in the current state; forbidden: the role may not send it; ' +
      'validationFailed: the input is missing a required field or has an unknown one; guardFailed: the `when` condition is false.',
  );

/** The state expected after a step: one active leaf state, or the list of active leaves of a parallel state. */
export const ExpectedStates = z
  .union([Slug, z.array(Slug).min(1)])
  .describe('The state reached, or for a parallel state the list of its active leaf states (any order).');

const DossierData = z.record(z.string(), z.unknown());

const EventInput = z.record(z.string(), z.unknown()).describe('The event input, e.g. { reason: "Thiếu giấy tờ chứng minh chỗ ở" }.');

/**
 * One step: an officer sends an event (`send` + `as`) or the system fires a delayed event
 * (`timer`); then either the state reached (`expect`) or the refusal code (`refused`).
 */
export const ScenarioStep = z
  .strictObject({
    send: EventName.optional().describe('Event an officer sends, e.g. ACCEPT.'),
    as: Slug.optional().describe('Role of the officer sending the event, e.g. receiver.'),
    timer: EventName.optional().describe('Delayed event the system sends when a timer fires, e.g. EXPIRE.'),
    input: EventInput.optional(),
    expect: ExpectedStates.optional(),
    refused: RefusalCode.optional().describe('The step must be refused with this code; the state must not change.'),
    note: z.string().max(500).optional().describe('Why this step is here (free text).'),
  })
  .superRefine((step, ctx) => {
    const hasSend = step.send !== undefined;
    const hasTimer = step.timer !== undefined;
    if (hasSend === hasTimer) {
      ctx.addIssue({ code: 'custom', message: 'a step either sends an event as a role (`send` + `as`) or fires a timer (`timer`); give exactly one' });
    }
    if (hasSend && step.as === undefined) {
      ctx.addIssue({ code: 'custom', path: ['as'], message: '`send` needs `as`: the role of the officer who sends it, e.g. receiver' });
    }
    if (hasTimer && step.as !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['as'], message: 'a timer is fired by the system; remove `as`' });
    }
    if ((step.expect === undefined) === (step.refused === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'say what happens: give exactly one of `expect` (state reached) or `refused` (refusal code)' });
    }
  })
  .meta({
    allOf: [
      {
        oneOf: [
          { required: ['send', 'as'], not: { required: ['timer'] } },
          { required: ['timer'], not: { anyOf: [{ required: ['send'] }, { required: ['as'] }] } },
        ],
      },
      { oneOf: [{ required: ['expect'] }, { required: ['refused'] }] },
    ],
  })
  .describe('One step of a scenario.');

/** One replay: a dossier's data, then steps from the initial state. */
export const Scenario = z
  .strictObject({
    name: z.string().min(1).max(200).describe('What the scenario shows, in Vietnamese or English.'),
    data: DossierData.optional().describe("The dossier data, laid over the file's `data` field by field; the result must satisfy the procedure's data schema."),
    case: z.record(z.string(), z.unknown()).optional().describe('Case facts guards may read as `case.…` (e.g. channel).'),
    start: ExpectedStates.optional().describe("The state a new case opens in; defaults to the procedure's `initial`."),
    steps: z.array(ScenarioStep).min(1).describe('Steps in order.'),
  })
  .describe('A scenario: one dossier replayed through the procedure.');

/** A scenarios file: every scenario of one procedure. */
export const Scenarios = z
  .strictObject({
    procedure: Slug.describe('The id of the procedure these scenarios replay.'),
    version: z.number().int().min(1).optional().describe('The procedure version; defaults to the one in the file beside it.'),
    data: DossierData.optional().describe('Dossier data shared by all scenarios; a scenario\'s own `data` overrides it field by field.'),
    scenarios: z.array(Scenario).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.scenarios.forEach((s, i) => {
      if (file.data === undefined && s.data === undefined) {
        ctx.addIssue({ code: 'custom', path: ['scenarios', i], message: `scenario '${s.name}' has no dossier data; give \`data\` here or at the top of the file` });
      }
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['scenarios', i, 'name'], message: `scenario name '${s.name}' is used twice; names identify failures, make it unique` });
      seen.add(s.name);
    });
  })
  .describe('Scenarios of a motcua procedure: events sent as roles, and the states they must reach.');

export type ScenariosFile = z.infer<typeof Scenarios>;
export type ScenarioDef = z.infer<typeof Scenario>;
export type ScenarioStepDef = z.infer<typeof ScenarioStep>;
export type RefusalCodeName = z.infer<typeof RefusalCode>;
