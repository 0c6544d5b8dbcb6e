import { expect, it } from 'vitest';
import { forgetExpiredKeys, IDEMPOTENCY_KEEP_MS } from '../../src/service/idempotency.js';
import type { Store } from '../../src/storage/index.js';
import { TAM_TRU_DATA, describeEachMotcua, type MotcuaContext } from './cases-fixture.js';

const openBody = (name: string) => ({ procedure: 'dang-ky-tam-tru', applicant: { name }, data: TAM_TRU_DATA });

async function history(c: MotcuaContext, id: string): Promise<string[]> {
  const r = await c.call('receiver', 'GET', `/api/v1/cases/${id}/history`);
  return r.body.items.map((t: { event: string }) => t.event);
}

describeEachMotcua('Idempotency-Key', (ctx) => {
  it('opening twice with the same key and body replays the stored 201: one dossier, same id and PIN', async () => {
    const c = ctx();
    const key = { 'idempotency-key': 'open-7f3a' };
    const first = await c.call('receiver', 'POST', '/api/v1/cases', { body: openBody('Hồ Văn Idem'), headers: key });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    const second = await c.call('receiver', 'POST', '/api/v1/cases', { body: openBody('Hồ Văn Idem'), headers: key });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotency-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    const listed = await c.call('receiver', 'GET', `/api/v1/cases?limit=100&q=${encodeURIComponent('Hồ Văn Idem')}`);
    expect(listed.body.items).toHaveLength(1);
  });

  it('sending an event twice with the same key replays the response and records one transition, even after later changes', async () => {
    const c = ctx();
    const opened = await c.open();
    const key = { 'idempotency-key': 'accept-1' };
    const first = await c.send('receiver', opened.id, 'ACCEPT', undefined, key);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    const again = await c.send('receiver', opened.id, 'ACCEPT', undefined, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.headers.get('etag')).toBe('"2"');
    expect(again.body).toEqual(first.body);
    expect(await history(c, opened.id)).toEqual(['case.opened', 'ACCEPT']);
    // The case moves on; a late retry still gets the answer of its own request, and changes nothing.
    expect((await c.send('processor', opened.id, 'PROPOSE', { cho_o_hop_phap: true })).status).toBe(200);
    const late = await c.send('receiver', opened.id, 'ACCEPT', undefined, key);
    expect(late.status).toBe(200);
    expect(late.body.case.version).toBe(2);
    expect(await history(c, opened.id)).toEqual(['case.opened', 'ACCEPT', 'PROPOSE']);
  });

  it('the same key with a different body, or for another case, answers 422 and does nothing', async () => {
    const c = ctx();
    const a = await c.open();
    const b = await c.open();
    const key = { 'idempotency-key': 'supplement-1' };
    expect((await c.send('receiver', a.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu CT01' }, key)).status).toBe(200);
    const changed = await c.send('receiver', a.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu hợp đồng' }, key);
    expect(changed.status).toBe(422);
    expect(changed.body.code).toBe('idempotencyMismatch');
    const elsewhere = await c.send('receiver', b.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu CT01' }, key);
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.code).toBe('idempotencyMismatch');
    expect(await history(c, a.id)).toEqual(['case.opened', 'REQUEST_SUPPLEMENT']);
    expect(await history(c, b.id)).toEqual(['case.opened']);
    const opened = await c.call('receiver', 'POST', '/api/v1/cases', { body: openBody('Khác'), headers: key });
    expect(opened.status).toBe(422);
  });

  it('the same key while the first request is still running answers 409; afterwards it replays', async () => {
    const c = ctx();
    const opened = await c.open();
    const key = { 'idempotency-key': 'race-accept' };
    // Hold the first request at the store's door, so "still running" is certain, not a matter of timing.
    const store = c.m.store;
    const realWrite = store.write;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived = 0;
    store.write = ((fn) => {
      arrived += 1;
      return gate.then(() => realWrite(fn));
    }) as Store['write'];
    try {
      const first = c.send('receiver', opened.id, 'ACCEPT', undefined, key);
      while (arrived === 0) await new Promise((resolve) => setImmediate(resolve));
      const second = await c.send('receiver', opened.id, 'ACCEPT', undefined, key);
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('idempotencyInFlight');
      expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      release();
      const winner = await first;
      expect(winner.status).toBe(200);
      expect(winner.headers.get('idempotency-replayed')).toBeNull();
      store.write = realWrite;
      const retry = await c.send('receiver', opened.id, 'ACCEPT', undefined, key);
      expect(retry.status).toBe(200);
      expect(retry.headers.get('idempotency-replayed')).toBe('true');
      expect(retry.body).toEqual(winner.body);
    } finally {
      store.write = realWrite;
      release();
    }
    expect(await history(c, opened.id)).toEqual(['case.opened', 'ACCEPT']);
  });

  it('two identical keyed requests fired together never apply twice: one 200, the other 409 in flight or the replay', async () => {
    const c = ctx();
    for (let i = 0; i < 5; i++) {
      const opened = await c.open();
      const key = { 'idempotency-key': `together-${i}` };
      const both = await Promise.all([c.send('receiver', opened.id, 'ACCEPT', undefined, key), c.send('receiver', opened.id, 'ACCEPT', undefined, key)]);
      const fresh = both.filter((r) => r.status === 200 && r.headers.get('idempotency-replayed') === null);
      expect(fresh).toHaveLength(1);
      const other = both.find((r) => r !== fresh[0])!;
      if (other.status === 409) expect(other.body.code).toBe('idempotencyInFlight');
      else {
        expect(other.headers.get('idempotency-replayed')).toBe('true');
        expect(other.body).toEqual(fresh[0]!.body);
      }
      expect(await history(c, opened.id)).toEqual(['case.opened', 'ACCEPT']);
    }
  });

  it('keys are per user: the same key from two officers is two requests with two effects', async () => {
    const c = ctx();
    const key = { 'idempotency-key': 'shared-key' };
    const mine = await c.call('receiver', 'POST', '/api/v1/cases', { body: openBody('Võ Thị Chung'), headers: key });
    const yours = await c.call('receiver2', 'POST', '/api/v1/cases', { body: openBody('Võ Thị Chung'), headers: key });
    expect([mine.status, yours.status]).toEqual([201, 201]);
    expect(yours.headers.get('idempotency-replayed')).toBeNull();
    expect(yours.body.id).not.toBe(mine.body.id);
    const listed = await c.call('receiver', 'GET', `/api/v1/cases?limit=100&q=${encodeURIComponent('Võ Thị Chung')}`);
    expect(listed.body.items).toHaveLength(2);

    const shared = await c.open();
    const k2 = { 'idempotency-key': 'shared-2' };
    expect((await c.send('receiver', shared.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu CT01' }, k2)).status).toBe(200);
    const next = await c.send('receiver2', shared.id, 'SUPPLEMENTED', undefined, k2);
    expect(next.status).toBe(200);
    expect(next.headers.get('idempotency-replayed')).toBeNull();
    expect(await history(c, shared.id)).toEqual(['case.opened', 'REQUEST_SUPPLEMENT', 'SUPPLEMENTED']);
  });

  it('a refused request is not remembered: the same key works once the refusal no longer applies', async () => {
    const c = ctx();
    const opened = await c.open();
    const key = { 'idempotency-key': 'propose-early' };
    expect((await c.send('processor', opened.id, 'PROPOSE', { cho_o_hop_phap: true }, key)).status).toBe(409);
    await c.send('receiver', opened.id, 'ACCEPT');
    const now = await c.send('processor', opened.id, 'PROPOSE', { cho_o_hop_phap: true }, key);
    expect(now.status).toBe(200);
    expect(now.headers.get('idempotency-replayed')).toBeNull();
  });

  it('a key that is not 1–200 visible ASCII characters answers 400, always with the same message', async () => {
    const c = ctx();
    const opened = await c.open();
    for (const bad of ['x'.repeat(201), 'khóa', 'with space']) {
      const r = await c.send('receiver', opened.id, 'ACCEPT', undefined, { 'idempotency-key': bad });
      expect(r.status, bad).toBe(400);
      expect(r.body.detail, bad).toBe('Idempotency-Key must be 1–200 visible ASCII characters with no spaces, e.g. a UUID.');
    }
    expect(await history(c, opened.id)).toEqual(['case.opened']);
  });

  it('the PIN of a remembered opening is kept encrypted, and a replay gives it back', async () => {
    const c = ctx();
    const key = { 'idempotency-key': 'open-pin' };
    const first = await c.call('receiver', 'POST', '/api/v1/cases', { body: openBody('Đào Thị Mận'), headers: key });
    expect(first.body.pin).toMatch(/^\d{6}$/);
    const [row] = await c.m.store.read((tx) => tx.db.selectFrom('idempotency_keys').select('response_body').where('key', '=', 'open-pin').execute());
    expect(row!.response_body).not.toContain(`"${first.body.pin}"`);
    expect(JSON.parse(row!.response_body!)).not.toHaveProperty('pin');
    const again = await c.call('receiver', 'POST', '/api/v1/cases', { body: openBody('Đào Thị Mận'), headers: key });
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body.pin).toBe(first.body.pin);
    expect(again.body).toEqual(first.body);
  });
});

// These move the clock by days and clear every key: a context of their own.
describeEachMotcua('Idempotency-Key over time', (ctx) => {
  it('a key is remembered for a day: after that it starts a new request, and housekeeping deletes the old ones', async () => {
    const c = ctx();
    const opened = await c.open();
    const key = { 'idempotency-key': 'daily' };
    expect((await c.send('receiver', opened.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu CT01' }, key)).status).toBe(200);
    expect((await c.send('receiver', opened.id, 'SUPPLEMENTED', undefined, { 'idempotency-key': 'later' })).status).toBe(200);
    c.clock.advance(23 * 60 * 60 * 1000);
    // Within the day: the other body is refused, as always.
    expect((await c.send('receiver', opened.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu hợp đồng' }, key)).status).toBe(422);
    c.clock.advance(60 * 60 * 1000);
    const fresh = await c.send('receiver', opened.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu hợp đồng' }, key);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('idempotency-replayed')).toBeNull();
    expect(await history(c, opened.id)).toEqual(['case.opened', 'REQUEST_SUPPLEMENT', 'SUPPLEMENTED', 'REQUEST_SUPPLEMENT']);

    const keys = async () => (await c.m.store.read((tx) => tx.db.selectFrom('idempotency_keys').select('key').orderBy('key').execute())).map((k) => k.key);
    // 'daily' was just written again; 'later' (and the earlier tests' keys) are a day old.
    const before = await keys();
    expect(before).toEqual(expect.arrayContaining(['daily', 'later']));
    expect(await c.m.housekeeping.runOnce()).toEqual({ idempotencyKeys: before.length - 1 });
    expect(await keys()).toEqual(['daily']);
    expect(await c.m.housekeeping.runOnce()).toEqual({ idempotencyKeys: 0 });
  });

  it('housekeeping deletes expired keys in small transactions until none is left', async () => {
    const c = ctx();
    const count = async () => (await c.m.store.read((tx) => tx.db.selectFrom('idempotency_keys').select('key').execute())).length;
    // The earlier tests' keys go first, so only this test's five are left to count.
    c.clock.advance(IDEMPOTENCY_KEEP_MS);
    await forgetExpiredKeys(c.m.store, c.clock.now());
    expect(await count()).toBe(0);
    for (let i = 0; i < 5; i++) {
      await c.call('receiver', 'POST', '/api/v1/cases', { body: openBody(`Người ${i}`), headers: { 'idempotency-key': `batch-${i}` } });
      c.clock.advance(1);
    }
    c.clock.advance(IDEMPOTENCY_KEEP_MS);
    const commits = c.m.store.stats().committedCommands;
    expect(await forgetExpiredKeys(c.m.store, c.clock.now(), 2)).toBe(5);
    // Two, two, then one: three transactions, none holding the writer for more than two keys.
    expect(c.m.store.stats().committedCommands - commits).toBe(3);
    expect(await count()).toBe(0);
  });

  it('replays the PIN of an opening remembered before PINs were sealed', async () => {
    const c = ctx();
    const key = { 'idempotency-key': 'open-before-sealing' };
    const first = await c.call('receiver', 'POST', '/api/v1/cases', { body: openBody('Hà Văn Cũ'), headers: key });
    // The answer as the previous version stored it: the PIN as it is.
    await c.m.store.write((tx) =>
      tx.db
        .updateTable('idempotency_keys')
        .set({ response_body: JSON.stringify({ ...first.body, pin: '123456' }) })
        .where('key', '=', 'open-before-sealing')
        .execute(),
    );
    const again = await c.call('receiver', 'POST', '/api/v1/cases', { body: openBody('Hà Văn Cũ'), headers: key });
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body.pin).toBe('123456');
  });
});
