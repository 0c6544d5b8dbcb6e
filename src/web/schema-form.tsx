/**
 * Form fields generated from a JSON Schema: text, numbers, dates, e-mail, choices (enum),
 * yes/no (boolean), a nested object as a fieldset (one level), an array of objects as a few
 * rows. Every field has a label; errors appear under the field they belong to.
 */
import type { FC } from 'hono/jsx';
import type { JsonSchema } from '../definitions/data-schema.js';
import { ARRAY_ROWS, propertiesOf, requiredOf, typeOf, type FieldErrors } from './form-data.js';
import { fieldLabel, valueLabel } from './labels.js';

/** Long text gets a text area. */
const TEXTAREA_FROM = 301;

/** The element id of a field; `scope` keeps ids unique when one page has several forms with the same fields. */
function idOf(name: string, scope?: string): string {
  return `f-${scope ? `${scope}-` : ''}${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

function pointerOf(name: string): string {
  // `data.members[0].name` → `/data/members/0/name`
  return '/' + name.replace(/\[(\d+)\]/g, '.$1').split('.').join('/');
}

function shown(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

interface FieldProps {
  name: string;
  scope?: string | undefined;
  label: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  errors: FieldErrors;
}

const ErrorText: FC<{ id: string; message: string | undefined }> = ({ id, message }) =>
  message ? (
    <span class="error-text" id={`${id}-err`}>
      {message}
    </span>
  ) : null;

/** One scalar field with its label, hint and error. */
const ScalarField: FC<FieldProps> = (p) => {
  const id = idOf(p.name, p.scope);
  const error = p.errors.get(pointerOf(p.name));
  const type = typeOf(p.schema);
  const describedBy = error ? `${id}-err` : undefined;
  const invalid = error ? 'true' : undefined;
  const mark = p.required ? <span class="req" aria-hidden="true"> *</span> : null;
  if (type === 'boolean') {
    return (
      <div class={`field check${error ? ' invalid' : ''}`}>
        <label for={id}>
          <input id={id} type="checkbox" name={p.name} value="true" checked={p.value === true} aria-invalid={invalid} aria-describedby={describedBy} />
          <span>
            {p.label}
            {mark}
          </span>
        </label>
        <ErrorText id={id} message={error} />
      </div>
    );
  }
  const choices = Array.isArray(p.schema['enum']) ? (p.schema['enum'] as unknown[]) : null;
  const format = p.schema['format'];
  const maxLength = typeof p.schema['maxLength'] === 'number' ? p.schema['maxLength'] : undefined;
  let control;
  if (choices) {
    control = (
      <select id={id} name={p.name} required={p.required} aria-invalid={invalid} aria-describedby={describedBy}>
        <option value="">— Chọn —</option>
        {choices.map((v) => (
          <option value={shown(v)} selected={shown(v) === shown(p.value)}>
            {valueLabel(v)}
          </option>
        ))}
      </select>
    );
  } else if (type === 'integer' || type === 'number') {
    const min = typeof p.schema['minimum'] === 'number' ? p.schema['minimum'] : undefined;
    const max = typeof p.schema['maximum'] === 'number' ? p.schema['maximum'] : undefined;
    control = <input id={id} name={p.name} type="number" step={type === 'integer' ? '1' : 'any'} min={min} max={max} value={shown(p.value)} required={p.required} aria-invalid={invalid} aria-describedby={describedBy} />;
  } else if (format !== 'date' && format !== 'email' && (maxLength === undefined ? typeof p.schema['pattern'] !== 'string' : maxLength >= TEXTAREA_FROM)) {
    control = (
      <textarea id={id} name={p.name} maxlength={maxLength} required={p.required} aria-invalid={invalid} aria-describedby={describedBy}>
        {shown(p.value)}
      </textarea>
    );
  } else {
    const inputType = format === 'date' ? 'date' : format === 'email' ? 'email' : 'text';
    const digits = typeof p.schema['pattern'] === 'string' && /^\^?\[0-9\]\{\d+\}\$?$/.test(p.schema['pattern']);
    control = <input id={id} name={p.name} type={inputType} inputmode={digits ? 'numeric' : undefined} maxlength={maxLength} value={shown(p.value)} required={p.required} aria-invalid={invalid} aria-describedby={describedBy} />;
  }
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {p.label}
        {mark}
      </label>
      {control}
      <ErrorText id={id} message={error} />
    </div>
  );
};

export interface SchemaFieldsProps {
  schema: JsonSchema;
  /** Field name prefix: `data` gives `data.ho_ten`. */
  prefix: string;
  values: Record<string, unknown>;
  errors: FieldErrors;
  /** Nesting level; objects below level 1 are not offered. */
  depth?: number;
  /** Makes element ids unique among several forms of one page (e.g. the event type). */
  scope?: string | undefined;
}

/** The fields of an object schema. */
export const SchemaFields: FC<SchemaFieldsProps> = (p) => {
  const required = requiredOf(p.schema);
  const depth = p.depth ?? 0;
  return (
    <div class="grid2">
      {propertiesOf(p.schema).map(([key, sub]) => {
        const name = `${p.prefix}.${key}`;
        const type = typeOf(sub);
        const value = p.values[key];
        const label = fieldLabel(key, sub);
        if (type === 'object') {
          if (depth >= 1) return null;
          const inner = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
          return (
            <fieldset>
              <legend>{label}</legend>
              <SchemaFields schema={sub} prefix={name} values={inner} errors={p.errors} depth={depth + 1} scope={p.scope} />
            </fieldset>
          );
        }
        if (type === 'array') return <ArrayField name={name} scope={p.scope} label={label} schema={sub} value={value} errors={p.errors} />;
        return <ScalarField name={name} scope={p.scope} label={label} schema={sub} required={required.has(key)} value={value} errors={p.errors} />;
      })}
    </div>
  );
};

const ArrayField: FC<{ name: string; scope?: string | undefined; label: string; schema: JsonSchema; value: unknown; errors: FieldErrors }> = (p) => {
  const items = p.schema['items'];
  const item = items && typeof items === 'object' && !Array.isArray(items) ? (items as JsonSchema) : { type: 'string' };
  const rows = Array.isArray(p.value) ? p.value : [];
  if (typeOf(item) !== 'object') {
    const id = idOf(p.name, p.scope);
    const error = p.errors.get(pointerOf(p.name));
    return (
      <div class={`field${error ? ' invalid' : ''}`}>
        <label for={id}>{p.label}</label>
        <textarea id={id} name={p.name}>
          {rows.map(shown).join('\n')}
        </textarea>
        <span class="hint">Mỗi dòng một giá trị.</span>
        <ErrorText id={id} message={error} />
      </div>
    );
  }
  const required = requiredOf(item);
  return (
    <fieldset>
      <legend>{p.label}</legend>
      <p class="hint muted">Nhập tối đa {ARRAY_ROWS} người; để trống các dòng không dùng.</p>
      {Array.from({ length: ARRAY_ROWS }, (_, i) => {
        const row = rows[i] && typeof rows[i] === 'object' ? (rows[i] as Record<string, unknown>) : {};
        return (
          <div class="grid2">
            {propertiesOf(item)
              .filter(([, s]) => typeOf(s) !== 'object' && typeOf(s) !== 'array')
              .map(([key, s]) => (
                <ScalarField name={`${p.name}[${i}].${key}`} scope={p.scope} label={`${fieldLabel(key, s)} (${i + 1})`} schema={s} required={false} value={row[key]} errors={p.errors} />
              ))}
          </div>
        );
      })}
      {required.size > 0 ? <p class="hint muted">Mỗi dòng đã nhập cần đủ các trường bắt buộc.</p> : null}
    </fieldset>
  );
};
