import { describe, expect, it } from 'vitest';
import { Procedure } from '../../src/definitions/index.js';
import { toMermaid } from '../../src/engine/index.js';

describe('toMermaid', () => {
  it('turns state names Mermaid cannot read into distinct ids', () => {
    const def = Procedure.parse({
      id: 'ids',
      version: 1,
      title: 'Ids',
      code: '1',
      legal_basis: ['x'],
      effective_from: '2025-07-01',
      unit_level: 'commune',
      deadline: '1 working day',
      roles: ['clerk'],
      data: {},
      initial: 'cho-duyet',
      states: {
        'cho-duyet': { title: 'Chờ duyệt; #1', on: { OK: { to: 'cho_duyet', roles: ['clerk'] } } },
        cho_duyet: { on: { DONE: { to: 'xong', roles: ['clerk'] } } },
        xong: { final: true, outcome: 'completed' },
      },
    });
    const text = toMermaid(def);
    expect(text).toContain('[*] --> cho_duyet_2');
    expect(text).toContain('cho_duyet_2 : Chờ duyệt 1');
    expect(text).toContain('cho_duyet_2 --> cho_duyet : OK (clerk)');
    expect(text).toContain('cho_duyet --> xong : DONE (clerk)');
  });
});
