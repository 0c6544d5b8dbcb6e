/** Public lookup by code and PIN, and the receipt officers print. */
import { expect, it } from 'vitest';
import { describeEachPublic, START } from './public-fixture.js';

describeEachPublic('public lookup', (ctx) => {
  it('shows the progress with the right PIN, and nothing about the applicant', async () => {
    const { call, open, send } = ctx();
    const c = await open();
    const r = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${c.pin}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      code: c.code,
      procedure: { title: 'Đăng ký tạm trú' },
      status_code: 1,
      status_label: 'Mới đăng ký',
      received_at: START,
      due_at: null,
      overdue: false,
      apology: null,
      result_ready: false,
      delivered: false,
      finished: false,
      rated: false,
    });
    // Nothing personal: not the name, the phone, the ID number or the address given at intake.
    for (const secret of ['Nguyễn Văn An', '0912000001', '001090000001', 'Trần Phú']) expect(r.text).not.toContain(secret);

    await send('officer', c.id, 'ACCEPT');
    const after = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${c.pin}`);
    // Accepted on Monday 2 March 09:00: three working days → Thursday 5 March, close of office.
    expect(after.body).toMatchObject({ status_code: 4, status_label: 'Đang xử lý', due_at: '2026-03-05T10:00:00.000Z', overdue: false });
  });

  it('answers the very same 404 for a wrong PIN and for a code that does not exist', async () => {
    const { call, open } = ctx();
    const c = await open();
    const wrongPin = String((Number(c.pin) + 1) % 1_000_000).padStart(6, '0');
    const a = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${wrongPin}`, { client: '198.51.100.7' });
    const b = await call('citizen', 'GET', `/api/v1/public/cases/HT.TS-000000-9999?pin=${c.pin}`, { client: '198.51.100.7' });
    const malformed = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=abc`, { client: '198.51.100.7' });
    expect(a.status).toBe(404);
    expect(a.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(b.status).toBe(404);
    expect(b.text).toBe(a.text);
    expect(malformed.text).toBe(a.text);
    expect(a.text).not.toContain(c.code);
  });

  it('shows an apology and the new appointment, overdue and finished states', async () => {
    const { call, open, send, at } = ctx();
    at('2026-03-02 09:00');
    const c = await open();
    await send('officer', c.id, 'ACCEPT');
    at('2026-03-06 09:00');
    const late = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${c.pin}`, { client: '198.51.100.8' });
    expect(late.body).toMatchObject({ overdue: true, apology: null });
    const apology = await call('officer', 'POST', `/api/v1/cases/${c.id}/apology`, { body: { reason: 'Chờ xác minh chỗ ở hợp pháp', new_due_at: '2026-03-10' } });
    expect(apology.status).toBeLessThan(300);
    const r = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${c.pin}`, { client: '198.51.100.8' });
    expect(r.body.apology).toEqual({ reason: 'Chờ xác minh chỗ ở hợp pháp', new_due_at: '2026-03-10T10:00:00.000Z' });
    expect(r.body.due_at).toBe('2026-03-10T10:00:00.000Z');

    await send('officer', c.id, 'PROPOSE', { cho_o_hop_phap: true });
    await send('officer', c.id, 'APPROVE');
    const ready = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${c.pin}`, { client: '198.51.100.8' });
    expect(ready.body).toMatchObject({ status_code: 9, status_label: 'Đã xử lý xong', result_ready: true, delivered: false, finished: false });
    await send('officer', c.id, 'DELIVER');
    const done = await call('citizen', 'GET', `/api/v1/public/cases/${c.code}?pin=${c.pin}`, { client: '198.51.100.8' });
    expect(done.body).toMatchObject({ status_code: 10, result_ready: true, delivered: true, finished: true, rated: false });
  });
});

describeEachPublic('receipt', (ctx) => {
  it('gives what the printed receipt needs, without the PIN', async () => {
    const { call, open, send, at, userIds } = ctx();
    at('2026-03-02 09:00');
    const c = await open('officer', { channel: 2 });
    await send('officer', c.id, 'ACCEPT');
    const r = await call('receiver', 'GET', `/api/v1/cases/${c.id}/receipt`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      code: c.code,
      procedure: { id: 'dang-ky-tam-tru', version: 1, title: 'Đăng ký tạm trú', code: '1.004194' },
      received_at: START,
      due_at: '2026-03-05T10:00:00.000Z',
      unit: { id: 'thanh-sen', name: 'Công an phường Thành Sen' },
      officer: { id: userIds.officer, name: 'Cán bộ officer' },
      applicant: { name: 'Nguyễn Văn An' },
      channel: 2,
      lookup_path: `/api/v1/public/cases/${encodeURIComponent(c.code)}`,
    });
    expect(r.text).not.toContain(c.pin);
    expect((await call('auditor', 'GET', `/api/v1/cases/${c.id}/receipt`)).status).toBe(200);
  });

  it('does not exist for an officer of another commune', async () => {
    const { call, open } = ctx();
    const c = await open();
    const r = await call('other', 'GET', `/api/v1/cases/${c.id}/receipt`);
    expect(r.status).toBe(404);
    expect((await call('other', 'GET', `/api/v1/cases/no-such-case/receipt`)).body.code).toBe(r.body.code);
  });

  it('says in the API description that the PIN is only in the reply that opened the case', async () => {
    // Read from the route registry the OpenAPI document is generated from.
    const routes = ctx().m.app.openAPIRegistry.definitions.flatMap((d) => (d.type === 'route' ? [d.route] : []));
    const receipt = routes.find((r) => r.path === '/api/v1/cases/{id}/receipt' && r.method === 'get');
    expect(receipt?.description).toMatch(/PIN is NOT here/);
  });
});
