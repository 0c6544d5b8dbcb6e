/**
 * Requests a client gets wrong before any route logic runs: a body that is not JSON, a body of
 * another type, no token. Each gets a problem+json answer that says what to do, and nothing is
 * written.
 */
import { expect, it } from 'vitest';
import { TAM_TRU_DATA, describeEachMotcua, type MotcuaContext } from './cases-fixture.js';

/** Every dossier and transition in the database, to show a refused request wrote nothing. */
async function written(ctx: MotcuaContext) {
  return ctx.m.store.read(async (tx) => ({
    cases: (await tx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    transitions: (await tx.db.selectFrom('case_transitions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    users: (await tx.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
  }));
}

describeEachMotcua('requests refused before a route runs', (ctx) => {
  it('a body that is not JSON answers 400 badRequest (not 500), and writes nothing', async () => {
    const { call, open } = ctx();
    const c = await open();
    const before = await written(ctx());
    const posts = [
      ['receiver', '/api/v1/cases'],
      ['receiver', `/api/v1/cases/${c.id}/events`],
      ['receiver', `/api/v1/cases/${c.id}/apology`],
      ['admin', '/api/v1/users'],
    ] as const;
    for (const [who, path] of posts) {
      for (const text of ['{"procedure":', '', 'type=ACCEPT']) {
        const r = await call(who, 'POST', path, { text, headers: { 'content-type': 'application/json' } });
        expect(r.status, `${path} ${JSON.stringify(text)}`).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body).toMatchObject({ code: 'badRequest', status: 400 });
        expect(r.body.detail).toContain('Content-Type: application/json');
      }
    }
    expect(await written(ctx())).toEqual(before);
  });

  it('a body that is not UTF-8 answers 400 and writes nothing (it was read as U+FFFD and closed a dossier)', async () => {
    const { call, open } = ctx();
    const c = await open();
    const before = await written(ctx());
    const bytes = Buffer.concat([Buffer.from('{"type":"WITHDRAW","input":{"reason":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}}')]);
    const r = await call('receiver', 'POST', `/api/v1/cases/${c.id}/events`, { bytes, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'badRequest' });
    expect(r.body.detail).toContain('not valid UTF-8');
    expect(await written(ctx())).toEqual(before);
    expect((await call('receiver', 'GET', `/api/v1/cases/${c.id}`)).body.state).toBe('received');
  });

  it('text with a lone surrogate answers 422 naming the field, with or without an idempotency key; a pair (an emoji) is text', async () => {
    const { call, open } = ctx();
    const c = await open();
    const before = await written(ctx());
    const refused = [
      ['receiver', `/api/v1/cases/${c.id}/events`, { type: 'WITHDRAW', input: { reason: 'thiếu \ud800 giấy' } }, '/input/reason'],
      ['receiver', `/api/v1/cases/${c.id}/events`, { type: 'ACCEPT', comment: 'ok \udc00' }, '/comment'],
      ['receiver', '/api/v1/cases', { procedure: 'dang-ky-tam-tru', applicant: { name: 'Tô \ud800' }, data: TAM_TRU_DATA, channel: 1 }, '/applicant/name'],
      ['admin', '/api/v1/users', { name: 'Cán bộ \ud800', unit: 'thanh-sen', roles: ['receiver'] }, '/name'],
      ['nobody', '/api/v1/public/feedback', { unit: 'thanh-sen', content: 'Nội dung \ud800' }, '/content'],
    ] as const;
    for (const [who, path, body, pointer] of refused) {
      for (const headers of [{}, { 'idempotency-key': `lone-${pointer}` }] as Record<string, string>[]) {
        // JSON.stringify spells a lone surrogate as its \u escape, as a client would.
        const r = await call(who, 'POST', path, { body, headers });
        expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(422);
        expect(r.body.code).toBe('validationFailed');
        expect(r.body.errors).toEqual([{ path: pointer, message: expect.stringContaining('lone surrogate') }]);
      }
    }
    expect(await written(ctx())).toEqual(before);
    // A surrogate pair is one character, and an escaped backslash before "ud800" is plain text.
    const emoji = await call('receiver', 'POST', `/api/v1/cases/${c.id}/events`, { text: '{"type":"ACCEPT","comment":"\\ud83d\\ude00 \\\\ud800"}', headers: { 'content-type': 'application/json' } });
    expect(emoji.status, JSON.stringify(emoji.body)).toBe(200);
    const history = await call('receiver', 'GET', `/api/v1/cases/${c.id}/history`);
    expect(history.body.items.at(-1).comment).toBe('😀 \\ud800');
  });

  it('a __proto__ key answers 422 naming it, instead of being dropped unseen (a rating went through without its scores)', async () => {
    const { call, open } = ctx();
    const c = await open();
    const before = await written(ctx());
    for (const [who, path, text, pointer] of [
      ['receiver', '/api/v1/cases', JSON.stringify({ procedure: 'dang-ky-tam-tru', applicant: { name: 'An' }, data: TAM_TRU_DATA }).replace('"data":{', '"data":{"__proto__":{"x":1},'), '/data/__proto__'],
      ['nobody', `/api/v1/public/cases/${c.code}/rating`, `{"pin":"${c.pin}","level":"hai_long","criteria":{"__pro\\u0074o__":5}}`, '/criteria/__proto__'],
    ] as const) {
      const r = await call(who, 'POST', path, { text, headers: { 'content-type': 'application/json' } });
      expect(r.status, path).toBe(422);
      expect(r.body.errors).toEqual([{ path: pointer, message: expect.stringContaining("'__proto__'") }]);
    }
    expect(await written(ctx())).toEqual(before);
  });

  it('names and complaints need letters or digits and may not hide control characters or direction overrides', async () => {
    const { call, open } = ctx();
    const c = await open();
    const before = await written(ctx());
    const applicant = (name: string) => ({ procedure: 'dang-ky-tam-tru', applicant: { name }, data: TAM_TRU_DATA });
    for (const [who, path, body, pointer, words] of [
      ['receiver', '/api/v1/cases', applicant('\u200b'), '/applicant/name', 'letters or digits'],
      ['receiver', '/api/v1/cases', applicant('   \u200f '), '/applicant/name', 'letters or digits'],
      ['receiver', '/api/v1/cases', applicant('Nguyễn \u202Eną'), '/applicant/name', 'direction overrides'],
      ['admin', '/api/v1/users', { name: 'Cán\u0007bộ', unit: 'thanh-sen', roles: ['receiver'] }, '/name', 'control characters'],
      ['nobody', '/api/v1/public/feedback', { unit: 'thanh-sen', content: '\u200b\u200b' }, '/content', 'letters or digits'],
      ['nobody', '/api/v1/public/feedback', { unit: 'thanh-sen', content: 'Phản ánh\u0007' }, '/content', 'control characters'],
      // Comments may be punctuation only, but hide nothing either.
      ['receiver', `/api/v1/cases/${c.id}/events`, { type: 'ACCEPT', comment: 'đủ \u202Eộs' }, '/comment', 'direction overrides'],
    ] as const) {
      const r = await call(who, 'POST', path, { body });
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(422);
      expect(r.body.errors).toContainEqual({ path: pointer, message: expect.stringContaining(words) });
    }
    expect(await written(ctx())).toEqual(before);
    // Line breaks belong in a complaint; Vietnamese letters in a name.
    expect((await call('nobody', 'POST', '/api/v1/public/feedback', { body: { unit: 'thanh-sen', content: 'Dòng một.\nDòng hai.' } })).status).toBe(201);
    expect((await call('receiver', 'POST', '/api/v1/cases', { body: applicant('Đặng Thị Ánh Tuyết') })).status).toBe(201);
    expect((await call('receiver', 'POST', `/api/v1/cases/${c.id}/events`, { body: { type: 'ACCEPT', comment: '…' } })).status).toBe(200);
  });

  it('a body nested thousands deep is refused as a bad shape, not a 500; a NUL in any text answers 422 naming it', async () => {
    const { call, open } = ctx();
    const c = await open();
    const before = await written(ctx());
    const deep = '['.repeat(5000) + '"\\u0041"' + ']'.repeat(5000);
    for (const [who, path] of [['receiver', `/api/v1/cases/${c.id}/events`], ['receiver', '/api/v1/cases'], ['nobody', `/api/v1/public/cases/${c.code}/rating`]] as const) {
      const r = await call(who, 'POST', path, { text: deep, headers: { 'content-type': 'application/json' } });
      expect(r.status, path).toBe(422);
      expect(r.body.code).toBe('validationFailed');
    }
    // PostgreSQL cannot store a NUL: it is refused at the door on both databases, naming the field.
    const nul = await call('receiver', 'POST', `/api/v1/cases/${c.id}/events`, { body: { type: 'ACCEPT', comment: 'đủ\u0000giấy tờ' } });
    expect(nul.status).toBe(422);
    expect(nul.body.errors).toEqual([{ path: '/comment', message: expect.stringContaining('NUL') }]);
    const address = await call('receiver', 'POST', '/api/v1/cases', { body: { procedure: 'dang-ky-tam-tru', applicant: { name: 'An', address: 'Số 1\u0000' }, data: TAM_TRU_DATA } });
    expect(address.body.errors).toEqual([{ path: '/applicant/address', message: expect.stringContaining('NUL') }]);
    expect(await written(ctx())).toEqual(before);
  });

  it('without a token a body is not looked at: 401, whatever it holds', async () => {
    const { call, open } = ctx();
    const c = await open();
    for (const text of ['{"__proto__":{}}', '{"type":"ACCEPT","comment":"\\ud800"}']) {
      const r = await call('nobody', 'POST', `/api/v1/cases/${c.id}/events`, { text, headers: { 'content-type': 'application/json' } });
      expect(r.status, text).toBe(401);
    }
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    expect((await call('nobody', 'POST', `/api/v1/cases/${c.id}/events`, { bytes, headers: { 'content-type': 'application/json' } })).status).toBe(401);
  });

  it('field errors say what a valid value looks like, not only "Invalid input"', async () => {
    const { call, open, send } = ctx();
    const c = await open();
    const opened = await call('receiver', 'POST', '/api/v1/cases', { body: { procedure: 'dang-ky-tam-tru', applicant: { name: 'An' }, data: TAM_TRU_DATA, channel: 7 } });
    expect(opened.status).toBe(422);
    expect(opened.body.errors).toEqual([{ path: '/channel', message: 'must be 1 (in person), 2 (online) or 3 (public postal service)' }]);
    await send('receiver', c.id, 'ACCEPT');
    const apology = await call('leader', 'POST', `/api/v1/cases/${c.id}/apology`, { body: { reason: 'Chờ xác minh', new_due_at: '2026-02-30' } });
    expect(apology.status).toBe(422);
    expect(apology.body.errors[0]).toMatchObject({ path: '/new_due_at', message: expect.stringContaining('YYYY-MM-DD') });
    for (const path of ['/api/v1/cases?due_before=2026-12-05', '/api/v1/calendar/due?from=2026-03-02T08:00:00&duration=1%20working%20day', '/api/v1/audit/entries?from=2026-03-02']) {
      const r = await call('auditor', 'GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.errors[0].message, path).toContain('instant with its offset, e.g. 2026-11-01T00:00:00+07:00');
    }
    const report = await call('auditor', 'GET', '/api/v1/reports/scorecard?unit=ha-tinh&from=2026-3-1&to=2026-03-31');
    expect(report.status).toBe(400);
    expect(report.body.errors[0].message).toContain('YYYY-MM-DD');
  });

  it('a body of another type answers 415 unsupportedMediaType, and writes nothing', async () => {
    const { call, open } = ctx();
    const c = await open();
    const before = await written(ctx());
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const r = await call('receiver', 'POST', `/api/v1/cases/${c.id}/events`, { text: '{"type":"ACCEPT"}', headers: { 'content-type': type } });
      expect(r.status, type).toBe(415);
      expect(r.body).toMatchObject({ code: 'unsupportedMediaType' });
      expect(r.body.detail).toContain('application/json');
    }
    expect(await written(ctx())).toEqual(before);
  });

  it('without a token every protected route answers 401 before it looks at the request, so its schema is not revealed', async () => {
    const { call, open } = ctx();
    const c = await open();
    const refused = [
      ['POST', '/api/v1/cases', { body: {} }],
      ['POST', `/api/v1/cases/${c.id}/events`, { body: { nonsense: true } }],
      ['POST', '/api/v1/users', { body: { name: '' } }],
      ['GET', '/api/v1/cases?limit=100000', {}],
      ['GET', '/api/v1/audit/entries?from_seq=-1', {}],
    ] as const;
    for (const [method, path, options] of refused) {
      const r = await call('nobody', method, path, options);
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body).toMatchObject({ code: 'unauthorized' });
      expect(r.headers.get('www-authenticate')).toContain('Bearer');
    }
    // With a token, the same requests are judged on what they carry.
    expect((await call('receiver', 'POST', `/api/v1/cases/${c.id}/events`, { body: { nonsense: true } })).status).toBe(422);
    expect((await call('receiver', 'GET', '/api/v1/cases?limit=100000')).status).toBe(400);
    // Routes open to all still validate for all.
    expect((await call('nobody', 'GET', '/api/v1/calendar/due?from=yesterday&duration=3%20working%20days')).status).toBe(400);
  });

  it('an unexpected failure answers 500 with the request id of the x-request-id header, which the log line carries too', async () => {
    const { call, m, logs } = ctx();
    const list = m.users.list;
    m.users.list = () => Promise.reject(new Error('the disk said no'));
    try {
      const r = await call('admin', 'GET', '/api/v1/users');
      expect(r.status).toBe(500);
      expect(r.body).toMatchObject({ code: 'internal' });
      const id = r.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.body.request_id).toBe(id);
      expect(JSON.stringify(r.body)).not.toContain('disk said no');
      expect(logs.at(-1)).toContain(`request=${id}`);
      expect(logs.at(-1)).toContain('the disk said no');
    } finally {
      m.users.list = list;
    }
  });

  it('a path the API has, asked with another method, answers 405 with Allow; an unknown path 404', async () => {
    const { call, open } = ctx();
    const c = await open();
    for (const [method, path, allow] of [
      ['DELETE', `/api/v1/cases/${c.id}`, 'GET'],
      ['PUT', `/api/v1/cases/${c.id}`, 'GET'],
      ['DELETE', '/api/v1/cases', 'GET, POST'],
      ['GET', `/api/v1/users/u_x/disable`, 'POST'],
    ] as const) {
      const r = await call('receiver', method, path);
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers.get('allow')).toBe(allow);
      expect(r.body).toMatchObject({ code: 'methodNotAllowed', allowed: allow.split(', ') });
    }
    const unknown = await call('receiver', 'GET', '/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('notFound');
  });

  it('keeps a caller\'s X-Request-Id only when it is a UUID: free text never reaches the log or the audit entries', async () => {
    const { call, m } = ctx();
    const chosen = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
    const kept = await call('receiver', 'POST', '/api/v1/cases', { body: { procedure: 'dang-ky-tam-tru', applicant: { name: 'An' }, data: TAM_TRU_DATA }, headers: { 'x-request-id': chosen } });
    expect(kept.headers.get('x-request-id')).toBe(chosen);
    const free = await call('receiver', 'POST', '/api/v1/cases', { body: { procedure: 'dang-ky-tam-tru', applicant: { name: 'An' }, data: TAM_TRU_DATA }, headers: { 'x-request-id': '001090000001' } });
    expect(free.status).toBe(201);
    const replaced = free.headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    const entries = await m.store.read((tx) => tx.db.selectFrom('audit_entries').select('bytes').where('case_id', 'in', [kept.body.id, free.body.id]).execute());
    expect(entries.map((e) => JSON.parse(e.bytes).request_id).sort()).toEqual([chosen, replaced].sort());
    expect(JSON.stringify(entries)).not.toContain('001090000001');
  });
});
