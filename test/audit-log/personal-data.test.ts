/**
 * No personal data in the audit log: dossiers full of names, 12-digit ID numbers, phones,
 * addresses and e-mails go through the API (opened, moved, an apology, a complaint with contact
 * details, an officer typing an ID number into a reason), then every way the log leaves the
 * system (JSON Lines, CSV, the entries route, server-side verification) is searched for them.
 * Every export the audit tests save (checkedExport) is searched where it is made.
 */
import { describe, expect, it } from 'vitest';
import { describeEachMotcua } from '../http/cases-fixture.js';
import { assertNoPersonalData, checkedExport, personalDataIn } from './personal-data.js';
import { exportParts, exportVia } from './support.js';

const MEMBERS = [
  { ho_ten: 'Lê Hoàng Cường', so_dinh_danh: '042088001234', quan_he_voi_nguoi_de_nghi: 'con' },
  { ho_ten: 'Phạm Thị Dung', so_dinh_danh: '001301009876', quan_he_voi_nguoi_de_nghi: 'vợ' },
];

const TAM_TRU = {
  ho_ten: 'Trần Thị Bình',
  ngay_sinh: '1995-04-17',
  gioi_tinh: 'nu',
  so_dinh_danh: '038195004217',
  dien_thoai: '0987654321',
  email: 'dung.pham@example.vn',
  dia_chi_tam_tru: 'Số 7, ngõ 12, đường Hà Huy Tập, phường Thành Sen',
  thoi_han_thang: 12,
  giay_to_cho_o: 'hop_dong_thue',
  ho_ten_chu_ho: 'Lê Hoàng Cường',
  so_dinh_danh_chu_ho: '042088001234',
  thanh_vien_cung_dang_ky: MEMBERS,
  nhan_ket_qua: 'truc_tiep',
};

const TAM_VANG = {
  ho_ten: 'Phạm Thị Dung',
  ngay_sinh: '1979-12-01',
  gioi_tinh: 'nu',
  so_dinh_danh: '001301009876',
  dien_thoai: '0356111222',
  noi_cu_tru: 'Xóm 3, xã Thạch Khê',
  noi_den: 'Số 7, ngõ 12, đường Hà Huy Tập',
  doi_tuong: 'vang_tu_12_thang',
  tu_ngay: '2026-03-05',
  den_ngay: '2027-03-05',
  ly_do: 'Đi làm ăn xa',
  nhan_ket_qua: 'truc_tiep',
};

describe('the personal-data check itself', () => {
  it('finds ID numbers, phones and known names, and leaves hashes, UUIDs and times alone', () => {
    expect(personalDataIn('{"so_dinh_danh":"001090000001"}')).toEqual(['001090000001', '12-digit number 001090000001']);
    expect(personalDataIn('gọi 0912345678 nhé')).toEqual(['phone number 0912345678']);
    expect(personalDataIn('{"reason":"Trần Thị Bình"}')).toEqual(['Trần Thị Bình']);
    // NFD text (combining marks) is still found.
    expect(personalDataIn('Tra\u0302\u0300n Thị Bình')).toEqual(['Trần Thị Bình']);
    const innocent = '"leaf":"123456789012aaaa","request_id":"6f2b1c3e-0d4a-4b5c-8e9f-123456789012","time":"2026-03-02T02:00:00.000Z","hint":"*********217"';
    expect(personalDataIn(innocent)).toEqual([]);
  });
});

describeEachMotcua('no personal data leaves through the audit log', (ctx) => {
  it('keeps names, ID numbers, phones, addresses and e-mails out of every export and listing', async () => {
    const t = ctx();
    const open = async (procedure: string, data: unknown, applicant: unknown) => {
      const r = await t.call('receiver', 'POST', '/api/v1/cases', { body: { procedure, applicant, data } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const send = async (who: 'receiver' | 'processor' | 'leader', id: string, type: string, input?: Record<string, unknown>) => {
      const r = await t.send(who, id, type, input);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };

    const a = await open('dang-ky-tam-tru', TAM_TRU, { name: TAM_TRU.ho_ten, id_number: TAM_TRU.so_dinh_danh, phone: TAM_TRU.dien_thoai, address: TAM_TRU.dia_chi_tam_tru });
    // Officers type what they see; an ID number in a reason is masked before it is hashed.
    await send('receiver', a, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu CCCD số 042088001234 của thành viên, gọi 0987654321 để hẹn' });
    await send('receiver', a, 'SUPPLEMENTED');
    // However the groups of digits are set apart: dashes, slashes, brackets, spaces, dots.
    await send('receiver', a, 'REQUEST_SUPPLEMENT', { reason: 'Gọi 0912-345-678 hoặc (+84) 912/345/679, CCCD 042-088-001-235, hẹn 12-03-2026, nghỉ 01/12/2025 - 05/12/2025' });
    await send('receiver', a, 'SUPPLEMENTED');
    await send('receiver', a, 'ACCEPT');
    await send('processor', a, 'PROPOSE', { cho_o_hop_phap: true, ghi_chu: 'Đã gặp chủ hộ Lê Hoàng Cường tại nhà' });
    const apology = await t.call('receiver', 'POST', `/api/v1/cases/${a}/apology`, { body: { reason: 'Chờ xác minh chủ hộ, CCCD 042088001234', new_due_at: '2026-03-20' } });
    expect(apology.status, JSON.stringify(apology.body)).toBe(201);
    await send('leader', a, 'APPROVE');
    await send('receiver', a, 'DELIVER');

    const b = await open('khai-bao-tam-vang', TAM_VANG, { name: TAM_VANG.ho_ten, phone: TAM_VANG.dien_thoai });
    await send('receiver', b, 'ACCEPT');

    const complaint = await open('phan-anh-kien-nghi', { content: 'Hồ sơ trễ hẹn', contact: { name: 'Phạm Thị Dung', phone: '0356111222' }, channel: 'truc_tuyen' }, { name: 'Phạm Thị Dung' });
    await send('receiver', complaint, 'ACCEPT');

    // Reading dossiers leaves access records; they hold ids and routes only.
    expect((await t.call('auditor', 'GET', `/api/v1/cases/${a}`)).body.data.so_dinh_danh).toBe(TAM_TRU.so_dinh_danh);

    const jsonl = await exportVia(t, 'pii.jsonl');
    expect(exportParts(jsonl).entries.length).toBeGreaterThan(15);
    // The masked hint of the typed ID number is there instead of the number.
    expect(jsonl).toContain('Thiếu CCCD số *********234 của thành viên');
    for (const typed of ['0912-345-678', '912/345/679', '042-088-001-235']) expect(jsonl).not.toContain(typed);
    expect(jsonl).toContain('*******678');
    // A date is not an ID number: it stays readable.
    expect(jsonl).toContain('hẹn 12-03-2026, nghỉ 01/12/2025 - 05/12/2025');
    await exportVia(t, 'pii.csv', '?format=csv');
    const entries = await t.call('auditor', 'GET', '/api/v1/audit/entries?limit=1000');
    checkedExport(`${t.kind}-pii-entries.json`, JSON.stringify(entries.body));
    const verified = await t.call('auditor', 'GET', '/api/v1/audit/verify');
    expect(verified.body.ok).toBe(true);
    assertNoPersonalData(JSON.stringify(verified.body), 'the verification report');
    const access = await t.call('auditor', 'GET', '/api/v1/audit/access?limit=1000');
    assertNoPersonalData(JSON.stringify(access.body), 'the access records');
    expect(access.body.items.some((r: { case_id: string }) => r.case_id === a)).toBe(true);
  });
});
