import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { fixturesDir } from '../engine/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'motcua-simulate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: scratch, env: {} };
  const code = await main(['simulate', ...args, '--procedures', fixturesDir], io);
  return { code, out, err };
}

describe('motcua simulate', () => {
  it('prints each state entered and exits 0 when every event is accepted', async () => {
    writeFileSync(join(scratch, 'checked.json'), JSON.stringify({ checked: true }));
    const r = await run('engine-one-stop', 'ACCEPT', 'PROPOSE', 'APPROVE', 'DELIVER', '--data', 'checked.json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'engine-one-stop v1: Thủ tục thử nghiệm một cửa',
      'start → received [status 2]',
      'ACCEPT as receiver: → drafting [status 4]',
      '    deadline clock started',
      '    timer: ESCALATE after 2 working days in processing',
      '    timer: NUDGE after 4 working hours in drafting',
      'PROPOSE as processor: → approval [status 4]',
      '    timer cancelled: NUDGE of drafting',
      'APPROVE as leader: → result_ready [status 9]',
      '    timer cancelled: ESCALATE of processing',
      'DELIVER as receiver: → delivered [status 10]',
      '    case closed: approved',
      'all 4 events accepted',
      '',
    ]);
  });

  it('prints each refusal with its reason, carries on, and exits 1', async () => {
    const r = await run('engine-one-stop', 'ACCEPT', 'PROPOSE@processor', 'APPROVE', 'PROPOSE@leader');
    expect(r.code).toBe(1);
    expect(r.out).toContain("PROPOSE as processor: REFUSED (guardFailed) event 'PROPOSE' refused in state 'drafting'");
    expect(r.out).toContain('allowed now: PROPOSE, WAIT_CITIZEN');
    expect(r.out).toContain("APPROVE as receiver|processor|leader: REFUSED (eventNotAllowed) event 'APPROVE' is not allowed in state 'drafting'");
    expect(r.out).toContain('PROPOSE as leader: → approval');
    expect(r.out).toContain('2 of 4 events refused');
  });

  it('sends input given as field=value, with roles from --as or EVENT@role, and timers as the system', async () => {
    const refused = await run('engine-one-stop', 'REQUEST_SUPPLEMENT', '--as', 'processor');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('REFUSED (forbidden)');
    const r = await run('engine-one-stop', 'REQUEST_SUPPLEMENT', 'reason=thiếu tờ khai CT01', 'EXPIRE@receiver', '--as', 'receiver');
    expect(r.out).toContain('REQUEST_SUPPLEMENT as receiver: → awaiting_supplement');
    expect(r.out).toContain("EXPIRE as receiver: REFUSED (forbidden) event 'EXPIRE' is sent only by the system");
    const auto = await run('engine-one-stop', 'REQUEST_SUPPLEMENT@receiver', 'reason=thiếu tờ khai CT01', 'REMIND', 'EXPIRE', '--as', 'leader');
    expect(auto.code).toBe(0);
    expect(auto.out).toContain('REMIND as system: recorded in awaiting_supplement');
    expect(auto.out).toContain('EXPIRE as system: → withdrawn [status 7]');
    expect(auto.out).toContain('case closed: withdrawn');
  });

  it('reads typed values as JSON in parallel procedures', async () => {
    const r = await run('engine-parallel', 'ACCEPT', 'WARD_OK', 'score=3', 'WARD_OK', 'score=8', 'POLICE_OK', 'APPROVE');
    expect(r.out).toContain('WARD_OK as receiver|processor|leader: REFUSED (guardFailed)');
    expect(r.out).toContain('WARD_OK as processor: → police_pending, ward_done [status 4]');
    expect(r.out).toContain('POLICE_OK as processor: → reviewing [status 4]');
    expect(r.out).toContain('APPROVE as leader: → delivered [status 10]');
    expect(r.code).toBe(1);
  });

  it('answers usage errors with exit 2 and an unknown procedure with exit 1', async () => {
    expect((await run('engine-one-stop')).code).toBe(2);
    expect((await run('engine-one-stop', 'reason=x')).code).toBe(2);
    expect((await run('engine-one-stop', 'accept')).code).toBe(2);
    expect((await run('engine-one-stop', 'ACCEPT', '--colour')).code).toBe(2);
    expect((await run('engine-one-stop', 'ACCEPT', '--data', 'missing.json')).code).toBe(2);
    const unknown = await run('engine-one-stp', 'ACCEPT');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("did you mean 'engine-one-stop'?");
  });
});
