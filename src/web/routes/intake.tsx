/**
 * Tiếp nhận hồ sơ: choose a procedure, fill the form generated from its data schema (errors
 * inline), and get the printable receipt. A complete dossier is received at once (the
 * transition that starts the statutory clock), so the receipt carries the appointment date.
 */
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { Actor } from '../../auth/policy.js';
import type { JsonSchema } from '../../definitions/data-schema.js';
import type { ProcedureDefinition } from '../../definitions/schema.js';
import { isMotcuaError, zodFieldErrors } from '../../errors/index.js';
import type { CaseView } from '../../service/case-view.js';
import { OpenCaseBody } from '../../service/case-input.js';
import { caseReceipt } from '../../service/public-receipt.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { fieldErrors, formToJson, messageVn, type FieldErrors } from '../form-data.js';
import { meta, readForm, recordRead, requireSession, text } from '../guard.js';
import { Alert, Csrf, Layout } from '../layout.js';
import { CHANNEL_LABELS } from '../labels.js';
import { procedureOptions } from '../procedure-info.js';
import { Receipt, lookupUrl, type ReceiptData } from '../receipt.js';
import { SchemaFields } from '../schema-form.js';
import { formToken } from '../security.js';

const APPLICANT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 200, title: 'Họ và tên người nộp' },
    id_number: { type: 'string', maxLength: 12, pattern: '^[0-9]{12}$', title: 'Số định danh cá nhân' },
    phone: { type: 'string', maxLength: 20, title: 'Số điện thoại' },
    email: { type: 'string', format: 'email', maxLength: 200, title: 'Thư điện tử' },
    address: { type: 'string', maxLength: 300, title: 'Địa chỉ liên hệ' },
  },
};

const FLAG_LABELS: Record<string, string> = {
  vneid_authenticated: 'Công dân xác thực bằng VNeID',
  data_reused: 'Khai thác dữ liệu dân cư, không yêu cầu nộp giấy tờ',
  digitised: 'Hồ sơ đã được số hóa',
  electronic_result: 'Trả kết quả điện tử',
};

/** The event that receives a complete dossier from the initial state, if this actor may send it. */
export function receiveEvent(def: ProcedureDefinition, actor: Actor): { type: string; title: string } | null {
  const initial = def.states[def.initial];
  for (const [type, t] of Object.entries(initial?.on ?? {})) {
    for (const alt of Array.isArray(t) ? t : [t]) {
      if (alt.starts_clock && !alt.when && !alt.input?.required?.length && (alt.roles ?? []).some((r) => actor.roles.includes(r))) return { type, title: alt.title ?? type };
    }
  }
  return null;
}

interface FormState {
  applicant: Record<string, unknown>;
  data: Record<string, unknown>;
  channel: string;
  flags: Set<string>;
  receive: boolean;
  key: string;
}

