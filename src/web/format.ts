/**
 * Vietnamese formats for the pages: dates as dd/mm/yyyy and times as HH:mm, both in
 * Asia/Ho_Chi_Minh whatever the server's own time zone, and working days left in words.
 */
import { VN_OFFSET_MS } from '../clock/index.js';

function vnParts(instant: Date): { d: string; m: string; y: string; hh: string; mm: string } {
  const iso = new Date(instant.getTime() + VN_OFFSET_MS).toISOString();
  return { y: iso.slice(0, 4), m: iso.slice(5, 7), d: iso.slice(8, 10), hh: iso.slice(11, 13), mm: iso.slice(14, 16) };
}

/** `28/11/2025` for an instant (Vietnam's calendar day) or a `YYYY-MM-DD` day; '' for null. */
export function dateVn(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}`;
  const at = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(at.getTime())) return String(value);
  const p = vnParts(at);
  return `${p.d}/${p.m}/${p.y}`;
}

/** `09:30 28/11/2025` for an instant; '' for null. */
export function dateTimeVn(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const at = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(at.getTime())) return String(value);
  const p = vnParts(at);
  return `${p.hh}:${p.mm} ${p.d}/${p.m}/${p.y}`;
}

/** Working days left as words: "Còn 2 ngày làm việc", "Đến hạn hôm nay", "Quá hạn 1 ngày làm việc". */
export function daysLeftVn(days: number, overdue: boolean): string {
  if (overdue) return days < 0 ? `Quá hạn ${-days} ngày làm việc` : 'Quá hạn';
  if (days <= 0) return 'Đến hạn hôm nay';
  return `Còn ${days} ngày làm việc`;
}

/** A number the Vietnamese way: `1.234,5`. */
export function numberVn(n: number, fractionDigits = 0): string {
  const fixed = n.toFixed(fractionDigits);
  const [int = '0', frac] = fixed.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}${grouped}${frac ? `,${frac}` : ''}`;
}

/** A share 0..1 as a percentage: `87,5%`. */
export function percentVn(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return `${numberVn(share * 100, 1)}%`;
}

/** A procedure duration in Vietnamese: "3 working days" → "3 ngày làm việc", "½ working day" → "0,5 ngày làm việc". */
export function durationVn(text: string): string {
  const m = /^\s*(\d+(?:\.\d+)?|\d*½)\s+working\s+(day|days|hour|hours)\s*$/.exec(text);
  if (!m) return text;
  const raw = m[1] ?? '';
  const amount = raw.endsWith('½') ? (raw.length > 1 ? Number(raw.slice(0, -1)) : 0) + 0.5 : Number(raw);
  return `${numberVn(amount, Number.isInteger(amount) ? 0 : 1)} ${m[2]?.startsWith('day') ? 'ngày làm việc' : 'giờ làm việc'}`;
}
