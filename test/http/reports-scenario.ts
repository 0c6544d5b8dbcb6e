/**
 * A small, fixed month of work in two communes, played through the API on the manual clock,
 * so the report tests can compute every number by hand (reports-scorecard.test.ts gives the
 * arithmetic next to each assertion). March 2026 has no public holiday; the working days are
 * Monday to Friday. dang-ky-tam-tru has a 3-working-day deadline from ACCEPT; a complaint 15.
 *
 * Thành Sen (officer), period 1–31 March:
 * - A  Mon 2 09:00, online, every flag; ACCEPT (due Thu 5 17:00); result Tue 3 11:00; delivered Wed 4. Rated rất hài lòng.
 * - B  Mon 2 09:00, in person, synced, fee not paid online; result Fri 6 10:00 (late); delivered Fri 6. Rated không hài lòng.
 * - D  Mon 2 09:00, in person, data reused, synced; asked to supplement twice (no office time passed); result Tue 3 11:00, not collected. Named by complaint K.
 * - H  Tue 3 09:00, in person; refused at reception. Rated không hài lòng.
 * - E  Mon 9 09:00, by post, synced; accepted (due Thu 12), still processing on 31 March.
 * - F  Mon 16 09:00, online, VNeID, synced, fee paid online; accepted (due Thu 19), still processing.
 * - M  Mon 16 09:00, online, VNeID; accepted, withdrawn Tue 17.
 * - G  Mon 30 09:00, in person; accepted (due Thu 2 April), still processing.
 * - K  complaint about D, Mon 2 10:00; accepted at once (due Mon 23); answered Tue 10: on time.
 * - L  anonymous complaint, Tue 3 09:00; accepted (due Tue 24); answered Wed 25: late.
 * Thạch Khê (other): T  Mon 2 09:00, online, every flag; result Mon 2 11:00; delivered Mon 2 14:00. Rated rất hài lòng.
 */
import type { PublicContext } from './public-fixture.js';

const ALL_FLAGS = { vneid_authenticated: true, data_reused: true, electronic_result: true, synced_to_portal: true, fee_payable: true, paid_online: true };

export interface Scenario {
  /** Case id and code by letter. */
  cases: Record<string, { id: string; code: string; pin: string }>;
}

