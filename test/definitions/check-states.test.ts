import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkProcedureSource } from '../../src/definitions/check.js';

const BASE = readFileSync(new URL('../fixtures/definitions/valid/parallel.yaml', import.meta.url), 'utf8');

function variant(...edits: [from: string, to: string][]): string {
  let text = BASE;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`'${from}' not in the base fixture`);
    text = text.replace(from, to);
  }
  return text;
}

function posOf(text: string, snippet: string): { line: number; col: number } {
  const offset = text.indexOf(snippet);
  if (offset < 0) throw new Error(`'${snippet}' not in text`);
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

/** Findings as `line:col message` for compact, exact comparison. */
const findings = (text: string): string[] => checkProcedureSource(text, 'p.yaml').findings.map((f) => `${f.line}:${f.col} ${f.severity} ${f.message}`);
const at = (text: string, snippet: string): string => `${posOf(text, snippet).line}:${posOf(text, snippet).col}`;

describe('compound and parallel states', () => {
  it('requires `initial` in a compound state', () => {
    const text = variant(['    initial: drafting\n', '']);
    expect(findings(text)).toEqual([`${at(text, 'approval:')} error state 'approval' has child states, so it needs \`initial:\` naming the one entered first (one of: drafting, signing, signed)`]);
  });

  it('requires `initial` to name a child state', () => {
    const text = variant(['initial: drafting', 'initial: drafing']);
    expect(findings(text)).toEqual([`${at(text, 'drafing')} error 'drafing' is not a child state of 'approval'; did you mean 'drafting'?`]);
  });

  it('requires a top-level initial state', () => {
    const text = variant(['initial: received', 'initial: drafting']);
    expect(findings(text)).toEqual([`${at(text, 'drafting')} error the initial state must be a top-level state; 'drafting' is inside 'approval'`]);
  });

  it('requires `done` on a compound state with final children', () => {
    const text = variant(['    done: result_ready\n', '']);
    expect(findings(text)).toEqual([`${at(text, 'approval:')} error state 'approval' has final child states but no \`done:\`; add \`done: <state>\` to say where the dossier goes when they finish`]);
  });

  it('requires `done` to name an existing state', () => {
    const text = variant(['done: result_ready', 'done: result']);
    expect(findings(text)).toEqual([`${at(text, 'result\n')} error state 'result' does not exist`]);
  });

  it('requires a parallel state to have `done`', () => {
    const text = variant(['    done: approval\n', '']);
    expect(findings(text)).toEqual([`${at(text, 'review:')} error parallel state 'review' needs \`done:\` naming the state entered when every region has reached its final state`]);
  });

  it('requires at least two regions', () => {
    const text = variant(['      records_check:', '      records_check_elsewhere:'], ['    states:\n      residence_check:', '    states:\n      residence_check:']);
    const single = text.replace(/      records_check_elsewhere:[\s\S]*?records_ok: \{ final: true \}\n/, '');
    expect(findings(single)).toEqual([`${at(single, 'review:')} error parallel state 'review' needs at least 2 regions under \`states:\` (it has 1); use a plain state otherwise`]);
  });

  it('requires each region to have a final state', () => {
    const text = variant(['records_ok: { final: true }', 'records_ok: { on: { REOPEN: { to: checking_records, roles: [processor] } } }']);
    expect(findings(text)).toContain(`${at(text, 'records_check:')} error region 'records_check' of parallel state 'review' needs a final child state (\`final: true\`) so the parallel state can finish`);
  });

  it('requires each region to have child states', () => {
    const text = variant(['      records_check:\n        initial: checking_records\n        states:', '      records_check:\n        on: { X: { to: records_ok, roles: [processor] } }\n      records_inner:\n        initial: checking_records\n        states:']);
    expect(findings(text)).toContain(`${at(text, 'records_check:')} error region 'records_check' of parallel state 'review' needs child \`states:\` with an \`initial:\` and a final state`);
  });

  it('forbids `initial` on a parallel state and on a leaf state', () => {
    const text = variant(['    type: parallel\n', '    type: parallel\n    initial: residence_check\n'], ['  result_ready:\n    status: 9', '  result_ready:\n    status: 9\n    initial: delivered']);
    expect(findings(text)).toEqual([
      `${at(text, 'initial: residence_check')} error a parallel state has no \`initial\`: all its regions start at once; remove it`,
      `${at(text, 'initial: delivered')} error \`initial\` is only for states with child \`states:\`; remove it`,
    ]);
  });

  it('gives `outcome` only to top-level final states', () => {
    const text = variant(['signed: { final: true }', 'signed: { final: true, outcome: approved }']);
    expect(findings(text)).toEqual([`${at(text, 'outcome: approved }')} error 'signed' only ends its part of 'approval', not the dossier; \`outcome\` belongs to top-level final states: remove it`]);
  });

  it('counts entering a parallel state as entering every region, and an ancestor status as the leaf status', () => {
    expect(findings(BASE)).toEqual([]);
  });

  it('finds a state unreachable inside a region', () => {
    const text = variant(['          records_ok: { final: true }', '          records_ok: { final: true }\n          records_lost:\n            on: { FOUND: { to: records_ok, roles: [processor] } }']);
    expect(findings(text)).toEqual([`${at(text, 'records_lost:')} error state 'records_lost' can never be reached from the initial state 'received': no transition leads to it; add one or remove the state`]);
  });

  it('handles `after` events in an ancestor state', () => {
    const text = variant(['              RECORDS_TIMEOUT: { to: records_ok }\n', ''], ['      WITHDRAW: { to: withdrawn, roles: [receiver] }\n    states:', '      WITHDRAW: { to: withdrawn, roles: [receiver] }\n      RECORDS_TIMEOUT: { to: approval }\n    states:']);
    expect(findings(text)).toEqual([]);
  });

  it('rejects `type: parallel` without child states', () => {
    const text = variant(['  result_ready:\n    status: 9', '  result_ready:\n    status: 9\n    type: parallel']);
    expect(findings(text)).toEqual([`${at(text, 'type: parallel\n    on')} error a parallel state needs child states (its regions) under \`states:\``]);
  });
});
