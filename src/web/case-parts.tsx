/** Pieces of the dossier page: the data as labelled facts, the timeline, the action forms. */
import type { FC } from 'hono/jsx';
import type { JsonSchema } from '../definitions/data-schema.js';
import type { ProcedureDefinition } from '../definitions/schema.js';
import type { TransitionView } from '../service/case-service.js';
import { dateTimeVn, dateVn } from './format.js';
import { propertiesOf, typeOf, type FieldErrors } from './form-data.js';
import { Csrf } from './layout.js';
import { fieldLabel, roleLabel, valueLabel } from './labels.js';
import { eventTitleIn, stateTitleIn } from './procedure-info.js';
import { SchemaFields } from './schema-form.js';

function valueText(schema: JsonSchema | undefined, v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v === 'boolean') return v ? 'Có' : 'Không';
  if (typeof v === 'string' && schema?.['format'] === 'date') return dateVn(v);
  if (typeof v === 'string' && Array.isArray(schema?.['enum'])) return valueLabel(v);
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

/** A record of values as a definition list, labelled from its schema. */
export const DataFacts: FC<{ schema: JsonSchema | undefined; values: Record<string, unknown> }> = ({ schema, values }) => {
  const props = new Map(propertiesOf(schema));
  const keys = [...new Set([...props.keys(), ...Object.keys(values)])].filter((k) => values[k] !== undefined && values[k] !== null && values[k] !== '');
  if (keys.length === 0) return <p class="muted">Không có dữ liệu.</p>;
  return (
    <dl class="facts">
      {keys.map((k) => {
        const sub = props.get(k);
        const v = values[k];
        let shown;
        if (Array.isArray(v)) {
          const items = sub?.['items'] as JsonSchema | undefined;
          shown = (
            <ul>
              {v.map((row) => (
                <li>{row && typeof row === 'object' ? propertiesOf(items).map(([ik, is]) => valueText(is, (row as Record<string, unknown>)[ik])).filter(Boolean).join(' · ') : valueText(items, row)}</li>
              ))}
            </ul>
          );
        } else if (v && typeof v === 'object' && sub && typeOf(sub) === 'object') {
          shown = <DataFacts schema={sub} values={v as Record<string, unknown>} />;
        } else shown = valueText(sub, v);
        return (
          <>
            <dt>{fieldLabel(k, sub)}</dt>
            <dd>{shown}</dd>
          </>
        );
      })}
    </dl>
  );
};

/** Every transition, oldest first. */
export const Timeline: FC<{ def: ProcedureDefinition | undefined; items: TransitionView[] }> = ({ def, items }) => (
  <ol class="timeline">
    {items.map((t) => {
      const from = (t.from ?? []).map((s) => stateTitleIn(def, s)).join(' · ');
      const to = t.to.map((s) => stateTitleIn(def, s)).join(' · ');
      return (
        <li>
          <strong>{eventTitleIn(def, t.event)}</strong> <span class="muted">{dateTimeVn(t.at)}</span>
          <div>
            {from && from !== to ? `${from} → ${to}` : to}
          </div>
          <div class="muted">
            {t.actor_id === 'system' ? 'Hệ thống' : `${roleLabel(t.role)} (${t.actor_id})`}
          </div>
          {t.reason ? <div>Lý do: {t.reason}</div> : null}
          {t.comment ? <div>Ghi chú: {t.comment}</div> : null}
        </li>
      );
    })}
  </ol>
);

export interface ActionInfo {
  type: string;
  title: string | null;
  input_schema: Record<string, unknown>;
}

/** One action the user may take now: a button, with its input form when it takes input. */
export const ActionForm: FC<{ caseId: string; version: number; csrf: string; action: ActionInfo; open: boolean; values: Record<string, unknown>; errors: FieldErrors }> = (p) => {
  const schema = p.action.input_schema as JsonSchema;
  const hasInput = propertiesOf(schema).length > 0;
  const title = p.action.title ?? p.action.type;
  const body = (
    <form method="post" action={`/ho-so/${encodeURIComponent(p.caseId)}/su-kien`} data-once="1" novalidate>
      <Csrf token={p.csrf} />
      <input type="hidden" name="type" value={p.action.type} />
      <input type="hidden" name="version" value={String(p.version)} />
      {hasInput ? <SchemaFields schema={schema} prefix="input" values={p.values} errors={p.errors} scope={p.action.type} /> : null}
      <div class="field">
        <label for={`comment-${p.action.type}`}>Ghi chú (không bắt buộc)</label>
        <input id={`comment-${p.action.type}`} name="comment" type="text" maxlength={2000} />
      </div>
      <button type="submit">{title}</button>
    </form>
  );
  return (
    <details class="action" open={p.open}>
      <summary>{title}</summary>
      {body}
    </details>
  );
};
