/**
 * The dossier page: data, current state and national status, the actions this user may take
 * now (with their input forms), the timeline, the control slip and the apology.
 */
import type { Context, Hono } from 'hono';
import { isAdmin, isAuditor } from '../../auth/policy.js';
import type { JsonSchema } from '../../definitions/data-schema.js';
import { isMotcuaError, zodFieldErrors } from '../../errors/index.js';
import { ApologyBody } from '../../service/apology.js';
import { SendEventBody } from '../../service/case-input.js';
import type { CaseView } from '../../service/case-view.js';
import { ActionForm, DataFacts, Timeline, type ActionInfo } from '../case-parts.js';
import { ControlSlipTable } from '../control-slip.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { dateTimeVn, dateVn } from '../format.js';
import { fieldErrors, formToJson, messageVn, type FieldErrors } from '../form-data.js';
import { meta, readForm, recordRead, requireSession, text } from '../guard.js';
import { Alert, Csrf, DeadlineBadge, Layout, isOfficer } from '../layout.js';
import { CHANNEL_LABELS, OUTCOME_LABELS, statusLabel } from '../labels.js';
import { definitionOf, eventTitleIn, stateTitle } from '../procedure-info.js';
import { deadlineText } from './worklist.js';

interface PageState {
  /** The action whose form is shown open (after an error). */
  openEvent?: string;
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  message?: { kind: 'error' | 'ok'; text: string };
  /** The event just done (after the redirect), for the confirmation. */
  done?: string;
  status?: number;
}

