/**
 * Uploading a procedure (administrators): paste or choose the YAML, "Kiểm tra" runs the
 * checker and shows every finding with line:col, and only a clean check offers "Công bố",
 * which publishes through the same service as the API (a new version; running cases keep theirs).
 */
import type { Context, Hono } from 'hono';
import { isAdmin } from '../../auth/policy.js';
import { checkProcedureSource } from '../../definitions/check.js';
import type { Finding } from '../../definitions/findings.js';
import { isMotcuaError, MotcuaError } from '../../errors/index.js';
import { publishProcedure } from '../../service/procedure-service.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { dateVn } from '../format.js';
import { meta, readForm, requireSession } from '../guard.js';
import { Alert, Csrf, Layout } from '../layout.js';
import { deadlineVn } from './procedures.js';

/** The name findings carry for an upload. */
const UPLOAD_NAME = 'tai-len.yaml';

interface UploadState {
  source: string;
  findings: Finding[] | null;
  summary: string | null;
  message: string | null;
}

const UploadPage = (p: { c: Context<WebEnv>; s: UploadState; csrf: string }) => {
  const errors = p.s.findings?.filter((f) => f.severity === 'error').length ?? 0;
  const ready = p.s.findings !== null && errors === 0 && p.s.summary !== null;
  return (
    <Layout title="Tải lên thủ tục" session={p.c.get('session')} active="procedures">
      <h1>Tải lên thủ tục hoặc phiên bản mới</h1>
      <p class="muted">Một phiên bản đã công bố không bao giờ thay đổi; muốn sửa, hãy tăng số phiên bản. Hồ sơ đang giải quyết vẫn theo phiên bản cũ.</p>
      {p.s.message ? <Alert kind="error">{p.s.message}</Alert> : null}
      {p.s.findings !== null ? (
        <section class="card" aria-labelledby="h-findings">
          <h2 id="h-findings">Kết quả kiểm tra</h2>
          {p.s.findings.length === 0 ? <p>Không có lỗi hay cảnh báo nào.</p> : null}
          {errors > 0 ? <Alert kind="error">Có {errors} lỗi; sửa rồi kiểm tra lại trước khi công bố.</Alert> : null}
          {p.s.findings.length > 0 ? (
            <ul class="findings">
              {p.s.findings.map((f) => (
                <li class={f.severity}>
                  dòng {f.line}, cột {f.col} ({f.line}:{f.col}) · {f.severity === 'error' ? 'lỗi' : 'cảnh báo'}: {f.message}
                </li>
              ))}
            </ul>
          ) : null}
          {ready ? <Alert kind="ok">{p.s.summary}</Alert> : null}
        </section>
      ) : null}
      <form method="post" action="/thu-tuc/tai-len" enctype="multipart/form-data" class="card">
        <Csrf token={p.csrf} />
        <div class="field">
          <label for="file">Chọn tệp YAML</label>
          <input id="file" name="file" type="file" accept=".yaml,.yml,text/yaml" data-into="source" />
        </div>
        <div class="field">
          <label for="source">Nội dung YAML của thủ tục</label>
          <textarea id="source" name="source" class="code" spellcheck={false}>
            {p.s.source}
          </textarea>
        </div>
        <div class="actions">
          <button type="submit" name="step" value="check" class={ready ? 'secondary' : undefined}>
            Kiểm tra
          </button>
          {ready ? (
            <button type="submit" name="step" value="publish" data-confirm="Công bố phiên bản này? Phiên bản đã công bố không thể sửa.">
              Công bố
            </button>
          ) : null}
        </div>
      </form>
    </Layout>
  );
};

async function sourceOf(form: FormData): Promise<string> {
  const file = form.get('file');
  if (file !== null && typeof file !== 'string' && file.size > 0) return await file.text();
  const text = form.get('source');
  return typeof text === 'string' ? text : '';
}

export function registerUploadRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  const admin = (c: Context<WebEnv>) => {
    const session = requireSession(c);
    if (!isAdmin(session.actor)) throw new MotcuaError('forbidden', 'Chỉ quản trị viên được tải lên và công bố thủ tục.');
    return session;
  };

  web.get('/thu-tuc/tai-len', (c) => {
    const session = admin(c);
    return c.html(<UploadPage c={c} csrf={session.csrf} s={{ source: '', findings: null, summary: null, message: null }} />);
  });

  web.post('/thu-tuc/tai-len', async (c) => {
    const session = admin(c);
    const form = await readForm(c, deps);
    const source = await sourceOf(form);
    const step = form.get('step') === 'publish' ? 'publish' : 'check';
    if (source.trim() === '') return c.html(<UploadPage c={c} csrf={session.csrf} s={{ source, findings: null, summary: null, message: 'Hãy chọn tệp hoặc dán nội dung YAML.' }} />, 422);
    const checked = checkProcedureSource(source, UPLOAD_NAME);
    const def = checked.definition;
    const errors = checked.findings.some((f) => f.severity === 'error');
    const existing = def ? deps.catalog.get(def.id, def.version) : undefined;
    const summary = def
      ? `Thủ tục “${def.title}” (${def.id}), phiên bản ${def.version}, hiệu lực từ ${dateVn(def.effective_from)}, thời hạn ${deadlineVn(def)}: sẵn sàng công bố.`
      : null;
    const message = existing ? `Phiên bản ${def!.version} của thủ tục ${def!.id} đã được công bố; hãy tăng số phiên bản.` : null;
    if (step === 'check' || errors || !def || existing) {
      return c.html(<UploadPage c={c} csrf={session.csrf} s={{ source, findings: checked.findings, summary: existing ? null : summary, message }} />, errors || existing ? 422 : 200);
    }
    try {
      await publishProcedure(deps.service, session.actor, def.id, source, meta(c));
    } catch (e) {
      if (isMotcuaError(e)) return c.html(<UploadPage c={c} csrf={session.csrf} s={{ source, findings: checked.findings, summary: null, message: e.message }} />, e.status as 422);
      throw e;
    }
    return c.redirect(`/thu-tuc/${encodeURIComponent(def.id)}?v=${def.version}&ok=1`, 303);
  });
}
