/**
 * The shipped procedures say what the law says: the national codes and statutory deadlines of
 * the commune-police table in domain.md, the one-stop lifecycle with the national status codes,
 * and personal fields marked for masking. The expected table is written out here on purpose, so
 * an edit to a YAML that drifts from the law fails a test instead of reaching citizens.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDuration, type Duration } from '../../src/calendar/duration.js';
import { checkProcedureSource } from '../../src/definitions/check.js';
import { compileDataSchema, piiPaths } from '../../src/definitions/data-schema.js';
import { evaluateGuard, parseExpression } from '../../src/definitions/expressions.js';
import type { ProcedureDefinition, StateNode, TransitionDef } from '../../src/definitions/schema.js';

const DIR = fileURLToPath(new URL('../../procedures/', import.meta.url));

const days = (amount: number): Duration => ({ amount, unit: 'working_days' });

/** A statutory deadline: fixed, or depending on the dossier (each case: dossier data → deadline). */
interface Expected {
  title: string;
  code: string;
  deadline: Duration | { data: Record<string, unknown>; deadline: Duration }[];
}

/** domain.md, "Commune-police procedures and statutory deadlines". */
const STATUTORY: Record<string, Expected> = {
  'dang-ky-thuong-tru': { title: 'Đăng ký thường trú', code: '1.004222', deadline: days(7) },
  'dang-ky-tam-tru': { title: 'Đăng ký tạm trú', code: '1.004194', deadline: days(3) },
  'gia-han-tam-tru': { title: 'Gia hạn tạm trú', code: '1.002755', deadline: days(3) },
  'xoa-dang-ky-tam-tru': { title: 'Xóa đăng ký tạm trú', code: '1.010028', deadline: days(2) },
  'tach-ho': { title: 'Tách hộ', code: '1.010038', deadline: days(5) },
  // 1 working day; 2 when the case is complex.
  'khai-bao-tam-vang': {
    title: 'Khai báo tạm vắng',
    code: '1.003677',
    deadline: [
      { data: {}, deadline: days(1) },
      { data: { truong_hop_phuc_tap: false }, deadline: days(1) },
      { data: { truong_hop_phuc_tap: true }, deadline: days(2) },
    ],
  },
  // ½ working day when the data is on file; 3 working days otherwise.
  'xac-nhan-thong-tin-cu-tru': {
    title: 'Xác nhận thông tin cư trú',
    code: '1.010041',
    deadline: [
      { data: { co_thong_tin_trong_csdl: true }, deadline: days(0.5) },
      { data: { co_thong_tin_trong_csdl: false }, deadline: days(3) },
    ],
  },
};

function load(id: string): { source: string; def: ProcedureDefinition } {
  const source = readFileSync(`${DIR}${id}.yaml`, 'utf8');
  const { definition, findings } = checkProcedureSource(source, `procedures/${id}.yaml`);
  if (definition === null) throw new Error(`procedures/${id}.yaml does not pass the checker: ${findings.map((f) => f.message).join('; ')}`);
  return { source, def: definition };
}

