/**
 * The scenario replay itself must be able to fail: a wrong expected state, a refusal that does
 * not happen, the wrong refusal code, a transition no scenario takes, and a malformed scenarios
 * file are each reported, with the step or the line and column.
 */
import { describe, expect, it } from 'vitest';
import { checkProcedureSource } from '../../src/definitions/check.js';
import type { ProcedureDefinition } from '../../src/definitions/schema.js';
import { describeTransitionKey, parseScenariosSource, replayScenario, transitionKeys, type ScenarioReplay } from '../../src/definitions/scenarios.js';
import type { ScenariosFile } from '../../src/definitions/scenario-schema.js';
import { startCase, step } from '../../src/engine/index.js';

const engine = { startCase, step };

const PROCEDURE = `id: mini
version: 1
title: Thủ tục thử
code: "0.000001"
legal_basis: [Thử nghiệm]
effective_from: 2025-07-01
unit_level: commune
deadline: 1 working day
roles: [receiver, leader]
data:
  type: object
  additionalProperties: false
  properties:
    fast: { type: boolean }
initial: received
states:
  received:
    status: 1
    on:
      ACCEPT:
        - { to: checks, roles: [receiver], starts_clock: true, when: "data.fast == true" }
        - { to: review, roles: [receiver], starts_clock: true }
      REJECT: { to: closed, roles: [receiver], input: { required: [reason] } }
  checks:
    status: 4
    type: parallel
    done: review
    states:
      left:
        initial: left_open
        states:
          left_open: { on: { LEFT_DONE: { to: left_done, roles: [leader] } } }
          left_done: { final: true }
      right:
        initial: right_open
        states:
          right_open: { on: { RIGHT_DONE: { to: right_done, roles: [leader] } } }
          right_done: { final: true }
  review:
    status: 4
    after:
      2 working days: EXPIRE
    on:
      APPROVE: { to: closed, roles: [leader] }
      EXPIRE: { to: closed }
  closed: { status: 10, final: true, outcome: approved }
`;

function definition(): ProcedureDefinition {
  const checked = checkProcedureSource(PROCEDURE, 'mini.yaml');
  expect(checked.findings.filter((f) => f.severity === 'error')).toEqual([]);
  if (checked.definition === null) throw new Error('the test procedure does not pass the checker');
  return checked.definition;
}

function scenarios(yaml: string): ScenariosFile {
  const parsed = parseScenariosSource(yaml, 'mini.scenarios.yaml');
  expect(parsed.findings).toEqual([]);
  if (parsed.scenarios === null) throw new Error('the test scenarios do not parse');
  return parsed.scenarios;
}

function replayAll(yaml: string): ScenarioReplay[] {
  const def = definition();
  const file = scenarios(yaml);
  return file.scenarios.map((s) => replayScenario(def, file, s, engine));
}

describe('replayScenario', () => {
  it('passes a scenario that says what the engine does, and records the transitions taken', () => {
    const [fast, slow] = replayAll(`procedure: mini
data: { fast: true }
scenarios:
  - name: fast
    steps:
      - { send: ACCEPT, as: leader, refused: forbidden }
      - { send: ACCEPT, as: receiver, expect: [left_open, right_open] }
      - { send: LEFT_DONE, as: leader, expect: [right_open, left_done] }
      - { send: RIGHT_DONE, as: leader, expect: review }
      - { timer: EXPIRE, expect: closed }
  - name: slow
    data: { fast: false }
    steps:
      - { send: REJECT, as: receiver, refused: validationFailed }
      - { send: ACCEPT, as: receiver, expect: review }
      - { send: APPROVE, as: leader, expect: closed }
`);
    expect(fast?.failures).toEqual([]);
    expect([...(fast?.taken ?? [])].sort()).toEqual(['checks:done', 'left_open:LEFT_DONE:0', 'received:ACCEPT:0', 'review:EXPIRE:0', 'right_open:RIGHT_DONE:0']);
    expect(slow?.failures).toEqual([]);
    expect([...(slow?.taken ?? [])].sort()).toEqual(['received:ACCEPT:1', 'review:APPROVE:0']);
  });

  it('fails on a wrong expected state, naming the step and both states', () => {
    const [r] = replayAll(`procedure: mini
data: { fast: false }
scenarios:
  - name: wrong state
    steps:
      - { send: ACCEPT, as: receiver, expect: checks }
      - { send: APPROVE, as: leader, expect: closed }
`);
    expect(r?.failures).toEqual(['step 1 (ACCEPT as receiver): reached [review], expected [checks]']);
    expect(r?.steps).toBe(1);
  });

  it('fails when an expected refusal does not happen', () => {
    const [r] = replayAll(`procedure: mini
data: { fast: false }
scenarios:
  - name: not refused
    steps:
      - { send: ACCEPT, as: receiver, refused: guardFailed }
`);
    expect(r?.failures[0]).toMatch(/^step 1 \(ACCEPT as receiver\): expected refusal 'guardFailed', but moved from \[received\] to \[review\]/);
  });

  it('fails on the wrong refusal code and on an unexpected refusal', () => {
    const [wrongCode, unexpected] = replayAll(`procedure: mini
data: { fast: false }
scenarios:
  - name: wrong code
    steps:
      - { send: APPROVE, as: leader, refused: forbidden }
  - name: unexpected
    steps:
      - { send: APPROVE, as: leader, expect: closed }
`);
    expect(wrongCode?.failures[0]).toMatch(/refused with 'eventNotAllowed' .*expected 'forbidden'/);
    expect(unexpected?.failures[0]).toMatch(/^step 1 \(APPROVE as leader\): refused \(eventNotAllowed: .*\) in \[received\], expected \[closed\]/);
  });

  it('fails when the case does not open in the stated start state', () => {
    const [r] = replayAll(`procedure: mini
data: {}
scenarios:
  - name: start
    start: review
    steps:
      - { send: ACCEPT, as: receiver, expect: review }
`);
    expect(r?.failures).toEqual(['opens in [received], expected [review]']);
  });
});

