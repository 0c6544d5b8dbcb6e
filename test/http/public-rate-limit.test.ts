/** Rate limits of the public routes, per client address, on the injected clock (no sleeps). */
import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/clock/index.js';
import { listen } from '../../src/http/listen.js';
import { createRateLimiter } from '../../src/service/public-rate-limit.js';
import { socketAddress } from '../../src/http/routes/public.js';
import { describeEachPublic, type PublicContext } from './public-fixture.js';

describeEachPublic('public rate limit', (ctx) => {
  it('allows 10 tries a minute per address, then 429 with Retry-After; other addresses are not affected', async () => {
    const { call, open, clock } = ctx();
    const c = await open();
    const lookup = (client: string) => call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${c.pin}`, { client });
    for (let i = 0; i < 10; i++) expect((await lookup('192.0.2.10')).status).toBe(200);
    const refused = await lookup('192.0.2.10');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('tooManyRequests');
    // One token comes back every 6 s.
    expect(refused.headers.get('retry-after')).toBe('6');
    expect((await lookup('192.0.2.11')).status).toBe(200);

    clock.advance(6_000);
    expect((await lookup('192.0.2.10')).status).toBe(200);
    expect((await lookup('192.0.2.10')).status).toBe(429);
    clock.advance(60_000);
    for (let i = 0; i < 10; i++) expect((await lookup('192.0.2.10')).status).toBe(200);
  });

  it('counts ratings and lookups together: both confirm a PIN', async () => {
    const { call, open } = ctx();
    const c = await open();
    for (let i = 0; i < 10; i++) await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=000000`, { client: '192.0.2.20' });
    const rating = await call('citizen', 'POST', `/api/v1/public/cases/${c.code}/rating`, { client: '192.0.2.20', body: { pin: c.pin, level: 'hai_long' } });
    expect(rating.status).toBe(429);
  });

  it('lets 1,000 wrong PINs from one address get nowhere: 10 answers, then only 429, the right PIN never confirmed', async () => {
    const { call, open } = ctx();
    const c = await open();
    const right = Number(c.pin);
    // 1,000 guesses around the right PIN, the right one among them (the 500th).
    const guesses = Array.from({ length: 1000 }, (_, i) => String((right - 499 + i + 1_000_000) % 1_000_000).padStart(6, '0'));
    expect(guesses[499]).toBe(c.pin);
    const statuses = new Map<number, number>();
    for (const pin of guesses) {
      const r = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${pin}`, { client: '192.0.2.66' });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      expect(r.status, `PIN ${pin}`).not.toBe(200);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 404: 10, 429: 990 });
  });

  it('counts wrong PINs per dossier code too, whatever the address: after 10 an hour the code is held, a code nobody has alike', async () => {
    const { call, open, clock } = ctx();
    const c = await open();
    const other = await open();
    const lookup = (code: string, pin: string, i: number) => call('citizen', 'GET', `/api/v1/public/cases/${code}?pin=${pin}`, { client: `203.0.113.${i}` });
    const wrong = c.pin === '000000' ? '000001' : '000000';
    for (let i = 0; i < 10; i++) expect((await lookup(c.code, wrong, i)).status).toBe(404);
    // Ten addresses, ten wrong PINs: now even the right PIN waits, from a fresh address.
    const held = await lookup(c.code, c.pin, 100);
    expect(held.status).toBe(429);
    expect(held.body.detail).toContain('wrong PINs for this dossier code');
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(300);
    // Rating is a PIN check as well.
    expect((await call('citizen', 'POST', `/api/v1/public/cases/${c.code}/rating`, { client: '203.0.113.101', body: { pin: c.pin, level: 'hai_long' } })).status).toBe(429);
    expect((await lookup(other.code, other.pin, 102)).status).toBe(200);
    // A code that does not exist is held the same way: the answers do not tell codes apart.
    for (let i = 0; i < 10; i++) expect((await lookup('HT.TS-000000-9999', wrong, 110 + i)).status).toBe(404);
    expect((await lookup('HT.TS-000000-9999', wrong, 130)).status).toBe(429);
    // One try comes back every 6 minutes; right PINs spend none of it, however many.
    clock.advance(6 * 60_000);
    for (let i = 0; i < 5; i++) expect((await lookup(c.code, c.pin, 131 + i)).status).toBe(200);
    expect((await lookup(c.code, wrong, 140)).status).toBe(404);
    expect((await lookup(c.code, c.pin, 141)).status).toBe(429);
  });

  it('names a held dossier in the operator log, but what a stranger typed only by a keyed hash: no ID number, no forged line', async () => {
    const { call, open, logs: all } = ctx();
    const before = all.length;
    const c = await open();
    const wrong = c.pin === '000000' ? '000001' : '000000';
    const lookup = (code: string, i: number) => call('citizen', 'GET', `/api/v1/public/cases/${encodeURIComponent(code)}?pin=${wrong}`, { client: `198.51.100.${i}` });
    for (let i = 0; i < 10; i++) await lookup(c.code, i);
    // A citizen's ID number typed into the code box, ten times.
    for (let i = 0; i < 10; i++) expect((await lookup('001090000099', 20 + i)).status).toBe(404);
    const logs = all.slice(before);
    const held = logs.filter((line) => line.includes('is held after'));
    expect(held).toHaveLength(2);
    expect(held[0]).toContain(`dossier code ${c.code} is held`);
    expect(held[1]).toMatch(/^public: a code that names no dossier \(keyed hash [0-9a-f]{12}\) is held/);
    expect(logs.join('\n')).not.toContain('001090000099');
    // A line break (or any control character) is not part of a code: refused before any lookup.
    const forged = await lookup('HT.TS-1\nerror GET /api/v1/x request=forged', 40);
    expect(forged.status, JSON.stringify(forged.body)).toBe(400);
    expect(JSON.stringify(forged.body)).toContain('control or invisible characters');
    expect(all.slice(before).join('\n')).not.toContain('forged');
  });

  it('holds a code against wrong PINs sent all at once from many addresses: 10 are checked, the rest refused', async () => {
    const { call, open } = ctx();
    const c = await open();
    const wrong = c.pin === '000000' ? '000001' : '000000';
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${wrong}`, { client: `198.18.0.${i}` })));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
  });

  it('spends the code\'s budget on a complaint that names it with a wrong PIN, and refuses one while the code is held', async () => {
    const { call, open } = ctx();
    const c = await open();
    const wrong = c.pin === '000000' ? '000001' : '000000';
    const complain = (pin: string, i: number) => call('citizen', 'POST', '/api/v1/public/feedback', { client: `198.19.0.${i}`, body: { unit: 'thanh-sen', content: 'x', case_code: c.code, case_pin: pin } });
    for (let i = 0; i < 10; i++) expect((await complain(wrong, i)).status).toBe(404);
    const held = await complain(c.pin, 20);
    expect(held.status).toBe(429);
    expect(held.body.detail).toContain('wrong PINs for this dossier code');
  });

  it('limits feedback per address too', async () => {
    const { call } = ctx();
    const send = () => call('citizen', 'POST', '/api/v1/public/feedback', { client: '192.0.2.30', body: { unit: 'thanh-sen', content: 'Góp ý' } });
    for (let i = 0; i < 10; i++) expect((await send()).status).toBe(201);
    const r = await send();
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('the token bucket', () => {
  it('refills one try at a time and says when the next one comes', () => {
    const clock = createManualClock('2026-03-02T02:00:00.000Z');
    const limiter = createRateLimiter({ capacity: 2, windowMs: 60_000, clock });
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 30 });
    clock.advance(29_000);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.advance(1_000);
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('b')).toEqual({ ok: true });
  });

  it('holds at most maxKeys addresses: refilled buckets go first, then the oldest', () => {
    const clock = createManualClock('2026-03-02T02:00:00.000Z');
    const limiter = createRateLimiter({ capacity: 2, windowMs: 60_000, clock, maxKeys: 3 });
    limiter.take('a');
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    expect(limiter.take('a').ok).toBe(false);
    // A fourth address: nothing has refilled, so the oldest ('a') is forgotten and starts afresh.
    limiter.take('d');
    expect(limiter.take('a')).toEqual({ ok: true });
  });
});

