/**
 * The officer's pages through `app.request()`: the worklist's marks and walls, intake with
 * inline errors and the receipt, the dossier's actions, the apology, procedures and uploads.
 */
import { expect, it } from 'vitest';
import { describeEachMotcua, TAM_TRU_DATA } from '../http/cases-fixture.js';
import { createTestBrowser, pageText } from './browser.js';

const DAY = 24 * 60 * 60 * 1000;

/** Intake form fields for a dang-ky-tam-tru dossier. */
function intakeFields(overrides: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = { procedure: 'dang-ky-tam-tru', key: 'testkey-' + Math.random().toString(36).slice(2, 10), channel: '1', receive: 'true', 'applicant.name': 'Nguyễn Văn An' };
  for (const [k, v] of Object.entries(TAM_TRU_DATA)) fields[`data.${k}`] = String(v);
  return { ...fields, ...overrides };
}

describeEachMotcua('web pages', (ctx) => {
  it('receives a dossier from the generated form: errors inline first, then the receipt with PIN and appointment', async () => {
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.officer);
    const form = await b.get('/ho-so/moi?procedure=dang-ky-tam-tru');
    // Every field has a label bound to it.
    const ids = [...form.html.matchAll(/<(?:input|select|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(15);
    for (const id of ids) expect(form.html, id).toContain(`for="${id}"`);

    const bad = await b.post('/ho-so/moi', intakeFields({ 'data.so_dinh_danh': '123', 'data.thoi_han_thang': '30' }));
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/id="f-data-so_dinh_danh"[^>]*aria-invalid="true"/);
    expect(bad.html).toMatch(/id="f-data-thoi_han_thang"[^>]*aria-invalid="true"/);
    expect(pageText(bad.html)).toContain('Không được lớn hơn 24.');
    expect(bad.html).toContain('value="Nguyễn Văn An"');
    // A blank applicant name and a bad ID number are marked together, not one round after the other.
    const both = await b.post('/ho-so/moi', intakeFields({ 'applicant.name': '', 'data.so_dinh_danh': '123' }));
    expect(both.status).toBe(422);
    expect(both.html).toMatch(/id="f-applicant-name"[^>]*aria-invalid="true"/);
    expect(both.html).toMatch(/id="f-data-so_dinh_danh"[^>]*aria-invalid="true"/);

    const fields = intakeFields();
    const ok = await b.post('/ho-so/moi', fields);
    expect(ok.status).toBe(200);
    const text = pageText(ok.html);
    expect(text).toContain('Giấy tiếp nhận hồ sơ và hẹn trả kết quả');
    expect(text).toMatch(/Mã tra cứu \(PIN\): \d{6}/);
    expect(text).toContain('17:00 05/03/2026');
    const code = /Mã hồ sơ: (HT\.TS-\S+)/.exec(text)?.[1];
    expect(code).toBeDefined();
    // The same form sent twice (a double click, a reload) opens one dossier.
    const again = await b.post('/ho-so/moi', fields);
    expect(pageText(again.html)).toContain(`Mã hồ sơ: ${code}`);
    const list = await ctx().call('officer', 'GET', `/api/v1/cases?q=${encodeURIComponent(code!)}`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].state).toBe('processing');
  });

  it('lists open dossiers most urgent first with amber and red marks and working days left, never another commune\'s', async () => {
    // Dossiers are received Mon 2, Tue 3 and Fri 6 March 2026 at 09:00 and accepted at once: 3
    // working days each, due at 17:00 on Thu 5, Fri 6 and Wed 11 March. The page is read on Fri 6
    // at 09:00, after a sweep: red once past due (the deadline timer fired), amber once within the
    // last working day (its warning timer fired 7.5 office hours before), no mark otherwise.
    const early = await ctx().open('officer');
    await ctx().send('officer', early.id, 'ACCEPT');
    ctx().clock.advance(DAY);
    const later = await ctx().open('officer');
    await ctx().send('officer', later.id, 'ACCEPT');
    const foreign = await ctx().open('other');
    ctx().clock.advance(3 * DAY);
    const calm = await ctx().open('officer');
    await ctx().send('officer', calm.id, 'ACCEPT');
    await ctx().m.sweeper.sweepOnce();
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.officer);
    const page = await b.get('/ho-so');
    const rows = [...page.html.matchAll(/<tr(?: class="(red|amber)")?>([\s\S]*?)<\/tr>/g)].map((m) => ({
      tone: m[1],
      text: pageText(m[2] ?? ''),
      deadline: pageText(/<td data-label="Thời hạn">([\s\S]*?)<\/td>/.exec(m[2] ?? '')?.[1] ?? ''),
    }));
    const first = rows.findIndex((r) => r.text.includes(early.code));
    const second = rows.findIndex((r) => r.text.includes(later.code));
    const third = rows.findIndex((r) => r.text.includes(calm.code));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(second);
    expect(second).toBeLessThan(third);
    expect(rows[first]).toMatchObject({ tone: 'red', deadline: 'Quá hạn Quá hạn 1 ngày làm việc' });
    expect(rows[second]).toMatchObject({ tone: 'amber', deadline: 'Sắp đến hạn Đến hạn hôm nay' });
    expect(rows[third]).toMatchObject({ tone: undefined, deadline: 'Còn 3 ngày làm việc' });
    expect(page.html).not.toContain(foreign.code);
    const overdue = pageText((await b.get('/ho-so?overdue=true')).html);
    expect(overdue).toContain(early.code);
    expect(overdue).not.toContain(later.code);
    expect(overdue).not.toContain(calm.code);
  });

  it('shows only the actions this user may take, with their input forms, and keeps a missing reason inline', async () => {
    const opened = await ctx().open('receiver');
    const processor = createTestBrowser(ctx);
    await processor.signIn(ctx().tokens.processor);
    const seen = await processor.get(`/ho-so/${opened.id}`);
    expect(pageText(seen.html)).toContain('Bạn không có thao tác nào ở bước này.');

    const receiver = createTestBrowser(ctx);
    await receiver.signIn(ctx().tokens.receiver);
    const page = await receiver.get(`/ho-so/${opened.id}`);
    expect(pageText(page.html)).toContain('Tiếp nhận hồ sơ');
    expect(pageText(page.html)).toContain('Yêu cầu bổ sung hồ sơ');
    // Several actions ask for a reason: each field keeps its own id, so each label finds its field.
    const ids = [...page.html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    const missing = await receiver.post(`/ho-so/${opened.id}/su-kien`, { type: 'REQUEST_SUPPLEMENT', version: '1', 'input.reason': '' });
    expect(missing.status).toBe(422);
    expect(missing.html).toMatch(/<details class="action" open="">\s*<summary>Yêu cầu bổ sung hồ sơ/);
    expect(missing.html).toMatch(/id="f-REQUEST_SUPPLEMENT-input-reason"[^>]*aria-invalid="true"/);
    // The comment has the API's limit here too: nothing is recorded.
    const long = await receiver.post(`/ho-so/${opened.id}/su-kien`, { type: 'REQUEST_SUPPLEMENT', version: '1', 'input.reason': 'Thiếu', comment: 'x'.repeat(2001) });
    expect(long.status).toBe(422);
    expect((await ctx().call('receiver', 'GET', `/api/v1/cases/${opened.id}`)).body.version).toBe(1);
    const done = await receiver.post(`/ho-so/${opened.id}/su-kien`, { type: 'REQUEST_SUPPLEMENT', version: '1', 'input.reason': 'Thiếu hợp đồng thuê nhà' });
    expect(done.status).toBe(303);
    const after = await receiver.get(done.location!);
    expect(pageText(after.html)).toContain('Đã thực hiện: Yêu cầu bổ sung hồ sơ.');
    expect(pageText(after.html)).toContain('Lý do: Thiếu hợp đồng thuê nhà');
    // A stale page (version 1) cannot act on the dossier that moved on.
    const stale = await receiver.post(`/ho-so/${opened.id}/su-kien`, { type: 'SUPPLEMENTED', version: '1' });
    expect(stale.status).toBe(412);
    // A form without its version, or with junk there, is not taken as 'no check': nothing happens.
    for (const version of ['', 'abc', '0']) {
      const unchecked = await receiver.post(`/ho-so/${opened.id}/su-kien`, { type: 'SUPPLEMENTED', version });
      expect(unchecked.status, version).toBe(400);
      expect(pageText(unchecked.html)).toContain('Biểu mẫu thiếu phiên bản của hồ sơ');
    }
    expect((await ctx().call('receiver', 'GET', `/api/v1/cases/${opened.id}`)).body.state).toBe('awaiting_supplement');
  });

  it('offers the apology once the dossier is late, records it once, and shows the new appointment', async () => {
    const opened = await ctx().open('officer');
    await ctx().send('officer', opened.id, 'ACCEPT');
    const before = createTestBrowser(ctx);
    await before.signIn(ctx().tokens.officer);
    expect((await before.get(`/ho-so/${opened.id}`)).html).not.toContain('/xin-loi');
    ctx().clock.advance(6 * DAY);
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.officer);
    const late = await b.get(`/ho-so/${opened.id}`);
    expect(late.html).toContain(`/ho-so/${opened.id}/xin-loi`);
    const view = await ctx().call('officer', 'GET', `/api/v1/cases/${opened.id}`);
    const newDay = new Date(new Date(view.body.due_at).getTime() + 7 * DAY);
    while ([0, 6].includes(new Date(newDay.getTime() + 7 * 3600e3).getUTCDay())) newDay.setTime(newDay.getTime() + DAY);
    const day = new Date(newDay.getTime() + 7 * 3600e3).toISOString().slice(0, 10);
    // A Saturday is refused in Vietnamese, on the page and at the field.
    const saturday = new Date(newDay.getTime() + 7 * 3600e3);
    saturday.setUTCDate(saturday.getUTCDate() + ((6 - saturday.getUTCDay() + 7) % 7));
    const sat = saturday.toISOString().slice(0, 10);
    const closed = await b.post(`/ho-so/${opened.id}/xin-loi`, { reason: 'Chờ xác minh', new_due_at: sat });
    expect(closed.status).toBe(422);
    expect(pageText(closed.html)).toContain(`Ngày ${sat.slice(8, 10)}/${sat.slice(5, 7)}/${sat.slice(0, 4)} cơ quan không làm việc`);
    expect(pageText(closed.html)).toContain('Ngày này cơ quan không làm việc; hãy chọn một ngày làm việc.');
    const res = await b.post(`/ho-so/${opened.id}/xin-loi`, { reason: 'Chờ xác minh của địa phương khác', new_due_at: day });
    expect(res.status).toBe(303);
    const page = pageText((await b.get(res.location!)).html);
    expect(page).toContain('Phiếu xin lỗi và hẹn lại ngày trả kết quả');
    expect(page).toContain('Chờ xác minh của địa phương khác');
    expect((await b.get(`/ho-so/${opened.id}`)).html).not.toContain('/xin-loi"');
    // A second apology, posted from a page left open, is refused in Vietnamese too.
    const second = await b.post(`/ho-so/${opened.id}/xin-loi`, { reason: 'Lần hai', new_due_at: day });
    expect(second.status).toBe(409);
    expect(pageText(second.html)).toContain('Hồ sơ này đã có phiếu xin lỗi; ngày hẹn chỉ được điều chỉnh một lần.');
  });

  it('shows the catalogue and a procedure with its state diagram, deadline and transitions', async () => {
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.receiver);
    const list = pageText((await b.get('/thu-tuc')).html);
    expect(list).toContain('Đăng ký tạm trú');
    expect(list).toContain('hiệu lực từ 01/07/2025');
    const page = await b.get('/thu-tuc/dang-ky-tam-tru');
    expect(page.html).toContain('<svg');
    for (const title of ['Mới đăng ký, chờ kiểm tra hồ sơ', 'Chờ lãnh đạo ký duyệt', 'Đã trả kết quả']) expect(page.html).toContain(title);
    expect(pageText(page.html)).toContain('3 ngày làm việc');
    expect(pageText(page.html)).toContain('Sau 30 ngày làm việc: EXPIRE');
  });

  it('lets only administrators upload: the check shows findings with line:col, publishing adds a version', async () => {
    const officer = createTestBrowser(ctx);
    await officer.signIn(ctx().tokens.officer);
    expect((await officer.get('/thu-tuc/tai-len')).status).toBe(403);

    const admin = createTestBrowser(ctx);
    await admin.signIn(ctx().tokens.admin);
    await admin.get('/thu-tuc/tai-len');
    const broken = await admin.post('/thu-tuc/tai-len', { step: 'check', source: 'id: x\nversion: 1\nstates:\n  a: { on: { GO: { to: b } } }\n' });
    expect(broken.status).toBe(422);
    expect(pageText(broken.html)).toMatch(/dòng 4, cột \d+ \(4:\d+\) · lỗi: state 'b' does not exist/);
    expect(broken.html).not.toContain('value="publish"');

    const source = (await ctx().call('admin', 'GET', '/api/v1/procedures/dang-ky-tam-tru')).body.source.replace(/^version: 1$/m, 'version: 2');
    const checked = await admin.post('/thu-tuc/tai-len', { step: 'check', source });
    expect(checked.status).toBe(200);
    expect(pageText(checked.html)).toContain('phiên bản 2');
    expect(checked.html).toContain('value="publish"');
    const published = await admin.post('/thu-tuc/tai-len', { step: 'publish', source });
    expect(published.status).toBe(303);
    expect(published.location).toBe('/thu-tuc/dang-ky-tam-tru?v=2&ok=1');
    expect(pageText((await admin.get('/thu-tuc')).html)).toContain('Phiên bản 2');
    const twice = await admin.post('/thu-tuc/tai-len', { step: 'publish', source });
    expect(twice.status).toBe(422);
  });

  it('keeps the audit pages to inspectors and administrators', async () => {
    const officer = createTestBrowser(ctx);
    await officer.signIn(ctx().tokens.officer);
    expect((await officer.get('/nhat-ky')).status).toBe(403);
    const auditor = createTestBrowser(ctx);
    await auditor.signIn(ctx().tokens.auditor);
    const page = await auditor.get('/nhat-ky');
    expect(page.status).toBe(200);
    expect(pageText(page.html)).toContain('Tạo hồ sơ');
  });
});

