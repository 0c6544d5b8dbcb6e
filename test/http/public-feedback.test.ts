/**
 * Complaints and recommendations sent publicly: a case of phan-anh-kien-nghi opened through the
 * same command as any dossier and run by the engine end to end, with its deadlines.
 */
import { expect, it } from 'vitest';
import { describeEachPublic } from './public-fixture.js';

describeEachPublic('public feedback', (ctx) => {
  const feedback = (body: unknown, client = '198.51.100.20') => ctx().call('citizen', 'POST', '/api/v1/public/feedback', { body, client });

  it('opens a complaint that officers handle like any case, answered within 15 working days', async () => {
    const { call, send, at } = ctx();
    at('2026-03-02 10:00');
    const sent = await feedback({ unit: 'thanh-sen', content: 'Chờ quá lâu ở bộ phận một cửa', contact: { name: 'Lê Thị Cúc', phone: '0987654321' } });
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({ code: expect.stringMatching(/^HT\.TS-260302-\d{4}$/), pin: expect.stringMatching(/^\d{6}$/), received_at: '2026-03-02T03:00:00.000Z' });
    const { code, pin } = sent.body;

    // The officers of the unit see it in their list, as a case of the complaints procedure.
    const list = await call('officer', 'GET', '/api/v1/cases?procedure=phan-anh-kien-nghi');
    const item = list.body.items.find((c: { code: string }) => c.code === code);
    expect(item).toMatchObject({ state: 'received', status_code: 1, channel: 2, procedure: { id: 'phan-anh-kien-nghi' }, unit: { id: 'thanh-sen' } });
    expect(item.data).toMatchObject({ content: 'Chờ quá lâu ở bộ phận một cửa', channel: 'truc_tuyen' });

    const accepted = await send('officer', item.id, 'ACCEPT');
    // Accepted Monday 2 March: 15 working days → Monday 23 March, close of office.
    expect(accepted.case).toMatchObject({ state: 'reviewing', due_at: '2026-03-23T10:00:00.000Z' });
    await send('officer', item.id, 'FORWARD');
    at('2026-03-10 09:00');
    await send('officer', item.id, 'PROPOSE', { answer: 'Đơn vị đã bố trí thêm cán bộ tiếp nhận.' });
    const answered = await send('officer', item.id, 'APPROVE');
    expect(answered.case).toMatchObject({ state: 'answered', status_code: 10, outcome: 'answered' });

    const lookup = await call('citizen', 'GET', `/api/v1/public/cases/${code}?pin=${pin}`, { client: '198.51.100.21' });
    expect(lookup.body).toMatchObject({ procedure: { title: 'Tiếp nhận, xử lý phản ánh, kiến nghị' }, status_code: 10, result_ready: true, delivered: true, finished: true, overdue: false });
    expect(lookup.text).not.toContain('Lê Thị Cúc');
  });

  it('is accepted by the system after 2 working days when nobody refuses it', async () => {
    const { call, at, m } = ctx();
    at('2026-03-02 10:00');
    const sent = await feedback({ unit: 'thach-khe', content: 'Đề nghị niêm yết lệ phí' }, '198.51.100.22');
    at('2026-03-04 17:30');
    await m.sweeper.sweepOnce();
    const list = await call('other', 'GET', '/api/v1/cases?procedure=phan-anh-kien-nghi');
    const item = list.body.items.find((c: { code: string }) => c.code === sent.body.code);
    // Anonymous (no contact): still a case, and the answer clock runs from the automatic acceptance.
    expect(item).toMatchObject({ state: 'reviewing', applicant: { name: 'Ẩn danh' } });
    expect(item.due_at).not.toBeNull();
  });

  it('links the complaint to the dossier it names with its PIN, so the scorecard counts that dossier as dissatisfied', async () => {
    const { open, m } = ctx();
    const dossier = await open();
    const complaints = () => m.store.read((tx) => tx.db.selectFrom('cases').select('id').where('procedure_id', '=', 'phan-anh-kien-nghi').execute());
    const before = (await complaints()).length;
    const sent = await feedback({ unit: 'thanh-sen', content: 'Hồ sơ của tôi bị yêu cầu bổ sung nhiều lần', case_code: dossier.code, case_pin: dossier.pin }, '198.51.100.23');
    expect(sent.status).toBe(201);
    const links = await m.store.read((tx) => tx.db.selectFrom('case_complaints').innerJoin('cases', 'cases.id', 'case_complaints.complaint_id').select(['cases.code', 'case_complaints.case_id']).execute());
    expect(links).toContainEqual({ code: sent.body.code, case_id: dossier.id });
    expect(await complaints()).toHaveLength(before + 1);
  });

  it('refuses to name a dossier without its PIN: anyone could otherwise lower a commune\'s scorecard', async () => {
    const { open, m } = ctx();
    const dossier = await open();
    const complaints = () => m.store.read((tx) => tx.db.selectFrom('cases').select('id').where('procedure_id', '=', 'phan-anh-kien-nghi').execute());
    const before = (await complaints()).length;
    const bare = await feedback({ unit: 'thanh-sen', content: 'x', case_code: dossier.code }, '198.51.100.25');
    expect(bare.status).toBe(422);
    expect(bare.body.errors).toEqual([{ path: '/case_pin', message: 'is required with case_code' }]);
    const wrong = await feedback({ unit: 'thanh-sen', content: 'x', case_code: dossier.code, case_pin: dossier.pin === '000000' ? '000001' : '000000' }, '198.51.100.25');
    const noSuch = await feedback({ unit: 'thanh-sen', content: 'x', case_code: 'HT.TS-000000-0000', case_pin: '123456' }, '198.51.100.25');
    // The same answer as the lookup's, for a wrong PIN and for a code nobody has.
    expect([wrong.status, noSuch.status]).toEqual([404, 404]);
    expect(wrong.text).toBe(noSuch.text);
    expect(await complaints()).toHaveLength(before);
    const links = await m.store.read((tx) => tx.db.selectFrom('case_complaints').select('case_id').where('case_id', '=', dossier.id).execute());
    expect(links).toEqual([]);
  });

  it('refuses an unknown unit (422), bad contact data (422) and oversized bodies (413)', async () => {
    const unknown = await feedback({ unit: 'xa-khong-co', content: 'x' }, '198.51.100.24');
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toMatch(/public\/units/);
    const phone = await feedback({ unit: 'thanh-sen', content: 'x', contact: { name: 'A', phone: '12' } }, '198.51.100.24');
    expect(phone.status).toBe(422);
    const big = await feedback({ unit: 'thanh-sen', content: 'x'.repeat(40_000) }, '198.51.100.24');
    expect(big.status).toBe(413);
  });

  it('lists the units feedback may be sent to', async () => {
    const r = await ctx().call('citizen', 'GET', '/api/v1/public/units');
    expect(r.status).toBe(200);
    expect(r.body.items).toContainEqual({ id: 'thanh-sen', name: 'Công an phường Thành Sen', parent_id: 'ha-tinh' });
  });
});