describe('the client address', () => {
  const fakeContext = (forwarded?: string) =>
    ({ req: { header: (name: string) => (name === 'x-forwarded-for' ? forwarded : undefined) }, env: { incoming: { socket: { remoteAddress: '10.0.0.5', remotePort: 1, remoteFamily: 'IPv4' } } } }) as never;

  // The resolver alone, on a hand-built context: the cases a real socket on 127.0.0.1 cannot
  // show (another socket address). The suites below run the same rules end to end.
  it('is the socket address; X-Forwarded-For is ignored unless a proxy is trusted', () => {
    expect(socketAddress()(fakeContext('6.6.6.6'))).toBe('10.0.0.5');
    expect(socketAddress({ trustProxy: true })(fakeContext('6.6.6.6, 203.0.113.9'))).toBe('203.0.113.9');
    expect(socketAddress({ trustProxy: true })(fakeContext())).toBe('10.0.0.5');
  });

  it('is unknown without a socket (app.request)', () => {
    expect(socketAddress()({ req: { header: () => undefined }, env: undefined } as never)).toBeUndefined();
  });
});

/**
 * motcua served on 127.0.0.1 (a real socket) for the suite; `lookup` sends one public lookup
 * of the suite's dossier over that socket, with the given X-Forwarded-For.
 */