describeEachMotcua('the public complaint form', (ctx) => {
  it('names a dossier only with its PIN: a wrong one is marked and sends nothing, the right one links it', async () => {
    const dossier = await ctx().open('receiver');
    const b = createTestBrowser(ctx);
    const form = await b.get(`/tra-cuu/phan-anh?code=${encodeURIComponent(dossier.code)}`);
    expect(form.html).toMatch(/<input id="pin" name="pin"/);
    const fields = { unit: 'thanh-sen', content: 'Hồ sơ chậm trả', code: dossier.code };
    const wrong = await b.post('/tra-cuu/phan-anh', { ...fields, pin: dossier.pin === '000000' ? '000001' : '000000' });
    expect(wrong.status).toBe(404);
    expect(wrong.html).toMatch(/id="pin"[^>]*aria-invalid="true"/);
    // The PIN typed is never written back into the page.
    expect(wrong.html).not.toContain('value="00000');
    const links = () => ctx().m.store.read((tx) => tx.db.selectFrom('case_complaints').select('case_id').where('case_id', '=', dossier.id).execute());
    expect(await links()).toEqual([]);
    const sent = await b.post('/tra-cuu/phan-anh', { ...fields, pin: dossier.pin });
    expect(sent.status).toBe(201);
    expect(pageText(sent.html)).toContain('Đã tiếp nhận phản ánh');
    expect(await links()).toEqual([{ case_id: dossier.id }]);
  });
});

