/** Satisfaction and the tracking book (sổ theo dõi hồ sơ) on the month of reports-scenario.ts. */
import { beforeAll, expect, it } from 'vitest';
import { CSV_BOM, parseCsv } from '../../src/reports/index.js';
import { TRACKING_BOOK_CSV_COLUMNS } from '../../src/service/report-tracking-book.js';
import { describeEachPublic } from './public-fixture.js';
import { playMarch, type Scenario } from './reports-scenario.js';

const MARCH = 'from=2026-03-01&to=2026-03-31';

describeEachPublic('satisfaction and tracking book', (ctx) => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await playMarch(ctx());
  });

  it('counts the ratings of the dossiers closed in the period, per unit', async () => {
    const r = await ctx().call('auditor', 'GET', `/api/v1/reports/satisfaction?unit=ha-tinh&${MARCH}&by=unit`);
    expect(r.status).toBe(200);
    // Thành Sen closed A, B, H, M; rated A (rất hài lòng), B and H (không hài lòng). Thạch Khê closed T, rated rất hài lòng.
    expect(r.body.items).toEqual([
      { key: 'thanh-sen', label: 'Công an phường Thành Sen', closed: 4, rated: 3, rat_hai_long: 1, hai_long: 0, khong_hai_long: 2, participation: 0.75, satisfied_rate: 1 / 3 },
      { key: 'thach-khe', label: 'Công an xã Thạch Khê', closed: 1, rated: 1, rat_hai_long: 1, hai_long: 0, khong_hai_long: 0, participation: 1, satisfied_rate: 1 },
    ]);
    expect(r.body.total).toMatchObject({ closed: 5, rated: 4, rat_hai_long: 2, khong_hai_long: 2, participation: 0.8, satisfied_rate: 0.5 });
  });

  it('groups by procedure and by receiving officer, and keeps an officer to their commune', async () => {
    const { call, userIds } = ctx();
    const byProcedure = await call('auditor', 'GET', `/api/v1/reports/satisfaction?unit=ha-tinh&${MARCH}&by=procedure`);
    // The complaints K and L are not dossiers: only dang-ky-tam-tru.
    expect(byProcedure.body.items).toEqual([expect.objectContaining({ key: 'dang-ky-tam-tru', label: 'Đăng ký tạm trú', closed: 5, rated: 4 })]);
    const byOfficer = await call('officer', 'GET', `/api/v1/reports/satisfaction?${MARCH}&by=officer`);
    expect(byOfficer.body.items).toEqual([expect.objectContaining({ key: userIds.officer, label: 'Cán bộ officer', closed: 4, rated: 3 })]);
    expect((await call('officer', 'GET', `/api/v1/reports/satisfaction?unit=thach-khe&${MARCH}`)).status).toBe(404);
    expect((await call('officer', 'GET', `/api/v1/reports/satisfaction?${MARCH}&by=month`)).status).toBe(400);
  });

  it('lists one line per dossier received, oldest first, applicant masked, timeliness judged', async () => {
    const r = await ctx().call('officer', 'GET', `/api/v1/reports/tracking-book?${MARCH}&limit=100`);
    expect(r.status).toBe(200);
    const { cases } = scenario;
    const codes = r.body.items.map((l: { code: string }) => l.code);
    // Received in March at Thành Sen, in receipt order (those received at the same minute in
    // any order); the complaints K and L have their own register.
    const letters = codes.map((code: string) => Object.keys(cases).find((k) => cases[k]!.code === code));
    const sameTime = (ks: string[]) => ks.sort().join('');
    expect([sameTime(letters.slice(0, 3)), letters[3], letters[4], sameTime(letters.slice(5, 7)), letters[7]]).toEqual(['ABD', 'H', 'E', 'FM', 'G']);
    expect(codes).toHaveLength(8);
    expect(r.body.next_cursor).toBeNull();
    const line = (k: string) => r.body.items.find((l: { code: string }) => l.code === cases[k]!.code);
    expect(line('A')).toEqual({
      code: cases.A!.code,
      applicant: '********** An',
      procedure: { id: 'dang-ky-tam-tru', title: 'Đăng ký tạm trú' },
      received_at: '2026-03-02T02:00:00.000Z',
      due_at: '2026-03-05T10:00:00.000Z',
      delivered_at: '2026-03-04T02:00:00.000Z',
      status_code: 10,
      status_label: 'Đã trả kết quả',
      timeliness: 'on_time',
      officer: { id: ctx().userIds.officer, name: 'Cán bộ officer' },
    });
    expect(r.text).not.toContain('Nguyễn Văn An');
    // B late; D late by the two supplement requests; H refused and M withdrawn: no result to judge;
    // E and F past due while running (now is 30 March); G due 2 April.
    expect([line('B'), line('D'), line('H'), line('M'), line('E'), line('F'), line('G')].map((l) => l.timeliness)).toEqual(['late', 'late', null, null, 'late', 'late', null]);
    expect(line('D').delivered_at).toBeNull();
  });

  it('pages with a keyset cursor without losing or repeating a line', async () => {
    const { call } = ctx();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: { items: { code: string }[]; next_cursor: string | null } } = await call('officer', 'GET', `/api/v1/reports/tracking-book?${MARCH}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((l) => l.code));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    const all = await call('officer', 'GET', `/api/v1/reports/tracking-book?${MARCH}&limit=100`);
    expect(seen).toEqual(all.body.items.map((l: { code: string }) => l.code));
    expect((await call('officer', 'GET', `/api/v1/reports/tracking-book?${MARCH}&cursor=garbage`)).status).toBe(400);
  });

  it('streams the whole book as CSV that parses back to the same lines', async () => {
    const { call } = ctx();
    const r = await call('auditor', 'GET', `/api/v1/reports/tracking-book?unit=ha-tinh&${MARCH}&format=csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...r.raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(r.raw).slice(CSV_BOM.length));
    expect(rows[0]).toEqual([...TRACKING_BOOK_CSV_COLUMNS]);
    // Thành Sen's 8 dossiers and Thạch Khê's T.
    expect(rows).toHaveLength(1 + 9);
    const a = rows.find((row) => row[0] === scenario.cases.A!.code)!;
    expect(a).toEqual([scenario.cases.A!.code, '********** An', 'Đăng ký tạm trú', '2026-03-02 09:00', '2026-03-05 17:00', '2026-03-04 09:00', 'Đã trả kết quả', 'Đúng hạn', 'Cán bộ officer']);
    expect((await call('other', 'GET', `/api/v1/reports/tracking-book?unit=thanh-sen&${MARCH}&format=csv`)).status).toBe(404);
  });
});
