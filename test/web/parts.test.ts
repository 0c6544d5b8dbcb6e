/** The web's pure parts: forms back into JSON, Vietnamese formats, the state diagram. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkProcedureSource } from '../../src/definitions/check.js';
import { daysLeftVn, dateTimeVn, dateVn, durationVn, numberVn, percentVn } from '../../src/web/format.js';
import { fieldErrors, formToJson, messageVn } from '../../src/web/form-data.js';
import { stateDiagramSvg, stateEdges, stateLayers } from '../../src/web/state-diagram.js';

const SCHEMA = {
  type: 'object',
  required: ['name', 'agreed'],
  properties: {
    name: { type: 'string' },
    months: { type: 'integer' },
    area: { type: 'number' },
    agreed: { type: 'boolean' },
    extra: { type: 'boolean' },
    kind: { type: 'string', enum: ['a', 'b'] },
    contact: { type: 'object', properties: { phone: { type: 'string' }, ok: { type: 'boolean' } } },
    members: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, id: { type: 'string' } } } },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

function form(entries: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.append(k, v);
  return f;
}

describe('form fields back into JSON', () => {
  it('types values by the schema and leaves empty fields out so "required" can speak', () => {
    const value = formToJson(SCHEMA, form({ 'd.name': '  An ', 'd.months': '12', 'd.area': '12,5', 'd.kind': '', 'd.agreed': 'true' }), 'd');
    expect(value).toEqual({ name: 'An', months: 12, area: 12.5, agreed: true, extra: false });
  });

  it('keeps text that is not a number as text, so the validator names the field', () => {
    expect(formToJson(SCHEMA, form({ 'd.months': 'mười' }), 'd')['months']).toBe('mười');
  });

  it('keeps a nested object only when something in it was filled, and rows of an array that are not empty', () => {
    expect(formToJson(SCHEMA, form({}), 'd')['contact']).toBeUndefined();
    const value = formToJson(SCHEMA, form({ 'd.contact.phone': '0912', 'd.members[0].name': 'Bình', 'd.members[2].id': '1', 'd.tags': 'x\n\ny\n' }), 'd');
    expect(value['contact']).toEqual({ phone: '0912', ok: false });
    expect(value['members']).toEqual([{ name: 'Bình' }, { id: '1' }]);
    expect(value['tags']).toEqual(['x', 'y']);
  });

  it('maps validator errors to fields, in Vietnamese', () => {
    const errors = fieldErrors([{ path: '/name', message: 'is required' }, { path: '/months', message: 'must be <= 24' }, { path: '/name', message: 'second' }], '/data');
    expect(errors.get('/data/name')).toBe('Bắt buộc nhập.');
    expect(errors.get('/data/months')).toBe('Không được lớn hơn 24.');
    expect(messageVn('something new')).toBe('something new');
  });
});

describe('Vietnamese formats', () => {
  it('writes dates as dd/mm/yyyy and times in Asia/Ho_Chi_Minh whatever the server zone', () => {
    // 17:30 UTC is 00:30 the next day in Vietnam.
    expect(dateVn('2026-03-05T17:30:00.000Z')).toBe('06/03/2026');
    expect(dateTimeVn('2026-03-05T17:30:00.000Z')).toBe('00:30 06/03/2026');
    expect(dateVn('2025-07-01')).toBe('01/07/2025');
    expect(dateVn(null)).toBe('');
  });

  it('says working days left, due today and overdue', () => {
    expect(daysLeftVn(3, false)).toBe('Còn 3 ngày làm việc');
    expect(daysLeftVn(0, false)).toBe('Đến hạn hôm nay');
    expect(daysLeftVn(-2, true)).toBe('Quá hạn 2 ngày làm việc');
  });

  it('writes numbers, shares and durations the Vietnamese way', () => {
    expect(numberVn(1234567.5, 1)).toBe('1.234.567,5');
    expect(percentVn(0.875)).toBe('87,5%');
    expect(percentVn(null)).toBe('—');
    expect(durationVn('3 working days')).toBe('3 ngày làm việc');
    expect(durationVn('½ working day')).toBe('0,5 ngày làm việc');
    expect(durationVn('4 working hours')).toBe('4 giờ làm việc');
  });
});

describe('state diagram', () => {
  const source = readFileSync('procedures/dang-ky-tam-tru.yaml', 'utf8');
  const def = checkProcedureSource(source, 'dang-ky-tam-tru.yaml').definition!;

  it('puts each state in the column of its distance from the initial state', () => {
    const layers = stateLayers(def, stateEdges(def));
    expect(layers.get('received')).toBe(0);
    expect(layers.get('processing')).toBe(1);
    expect(layers.get('approval')).toBe(2);
    expect(layers.get('result_ready')).toBe(3);
    expect(layers.get('delivered')).toBe(4);
  });

  it('draws every state and every event, escaped, as one SVG', () => {
    const svg = stateDiagramSvg(def);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const title of ['Mới đăng ký, chờ kiểm tra hồ sơ', 'Đã trả kết quả', 'Dừng xử lý']) expect(svg).toContain(title);
    for (const event of ['ACCEPT', 'PROPOSE', 'RETURN', 'DELIVER', 'EXPIRE']) expect(svg).toContain(event);
    expect(svg).not.toMatch(/<script/i);
  });
});