function servedOnSocket(ctx: () => PublicContext): { lookup: (forwardedFor?: string) => Promise<number> } {
  let server: ServerType | undefined;
  let url = '';
  beforeAll(async () => {
    const { open, m } = ctx();
    const c = await open();
    server = await listen(m.app.fetch, 0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/public/cases/${c.code}?pin=${c.pin}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  return {
    async lookup(forwardedFor) {
      const res = await fetch(url, { headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });
      await res.arrayBuffer();
      return res.status;
    },
  };
}

describeEachPublic(
  'public rate limit by socket address (no proxy trusted)',
  (ctx) => {
    const socket = servedOnSocket(ctx);

    it('keys on the socket address: 11 lookups claiming 11 X-Forwarded-For addresses from one socket address, the 11th is 429', async () => {
      for (let i = 0; i < 10; i++) expect(await socket.lookup(`198.51.100.${i}`)).toBe(200);
      expect(await socket.lookup('198.51.100.10')).toBe(429);
      // The clock has not moved: the bucket of 127.0.0.1 stays empty, whatever the header says.
      expect(await socket.lookup()).toBe(429);
    });

    it('puts requests without a socket (app.request) in one shared bucket: the 11th is 429, whatever their headers', async () => {
      const { call, open } = ctx();
      const c = await open();
      const lookup = (i: number) => call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${c.pin}`, { client: `192.0.2.${i}`, headers: { 'x-forwarded-for': `198.18.0.${i}` } });
      for (let i = 0; i < 10; i++) expect((await lookup(i)).status).toBe(200);
      const refused = await lookup(10);
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('tooManyRequests');
    });
  },
  { clientAddress: 'socket' },
);

describeEachPublic(
  'public rate limit behind a trusted proxy',
  (ctx) => {
    const socket = servedOnSocket(ctx);

    it('keys on the address the proxy appended to X-Forwarded-For: 11 addresses from one socket address get 11 buckets', async () => {
      for (let i = 0; i < 11; i++) expect(await socket.lookup(`198.51.100.${i}`)).toBe(200);
    });

    it('ignores the addresses a client wrote into X-Forwarded-For before the proxy\'s: the 11th lookup via 203.0.113.9 is 429', async () => {
      for (let i = 0; i < 10; i++) expect(await socket.lookup(`6.6.6.${i}, 203.0.113.9`)).toBe(200);
      expect(await socket.lookup('6.6.6.10, 203.0.113.9')).toBe(429);
      // Another client behind the proxy still has its own bucket.
      expect(await socket.lookup('203.0.113.10')).toBe(200);
    });
  },
  { clientAddress: 'socket', trustProxy: true },
);
