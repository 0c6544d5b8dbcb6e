import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkProcedureSource } from '../../src/definitions/check.js';

const read = (rel: string): string => readFileSync(new URL(`../fixtures/definitions/${rel}`, import.meta.url), 'utf8');
const BASE = read('valid/tam-tru.yaml');

/** BASE with text replaced; every `from` must occur, so a fixture edit cannot silently disable a test. */
function variant(...edits: [from: string, to: string][]): string {
  let text = BASE;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`'${from}' not in the base fixture`);
    text = text.replace(from, to);
  }
  return text;
}

/** 1-based position of `snippet`, searching from `after` when given. */
function posOf(text: string, snippet: string, after?: string): { line: number; col: number } {
  const offset = text.indexOf(snippet, after === undefined ? 0 : text.indexOf(after));
  if (offset < 0) throw new Error(`'${snippet}' not in text`);
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

const check = (text: string) => checkProcedureSource(text, 'p.yaml');

/** Asserts the text yields exactly one finding, at `snippet`, with a message matching `message`. */
function expectOnly(text: string, at: { line: number; col: number }, message: string | RegExp, severity: 'error' | 'warning' = 'error') {
  const result = check(text);
  expect(result.findings).toEqual([{ path: 'p.yaml', ...at, severity, message: typeof message === 'string' ? message : expect.stringMatching(message) }]);
  if (severity === 'error') expect(result.definition).toBeNull();
  return result;
}

describe('checkProcedureSource: valid definitions', () => {
  it('accepts the sample procedure and returns its definition', () => {
    const result = check(BASE);
    expect(result.findings).toEqual([]);
    expect(result.definition?.id).toBe('dang-ky-tam-tru');
    expect(result.definition?.states['awaiting_supplement']?.after).toEqual({ '30 working days': 'EXPIRE' });
  });

  it('accepts compound and parallel states, conditional deadlines and inherited status codes', () => {
    const result = checkProcedureSource(read('valid/parallel.yaml'), 'parallel.yaml');
    expect(result.findings).toEqual([]);
    expect(result.definition?.states['review']?.type).toBe('parallel');
  });

  it('returns the definition when there are only warnings', () => {
    const text = variant(['starts_clock: true', 'starts_clock: false']);
    const result = expectOnly(text, posOf(text, 'states:'), /no transition has `starts_clock: true`/, 'warning');
    expect(result.definition).not.toBeNull();
  });
});

describe('checkProcedureSource: schema errors', () => {
  it('points an unknown key at the key and suggests the right one', () => {
    const text = variant(['    status: 5', '    staus: 5\n    status: 5']);
    expectOnly(text, posOf(text, 'staus'), "unknown key 'staus'; did you mean 'status'?");
  });

  it('lists the allowed keys when nothing is close', () => {
    const text = variant(['unit_level: commune', 'unit_level: commune\nfavourite_colour: blue']);
    expectOnly(text, posOf(text, 'favourite_colour'), /^unknown key 'favourite_colour'; allowed keys here are: kind, id, version/);
  });

  it('points a wrong value at the value: status outside 1–10', () => {
    const text = variant(['status: 9', 'status: 11']);
    expectOnly(text, posOf(text, '11'), 'national status codes are 1–10');
  });

  it('tells to quote a procedure code written as a number', () => {
    const text = variant(['code: "1.004194"', 'code: 1.004194']);
    expectOnly(text, posOf(text, '1.004194'), 'expected text, got the number 1.004194; put it in quotes: "1.004194"');
  });

  it('reports a missing top-level key at the start of the document', () => {
    const text = variant(['unit_level: commune\n', '']);
    expectOnly(text, posOf(text, 'id:'), /^missing required key 'unit_level' \(Level of the unit that handles the procedure\); add it at the top level$/);
  });

  it('suggests the closest enum value', () => {
    const text = variant(['outcome: refused', 'outcome: refuse']);
    expectOnly(text, posOf(text, 'refuse }'), "'refuse' is not allowed here; use one of: approved, refused, withdrawn, stopped, answered, completed; did you mean 'refused'?");
  });

  it('rejects event names that are not UPPER_SNAKE at the key', () => {
    const text = variant(['      APPROVE: { to: result_ready', '      approve: { to: result_ready']);
    expectOnly(text, posOf(text, 'approve:'), /^invalid event name 'approve': event names are UPPER_SNAKE_CASE/);
  });

  it('explains a transition written as text', () => {
    const text = variant(['DELIVER: { to: delivered, roles: [receiver] }', 'DELIVER: delivered']);
    expectOnly(text, posOf(text, 'delivered', 'DELIVER'), /^expected a mapping or a list, got text 'delivered'; write a transition/);
  });

  it('reports a bad date at the value', () => {
    const text = variant(['effective_from: 2025-07-01', 'effective_from: 2025-02-30']);
    expectOnly(text, posOf(text, '2025-02-30'), "'2025-02-30' is not a date; write YYYY-MM-DD, e.g. 2025-07-01");
  });

  it('refuses a document that is not a mapping', () => {
    const result = check('- just\n- a list\n');
    expect(result.findings).toEqual([expect.objectContaining({ line: 1, col: 1, message: 'the document must be a mapping of keys (id:, title:, …), not a list' })]);
  });

  it('reports YAML syntax errors, one per line, without follow-on schema noise', () => {
    const text = variant(['    clock: paused', '   clock: paused']);
    const result = check(text);
    expect(result.findings[0]).toMatchObject({ ...posOf(text, '   clock: paused'), message: 'YAML syntax: All mapping items must start at the same column; check the indentation and brackets on this line' });
    expect(result.findings.every((f) => f.message.startsWith('YAML syntax'))).toBe(true);
    expect(new Set(result.findings.map((f) => f.line)).size).toBe(result.findings.length);
  });
});

describe('checkProcedureSource: states and transitions', () => {
  it('reports a transition target that does not exist, with a suggestion', () => {
    const text = variant(['{ to: result_ready, roles: [leader] }', '{ to: result_redy, roles: [leader] }', ]);
    // One typo, one finding: the graph checks follow the state it evidently meant.
    expectOnly(text, posOf(text, 'result_redy'), "state 'result_redy' does not exist; did you mean 'result_ready'?");
  });

  it('follows no guess when a target is far from every state, and reports no graph noise', () => {
    const text = variant(['{ to: result_ready, roles: [leader] }', '{ to: somewhere_else, roles: [leader] }']);
    expectOnly(text, posOf(text, 'somewhere_else'), "state 'somewhere_else' does not exist");
  });

  it('reports an initial state that does not exist', () => {
    const text = variant(['initial: received', 'initial: recieved']);
    expectOnly(text, posOf(text, 'recieved'), "state 'recieved' does not exist; did you mean 'received'?");
  });

  it('reports an unreachable state at its name', () => {
    const text = variant(['  refused: {', '  archived:\n    status: 8\n    on: { CLOSE: { to: refused, roles: [leader] } }\n  refused: {']);
    expectOnly(text, posOf(text, 'archived'), /^state 'archived' can never be reached from the initial state 'received'/);
  });

  it('reports a state with no way out', () => {
    const text = variant(['  refused: {', '  parked: { status: 8 }\n  refused: {'], ['RETURN: { to: processing', 'RETURN: { to: parked']);
    expectOnly(text, posOf(text, 'parked:'), /^state 'parked' has no way out: add a transition/);
  });

  it('reports states from which no final state can be reached', () => {
    const text = variant(['APPROVE: { to: result_ready', 'APPROVE: { to: processing']);
    const result = check(text);
    expect(result.findings.map((f) => [f.line, f.col, f.message])).toEqual([
      [posOf(text, 'processing:').line, 3, expect.stringMatching(/^no final state can be reached from state 'processing': every path from here loops/)],
      [posOf(text, 'approval:').line, 3, expect.stringMatching(/^no final state can be reached from state 'approval'/)],
      [posOf(text, 'result_ready:').line, 3, expect.stringMatching(/^state 'result_ready' can never be reached from the initial state 'received'/)],
      [posOf(text, 'delivered:').line, 3, expect.stringMatching(/^state 'delivered' can never be reached/)],
    ]);
  });

  it('requires a status on every leaf state', () => {
    const text = variant(['    status: 9\n', '']);
    expectOnly(text, posOf(text, 'result_ready:'), "state 'result_ready' has no national status code; add `status:` (1–10) to it or to its parent state");
  });

  it('requires an outcome on final states', () => {
    const text = variant([', outcome: refused', '']);
    expectOnly(text, posOf(text, 'refused: {'), /^final state 'refused' needs `outcome:`/);
  });

  it('forbids transitions out of a final state', () => {
    const text = variant(['outcome: withdrawn }', 'outcome: withdrawn, on: { REOPEN: { to: received, roles: [leader] } } }']);
    expectOnly(text, posOf(text, 'on: { REOPEN'), 'a final state closes the dossier, so it has no `on`; remove it or make the state non-final');
  });

  it('requires `after` events to be handled by the state or a parent', () => {
    const text = variant(['after: { 30 working days: EXPIRE }', 'after: { 30 working days: EXPIRED }']);
    expectOnly(text, posOf(text, 'EXPIRED'), "'EXPIRED' is sent after 30 working days, but no `on:` of state 'awaiting_supplement' or its parents handles it; did you mean 'EXPIRE'?");
  });

  it('warns about an event nobody can send', () => {
    const text = variant(['EXPIRE: { to: withdrawn }', 'EXPIRE: { to: withdrawn }\n      FORGET: { to: withdrawn }']);
    expectOnly(text, posOf(text, 'FORGET'), /^nobody can send 'FORGET' in state 'awaiting_supplement'/, 'warning');
  });

  it('rejects a state name used twice, even nested', () => {
    const text = variant(['  approval:\n    status: 4', '  approval:\n    status: 4\n    initial: received\n    done: result_ready\n    states:\n      received: { final: true }']);
    const result = check(text);
    expect(result.findings[0]).toMatchObject({ ...posOf(text, 'received: { final'), message: expect.stringMatching(/^state name 'received' is already used on line 22; state names must be unique/) });
  });
});

describe('checkProcedureSource: roles, guards, durations, schemas', () => {
  it('reports an undeclared role with a suggestion, at the role', () => {
    const text = variant(['APPROVE: { to: result_ready, roles: [leader] }', 'APPROVE: { to: result_ready, roles: [leadr] }']);
    expectOnly(text, posOf(text, 'leadr'), "role 'leadr' is not declared in `roles:`; did you mean 'leader'?");
  });

  it('tells to declare a role that is not close to any', () => {
    const text = variant(['APPROVE: { to: result_ready, roles: [leader] }', 'APPROVE: { to: result_ready, roles: [director] }']);
    expectOnly(text, posOf(text, 'director'), "role 'director' is not declared in `roles:`; add it to `roles:` at the top of the procedure");
  });

  it('reports an unparsable guard at the character inside the quoted expression', () => {
    const text = variant(['when: "data.checked == true"', 'when: "data.checked = true"']);
    const at = posOf(text, '= true');
    expectOnly(text, at, "guard 'data.checked = true' does not parse: Unexpected character: =; compare with `==`");
  });

  it('reports an unparsable guard inside a plain scalar and a block scalar', () => {
    const plain = variant(['when: "data.checked == true"', 'when: data.checked &&']);
    // The expression ends too early: the position is just after its last character.
    expectOnly(plain, { line: posOf(plain, 'data.checked &&').line, col: posOf(plain, 'data.checked &&').col + 15 }, /^guard 'data.checked &&' does not parse: Unexpected token: EOF/);
    const block = variant(['        - { to: approval, roles: [processor], when: "data.checked == true" }', '        - to: approval\n          roles: [processor]\n          when: |\n            data.checked\n              == == true']);
    expectOnly(block, { line: posOf(block, '== ==').line, col: posOf(block, '== ==').col + 3 }, /^guard 'data.checked == == true' does not parse/);
  });

  it('checks deadline rule conditions and durations', () => {
    const text = variant(['deadline: 3 working days', 'deadline:\n  default: 3 working days\n  rules:\n    - { when: "case.channel ==", duration: 0 working days }']);
    const result = check(text);
    expect(result.findings.map((f) => [f.line, f.col, f.message])).toEqual([
      [posOf(text, '0 working').line, posOf(text, 'case.channel ==').col + 15, expect.stringMatching(/^deadline rule 'case.channel ==' does not parse/)],
      [posOf(text, '0 working').line, posOf(text, '0 working').col, "'0 working days': a duration must be greater than zero"],
    ]);
  });

  it('reports a malformed duration in a state target at the value, and in `after` at the key', () => {
    const target = variant(['target: 2 working days', 'target: 2 days']);
    expectOnly(target, posOf(target, '2 days'), /^'2 days': write e.g. "3 working days"/);
    const after = variant(['after: { 30 working days: EXPIRE }', 'after: { 30 days: EXPIRE }']);
    expectOnly(after, posOf(after, '30 days'), /^invalid delay '30 days': write e.g./);
  });

  it('checks the data schema with Ajv, at the offending keyword', () => {
    const text = variant(['address: { type: string }', 'address: { type: strnig }']);
    expectOnly(text, posOf(text, 'strnig'), 'JSON Schema: must be one of: array, boolean, integer, null, number, object, string');
    const unknown = variant(['address: { type: string }', 'address: { type: string, maxLenght: 3 }']);
    expectOnly(unknown, posOf(unknown, 'maxLenght'), /^JSON Schema: unknown keyword: "maxLenght"/);
  });

  it('checks input field schemas', () => {
    const text = variant(['note: { type: string, maxLength: 500 }', 'note: { type: text }']);
    expectOnly(text, posOf(text, 'text }'), /^JSON Schema: must be one of/);
  });

  it('requires the data schema to describe an object', () => {
    const text = variant(['data:\n  type: object', 'data:\n  type: array']);
    expectOnly(text, posOf(text, 'array'), /must have `type: object`/);
  });

  it('reports every finding, not the first: the five planted mistakes', () => {
    const text = read('invalid/five-mistakes.yaml');
    const result = checkProcedureSource(text, 'five.yaml');
    expect(result.definition).toBeNull();
    expect(result.findings.map((f) => `${f.line}:${f.col}: ${f.severity}: ${f.message}`)).toEqual([
      "25:5: error: duplicate key 'title' (first written on line 23); each key may appear once: remove or merge one of them",
      "27:71: error: guard 'data.checked = true' does not parse: Unexpected character: =; compare with `==`",
      "28:23: error: state 'aproval' does not exist; did you mean 'approval'?",
      "32:41: error: role 'leadr' is not declared in `roles:`; did you mean 'leader'?",
      "34:3: error: state 'archived' can never be reached from the initial state 'received': no transition leads to it; add one or remove the state",
    ]);
  });
});

describe('docs/procedure-language.md', () => {
  it('has a complete example that passes the checker', () => {
    const doc = readFileSync(new URL('../../docs/procedure-language.md', import.meta.url), 'utf8');
    const example = /## 1\. A complete example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const result = checkProcedureSource(example!, 'docs-example.yaml');
    expect(result.findings).toEqual([]);
    expect(result.definition?.id).toBe('xac-nhan-thong-tin-cu-tru');
  });
});

describe('checkProcedureSource: condition types', () => {
  it('reports a variable a guard cannot see, at the variable', () => {
    const text = variant(['when: "data.checked == true"', 'when: "dta.checked == true"']);
    expectOnly(text, posOf(text, 'dta.'), "guard 'dta.checked == true': Unknown variable: dta; a condition can read only `data`, `input` and `case`");
  });

  it('reports a condition that is not true or false', () => {
    const text = variant(['when: "data.checked == true"', 'when: "size(data.checked)"']);
    expectOnly(text, posOf(text, 'size('), "guard 'size(data.checked)': a condition must be true or false, but this gives an int; compare it, e.g. with == or >");
  });

  it('reports a function that does not exist', () => {
    const text = variant(['when: "data.checked == true"', 'when: "isChecked(data)"']);
    expectOnly(text, posOf(text, 'isChecked'), /^guard 'isChecked\(data\)': found no matching overload for 'isChecked\(dyn\)'$/);
  });
});