async function renderCase(c: Context<WebEnv>, deps: WebDeps, id: string, state: PageState): Promise<Response> {
  const session = requireSession(c);
  const actor = session.actor;
  const view = await deps.cases.get(actor, id);
  const [history, actions, slip] = await Promise.all([deps.cases.history(actor, id), deps.cases.events(actor, id) as Promise<ActionInfo[]>, deps.deadlines.controlSlip(actor, id).then((r) => r.steps)]);
  await recordRead(deps, actor, [view.id], 'GET /ho-so/{id}');
  const def = definitionOf(deps, view);
  const now = deps.clock.now();
  const message = state.message ?? (state.done ? { kind: 'ok' as const, text: `Đã thực hiện: ${eventTitleIn(def, state.done)}.` } : undefined);
  const applicantSchema: JsonSchema = { properties: { name: { title: 'Họ và tên' }, id_number: {}, phone: {}, email: {}, address: {} } };
  const canApologize = view.apology === null && view.closed_at === null && view.due_at !== null && isOfficer(actor) && (view.overdue || view.nearly_due);
  return c.html(
    <Layout title={`Hồ sơ ${view.code}`} session={session} active="worklist">
      <h1>
        Hồ sơ {view.code} <DeadlineBadge overdue={view.overdue} nearlyDue={view.nearly_due} />
      </h1>
      {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
      <div class="grid2">
        <section class="card" aria-labelledby="h-status">
          <h2 id="h-status">Tình trạng</h2>
          <dl class="facts">
            <dt>Thủ tục</dt>
            <dd>
              {view.procedure.title} <span class="muted">(phiên bản {view.procedure.version})</span>
            </dd>
            <dt>Bước hiện tại</dt>
            <dd>
              <strong>{stateTitle(deps, view)}</strong>
            </dd>
            <dt>Trạng thái quốc gia</dt>
            <dd>{view.status_code === null ? '—' : `${view.status_code} · ${statusLabel(view.status_code)}`}</dd>
            {view.outcome ? (
              <>
                <dt>Kết quả</dt>
                <dd>{OUTCOME_LABELS[view.outcome] ?? view.outcome}</dd>
              </>
            ) : null}
            <dt>Đơn vị</dt>
            <dd>{view.unit.name}</dd>
            <dt>Kênh nộp</dt>
            <dd>{CHANNEL_LABELS[view.channel] ?? view.channel}</dd>
            <dt>Ngày nhận</dt>
            <dd>{dateTimeVn(view.received_at)}</dd>
            <dt>Hẹn trả kết quả</dt>
            <dd>{view.due_at ? dateTimeVn(view.due_at) : 'Chưa tính hạn'}</dd>
            {view.closed_at === null ? (
              <>
                <dt>Thời hạn</dt>
                <dd>{deadlineText(deps, view, now)}</dd>
              </>
            ) : (
              <>
                <dt>Đóng hồ sơ</dt>
                <dd>{dateTimeVn(view.closed_at)}</dd>
              </>
            )}
            {view.supplement_count > 0 ? (
              <>
                <dt>Số lần yêu cầu bổ sung</dt>
                <dd>{view.supplement_count}</dd>
              </>
            ) : null}
          </dl>
          <p class="no-print actions">
            <a href={`/ho-so/${encodeURIComponent(view.id)}/giay-tiep-nhan`}>In lại giấy tiếp nhận</a>
            {isAuditor(actor) || isAdmin(actor) ? <a href={`/nhat-ky?case=${encodeURIComponent(view.id)}`}>Nhật ký kiểm tra của hồ sơ</a> : null}
          </p>
        </section>
        <section class="card" aria-labelledby="h-actions">
          <h2 id="h-actions">Thao tác</h2>
          {actions.length === 0 ? <p class="muted">{view.closed_at ? 'Hồ sơ đã đóng.' : 'Bạn không có thao tác nào ở bước này.'}</p> : null}
          {actions.map((a) => (
            <ActionForm caseId={view.id} version={view.version} csrf={session.csrf} action={a} open={state.openEvent === a.type} values={state.openEvent === a.type ? (state.values ?? {}) : {}} errors={state.openEvent === a.type ? (state.errors ?? new Map()) : new Map()} />
          ))}
          {canApologize ? <ApologyForm view={view} csrf={session.csrf} open={state.openEvent === 'apology'} errors={state.openEvent === 'apology' ? (state.errors ?? new Map()) : new Map()} /> : null}
        </section>
      </div>
      {view.apology ? (
        <section class="card" aria-labelledby="h-apology">
          <h2 id="h-apology">Phiếu xin lỗi và hẹn lại ngày trả kết quả</h2>
          <dl class="facts">
            <dt>Lý do chậm</dt>
            <dd>{String(view.apology['reason'] ?? '')}</dd>
            <dt>Hẹn cũ</dt>
            <dd>{dateTimeVn(String(view.apology['previous_due_at'] ?? ''))}</dd>
            <dt>Hẹn lại</dt>
            <dd>
              <strong>{dateTimeVn(String(view.apology['new_due_at'] ?? ''))}</strong>
            </dd>
            <dt>Ngày lập</dt>
            <dd>{dateVn(String(view.apology['at'] ?? ''))}</dd>
          </dl>
        </section>
      ) : null}
      <section class="card" aria-labelledby="h-applicant">
        <h2 id="h-applicant">Người nộp hồ sơ</h2>
        <DataFacts schema={applicantSchema} values={view.applicant} />
        <h2>Thông tin hồ sơ</h2>
        <DataFacts schema={def?.data as JsonSchema | undefined} values={view.data} />
      </section>
      {slip ? (
        <section class="card" aria-labelledby="h-slip">
          <h2 id="h-slip">Phiếu kiểm soát quá trình giải quyết hồ sơ</h2>
          <ControlSlipTable def={def} steps={slip} />
        </section>
      ) : null}
      <section class="card" aria-labelledby="h-history">
        <h2 id="h-history">Quá trình xử lý</h2>
        <Timeline def={def} items={history} />
      </section>
    </Layout>,
    (state.status ?? 200) as 200,
  );
}

const ApologyForm = (p: { view: CaseView; csrf: string; open: boolean; errors: FieldErrors }) => (
  <details class="action" open={p.open}>
    <summary>Xin lỗi và hẹn lại ngày trả kết quả</summary>
    <form method="post" action={`/ho-so/${encodeURIComponent(p.view.id)}/xin-loi`} data-once="1" novalidate>
      <Csrf token={p.csrf} />
      <div class={`field${p.errors.has('/reason') ? ' invalid' : ''}`}>
        <label for="apology-reason">Lý do chậm trả kết quả</label>
        <textarea id="apology-reason" name="reason" maxlength={2000} required />
        {p.errors.has('/reason') ? <span class="error-text">{p.errors.get('/reason')}</span> : null}
      </div>
      <div class={`field${p.errors.has('/new_due_at') ? ' invalid' : ''}`}>
        <label for="apology-date">Ngày hẹn trả kết quả mới</label>
        <input id="apology-date" name="new_due_at" type="date" required />
        {p.errors.has('/new_due_at') ? <span class="error-text">{p.errors.get('/new_due_at')}</span> : null}
      </div>
      <button type="submit">Lập phiếu xin lỗi</button>
    </form>
  </details>
);

export function registerCaseRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  web.get('/ho-so/:id', (c) => renderCase(c, deps, c.req.param('id'), { done: c.req.query('ok')?.slice(0, 64) }));

  web.post('/ho-so/:id/su-kien', async (c) => {
    const session = requireSession(c);
    const id = c.req.param('id');
    const form = await readForm(c, deps);
    const type = text(form, 'type');
    const actions = (await deps.cases.events(session.actor, id)) as ActionInfo[];
    const action = actions.find((a) => a.type === type);
    if (!action) return renderCase(c, deps, id, { message: { kind: 'error', text: 'Thao tác này không còn thực hiện được ở bước hiện tại; trang đã được tải lại.' }, status: 409 });
    const schema = action.input_schema as JsonSchema;
    const input = formToJson(schema, form, 'input');
    const comment = text(form, 'comment');
    const version = Number(text(form, 'version'));
    // The page sends the version it showed; without it the stale-page check would be skipped.
    if (!Number.isInteger(version) || version < 1) {
      return renderCase(c, deps, id, { message: { kind: 'error', text: 'Biểu mẫu thiếu phiên bản của hồ sơ nên chưa thực hiện; trang đã được tải lại, hãy xem lại rồi thao tác lại.' }, status: 400 });
    }
    // Checked as the API checks its body (the comment's length, above all), before the service.
    const body = SendEventBody.safeParse({ type, ...(Object.keys(input).length > 0 ? { input } : {}), ...(comment ? { comment } : {}) });
    if (!body.success) {
      return renderCase(c, deps, id, { openEvent: type, values: input, errors: fieldErrors(zodFieldErrors(body.error.issues)), message: { kind: 'error', text: 'Thông tin chưa hợp lệ; xem các ô được đánh dấu.' }, status: 422 });
    }
    try {
      await deps.cases.send(session.actor, id, body.data, { ...meta(c), ifMatch: version });
    } catch (e) {
      if (isMotcuaError(e, 'validationFailed')) return renderCase(c, deps, id, { openEvent: type, values: input, errors: fieldErrors(e.extras['errors']), message: { kind: 'error', text: 'Thông tin chưa hợp lệ; xem các ô được đánh dấu.' }, status: 422 });
      if (isMotcuaError(e, 'preconditionFailed') || isMotcuaError(e, 'versionConflict')) return renderCase(c, deps, id, { message: { kind: 'error', text: 'Hồ sơ vừa được người khác cập nhật. Hãy xem lại rồi thao tác lại.' }, status: 412 });
      if (isMotcuaError(e, 'eventNotAllowed')) return renderCase(c, deps, id, { openEvent: type, values: input, message: { kind: 'error', text: `Chưa thực hiện được: ${messageVn(e.message)}` }, status: 409 });
      throw e;
    }
    return c.redirect(`/ho-so/${encodeURIComponent(id)}?ok=${encodeURIComponent(type)}`, 303);
  });

  web.post('/ho-so/:id/xin-loi', async (c) => {
    const session = requireSession(c);
    const id = c.req.param('id');
    const form = await readForm(c, deps);
    const parsed = ApologyBody.safeParse({ reason: text(form, 'reason'), new_due_at: text(form, 'new_due_at') });
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error.issues.map((i) => ({ path: '/' + i.path.join('/'), message: i.path[0] === 'reason' ? 'must not be empty' : 'must match format "date"' })));
      return renderCase(c, deps, id, { openEvent: 'apology', errors, message: { kind: 'error', text: 'Phiếu xin lỗi chưa hợp lệ.' }, status: 422 });
    }
    try {
      await deps.deadlines.apologize(session.actor, id, parsed.data, meta(c));
    } catch (e) {
      if (isMotcuaError(e, 'validationFailed')) return renderCase(c, deps, id, { openEvent: 'apology', errors: fieldErrors(e.extras['errors']), message: { kind: 'error', text: messageVn(e.message) }, status: 422 });
      if (isMotcuaError(e, 'conflict')) return renderCase(c, deps, id, { message: { kind: 'error', text: messageVn(e.message) }, status: 409 });
      throw e;
    }
    return c.redirect(`/ho-so/${encodeURIComponent(id)}?ok=case.apology`, 303);
  });
}
