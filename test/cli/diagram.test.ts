import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { fixturesDir } from '../engine/fixtures.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: fixturesDir, env: {} };
  const code = await main(['diagram', ...args], io);
  return { code, out, err };
}

describe('motcua diagram', () => {
  it('prints a Mermaid stateDiagram-v2 with nested compound states, finals and labelled transitions', async () => {
    const r = await run('engine-one-stop', '--procedures', '.');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('    [*] --> received');
    expect(lines).toContain('    received : Đã tiếp nhận');
    expect(lines).toContain('    received --> processing : ACCEPT (receiver)');
    expect(lines).toContain('    received --> received : NOTE (receiver, processor)');
    expect(lines).toContain('    awaiting_supplement --> withdrawn : EXPIRE (after 30 working days)');
    expect(lines).toContain('    delivered --> [*]');
    // Inside the compound state: its initial child and the edges between its children.
    const open = lines.indexOf('    state processing {');
    const close = lines.indexOf('    }', open);
    expect(open).toBeGreaterThan(0);
    expect(lines.slice(open, close)).toEqual(
      expect.arrayContaining([
        '        [*] --> drafting',
        '        drafting --> approval : PROPOSE (processor) [guarded]',
        '        drafting --> approval : PROPOSE (leader)',
        '        approval --> drafting : RETURN (leader)',
      ]),
    );
    // An edge leaving the compound state from a child is drawn at the level both ends share.
    expect(lines).toContain('    approval --> result_ready : APPROVE (leader)');
  });

  it('separates the regions of a parallel state with --, and draws its done transition', async () => {
    const r = await run('parallel.yaml');
    expect(r.code).toBe(0);
    const text = r.out;
    expect(text).toMatch(/state checks \{\n\s+state police_check \{[\s\S]*?\n\s+\}\n\s+--\n\s+state ward_check \{/);
    expect(text).toContain('police_pending --> police_done : POLICE_TIMEOUT (after 5 working days)');
    expect(text).toContain('checks --> approval : done');
    expect(text.split('{').length).toBe(text.split('}').length);
  });

  it('draws a chosen version, and says when it does not exist', async () => {
    expect((await run('engine-parallel', '--procedures', '.', '--version', '1')).code).toBe(0);
    const missing = await run('engine-parallel', '--procedures', '.', '--version', '4');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('has no version 4; its versions are 1');
  });

  it('answers usage errors with exit 2', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('a', 'b')).code).toBe(2);
    expect((await run('engine-parallel', '--version', 'one')).code).toBe(2);
  });
});