const IntakePage = (p: { deps: WebDeps; c: Context<WebEnv>; actor: Actor; def: ProcedureDefinition | null; state: FormState; errors: FieldErrors; message?: string }) => {
  const options = procedureOptions(p.deps).filter((o) => o.def.roles.some((r) => p.actor.roles.includes(r)));
  const receive = p.def ? receiveEvent(p.def, p.actor) : null;
  return (
    <Layout title="Tiếp nhận hồ sơ" session={p.c.get('session')} active="intake">
      <h1>Tiếp nhận hồ sơ</h1>
      <form method="get" action="/ho-so/moi" class="card actions">
        <div class="field">
          <label for="procedure">Thủ tục hành chính</label>
          <select id="procedure" name="procedure">
            <option value="">— Chọn thủ tục —</option>
            {options.map((o) => (
              <option value={o.id} selected={o.id === p.def?.id}>
                {o.title} ({o.def.code})
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          Chọn thủ tục
        </button>
      </form>
      {p.message ? <Alert kind="error">{p.message}</Alert> : null}
      {p.def ? (
        <form method="post" action="/ho-so/moi" data-once="1" novalidate>
          <Csrf token={formToken(p.c, p.deps)} />
          <input type="hidden" name="procedure" value={p.def.id} />
          <input type="hidden" name="key" value={p.state.key} />
          <fieldset class="card">
            <legend>Người nộp hồ sơ</legend>
            <SchemaFields schema={APPLICANT_SCHEMA} prefix="applicant" values={p.state.applicant} errors={p.errors} />
          </fieldset>
          <fieldset class="card">
            <legend>Thông tin hồ sơ: {p.def.title}</legend>
            <SchemaFields schema={p.def.data as JsonSchema} prefix="data" values={p.state.data} errors={p.errors} />
          </fieldset>
          <fieldset class="card">
            <legend>Tiếp nhận</legend>
            <div class="field">
              <label for="channel">Kênh nộp hồ sơ</label>
              <select id="channel" name="channel">
                {Object.entries(CHANNEL_LABELS).map(([v, l]) => (
                  <option value={v} selected={v === p.state.channel}>
                    {l}
                  </option>
                ))}
              </select>
            </div>
            {Object.entries(FLAG_LABELS).map(([flag, label]) => (
              <div class="field check">
                <label>
                  <input type="checkbox" name="flags" value={flag} checked={p.state.flags.has(flag)} /> {label}
                </label>
              </div>
            ))}
            {receive ? (
              <div class="field check">
                <label>
                  <input type="checkbox" name="receive" value="true" checked={p.state.receive} /> Hồ sơ đầy đủ, hợp lệ: {receive.title.toLowerCase()} và hẹn ngày trả kết quả
                </label>
              </div>
            ) : null}
          </fieldset>
          <div class="actions">
            <button type="submit">Tiếp nhận và in giấy hẹn</button>
          </div>
        </form>
      ) : null}
    </Layout>
  );
};

function blankState(): FormState {
  return { applicant: {}, data: {}, channel: '1', flags: new Set(), receive: true, key: randomBytes(12).toString('base64url') };
}

function findDefinition(deps: WebDeps, id: string): ProcedureDefinition | null {
  return procedureOptions(deps).find((o) => o.id === id)?.def ?? null;
}

/** Builds the receipt's data from a case. */
export function receiptData(c: Context<WebEnv>, deps: WebDeps, view: CaseView, pin: string | null, officerName: string): ReceiptData {
  const unit = deps.units.get(view.unit.id);
  const parent = unit?.parentId ? deps.units.get(unit.parentId) : undefined;
  const def = deps.catalog.get(view.procedure.id, view.procedure.version)?.definition;
  return {
    parentUnitName: parent?.name ?? null,
    unitName: view.unit.name,
    code: view.code,
    procedureTitle: view.procedure.title,
    procedureCode: def?.code ?? '',
    applicantName: typeof view.applicant['name'] === 'string' ? view.applicant['name'] : '',
    receivedAt: view.received_at,
    dueAt: view.due_at,
    pin,
    lookupUrl: lookupUrl(c, deps.publicUrl, view.code),
    officerName,
    qr: deps.qr !== null,
    caseId: view.id,
  };
}

export function registerIntakeRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  web.get('/ho-so/moi', (c) => {
    const session = requireSession(c);
    const id = c.req.query('procedure') ?? '';
    const def = id ? findDefinition(deps, id) : null;
    return c.html(<IntakePage deps={deps} c={c} actor={session.actor} def={def} state={blankState()} errors={new Map()} message={id && !def ? 'Không có thủ tục này.' : undefined} />);
  });

  web.post('/ho-so/moi', async (c) => {
    const session = requireSession(c);
    const actor = session.actor;
    const form = await readForm(c, deps);
    const def = findDefinition(deps, text(form, 'procedure'));
    if (!def) return c.html(<IntakePage deps={deps} c={c} actor={actor} def={null} state={blankState()} errors={new Map()} message="Hãy chọn thủ tục." />, 422);
    const key = /^[A-Za-z0-9_-]{8,40}$/.test(text(form, 'key')) ? text(form, 'key') : randomBytes(12).toString('base64url');
    const flags = new Set(form.getAll('flags').filter((f): f is string => typeof f === 'string' && f in FLAG_LABELS));
    const state: FormState = {
      applicant: formToJson(APPLICANT_SCHEMA, form, 'applicant'),
      data: formToJson(def.data as JsonSchema, form, 'data'),
      channel: ['1', '2', '3'].includes(text(form, 'channel')) ? text(form, 'channel') : '1',
      flags,
      receive: text(form, 'receive') === 'true',
      key,
    };
    const body = { procedure: def.id, applicant: state.applicant, data: state.data, channel: Number(state.channel), flags: Object.fromEntries([...flags].map((f) => [f, true])) };
    const parsed = OpenCaseBody.safeParse(body);
    const again = (errors: FieldErrors, message: string) => c.html(<IntakePage deps={deps} c={c} actor={actor} def={def} state={state} errors={errors} message={message} />, 422);
    if (!parsed.success) {
      // The data's faults are marked too, so the officer corrects the whole form in one go.
      const errors = fieldErrors([...zodFieldErrors(parsed.error.issues), ...deps.cases.openingDataErrors(def.id, state.data)]);
      return again(errors, 'Thông tin người nộp chưa hợp lệ; xem các ô được đánh dấu.');
    }
    let opened: CaseView & { pin: string };
    try {
      const r = await deps.cases.open(actor, parsed.data, { ...meta(c), idempotency: { userId: actor.id, key: `web-intake-${key}`, request: parsed.data } });
      opened = r.body as CaseView & { pin: string };
    } catch (e) {
      if (isMotcuaError(e, 'validationFailed')) return again(fieldErrors(e.extras['errors']), 'Hồ sơ chưa hợp lệ; xem các ô được đánh dấu.');
      throw e;
    }
    let view: CaseView = opened;
    const receive = receiveEvent(def, actor);
    if (receive && state.receive) {
      try {
        const r = await deps.cases.send(actor, opened.id, { type: receive.type }, { ...meta(c), idempotency: { userId: actor.id, key: `web-receive-${key}`, request: { id: opened.id, type: receive.type } } });
        view = (r.body as { case: CaseView }).case;
      } catch (e) {
        if (!isMotcuaError(e)) throw e;
        // The dossier exists, but is not received: its code and PIN must not be lost with an
        // error page (the PIN is shown nowhere else). Sending the form again retries this step.
        return c.html(
          <Layout title={`Hồ sơ ${opened.code} chưa được tiếp nhận`} session={session} active="intake">
            <h1>Hồ sơ {opened.code} đã được tạo nhưng chưa được tiếp nhận</h1>
            <Alert kind="error">
              Bước “{receive.title}” chưa thực hiện được: {messageVn(e.message)} Hãy khắc phục rồi gửi lại biểu mẫu (hồ sơ không bị tạo thêm), hoặc mở hồ sơ để tiếp nhận.
            </Alert>
            <p>
              Mã hồ sơ: <strong>{opened.code}</strong> · Mã tra cứu (PIN): <strong>{opened.pin}</strong>. Ghi lại mã tra cứu cho công dân: mã này chỉ hiện khi tiếp nhận.
            </p>
            <p>
              <a href={`/ho-so/${encodeURIComponent(opened.id)}`}>Mở hồ sơ {opened.code}</a>
            </p>
          </Layout>,
          e.status as 409,
        );
      }
    }
    return c.html(
      <Layout title={`Giấy tiếp nhận ${view.code}`} session={session} active="intake">
        <Alert kind="ok">Đã tiếp nhận hồ sơ {view.code}. In giấy tiếp nhận và hẹn trả kết quả cho công dân.</Alert>
        <Receipt r={receiptData(c, deps, view, opened.pin, actor.name)} />
      </Layout>,
    );
  });

  web.get('/ho-so/:id/giay-tiep-nhan', async (c) => {
    const session = requireSession(c);
    const view = await deps.cases.get(session.actor, c.req.param('id'));
    const printed = await caseReceipt(deps.service, session.actor, view.id);
    await recordRead(deps, session.actor, [view.id], 'GET /ho-so/{id}/giay-tiep-nhan');
    return c.html(
      <Layout title={`Giấy tiếp nhận ${view.code}`} session={session}>
        <Receipt r={receiptData(c, deps, view, null, printed.officer.name)} />
      </Layout>,
    );
  });
}
