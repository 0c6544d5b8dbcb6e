/**
 * Events on one case are serialized: of 50 concurrent requests that each send a valid event to
 * the same case, exactly one succeeds and the rest get 409 (or 412 with a stale If-Match), and
 * the history gains exactly one entry. On SQLite the requests meet in the group-commit batch; on
 * PostgreSQL they run in parallel transactions and meet at the case row (`where version = old`).
 */
import { expect, it } from 'vitest';
import { TAM_TRU_DATA, describeEachMotcua, type MotcuaContext, type Reply } from './cases-fixture.js';

const N = 50;

async function historyOf(c: MotcuaContext, id: string): Promise<{ seq: number; event: string }[]> {
  return (await c.call('receiver', 'GET', `/api/v1/cases/${id}/history`)).body.items;
}

function tally(replies: Reply[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of replies) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

describeEachMotcua('50 concurrent events on one case', (ctx) => {
  it('the same valid event 50 times at once: one 200, 49 × 409, one new history entry', async () => {
    const c = ctx();
    const opened = await c.open();
    const replies = await Promise.all(Array.from({ length: N }, () => c.send('receiver', opened.id, 'ACCEPT')));
    expect(tally(replies)).toEqual({ 200: 1, 409: N - 1 });
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(['eventNotAllowed', 'versionConflict']).toContain(r.body.code);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const history = await historyOf(c, opened.id);
    expect(history.map((t) => [t.seq, t.event])).toEqual([
      [1, 'case.opened'],
      [2, 'ACCEPT'],
    ]);
    expect((await c.call('receiver', 'GET', `/api/v1/cases/${opened.id}`)).body.version).toBe(2);
  });

  it('50 different valid events at once (accept, supplement, refuse): exactly one wins', async () => {
    const c = ctx();
    const opened = await c.open();
    const choices: [string, Record<string, unknown> | undefined][] = [
      ['ACCEPT', undefined],
      ['REQUEST_SUPPLEMENT', { reason: 'Thiếu tờ khai CT01' }],
      ['REJECT', { reason: 'Không đủ điều kiện' }],
    ];
    // (WITHDRAW is left out: it is still valid after any of these, so a second one may rightly succeed.)
    const replies = await Promise.all(Array.from({ length: N }, (_, i) => c.send('receiver', opened.id, ...choices[i % choices.length]!)));
    expect(tally(replies)).toEqual({ 200: 1, 409: N - 1 });
    const winner = replies.find((r) => r.status === 200)!;
    const history = await historyOf(c, opened.id);
    expect(history.map((t) => t.event)).toEqual(['case.opened', winner.body.transition.event]);
  });

  it('50 at once with If-Match of the current version: one 200, the others 412 (or 409), one new entry', async () => {
    const c = ctx();
    const opened = await c.open();
    await c.send('receiver', opened.id, 'ACCEPT');
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) => c.send(i % 2 === 0 ? 'processor' : 'officer', opened.id, 'PROPOSE', { cho_o_hop_phap: true }, { 'if-match': '"2"' })),
    );
    const counts = tally(replies);
    expect(counts[200]).toBe(1);
    expect((counts[412] ?? 0) + (counts[409] ?? 0)).toBe(N - 1);
    // On SQLite every loser reads the committed winner inside its batch, so the precondition fails.
    if (c.kind === 'sqlite') expect(counts[412]).toBe(N - 1);
    for (const r of replies.filter((x) => x.status === 412)) expect(r.body).toMatchObject({ code: 'preconditionFailed', current_version: 3 });
    const history = await historyOf(c, opened.id);
    expect(history.map((t) => t.event)).toEqual(['case.opened', 'ACCEPT', 'PROPOSE']);
  });

  it('races on 10 cases at once still give one winner per case', async () => {
    const c = ctx();
    const cases = await Promise.all(Array.from({ length: 10 }, () => c.open()));
    const replies = await Promise.all(cases.flatMap((k) => Array.from({ length: 10 }, () => c.send('receiver', k.id, 'ACCEPT').then((r) => ({ id: k.id, r })))));
    for (const k of cases) {
      const mine = replies.filter((x) => x.id === k.id).map((x) => x.r);
      expect(tally(mine)).toEqual({ 200: 1, 409: 9 });
      expect((await historyOf(c, k.id)).map((t) => t.event)).toEqual(['case.opened', 'ACCEPT']);
    }
  });

  it('50 dossiers opened at once at one desk get 50 distinct, consecutive codes', async () => {
    const c = ctx();
    const replies = await Promise.all(
      Array.from({ length: N }, () => c.call('receiver', 'POST', '/api/v1/cases', { body: { procedure: 'dang-ky-tam-tru', applicant: { name: 'An' }, data: { ...TAM_TRU_DATA } } })),
    );
    expect(tally(replies)).toEqual({ 201: N });
    const numbers = replies.map((r) => Number(String(r.body.code).slice(-4))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(N);
    expect(numbers[N - 1]! - numbers[0]!).toBe(N - 1);
  });
});