/** Plays the month; leaves the clock at Monday 30 March 09:00. */
export async function playMarch(ctx: PublicContext): Promise<Scenario> {
  const { at, open, send, call } = ctx;
  const cases: Scenario['cases'] = {};
  const opened = async (letter: string, who: 'officer' | 'other', extra: Record<string, unknown>) => {
    const c = await open(who, extra);
    cases[letter] = { id: c.id, code: c.code, pin: c.pin };
    return c.id as string;
  };
  const complaint = async (letter: string, body: Record<string, unknown>) => {
    const r = await call('citizen', 'POST', '/api/v1/public/feedback', { body, client: `10.0.0.${letter.charCodeAt(0)}` });
    if (r.status !== 201) throw new Error(`feedback answered ${r.status}: ${r.text}`);
    const list = await call('officer', 'GET', `/api/v1/cases?procedure=phan-anh-kien-nghi&q=${encodeURIComponent(r.body.code)}`);
    const id = list.body.items[0].id as string;
    cases[letter] = { id, code: r.body.code, pin: r.body.pin };
    return id;
  };

  at('2026-03-02 09:00');
  const a = await opened('A', 'officer', { channel: 2, flags: ALL_FLAGS });
  const b = await opened('B', 'officer', { channel: 1, flags: { synced_to_portal: true, fee_payable: true } });
  const d = await opened('D', 'officer', { channel: 1, flags: { data_reused: true, synced_to_portal: true } });
  const t = await opened('T', 'other', { channel: 2, flags: ALL_FLAGS });
  await send('officer', a, 'ACCEPT');
  await send('officer', b, 'ACCEPT');
  for (let i = 0; i < 2; i++) {
    await send('officer', d, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu giấy tờ chứng minh chỗ ở' });
    await send('officer', d, 'SUPPLEMENTED');
  }
  await send('officer', d, 'ACCEPT');
  await send('other', t, 'ACCEPT');

  at('2026-03-02 10:00');
  const k = await complaint('K', { unit: 'thanh-sen', content: 'Hồ sơ bị yêu cầu bổ sung hai lần', contact: { name: 'Phạm Văn Dũng', phone: '0901234567' }, case_code: cases.D!.code, case_pin: cases.D!.pin });
  await send('officer', k, 'ACCEPT');
  await send('officer', k, 'FORWARD');
  await send('other', t, 'PROPOSE', { cho_o_hop_phap: true });
  at('2026-03-02 11:00');
  await send('other', t, 'APPROVE');
  at('2026-03-02 14:00');
  await send('other', t, 'DELIVER');

  at('2026-03-03 09:00');
  const h = await opened('H', 'officer', { channel: 1 });
  await send('officer', h, 'REJECT', { reason: 'Không thuộc thẩm quyền giải quyết' });
  const l = await complaint('L', { unit: 'thanh-sen', content: 'Đề nghị công khai lệ phí' });
  await send('officer', l, 'ACCEPT');
  await send('officer', l, 'FORWARD');
  at('2026-03-03 10:00');
  await send('officer', a, 'PROPOSE', { cho_o_hop_phap: true });
  await send('officer', d, 'PROPOSE', { cho_o_hop_phap: true });
  at('2026-03-03 11:00');
  await send('officer', a, 'APPROVE');
  await send('officer', d, 'APPROVE');

  at('2026-03-04 09:00');
  await send('officer', a, 'DELIVER');

  at('2026-03-06 09:00');
  await send('officer', b, 'PROPOSE', { cho_o_hop_phap: true });
  at('2026-03-06 10:00');
  await send('officer', b, 'APPROVE');
  at('2026-03-06 11:00');
  await send('officer', b, 'DELIVER');

  at('2026-03-09 09:00');
  const e = await opened('E', 'officer', { channel: 3, flags: { synced_to_portal: true } });
  await send('officer', e, 'ACCEPT');

  at('2026-03-10 09:00');
  await send('officer', k, 'PROPOSE', { answer: 'Đã kiểm tra và hướng dẫn lại.' });
  at('2026-03-10 10:00');
  await send('officer', k, 'APPROVE');

  at('2026-03-16 09:00');
  const f = await opened('F', 'officer', { channel: 2, flags: { vneid_authenticated: true, synced_to_portal: true, fee_payable: true, paid_online: true } });
  await send('officer', f, 'ACCEPT');
  const mm = await opened('M', 'officer', { channel: 2, flags: { vneid_authenticated: true } });
  await send('officer', mm, 'ACCEPT');
  at('2026-03-17 09:00');
  await send('officer', mm, 'WITHDRAW', { reason: 'Công dân xin rút hồ sơ' });

  at('2026-03-25 09:00');
  await send('officer', l, 'PROPOSE', { answer: 'Đã niêm yết.' });
  at('2026-03-25 10:00');
  await send('officer', l, 'APPROVE');

  at('2026-03-30 09:00');
  const g = await opened('G', 'officer', { channel: 1 });
  await send('officer', g, 'ACCEPT');

  const rate = async (letter: string, level: string) => {
    const c = cases[letter]!;
    const r = await call('citizen', 'POST', `/api/v1/public/cases/${c.code}/rating`, { body: { pin: c.pin, level }, client: `10.1.0.${letter.charCodeAt(0)}` });
    if (r.status !== 201) throw new Error(`rating ${letter} answered ${r.status}: ${r.text}`);
  };
  await rate('A', 'rat_hai_long');
  await rate('B', 'khong_hai_long');
  await rate('H', 'khong_hai_long');
  await rate('T', 'rat_hai_long');
  return { cases };
}
