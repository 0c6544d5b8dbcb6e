/**
 * The complaints procedure (phản ánh, kiến nghị) carries its three deadlines: refuse within 2
 * working days, ask for a supplement within 5, answer within 15. The engine enforces the first
 * two with timers (silence is acceptance; the supplement window closes) and starts the 15-day
 * clock on acceptance. It runs like any other procedure: these are ordinary engine steps.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkProcedureSource } from '../../src/definitions/check.js';
import { compileDataSchema, piiPaths } from '../../src/definitions/data-schema.js';
import { startCase, step, type Actor, type Effect, type EngineSnapshot, type Facts } from '../../src/engine/index.js';

const source = readFileSync(fileURLToPath(new URL('../../procedures/phan-anh-kien-nghi.yaml', import.meta.url)), 'utf8');
const checked = checkProcedureSource(source, 'procedures/phan-anh-kien-nghi.yaml');
const def = checked.definition!;
const now = new Date('2026-03-02T02:00:00.000Z');
const receiver: Actor = { id: 'r', roles: ['receiver'] };
const processor: Actor = { id: 'p', roles: ['processor'] };
const leader: Actor = { id: 'l', roles: ['leader'] };
const system: Actor = { id: 'system', roles: [], system: true };
const facts: Facts = { data: { content: 'Trễ hẹn trả kết quả', contact: { name: 'Trần Thị Bình', phone: '0912000002' } }, case: {} };

const describeEffect = (e: Effect): string =>
  e.kind === 'timer.set' ? `set ${e.event} after ${e.duration.amount} ${e.duration.unit}` : e.kind === 'timer.cancel' ? `cancel ${e.event}` : e.kind;

function send(snapshot: EngineSnapshot, type: string, actor: Actor, input?: Record<string, unknown>): { snapshot: EngineSnapshot; to: string[]; effects: string[] } {
  const r = step(def, snapshot, { type, input }, actor, facts, now);
  if (!r.ok) throw new Error(`${type} refused: ${r.message}`);
  return { snapshot: r.snapshot, to: r.to, effects: r.effects.map(describeEffect) };
}

describe('procedures/phan-anh-kien-nghi.yaml', () => {
  it('passes the checker and states its deadlines', () => {
    expect(checked.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(def.deadline).toBe('15 working days');
    expect(def.roles).toEqual(['receiver', 'processor', 'leader']);
    expect(def.states['received']).toMatchObject({ status: 1, target: '2 working days', after: { '2 working days': 'AUTO_ACCEPT' } });
    // The supplement request must come within 5 working days: 2 to accept + 3 to review.
    expect(def.states['reviewing']).toMatchObject({ target: '3 working days', after: { '3 working days': 'REVIEW_WINDOW_CLOSED' } });
    expect(def.states['answered']).toMatchObject({ status: 10, final: true, outcome: 'answered' });
    expect(def.legal_basis.join('\n')).toMatch(/118\/2025\/NĐ-CP/);
  });

  it('keeps the contact personal and the content bounded', () => {
    expect(piiPaths(def.data)).toEqual(expect.arrayContaining(['/contact/name', '/contact/phone']));
    const validate = compileDataSchema(def.data);
    expect(validate({ content: 'Nội dung' })).toEqual([]);
    expect(validate({ content: 'x'.repeat(5001) }).map((e) => e.path)).toEqual(['/content']);
    expect(validate({ content: 'x', case_code: 'HT.TS-251128-0001', channel: 'truc_tuyen' })).toEqual([]);
    expect(validate({ content: 'x', contact: { name: 'A' } }).map((e) => e.path)).toEqual(['/contact/phone']);
  });

  it('runs end to end: timers for the refusal and supplement windows, the answer clock from acceptance', () => {
    const opened = startCase(def, facts, now);
    expect(opened.active).toEqual(['received']);
    expect(opened.effects.map(describeEffect)).toEqual(['set AUTO_ACCEPT after 2 working_days']);

    const accepted = send(opened.snapshot, 'ACCEPT', receiver);
    expect(accepted.to).toEqual(['reviewing']);
    expect([...accepted.effects].sort()).toEqual(['cancel AUTO_ACCEPT', 'clock.start', 'set REVIEW_WINDOW_CLOSED after 3 working_days']);

    const asked = send(accepted.snapshot, 'REQUEST_SUPPLEMENT', receiver, { reason: 'Cho biết mã hồ sơ' });
    expect(asked.effects).toEqual(expect.arrayContaining(['clock.pause', 'cancel REVIEW_WINDOW_CLOSED', 'set EXPIRE after 30 working_days']));
    const supplemented = send(asked.snapshot, 'SUPPLEMENTED', receiver);
    expect(supplemented.to).toEqual(['processing']);
    expect(supplemented.effects).toEqual(expect.arrayContaining(['clock.resume', 'cancel EXPIRE']));

    const proposed = send(supplemented.snapshot, 'PROPOSE', processor, { answer: 'Đã có kết quả, hẹn trả ngày 05/03/2026' });
    const answered = send(proposed.snapshot, 'APPROVE', leader);
    expect(answered.to).toEqual(['answered']);
    expect(answered.effects).toContain('case.closed');
  });

  it('accepts on its own when nobody refuses within 2 working days, starting the answer clock', () => {
    const opened = startCase(def, facts, now);
    const r = step(def, opened.snapshot, { type: 'AUTO_ACCEPT' }, system, facts, now);
    expect(r.ok && r.to).toEqual(['reviewing']);
    expect(r.ok && r.effects.map(describeEffect)).toEqual(expect.arrayContaining(['clock.start', 'set REVIEW_WINDOW_CLOSED after 3 working_days']));
  });
});
