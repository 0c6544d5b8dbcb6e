/** The citizen's rating: only a finished dossier, only once, criteria from the config, audited without the comment. */
import { expect, it } from 'vitest';
import { describeEachPublic, type PublicContext } from './public-fixture.js';

async function finished(ctx: PublicContext) {
  const c = await ctx.open();
  await ctx.send('officer', c.id, 'ACCEPT');
  await ctx.send('officer', c.id, 'PROPOSE', { cho_o_hop_phap: true });
  await ctx.send('officer', c.id, 'APPROVE');
  return c;
}

describeEachPublic('public rating', (ctx) => {
  const rate = (code: string, body: unknown, client = '198.51.100.1') => ctx().call('citizen', 'POST', `/api/v1/public/cases/${code}/rating`, { body, client });

  it('refuses a dossier that is not finished yet, with a clear 409', async () => {
    const c = await finished(ctx());
    // Result ready but not handed over: not finished.
    const r = await rate(c.code, { pin: c.pin, level: 'hai_long' });
    expect(r.status).toBe(409);
    expect(r.body.detail).toMatch(/once it is finished.*Đã xử lý xong/);
  });

  it('records one rating of a finished dossier; a second one is 409', async () => {
    const { send, call, m } = ctx();
    const c = await finished(ctx());
    await send('officer', c.id, 'DELIVER');
    const comment = 'Cán bộ Trần Văn Bình hướng dẫn rất tận tình, số điện thoại của tôi 0912345678';
    const r = await rate(c.code, { pin: c.pin, level: 'rat_hai_long', criteria: { timeliness: 5, staff_attitude: 4 }, comment });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ code: c.code, level: 'rat_hai_long', label: 'Rất hài lòng', criteria: { timeliness: 5, staff_attitude: 4 } });

    const again = await rate(c.code, { pin: c.pin, level: 'khong_hai_long' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('alreadyExists');
    const lookup = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${c.pin}`, { client: '198.51.100.2' });
    expect(lookup.body).toMatchObject({ finished: true, rated: true });

    // In the audit log: the level and scores, never the comment (personal data cannot be erased from hashed bytes).
    const entries = await m.store.read((tx) => tx.db.selectFrom('audit_entries').select(['bytes', 'event']).where('case_id', '=', c.id).orderBy('seq').execute());
    const recorded = entries.filter((e) => e.event === 'rating.recorded');
    expect(recorded).toHaveLength(1);
    const entry = JSON.parse(recorded[0]!.bytes);
    expect(entry).toMatchObject({ kind: 'rating.recorded', case_id: c.id, unit: 'thanh-sen', actor: { id: 'public', role: 'citizen' }, details: { level: 'rat_hai_long', criteria: { staff_attitude: 4, timeliness: 5 } } });
    for (const e of entries) {
      expect(e.bytes).not.toContain('Trần Văn Bình');
      expect(e.bytes).not.toContain('0912345678');
    }
    // The comment is kept with the rating, where it can be erased.
    const stored = await m.store.read((tx) => tx.db.selectFrom('ratings').selectAll().where('case_id', '=', c.id).executeTakeFirst());
    expect(stored?.comment).toBe(comment);
  });

  it('rejects criteria the config does not list (422) and scores outside 1–5', async () => {
    const { send } = ctx();
    const c = await finished(ctx());
    await send('officer', c.id, 'DELIVER');
    const unknown = await rate(c.code, { pin: c.pin, level: 'hai_long', criteria: { timelyness: 5 } }, '198.51.100.3');
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toMatch(/timelyness.*service, timeliness, staff_attitude, visits, publicity/);
    const tooHigh = await rate(c.code, { pin: c.pin, level: 'hai_long', criteria: { timeliness: 6 } }, '198.51.100.3');
    expect(tooHigh.status).toBe(422);
    const badLevel = await rate(c.code, { pin: c.pin, level: 'tam_duoc' }, '198.51.100.3');
    expect(badLevel.status).toBe(422);
    // Nothing was recorded by the refused tries.
    expect((await rate(c.code, { pin: c.pin, level: 'hai_long' }, '198.51.100.3')).status).toBe(201);
  });

  it('answers the same 404 as the lookup for a wrong PIN', async () => {
    const { send } = ctx();
    const c = await finished(ctx());
    await send('officer', c.id, 'DELIVER');
    const wrong = await rate(c.code, { pin: '999999' === c.pin ? '999998' : '999999', level: 'hai_long' }, '198.51.100.4');
    const noCase = await ctx().call('citizen', 'GET', `/api/v1/public/cases/NOPE-1?pin=${c.pin}`, { client: '198.51.100.4' });
    expect(wrong.status).toBe(404);
    expect(wrong.text).toBe(noCase.text);
  });

  it('lets a refused or withdrawn dossier be rated: it is finished too', async () => {
    const c = await ctx().open();
    await ctx().send('officer', c.id, 'REJECT', { reason: 'Không thuộc thẩm quyền' });
    expect((await rate(c.code, { pin: c.pin, level: 'khong_hai_long' }, '198.51.100.5')).status).toBe(201);
  });
});