describe('transition coverage', () => {
  it('lists every alternative, event and done transition, and names the ones no scenario takes', () => {
    const def = definition();
    expect(transitionKeys(def).sort()).toEqual(
      ['checks:done', 'left_open:LEFT_DONE:0', 'received:ACCEPT:0', 'received:ACCEPT:1', 'received:REJECT:0', 'review:APPROVE:0', 'review:EXPIRE:0', 'right_open:RIGHT_DONE:0'].sort(),
    );
    const [r] = replayAll(`procedure: mini
data: { fast: false }
scenarios:
  - name: slow only
    steps:
      - { send: ACCEPT, as: receiver, expect: review }
      - { send: APPROVE, as: leader, expect: closed }
`);
    const uncovered = transitionKeys(def).filter((k) => !r?.taken.has(k));
    expect(uncovered.map((k) => describeTransitionKey(def, k))).toEqual([
      "'received' --ACCEPT--> 'checks' (alternative 1, when data.fast == true)",
      "'received' --REJECT--> 'closed'",
      "'checks' → 'review' when its children finish",
      "'left_open' --LEFT_DONE--> 'left_done'",
      "'right_open' --RIGHT_DONE--> 'right_done'",
      "'review' --EXPIRE--> 'closed'",
    ]);
  });
});

describe('parseScenariosSource', () => {
  it('reports each malformed step at its line and column', () => {
    const { scenarios, findings } = parseScenariosSource(
      `procedure: mini
scenarios:
  - name: bad
    data: {}
    steps:
      - { send: ACCEPT, expect: review }
      - { send: ACCEPT, as: receiver, timer: EXPIRE, expect: review }
      - { send: ACCEPT, as: receiver, note: thiếu, chưa đủ }
      - { timer: EXPIRE }
`,
      'mini.scenarios.yaml',
    );
    expect(scenarios).toBeNull();
    const at = findings.map((f) => `${f.line}:${f.col} ${f.message}`);
    expect(at).toEqual([
      '6:9 `send` needs `as`: the role of the officer who sends it, e.g. receiver (at scenarios.0.steps.0.as)',
      '7:9 a step either sends an event as a role (`send` + `as`) or fires a timer (`timer`); give exactly one (at scenarios.0.steps.1)',
      '7:25 a timer is fired by the system; remove `as` (at scenarios.0.steps.1.as)',
      '8:9 say what happens: give exactly one of `expect` (state reached) or `refused` (refusal code) (at scenarios.0.steps.2)',
      // A comma inside a flow mapping starts a new key: the strict schema catches the accident.
      "8:52 unknown key 'chưa đủ' (at scenarios.0.steps.2)",
      '9:9 say what happens: give exactly one of `expect` (state reached) or `refused` (refusal code) (at scenarios.0.steps.3)',
    ]);
    expect(findings.every((f) => f.path === 'mini.scenarios.yaml' && f.severity === 'error')).toBe(true);
  });

  it('requires unique scenario names and dossier data for each scenario', () => {
    const { findings } = parseScenariosSource(
      `procedure: mini
scenarios:
  - name: same
    steps: [{ timer: EXPIRE, expect: closed }]
  - name: same
    data: {}
    steps: [{ timer: EXPIRE, expect: closed }]
`,
      'mini.scenarios.yaml',
    );
    expect(findings.map((f) => `${f.line}:${f.col} ${f.message}`)).toEqual([
      "3:5 scenario 'same' has no dossier data; give `data` here or at the top of the file (at scenarios.0)",
      "5:5 scenario name 'same' is used twice; names identify failures, make it unique (at scenarios.1.name)",
    ]);
  });

  it('does not replay a file with a duplicate key', () => {
    const { scenarios, findings } = parseScenariosSource(
      `procedure: mini
data: {}
scenarios:
  - name: twice
    steps: [{ timer: EXPIRE, expect: closed, expect: review }]
`,
      'mini.scenarios.yaml',
    );
    expect(scenarios).toBeNull();
    expect(findings.map((f) => `${f.line}:${f.col} ${f.severity}`)).toEqual(['5:46 error']);
  });

  it('refuses YAML aliases instead of expanding them', () => {
    const { scenarios, findings } = parseScenariosSource(
      `procedure: mini
data: &d { fast: true }
scenarios:
  - name: alias
    data: *d
    steps: [{ timer: EXPIRE, expect: closed }]
`,
      'mini.scenarios.yaml',
    );
    expect(scenarios).toBeNull();
    expect(findings.some((f) => /aliases|anchors/.test(f.message))).toBe(true);
  });
});
