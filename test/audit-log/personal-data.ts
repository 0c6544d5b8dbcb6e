/**
 * The personal-data check every audit export of the test suite goes through: no 12-digit ID
 * number, no phone number, and none of the names, ID numbers, phones or addresses the tests
 * put into dossiers may appear in an export. Exports are also saved under
 * test-output/audit-exports/ so a failure can be inspected (and personal-data.test.ts greps
 * the whole folder once more).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TAM_TRU_DATA } from '../http/cases-fixture.js';

/** Where exports produced by tests are kept. */
export const EXPORTS_DIR = join('test-output', 'audit-exports');

/** Personal values the tests put into dossiers and user accounts. */
export const PERSONAL_VALUES: readonly string[] = [
  TAM_TRU_DATA.ho_ten,
  TAM_TRU_DATA.so_dinh_danh,
  TAM_TRU_DATA.dien_thoai,
  TAM_TRU_DATA.dia_chi_tam_tru,
  'Trần Thị Bình',
  '038195004217',
  '0987654321',
  'Lê Hoàng Cường',
  '042088001234',
  'Phạm Thị Dung',
  '001301009876',
  '0356111222',
  'Số 7, ngõ 12, đường Hà Huy Tập',
  'Xóm 3, xã Thạch Khê',
  'dung.pham@example.vn',
  // The fixture's officers: their names are personal data too (entries hold user ids only).
  'Cán bộ receiver',
  'Cán bộ processor',
  'Cán bộ leader',
  'Cán bộ auditor',
];

// Digits fenced by anything but letters, digits and '-', so hex hashes and UUIDs never match.
const ID_NUMBER = /(?<![0-9A-Za-z-])[0-9]{12}(?![0-9A-Za-z-])/u;
const PHONE = /(?<![0-9A-Za-z-])(?:\+84|0)[0-9]{9,10}(?![0-9A-Za-z-])/u;

/** What in `text` looks like personal data; empty when nothing does. */
export function personalDataIn(text: string): string[] {
  const normal = text.normalize('NFC');
  const found: string[] = [];
  for (const value of PERSONAL_VALUES) if (normal.includes(value.normalize('NFC'))) found.push(value);
  const id = ID_NUMBER.exec(normal);
  if (id) found.push(`12-digit number ${id[0]}`);
  const phone = PHONE.exec(normal);
  if (phone) found.push(`phone number ${phone[0]}`);
  return found;
}

/** Fails the test if `text` holds personal data. */
export function assertNoPersonalData(text: string, label: string): void {
  expect(personalDataIn(text), `personal data in ${label}`).toEqual([]);
}

/** Saves an export under test-output/audit-exports/ and checks it; returns the file's path. */
export function checkedExport(name: string, text: string): string {
  mkdirSync(EXPORTS_DIR, { recursive: true });
  const file = join(EXPORTS_DIR, name);
  writeFileSync(file, text);
  assertNoPersonalData(text, file);
  return file;
}