/** The statutory deadline for a dossier: the first rule whose condition holds, else the default. */
function deadlineFor(def: ProcedureDefinition, data: Record<string, unknown>): Duration {
  const d = def.deadline;
  let text: string;
  if (typeof d === 'string') text = d;
  else {
    const rule = d.rules.find((r) => {
      const parsed = parseExpression(r.when);
      return parsed.ok && evaluateGuard(parsed.expression, { data, input: {}, case: {} }).pass;
    });
    text = rule?.duration ?? d.default;
  }
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function allStates(states: Record<string, StateNode>): [string, StateNode][] {
  return Object.entries(states).flatMap(([name, node]) => [[name, node] as [string, StateNode], ...allStates(node.states ?? {})]);
}

function transitions(node: StateNode | undefined, event: string): TransitionDef[] {
  const list = node?.on?.[event];
  return list === undefined ? [] : Array.isArray(list) ? list : [list];
}

describe.each(Object.keys(STATUTORY))('%s', (id) => {
  const expected = STATUTORY[id]!;
  const { source, def } = load(id);
  const top = def.states;

  it('has the national title, code, level and effective date', () => {
    expect(def.id).toBe(id);
    expect(def.title).toBe(expected.title);
    expect(def.code).toBe(expected.code);
    expect(def.unit_level).toBe('commune');
    expect(def.effective_from).toBe('2025-07-01');
    expect(def.version).toBe(1);
    expect(def.roles).toEqual(['receiver', 'processor', 'leader']);
  });

  it('cites the residence law and the one-stop decree', () => {
    const basis = def.legal_basis.join('\n');
    expect(basis).toMatch(/Luật Cư trú/);
    expect(basis).toMatch(/62\/2021\/NĐ-CP/);
    expect(basis).toMatch(/118\/2025\/NĐ-CP/);
  });

  it('opens with the editor schema line', () => {
    expect(source.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/procedure.schema.json');
  });

  it('has the statutory deadline of domain.md', () => {
    if (!Array.isArray(expected.deadline)) {
      expect(typeof def.deadline, 'a fixed deadline').toBe('string');
      expect(deadlineFor(def, {})).toEqual(expected.deadline);
      return;
    }
    expect(typeof def.deadline, 'a deadline that depends on the dossier').toBe('object');
    for (const c of expected.deadline) expect(deadlineFor(def, c.data), JSON.stringify(c.data)).toEqual(c.deadline);
  });

  it('follows the one-stop lifecycle with the national status codes', () => {
    const received = top[def.initial];
    expect(received?.status).toBe(1);
    const accept = transitions(received, 'ACCEPT');
    expect(accept.length).toBeGreaterThan(0);
    expect(accept.every((t) => t.starts_clock === true && t.roles?.includes('receiver'))).toBe(true);
    expect(transitions(received, 'REQUEST_SUPPLEMENT')[0]?.to).toBe('awaiting_supplement');
    expect(transitions(received, 'REJECT')[0]?.to).toBe('refused');

    const waiting = top['awaiting_supplement'];
    expect(waiting).toMatchObject({ status: 5, clock: 'paused', after: { '30 working days': 'EXPIRE' } });
    expect(transitions(waiting, 'SUPPLEMENTED')[0]?.to).toBe(def.initial);
    expect(transitions(waiting, 'EXPIRE')[0]).toMatchObject({ to: 'stopped' });
    expect(transitions(waiting, 'EXPIRE')[0]?.roles).toBeUndefined();

    expect(top['approval']?.status).toBe(4);
    expect(transitions(top['approval'], 'APPROVE')[0]).toMatchObject({ to: 'result_ready', roles: ['leader'] });
    expect(transitions(top['approval'], 'RETURN')[0]?.roles).toEqual(['leader']);
    expect(top['result_ready']?.status).toBe(9);
    expect(transitions(top['result_ready'], 'DELIVER')[0]).toMatchObject({ to: 'delivered', roles: ['receiver'] });

    expect(top['delivered']).toMatchObject({ status: 10, final: true, outcome: 'approved' });
    expect(top['refused']).toMatchObject({ status: 3, final: true, outcome: 'refused' });
    expect(top['withdrawn']).toMatchObject({ status: 7, final: true, outcome: 'withdrawn' });
    expect(top['stopped']).toMatchObject({ status: 8, final: true, outcome: 'stopped' });
  });

  it('lets the citizen withdraw from every open state before the result, recorded by the receiver', () => {
    const open = Object.entries(top).filter(([name, node]) => node.final !== true && name !== 'result_ready');
    for (const [name, node] of open) {
      const withdraw = transitions(node, 'WITHDRAW');
      expect(withdraw, `WITHDRAW in '${name}'`).toHaveLength(1);
      expect(withdraw[0]).toMatchObject({ to: 'withdrawn', roles: ['receiver'], input: { required: ['reason'] } });
    }
    expect(transitions(top['result_ready'], 'WITHDRAW')).toEqual([]);
  });

  it('gives processing steps the status "đang xử lý" and an internal time budget', () => {
    const steps = Object.entries(top).filter(([, node]) => node.status === 4);
    expect(steps.length).toBeGreaterThanOrEqual(2);
    for (const [name, node] of steps) expect(parseDuration(node.target ?? '').ok, `target of '${name}'`).toBe(true);
  });

  it('asks for a reason whenever a dossier is refused, sent back, stopped or withdrawn', () => {
    for (const [name, node] of allStates(top)) {
      for (const event of ['REJECT', 'REQUEST_SUPPLEMENT', 'RETURN', 'STOP', 'WITHDRAW']) {
        for (const t of transitions(node, event)) expect(t.input?.required, `${event} in '${name}'`).toContain('reason');
      }
    }
  });

  it('guards at least one transition with a condition', () => {
    const guarded = allStates(top).flatMap(([, node]) => Object.keys(node.on ?? {}).flatMap((e) => transitions(node, e))).filter((t) => t.when !== undefined);
    expect(guarded.length).toBeGreaterThan(0);
  });

  it('marks personal fields for masking and refuses data it does not know', () => {
    const pii = piiPaths(def.data);
    for (const field of ['/ho_ten', '/ngay_sinh', '/so_dinh_danh']) expect(pii).toContain(field);
    expect(def.data['additionalProperties']).toBe(false);
    const errors = compileDataSchema(def.data)({ ho_ten: 'Nguyễn Văn A', so_dinh_danh: '12345', truong_la: 1 }).map((e) => e.path);
    expect(errors).toEqual(expect.arrayContaining(['/so_dinh_danh', '/truong_la']));
    const props = def.data['properties'] as Record<string, Record<string, unknown>>;
    expect(props['so_dinh_danh']?.['pattern']).toBe('^[0-9]{12}$');
  });
});

it('runs two checks at once in at least one procedure (a parallel state)', () => {
  const parallel = Object.keys(STATUTORY).filter((id) => allStates(load(id).def.states).some(([, node]) => node.type === 'parallel'));
  expect(parallel).toEqual(expect.arrayContaining(['dang-ky-thuong-tru', 'tach-ho']));
});
