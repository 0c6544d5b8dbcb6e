import { expect, it } from 'vitest';
import { START, TAM_TRU_DATA, describeEachMotcua } from './cases-fixture.js';

const PROBLEM = /^application\/problem\+json/;

describeEachMotcua('case API', (ctx) => {
  it('opens a dossier: 201 with id, human code, pinned procedure, state, version 1, events and a PIN', async () => {
    const { call } = ctx();
    const r = await call('receiver', 'POST', '/api/v1/cases', {
      body: { procedure: 'dang-ky-tam-tru', applicant: { name: 'Trần Thị Bình', phone: '0912 000 002' }, data: TAM_TRU_DATA, channel: 1 },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('etag')).toBe('"1"');
    const c = r.body;
    // Unguessable: 128 random bits, base64url.
    expect(c.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(c.code).toMatch(/^HT\.TS-260302-\d{4}$/);
    expect(c.procedure).toMatchObject({ id: 'dang-ky-tam-tru', version: 1 });
    expect(c).toMatchObject({ state: 'received', status_code: 1, version: 1, received_at: START, due_at: null, unit: { id: 'thanh-sen' }, channel: 1 });
    expect(c.available_events.map((e: { type: string }) => e.type).sort()).toEqual(['ACCEPT', 'REJECT', 'REQUEST_SUPPLEMENT', 'WITHDRAW']);
    expect(c.pin).toMatch(/^\d{6}$/);

    const again = await ctx().open();
    expect(again.id).not.toBe(c.id);
    // Codes count up per unit and day.
    expect(Number(again.code.slice(-4))).toBe(Number(c.code.slice(-4)) + 1);

    const got = await call('receiver', 'GET', `/api/v1/cases/${c.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    // The PIN is shown once, at intake.
    expect(got.body.pin).toBeUndefined();
    expect(got.body).toMatchObject({ id: c.id, code: c.code, version: 1, state: 'received', data: TAM_TRU_DATA });
  });

  it('answers 422 with every field error when the dossier data does not fit the procedure', async () => {
    const { call } = ctx();
    const r = await call('receiver', 'POST', '/api/v1/cases', {
      body: {
        procedure: 'dang-ky-tam-tru',
        applicant: { name: 'An' },
        data: { ho_ten: '', ngay_sinh: '12/05/1990', so_dinh_danh: '123', thoi_han_thang: 36, giay_to_cho_o: 'so_do', bien_so_xe: '38A-12345' },
      },
    });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toMatch(PROBLEM);
    expect(r.body.code).toBe('validationFailed');
    const paths = r.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['/data/bien_so_xe', '/data/dia_chi_tam_tru', '/data/giay_to_cho_o', '/data/ho_ten', '/data/ngay_sinh', '/data/so_dinh_danh', '/data/thoi_han_thang']);
    for (const e of r.body.errors) expect(e.message).toEqual(expect.any(String));
  });

  it('one 422 lists the faults of the applicant, the channel and the data together, each a pointer into the body', async () => {
    const { call } = ctx();
    const r = await call('receiver', 'POST', '/api/v1/cases', {
      body: { procedure: 'dang-ky-tam-tru', applicant: { name: 'An', id_number: '12' }, channel: 7, data: { ...TAM_TRU_DATA, ho_ten: '', so_dinh_danh: '123' } },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/applicant/id_number', '/channel', '/data/ho_ten', '/data/so_dinh_danh']);
    // With a procedure nobody knows, only the envelope's own faults can be named.
    const unknown = await call('receiver', 'POST', '/api/v1/cases', { body: { procedure: 'no-such-procedure', applicant: { name: 'An' }, channel: 7, data: { ho_ten: '' } } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(['/channel']);
  });

  it('answers 422 for a bad applicant or channel, and for fields a client may not set (state, version, id, unit path)', async () => {
    const { call } = ctx();
    const base = { procedure: 'dang-ky-tam-tru', applicant: { name: 'An' }, data: TAM_TRU_DATA };
    const bad = await call('receiver', 'POST', '/api/v1/cases', { body: { ...base, applicant: { name: 'An', id_number: '12' }, channel: 7 } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/applicant/id_number', '/channel']);
    for (const sneaky of [{ state: 'delivered' }, { version: 9 }, { id: 'chosen-id' }, { status_code: 10 }, { unit_path: '/ha-tinh/' }, { code: 'HT.TS-000000-0001' }]) {
      const r = await call('receiver', 'POST', '/api/v1/cases', { body: { ...base, ...sneaky } });
      expect(r.status, JSON.stringify(sneaky)).toBe(422);
      expect(r.body.errors[0].message).toContain(Object.keys(sneaky)[0]);
    }
    const unknown = await call('receiver', 'POST', '/api/v1/cases', { body: { ...base, procedure: 'dang-ky-tam-tru-x' } });
    expect(unknown.status).toBe(404);
  });

  it('moves a dossier through to delivery: each event answers 200 with the case and the transition', async () => {
    const { open, send, clock } = ctx();
    const c = await open();
    clock.advance(60_000);
    const accepted = await send('receiver', c.id, 'ACCEPT');
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('etag')).toBe('"2"');
    expect(accepted.body.case).toMatchObject({ id: c.id, state: 'processing', status_code: 4, version: 2 });
    // The statutory clock starts on acceptance: 3 working days from Monday 2 March, 09:01 (local
    // time, +07:00), so the end of Thursday 5 March, 17:00 local.
    expect(clock.now().toISOString()).toBe('2026-03-02T02:01:00.000Z');
    expect(accepted.body.case.due_at).toBe('2026-03-05T10:00:00.000Z');
    expect(accepted.body.transition).toMatchObject({ seq: 2, event: 'ACCEPT', from: ['received'], to: ['processing'], role: 'receiver', actor_id: ctx().userIds.receiver });

    const proposed = await send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: true, ghi_chu: 'Đã kiểm tra hợp đồng thuê nhà' });
    expect(proposed.status).toBe(200);
    expect(proposed.body.case).toMatchObject({ state: 'approval', version: 3 });
    const approved = await send('leader', c.id, 'APPROVE');
    expect(approved.status).toBe(200);
    expect(approved.body.case).toMatchObject({ state: 'result_ready', status_code: 9, version: 4 });
    const delivered = await send('receiver', c.id, 'DELIVER');
    expect(delivered.status).toBe(200);
    expect(delivered.body.case).toMatchObject({ state: 'delivered', status_code: 10, version: 5, outcome: 'approved', available_events: [] });
    expect(delivered.body.case.closed_at).toEqual(expect.any(String));

    const late = await send('receiver', c.id, 'ACCEPT');
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'eventNotAllowed', state: ['delivered'], allowed_events: [] });
  });

  it('409 names the current state and the allowed events when an event is not allowed here, or its condition is false', async () => {
    const { open, send, call } = ctx();
    const c = await open();
    const early = await send('officer', c.id, 'APPROVE');
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toMatch(PROBLEM);
    expect(early.body.code).toBe('eventNotAllowed');
    expect(early.body.state).toEqual(['received']);
    expect([...early.body.allowed_events].sort()).toEqual(['ACCEPT', 'REJECT', 'REQUEST_SUPPLEMENT', 'WITHDRAW']);
    expect(early.body.detail).toContain('received');

    expect((await send('receiver', c.id, 'ACCEPT')).status).toBe(200);
    const guard = await send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: false });
    expect(guard.status).toBe(409);
    expect(guard.body.state).toEqual(['processing']);
    expect(guard.body.allowed_events).toContain('PROPOSE');
    // Refusals change nothing.
    expect((await call('processor', 'GET', `/api/v1/cases/${c.id}`)).body.version).toBe(2);
  });

  it('403 when the caller sees the case but holds no role the transition allows', async () => {
    const { open, send, call } = ctx();
    const c = await open();
    const r = await send('processor', c.id, 'ACCEPT');
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
    expect((await send('leader', c.id, 'REJECT', { reason: 'x' })).status).toBe(403);
    expect((await call('receiver', 'GET', `/api/v1/cases/${c.id}/history`)).body.items).toHaveLength(1);
  });

  it('422 for invalid input and for input fields the event does not declare (state, version, unit, ids)', async () => {
    const { open, send, call } = ctx();
    const c = await open();
    await send('receiver', c.id, 'ACCEPT');
    const missing = await send('processor', c.id, 'PROPOSE');
    expect(missing.status).toBe(422);
    expect(missing.body.code).toBe('validationFailed');
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(['/input/cho_o_hop_phap']);
    const wrongType = await send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: 'yes' });
    expect(wrongType.status).toBe(422);
    for (const field of ['state', 'version', 'unit', 'unit_id', 'id', 'case_id', 'status_code']) {
      const r = await send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: true, [field]: field === 'version' ? 99 : 'delivered' });
      expect(r.status, field).toBe(422);
      expect(JSON.stringify(r.body.errors), field).toContain(field);
    }
    // Unknown top-level fields of the request body are rejected too.
    for (const extra of [{ state: 'delivered' }, { version: 1 }, { unit: 'thach-khe' }, { id: c.id }]) {
      const r = await call('processor', 'POST', `/api/v1/cases/${c.id}/events`, { body: { type: 'PROPOSE', input: { cho_o_hop_phap: true }, ...extra } });
      expect(r.status, JSON.stringify(extra)).toBe(422);
    }
    const lower = await call('processor', 'POST', `/api/v1/cases/${c.id}/events`, { body: { type: 'propose' } });
    expect(lower.status).toBe(422);
    const after = await call('processor', 'GET', `/api/v1/cases/${c.id}`);
    expect(after.body).toMatchObject({ version: 2, state: 'processing', unit: { id: 'thanh-sen' } });
  });

  it('If-Match: the current version goes through, a stale one answers 412 and changes nothing', async () => {
    const { open, send, call } = ctx();
    const c = await open();
    const stale = await send('receiver', c.id, 'ACCEPT', undefined, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'preconditionFailed', current_version: 1 });
    const ok = await send('receiver', c.id, 'ACCEPT', undefined, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    const again = await send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: true }, { 'if-match': '"1"' });
    expect(again.status).toBe(412);
    expect(again.body.current_version).toBe(2);
    expect((await send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: true }, { 'if-match': 'garbage' })).status).toBe(400);
    expect((await call('receiver', 'GET', `/api/v1/cases/${c.id}`)).headers.get('etag')).toBe('"2"');
  });

  it('If-Match as RFC 9110 has it: a weak tag never matches, * matches the case as it is, a list matches any of its tags', async () => {
    const { open, send, call } = ctx();
    const c = await open();
    const weak = await send('receiver', c.id, 'ACCEPT', undefined, { 'if-match': 'W/"1"' });
    expect(weak.status).toBe(412);
    expect(weak.body.detail).toContain('weak tag');
    const huge = await send('receiver', c.id, 'ACCEPT', undefined, { 'if-match': '"99999999999999999999999"' });
    expect(huge.status).toBe(412);
    expect(huge.body.detail).not.toContain('e+');
    expect((await send('receiver', c.id, 'ACCEPT', undefined, { 'if-match': '"4", , "1",' })).status).toBe(200);
    const stale = await send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: true }, { 'if-match': '"1", "3"' });
    expect(stale.status).toBe(412);
    expect(stale.body.detail).toContain('not 1 or 3');
    expect((await send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: true }, { 'if-match': '*' })).status).toBe(200);
    expect((await send('leader', c.id, 'APPROVE', undefined, { 'if-match': '"3", garbage' })).status).toBe(400);
    expect((await call('receiver', 'GET', `/api/v1/cases/${c.id}`)).body.version).toBe(3);
  });

  it('history lists every transition oldest first; /events lists what the caller may send now, with input schemas', async () => {
    const { open, send, call } = ctx();
    const c = await open();
    await send('receiver', c.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu hợp đồng thuê nhà' });
    await send('receiver', c.id, 'SUPPLEMENTED');
    await call('receiver', 'POST', `/api/v1/cases/${c.id}/events`, { body: { type: 'ACCEPT', comment: 'Đủ giấy tờ' } });
    const h = await call('leader', 'GET', `/api/v1/cases/${c.id}/history`);
    expect(h.status).toBe(200);
    expect(h.body.items.map((t: { seq: number; event: string }) => [t.seq, t.event])).toEqual([
      [1, 'case.opened'],
      [2, 'REQUEST_SUPPLEMENT'],
      [3, 'SUPPLEMENTED'],
      [4, 'ACCEPT'],
    ]);
    expect(h.body.items[0]).toMatchObject({ from: null, to: ['received'] });
    // Each record says where and under which version it happened, and what input it carried (as a digest).
    for (const t of h.body.items) expect(t).toMatchObject({ unit: 'thanh-sen', procedure_version: 1 });
    expect(h.body.items[1].input_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(h.body.items[3].input_digest).toBeNull();
    expect(h.body.items[1]).toMatchObject({ from: ['received'], to: ['awaiting_supplement'], role: 'receiver' });
    expect(h.body.items[3]).toMatchObject({ comment: 'Đủ giấy tờ' });

    const forProcessor = await call('processor', 'GET', `/api/v1/cases/${c.id}/events`);
    expect(forProcessor.status).toBe(200);
    expect(forProcessor.body.items.map((e: { type: string }) => e.type)).toEqual(['PROPOSE']);
    const propose = forProcessor.body.items[0];
    expect(propose.to).toBe('approval');
    expect(propose.input_schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['cho_o_hop_phap'] });
    expect(propose.input_schema.properties.cho_o_hop_phap).toEqual({ type: 'boolean' });
    const forReceiver = await call('receiver', 'GET', `/api/v1/cases/${c.id}/events`);
    expect(forReceiver.body.items.map((e: { type: string }) => e.type)).toEqual(['WITHDRAW']);
    expect(forReceiver.body.items[0].input_schema.required).toEqual(['reason']);
  });

  it('auditors read every case and history but every write answers 403', async () => {
    const { open, send, call } = ctx();
    const c = await open();
    const other = await open('other');
    for (const id of [c.id, other.id]) {
      expect((await call('auditor', 'GET', `/api/v1/cases/${id}`)).status).toBe(200);
      expect((await call('auditor', 'GET', `/api/v1/cases/${id}/history`)).status).toBe(200);
      const events = await call('auditor', 'GET', `/api/v1/cases/${id}/events`);
      expect(events.status).toBe(200);
      expect(events.body.items).toEqual([]);
    }
    const listed = await call('auditor', 'GET', '/api/v1/cases?limit=100');
    const ids = listed.body.items.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining([c.id, other.id]));
    const write = await send('auditor', c.id, 'ACCEPT');
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('forbidden');
    const opened = await call('auditor', 'POST', '/api/v1/cases', { body: { procedure: 'dang-ky-tam-tru', unit: 'thanh-sen', applicant: { name: 'An' }, data: TAM_TRU_DATA } });
    expect(opened.status).toBe(403);
    expect((await call('auditor', 'POST', '/api/v1/users', { body: { name: 'X', unit: 'thanh-sen', roles: ['receiver'] } })).status).toBe(403);
    expect((await call('auditor', 'GET', `/api/v1/cases/${c.id}`)).body.version).toBe(1);
  });

  it('an officer of the province sees and acts on cases of its communes', async () => {
    const { open, send, call } = ctx();
    const c = await open();
    expect((await call('province', 'GET', `/api/v1/cases/${c.id}`)).status).toBe(200);
    expect((await send('province', c.id, 'ACCEPT')).status).toBe(200);
  });

  it('an administrator who is also an officer reads every commune but acts only in their own: elsewhere no events offered, and 403', async () => {
    const { open, send, call, m } = ctx();
    const both = await m.users.create(null, { name: 'Quản trị kiêm tiếp nhận', unit: 'thanh-sen', roles: ['admin', 'receiver'] }, { requestId: 'test' });
    const as = { headers: { authorization: `Bearer ${both.token}` } };
    const here = await open();
    const elsewhere = await open('other');
    const seen = await call('nobody', 'GET', `/api/v1/cases/${elsewhere.id}`, as);
    expect(seen.status).toBe(200);
    expect(seen.body.available_events).toEqual([]);
    expect((await call('nobody', 'GET', `/api/v1/cases/${elsewhere.id}/events`, as)).body.items).toEqual([]);
    const refused = await call('nobody', 'POST', `/api/v1/cases/${elsewhere.id}/events`, { ...as, body: { type: 'ACCEPT' } });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("act only on those of unit 'thanh-sen'");
    expect((await call('receiver', 'GET', `/api/v1/cases/${elsewhere.id}`)).status).toBe(404);
    // At home the same user is a receiver like any other.
    expect((await call('nobody', 'GET', `/api/v1/cases/${here.id}`, as)).body.available_events.map((e: { type: string }) => e.type)).toContain('ACCEPT');
    expect((await call('nobody', 'POST', `/api/v1/cases/${here.id}/events`, { ...as, body: { type: 'ACCEPT' } })).status).toBe(200);
    expect((await send('other', elsewhere.id, 'ACCEPT')).status).toBe(200);
  });

  it('401 without a token, with a bad one, or for a disabled user, with WWW-Authenticate', async () => {
    const { call, m, open } = ctx();
    const c = await open();
    const none = await call('nobody', 'GET', `/api/v1/cases/${c.id}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.body.code).toBe('unauthorized');
    for (const authorization of ['Bearer not-a-token', `Bearer ${'A'.repeat(43)}`, 'Basic dXNlcjpwYXNz']) {
      const r = await call('nobody', 'GET', '/api/v1/cases', { headers: { authorization } });
      expect(r.status, authorization).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await call('nobody', 'POST', `/api/v1/cases/${c.id}/events`, { body: { type: 'ACCEPT' } })).status).toBe(401);
    const made = await m.users.create(null, { name: 'Tạm thời', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 'test' });
    const asMade = (path: string) => call('nobody', 'GET', path, { headers: { authorization: `Bearer ${made.token}` } });
    expect((await asMade(`/api/v1/cases/${c.id}`)).status).toBe(200);
    await m.users.disable(null, made.user.id, { requestId: 'test' });
    expect((await asMade(`/api/v1/cases/${c.id}`)).status).toBe(401);
  });
});
