import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { describeEachMotcua, type CallOptions, type Reply } from './cases-fixture.js';

/** A response with the case id and the request id taken out: what a client could compare. */
function comparable(r: Reply, id: string): { status: number; headers: Record<string, string>; body: string } {
  const headers = Object.fromEntries([...r.headers.entries()].filter(([k]) => k !== 'x-request-id'));
  return { status: r.status, headers, body: JSON.stringify(r.body).replaceAll(id, '<id>') };
}

/** Every case route, as (name, method, path, options) for a case id. */
const ROUTES: [string, string, (id: string) => string, CallOptions][] = [
  ['GET case', 'GET', (id) => `/api/v1/cases/${id}`, {}],
  ['GET history', 'GET', (id) => `/api/v1/cases/${id}/history`, {}],
  ['GET events', 'GET', (id) => `/api/v1/cases/${id}/events`, {}],
  ['POST a valid event', 'POST', (id) => `/api/v1/cases/${id}/events`, { body: { type: 'ACCEPT' } }],
  ['POST an event with invalid input', 'POST', (id) => `/api/v1/cases/${id}/events`, { body: { type: 'REJECT' } }],
  ['POST an event not allowed in its state', 'POST', (id) => `/api/v1/cases/${id}/events`, { body: { type: 'DELIVER' } }],
  ['POST with a stale If-Match', 'POST', (id) => `/api/v1/cases/${id}/events`, { body: { type: 'ACCEPT' }, headers: { 'if-match': '"9"' } }],
  ['POST with the current If-Match', 'POST', (id) => `/api/v1/cases/${id}/events`, { body: { type: 'ACCEPT' }, headers: { 'if-match': '"1"' } }],
  ['POST with an Idempotency-Key', 'POST', (id) => `/api/v1/cases/${id}/events`, { body: { type: 'ACCEPT' }, headers: { 'idempotency-key': 'probe-1' } }],
];

describeEachMotcua('the wall between communes', (ctx) => {
  let theirs: { id: string; code: string };

  beforeAll(async () => {
    // A Thành Sen dossier; the probing officer works at Thạch Khê and holds every officer role.
    theirs = await ctx().open('receiver');
  });

  it.each(ROUTES)('%s on another commune\'s case answers 404 exactly as for a case that does not exist', async (_name, method, path, options) => {
    const { call } = ctx();
    const missing = randomBytes(16).toString('base64url');
    const probe = await call('other', method, path(theirs.id), options);
    const absent = await call('other', method, path(missing), options);
    expect(probe.status).toBe(404);
    expect(probe.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(probe.body.code).toBe('caseNotFound');
    expect(comparable(probe, theirs.id)).toEqual(comparable(absent, missing));
    // The officer at home still sees the case, untouched.
    const home = await call('receiver', 'GET', `/api/v1/cases/${theirs.id}`);
    expect(home.status).toBe(200);
    expect(home.body.version).toBe(1);
  });

  it('lists: filtering by the other commune, by its dossier code or by nothing never shows its cases', async () => {
    const { call } = ctx();
    for (const query of ['unit=thanh-sen', `q=${encodeURIComponent(theirs.code)}`, 'state=received', 'procedure=dang-ky-tam-tru', '']) {
      const r = await call('other', 'GET', `/api/v1/cases?limit=100&${query}`);
      expect(r.status, query).toBe(200);
      expect(r.body.items.map((x: { id: string }) => x.id), query).not.toContain(theirs.id);
    }
    const asUnknownUnit = await call('other', 'GET', '/api/v1/cases?unit=no-such-unit');
    const asOtherUnit = await call('other', 'GET', '/api/v1/cases?unit=thanh-sen');
    expect(asOtherUnit.body).toEqual(asUnknownUnit.body);
  });

  it('opening a dossier at another commune answers 404 like a unit that does not exist', async () => {
    const { call } = ctx();
    const body = (unit: string) => ({ procedure: 'dang-ky-tam-tru', unit, applicant: { name: 'An' }, data: { ho_ten: 'x' } });
    const there = await call('other', 'POST', '/api/v1/cases', { body: body('thanh-sen') });
    const nowhere = await call('other', 'POST', '/api/v1/cases', { body: body('no-such-unit') });
    expect(there.status).toBe(404);
    expect(comparable(there, 'thanh-sen')).toEqual(comparable(nowhere, 'no-such-unit'));
    expect((await call('receiver', 'GET', '/api/v1/cases?limit=100')).body.items).toHaveLength(1);
  });

  it('history still holds only the opening: nothing the other commune sent was applied', async () => {
    const { call } = ctx();
    const h = await call('receiver', 'GET', `/api/v1/cases/${theirs.id}/history`);
    expect(h.body.items.map((t: { event: string }) => t.event)).toEqual(['case.opened']);
  });
});