describeEachMotcua('the worklist\'s pages', (ctx) => {
  it('turns a next-page link of another listing into this listing\'s first page, not an error', async () => {
    for (let i = 0; i < 27; i++) await ctx().open('receiver');
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.receiver);
    const first = await b.get('/ho-so');
    const next = /href="(\/ho-so\?cursor=[^"]+)"/.exec(first.html)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    expect((await b.get(next!)).status).toBe(200);
    // The same cursor with a filter typed into the address: the first page of that listing.
    const edited = await b.get(`${next!}&q=nobody`);
    expect(edited.status).toBe(303);
    expect(edited.location).toBe('/ho-so?q=nobody');
    expect((await b.get('/ho-so?cursor=not-one-of-ours')).location).toBe('/ho-so');
  });

  it('keeps the code and PIN in view when the dossier is made but its receiving fails, and a second send finishes it', async () => {
    const was = ctx().clock.now();
    // Friday 31 December 2027: three working days reach into 2028, which the shipped calendar lacks.
    ctx().clock.set(new Date('2027-12-31T02:00:00.000Z'));
    try {
      const b = createTestBrowser(ctx);
      await b.signIn(ctx().tokens.officer);
      await b.get('/ho-so/moi?procedure=dang-ky-tam-tru');
      const fields = intakeFields();
      const failed = await b.post('/ho-so/moi', fields);
      expect(failed.status).toBe(422);
      const text = pageText(failed.html);
      expect(text).toMatch(/Hồ sơ HT\.TS-271231-\d{4} đã được tạo nhưng chưa được tiếp nhận/);
      const pin = /Mã tra cứu \(PIN\): (\d{6})/.exec(text)?.[1];
      expect(pin).toBeDefined();
      expect(text).toContain('2028');
      // Once the calendar problem is behind (here: the clock back in a covered year), the same form
      // finishes the same dossier, with the same PIN.
      ctx().clock.set(new Date('2027-12-20T02:00:00.000Z'));
      const done = await b.post('/ho-so/moi', fields);
      expect(done.status).toBe(200);
      expect(pageText(done.html)).toContain(`Mã tra cứu (PIN): ${pin}`);
      expect(pageText(done.html)).toContain(/Mã hồ sơ: (HT\.TS-\S+)/.exec(text)?.[1] ?? 'no code');
    } finally {
      ctx().clock.set(was);
    }
  });
});

