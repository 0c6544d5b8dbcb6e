/**
 * Posted form fields back into the JSON a schema describes: `data.ho_ten` → `{ ho_ten }`,
 * numbers as numbers, checkboxes as booleans, empty fields left out (so "required" speaks),
 * nested objects one level deep, and rows of an array of objects (`data.members[0].name`).
 * Values that do not parse stay text, so the validator names the field instead of us guessing.
 */
import type { JsonSchema } from '../definitions/data-schema.js';

/** Rows of an array of objects the form offers. */
export const ARRAY_ROWS = 3;

/** The property schemas of an object schema. */
export function propertiesOf(schema: JsonSchema | undefined): [string, JsonSchema][] {
  const props = schema?.['properties'];
  if (!props || typeof props !== 'object' || Array.isArray(props)) return [];
  return Object.entries(props as Record<string, unknown>).filter((e): e is [string, JsonSchema] => e[1] !== null && typeof e[1] === 'object' && !Array.isArray(e[1]));
}

/** The names an object schema requires. */
export function requiredOf(schema: JsonSchema | undefined): Set<string> {
  const r = schema?.['required'];
  return new Set(Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : []);
}

/** The JSON Schema type of a property (first of a list). */
export function typeOf(schema: JsonSchema): string {
  const t = schema['type'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return String(t.find((x) => x !== 'null') ?? 'string');
  if (Array.isArray(schema['enum'])) return typeof schema['enum'][0] === 'number' ? 'number' : 'string';
  return 'string';
}

function scalar(schema: JsonSchema, raw: unknown): unknown {
  const type = typeOf(schema);
  if (type === 'boolean') return raw === 'true' || raw === 'on';
  if (typeof raw !== 'string') return undefined;
  const v = raw.trim();
  if (v === '') return undefined;
  if (type === 'integer' || type === 'number') {
    const n = Number(v.replace(',', '.'));
    return Number.isFinite(n) ? n : v;
  }
  return v;
}

function objectFrom(schema: JsonSchema, form: FormData, prefix: string, depth: number): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [key, sub] of propertiesOf(schema)) {
    const name = `${prefix}.${key}`;
    const type = typeOf(sub);
    let value: unknown;
    if (type === 'object' && depth < 1) value = objectFrom(sub, form, name, depth + 1);
    else if (type === 'array') value = arrayFrom(sub, form, name);
    else if (type === 'object') continue;
    else value = scalar(sub, form.get(name));
    if (value === undefined) continue;
    // An unticked optional checkbox says nothing; only a ticked one or a required one counts as input.
    if (type !== 'boolean' || value === true) any = true;
    out[key] = value;
  }
  return any || depth === 0 ? out : undefined;
}

function arrayFrom(schema: JsonSchema, form: FormData, name: string): unknown[] | undefined {
  const items = schema['items'];
  if (!items || typeof items !== 'object' || Array.isArray(items)) return undefined;
  const item = items as JsonSchema;
  if (typeOf(item) === 'object') {
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < ARRAY_ROWS; i++) {
      const row = objectFrom(item, form, `${name}[${i}]`, 1);
      if (row && Object.keys(row).length > 0) rows.push(row);
    }
    return rows.length > 0 ? rows : undefined;
  }
  const raw = form.get(name);
  if (typeof raw !== 'string') return undefined;
  const lines = raw
    .split(/\r?\n/)
    .map((l) => scalar(item, l))
    .filter((v) => v !== undefined);
  return lines.length > 0 ? lines : undefined;
}

/**
 * The value of an object schema from fields named `${prefix}.${key}`; booleans come out false
 * when unticked, empty fields are left out.
 */
export function formToJson(schema: JsonSchema, form: FormData, prefix: string): Record<string, unknown> {
  return objectFrom(schema, form, prefix, 0) ?? {};
}

/** Field errors by JSON pointer (`/data/ho_ten`), first message wins. */
export type FieldErrors = Map<string, string>;

const MESSAGES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^is required$/, () => 'Bắt buộc nhập.'],
  [/^must not be (empty|blank)$/, () => 'Không được để trống.'],
  [/^must match the pattern/, () => 'Không đúng định dạng.'],
  [/^must be one of/, () => 'Hãy chọn một giá trị trong danh sách.'],
  [/^must be of type (integer|number)$/, () => 'Phải là một số.'],
  [/^must be of type boolean$/, () => 'Phải chọn có hoặc không.'],
  [/^must be at least (\d+) characters$/, (m) => `Cần ít nhất ${m[1]} ký tự.`],
  [/^must NOT have more than (\d+) characters$/, (m) => `Tối đa ${m[1]} ký tự.`],
  [/^must be >= (\S+)$/, (m) => `Phải từ ${m[1]} trở lên.`],
  [/^must be <= (\S+)$/, (m) => `Không được lớn hơn ${m[1]}.`],
  [/^must match format "date"$/, () => 'Ngày không hợp lệ.'],
  [/^must match format "email"$/, () => 'Địa chỉ thư điện tử không hợp lệ.'],
  // The apology's rules (field errors and the service's messages).
  [/^not a working day$/, () => 'Ngày này cơ quan không làm việc; hãy chọn một ngày làm việc.'],
  [/^outside office hours$/, () => 'Ngoài giờ làm việc; hãy chọn giờ cơ quan làm việc, hoặc chỉ ghi ngày (hẹn đến hết giờ làm việc ngày đó).'],
  [/^must be later than the current appointment$/, () => 'Ngày hẹn mới phải sau ngày hẹn hiện tại và sau thời điểm này.'],
  [/^(\d{4})-(\d{2})-(\d{2}) is not a working day/, (m) => `Ngày ${m[3]}/${m[2]}/${m[1]} cơ quan không làm việc; hãy chọn một ngày làm việc.`],
  [/ is outside office hours;/, () => 'Giờ hẹn nằm ngoài giờ làm việc; hãy chọn giờ cơ quan làm việc, hoặc chỉ ghi ngày.'],
  [/^The new appointment \(.*\) must be later than/, () => 'Ngày hẹn mới phải sau ngày hẹn hiện tại và sau thời điểm này.'],
  [/^This dossier already has an apology/, () => 'Hồ sơ này đã có phiếu xin lỗi; ngày hẹn chỉ được điều chỉnh một lần.'],
  [/^The dossier is closed; there is no appointment to move/, () => 'Hồ sơ đã kết thúc; không còn ngày hẹn để điều chỉnh.'],
  [/^The dossier has no appointment date yet/, () => 'Hồ sơ chưa có ngày hẹn (chưa được tiếp nhận đủ thành phần).'],
  [/^is not a field of this form/, () => 'Trường này không thuộc biểu mẫu.'],
  [/^must NOT have more than (\d+) items$/, (m) => `Tối đa ${m[1]} dòng.`],
];

/** A validator's English message in Vietnamese (unknown ones pass through unchanged). */
export function messageVn(message: string): string {
  for (const [re, say] of MESSAGES) {
    const m = re.exec(message);
    if (m) return say(m);
  }
  return message;
}

/** Collects `{path, message}` errors under a pointer prefix (`/data`). */
export function fieldErrors(errors: unknown, prefix = ''): FieldErrors {
  const out: FieldErrors = new Map();
  if (!Array.isArray(errors)) return out;
  for (const e of errors) {
    if (!e || typeof e !== 'object') continue;
    const path = (e as { path?: unknown }).path;
    const message = (e as { message?: unknown }).message;
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const key = `${prefix}${path}`;
    if (!out.has(key)) out.set(key, messageVn(message));
  }
  return out;
}
