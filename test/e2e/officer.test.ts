/**
 * The desk officer's day in a real browser: sign in, receive a dossier through the generated
 * form (inline errors first), print the receipt on one A4 page, move the dossier to delivery;
 * an officer of another commune cannot see it, and sign-out ends the session.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickAndLoad, launchBrowser, openPage, OUTPUT_DIR, screenshot, scrollWidth, signIn, startServer, textOf, type E2EServer, type PageWatch } from './harness.js';

let server: E2EServer;
let browser: Browser;
let caseUrl = '';
let caseCode = '';
/** The receipt's PIN, read off the printed receipt by the officer's test. */
let receiptPin = '';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

/** PDF pages, counted from the page objects Chromium writes (`/Type /Page`, not `/Pages`). */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

async function act(page: Page, action: string, fill?: (page: Page) => Promise<void>): Promise<void> {
  await page.locator('summary', { hasText: action }).click();
  if (fill) await fill(page);
  await clickAndLoad(page, page.getByRole('button', { name: action, exact: true }));
  expect(await textOf(page.getByRole('status'))).toContain(`Đã thực hiện: ${action}`);
}

function clean(watch: PageWatch): void {
  expect(watch.problems).toEqual([]);
}

describe('officer', () => {
  it('signs in, receives a dossier (errors inline first) and prints the receipt on one A4 page', async () => {
    const { page, watch, context } = await openPage(browser);
    await signIn(page, server.url, server.tokens.officer);
    expect(await textOf(page.locator('h1'))).toBe('Hồ sơ cần xử lý');

    await clickAndLoad(page, page.getByRole('link', { name: 'Tiếp nhận hồ sơ' }));
    await page.getByLabel('Thủ tục hành chính').selectOption('dang-ky-tam-tru');
    await clickAndLoad(page, page.getByRole('button', { name: 'Chọn thủ tục' }));
    await page.getByLabel('Họ và tên người nộp').fill('Nguyễn Văn An');
    await page.getByLabel(/^Họ, chữ đệm và tên\s*\*?$/).fill('Nguyễn Văn An');
    await page.getByLabel('Ngày, tháng, năm sinh').fill('1990-05-12');
    await page.getByLabel('Giới tính').selectOption('nam');
    await page.getByLabel('Số định danh cá nhân (12 chữ số)').fill('00109000');
    await page.getByLabel('Địa chỉ đề nghị đăng ký tạm trú').fill('Số 12, ngõ 5, phố Trần Phú, phường Thành Sen');
    await page.getByLabel(/Thời hạn tạm trú đề nghị/).fill('12');
    await page.getByLabel('Giấy tờ chứng minh chỗ ở hợp pháp').selectOption('hop_dong_thue');
    watch.expect(422, '/ho-so/moi');
    await clickAndLoad(page, page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn' }));
    // The wrong identification number is marked at its field; everything typed is kept.
    const idField = page.getByLabel('Số định danh cá nhân (12 chữ số)');
    expect(await idField.getAttribute('aria-invalid')).toBe('true');
    expect(await textOf(page.locator('.field.invalid .error-text'))).toBe('Không đúng định dạng.');
    expect(await page.locator('.field.invalid').count()).toBe(1);
    expect(await page.getByLabel('Họ và tên người nộp').inputValue()).toBe('Nguyễn Văn An');
    await screenshot(page, 'officer-intake-errors');

    await idField.fill('001090000001');
    await clickAndLoad(page, page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn' }));
    const receipt = page.getByRole('article', { name: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả' });
    const text = await textOf(receipt);
    expect(text).toContain('CÔNG AN PHƯỜNG THÀNH SEN');
    expect(text).toContain('Đăng ký tạm trú');
    expect(text).toContain('Nguyễn Văn An');
    // Received Monday 2 March 2026 09:00; 3 working days → Thursday 5 March 2026 at closing time.
    expect(text).toContain('09:00 02/03/2026');
    expect(text).toContain('17:00 05/03/2026');
    const pin = (await textOf(receipt.locator('.pin'))).trim();
    expect(pin).toMatch(/^\d{6}$/);
    caseCode = (await textOf(receipt.locator('.sub'))).replace('Mã hồ sơ:', '').trim();
    expect(caseCode).toMatch(/^HT\.TS-/);
    expect(text).toContain(`/tra-cuu?code=${encodeURIComponent(caseCode)}`);
    receiptPin = pin;
    // The receipt carries the lookup address as a QR image drawn by the server.
    const qr = receipt.locator('img');
    expect(await qr.count()).toBe(1);
    const width = await qr.evaluate((el: unknown) => {
      const img = el as { complete: boolean; naturalWidth: number; decode(): Promise<void> };
      return img.decode().then(() => img.naturalWidth);
    });
    expect(width).toBeGreaterThan(0);
    await screenshot(page, 'officer-receipt');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(join(OUTPUT_DIR, 'receipt.pdf'), pdf);
    expect(pdfPages(pdf)).toBe(1);
    await page.emulateMedia({ media: 'screen' });

    await clickAndLoad(page, page.getByRole('link', { name: 'Mở hồ sơ' }));
    caseUrl = page.url();
    expect(await textOf(page.locator('h1'))).toContain(`Hồ sơ ${caseCode}`);
    clean(watch);
    await context.close();
  }, 120_000);

  it('finds the dossier in the worklist, moves it to delivery, and sees every step in the timeline', async () => {
    const { page, watch, context } = await openPage(browser);
    await signIn(page, server.url, server.tokens.officer);
    expect(await textOf(page.getByRole('row').filter({ hasText: caseCode }))).toContain('Còn 3 ngày làm việc');
    await page.getByLabel('Tìm theo mã hồ sơ hoặc người nộp').fill('Nguyễn Văn');
    await clickAndLoad(page, page.getByRole('button', { name: 'Lọc' }));
    expect(await page.getByRole('row').filter({ hasText: caseCode }).count()).toBe(1);
    await screenshot(page, 'officer-worklist');
    await clickAndLoad(page, page.getByRole('link', { name: caseCode }));

    await act(page, 'Trình lãnh đạo ký duyệt', async (p) => {
      await p.getByLabel('Chỗ ở hợp pháp đã được xác minh').check();
    });
    await act(page, 'Ký duyệt');
    await act(page, 'Trả kết quả');
    expect(await textOf(page.getByRole('region', { name: 'Tình trạng' }))).toContain('Đã trả kết quả');
    // Opened, received, proposed, approved, delivered.
    expect(await page.locator('ol.timeline li').count()).toBe(5);
    expect(await textOf(page.getByRole('region', { name: 'Phiếu kiểm soát quá trình giải quyết hồ sơ' }))).toContain('Trước hạn');
    await screenshot(page, 'officer-delivered');
    clean(watch);
    await context.close();
  }, 120_000);

  it('keeps the dossier from an officer of another commune, on the worklist and by address', async () => {
    const { page, watch, context } = await openPage(browser);
    await signIn(page, server.url, server.tokens.other);
    await page.getByLabel('Tìm theo mã hồ sơ hoặc người nộp').fill(caseCode);
    await clickAndLoad(page, page.getByRole('button', { name: 'Lọc' }));
    expect(await textOf(page.locator('main'))).toContain('Không có hồ sơ nào khớp bộ lọc.');
    watch.expect(404, new URL(caseUrl).pathname);
    const res = await page.goto(caseUrl);
    expect(res?.status()).toBe(404);
    expect(await textOf(page.getByRole('alert'))).toContain('Không tìm thấy hồ sơ');
    await screenshot(page, 'other-commune-404');
    clean(watch);
    await context.close();
  }, 120_000);

  it('lets an inspector read the dossier\'s trail, see who viewed it, and verify the whole log', async () => {
    const { page, watch, context } = await openPage(browser);
    await signIn(page, server.url, server.tokens.auditor);
    await clickAndLoad(page, page.getByRole('link', { name: 'Nhật ký kiểm tra' }).first());
    const caseId = decodeURIComponent(new URL(caseUrl).pathname.split('/').pop() ?? '');
    await page.getByLabel(/Mã định danh hồ sơ/).fill(caseId);
    await clickAndLoad(page, page.getByRole('button', { name: 'Lọc' }));
    const entries = page.getByRole('table', { name: 'Bản ghi nhật ký' });
    const trail = await textOf(entries);
    for (const event of ['Tạo hồ sơ', 'ACCEPT', 'PROPOSE', 'APPROVE', 'DELIVER']) expect(trail).toContain(event);
    // The officer's views of the dossier were recorded.
    expect(await textOf(page.getByRole('region', { name: 'Những lần xem hồ sơ này' }))).toContain('GET /ho-so/{id}');
    await screenshot(page, 'inspector-trail');

    await clickAndLoad(page, page.getByRole('link', { name: 'Kiểm tra toàn vẹn' }));
    await clickAndLoad(page, page.getByRole('button', { name: 'Kiểm tra toàn vẹn nhật ký' }));
    const report = await textOf(page.getByRole('region', { name: 'Kết quả kiểm tra' }));
    expect(report).toContain('Nhật ký toàn vẹn');
    expect(report).toMatch(/Khoảng trống\s*Không có/);
    await screenshot(page, 'inspector-verified');
    clean(watch);
    await context.close();
  }, 120_000);

  it('lets the citizen look the dossier up on a phone with the code and PIN of the receipt, and rate it once', async () => {
    const { page, watch, context } = await openPage(browser, { width: 390, height: 844 });
    expect(receiptPin, 'the officer test, which prints the receipt, must run first').not.toBe('');
    const [code, pin] = [caseCode, receiptPin];
    // The address the receipt's QR code carries: the code is filled in, the PIN is not.
    await page.goto(`${server.url}/tra-cuu?code=${encodeURIComponent(code)}`);
    expect(await page.getByLabel('Mã hồ sơ').inputValue()).toBe(code);
    watch.expect(404, '/tra-cuu');
    await page.getByLabel('Mã tra cứu (PIN)').fill(pin === '000000' ? '111111' : '000000');
    await clickAndLoad(page, page.getByRole('button', { name: 'Tra cứu' }));
    expect(await textOf(page.getByRole('alert'))).toContain('Không tìm thấy hồ sơ');
    await page.getByLabel('Mã tra cứu (PIN)').fill(pin);
    await clickAndLoad(page, page.getByRole('button', { name: 'Tra cứu' }));
    const status = await textOf(page.getByRole('region', { name: `Hồ sơ ${code}` }));
    expect(status).toContain('Đã trả kết quả');
    expect(status).toContain('17:00 05/03/2026');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'citizen-lookup');
    await page.getByLabel('Rất hài lòng').check();
    await clickAndLoad(page, page.getByRole('button', { name: 'Gửi đánh giá' }));
    expect(await textOf(page.getByRole('status'))).toContain('Cảm ơn ông/bà đã đánh giá: Rất hài lòng.');
    expect(await page.getByRole('button', { name: 'Gửi đánh giá' }).count()).toBe(0);
    await screenshot(page, 'citizen-rated');
    clean(watch);
    await context.close();
  }, 120_000);

  it('shows the rating on the scorecard and in the satisfaction report', async () => {
    const { page, watch, context } = await openPage(browser);
    await signIn(page, server.url, server.tokens.auditor);
    await clickAndLoad(page, page.getByRole('link', { name: 'Báo cáo' }));
    const table = await textOf(page.getByRole('table', { name: 'Bảng điểm' }));
    expect(table).toContain('Công an phường Thành Sen');
    await page.locator('summary', { hasText: 'Chi tiết các chỉ tiêu: Công an phường Thành Sen' }).click();
    const details = page.locator('details', { hasText: 'Chi tiết các chỉ tiêu: Công an phường Thành Sen' });
    const participation = await textOf(details.getByRole('row').filter({ hasText: 'Tỷ lệ hồ sơ được người dân đánh giá' }));
    expect(participation).toContain('100,0%');
    expect(participation).toContain('1 / 1');
    await screenshot(page, 'scorecard');
    await clickAndLoad(page, page.getByRole('link', { name: 'Mức độ hài lòng' }));
    const row = await textOf(page.getByRole('row').filter({ hasText: 'Công an phường Thành Sen' }));
    // Closed 1, rated 1 (100%), very satisfied 1, satisfied 0, not satisfied 0, satisfied rate 100%.
    expect(row.replace(/\s+/g, ' ')).toContain('1 1 (100,0%) 1 0 0 100,0%');
    await screenshot(page, 'satisfaction');
    clean(watch);
    await context.close();
  }, 120_000);

  it('works on a phone-sized screen and signs out', async () => {
    const { page, watch, context } = await openPage(browser, { width: 390, height: 844 });
    await signIn(page, server.url, server.tokens.officer);
    await page.goto(`${server.url}/ho-so/moi?procedure=dang-ky-tam-tru`);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'phone-intake');
    await clickAndLoad(page, page.getByRole('button', { name: 'Đăng xuất' }));
    expect(await textOf(page.locator('h1'))).toBe('Đăng nhập');
    await page.goto(`${server.url}/ho-so`);
    expect(page.url()).toContain('/dang-nhap?next=%2Fho-so');
    clean(watch);
    await context.close();
  }, 120_000);
});
