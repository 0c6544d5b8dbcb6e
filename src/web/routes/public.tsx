/**
 * Tra cứu (no sign-in, phone-sized first): the citizen looks a dossier up with the code and PIN
 * of the receipt, sees its status and appointment, rates it once it is finished, and may send a
 * complaint or recommendation (phản ánh, kiến nghị). The PIN travels only in POST bodies, never
 * in an address, so it stays out of logs and history. Everything goes through the public service.
 */
import type { Context, Hono } from 'hono';
import { isMotcuaError } from '../../errors/index.js';
import { RATING_LEVELS } from '../../reports/index.js';
import type { PublicCaseView, PublicService } from '../../service/public-service.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { dateTimeVn } from '../format.js';
import { meta, readForm, text } from '../guard.js';
import { Alert, Csrf, Layout } from '../layout.js';
import { RATING_LABELS_VN } from '../labels.js';
import { formToken } from '../security.js';
import { registerFeedbackRoutes } from './public-feedback.js';

const LookupForm = (p: { token: string; code: string }) => (
  <form method="post" action="/tra-cuu" class="card">
    <Csrf token={p.token} />
    <div class="field">
      <label for="code">Mã hồ sơ</label>
      <input id="code" name="code" type="text" value={p.code} required maxlength={64} autocomplete="off" spellcheck={false} />
      <span class="hint">In trên giấy tiếp nhận, ví dụ HT.TS-260302-0001.</span>
    </div>
    <div class="field">
      <label for="pin">Mã tra cứu (PIN)</label>
      <input id="pin" name="pin" type="password" inputmode="numeric" required maxlength={32} autocomplete="off" />
    </div>
    <button type="submit">Tra cứu</button>
  </form>
);

/** The public service, or a 503 page saying it is not running here. */
export function publicOr(c: Context<WebEnv>, deps: WebDeps): PublicService | Response | Promise<Response> {
  if (deps.publicDesk) return deps.publicDesk;
  return c.html(
    <Layout title="Tra cứu hồ sơ" narrow>
      <h1>Tra cứu hồ sơ</h1>
      <Alert kind="error">Máy chủ này chưa bật dịch vụ tra cứu công khai.</Alert>
    </Layout>,
    503,
  );
}

/** The caller as the rate limit counts it. */
export function caller(c: Context<WebEnv>, deps: WebDeps): { address: string } {
  // Requests without an address share one bucket: failing closed, not open.
  return { address: deps.clientAddress(c) ?? 'unknown' };
}

/**
 * When the error is a rate limit: what the citizen reads, with the wait it named (a minute for
 * one address, up to an hour for a dossier code), and Retry-After set; the caller answers 429.
 * Otherwise null.
 */
export function rateLimitText(c: Context<WebEnv>, e: unknown): string | null {
  if (!isMotcuaError(e, 'tooManyRequests')) return null;
  const seconds = Number(e.extras['retry_after'] ?? 60);
  c.header('retry-after', String(seconds));
  const wait = seconds <= 60 ? 'một phút' : `khoảng ${Math.ceil(seconds / 60)} phút`;
  return `Ông/bà đã thử quá nhiều lần. Vui lòng đợi ${wait} rồi thử lại, hoặc liên hệ bộ phận một cửa nơi nộp hồ sơ.`;
}


const Status = (p: { v: PublicCaseView }) => {
  const v = p.v;
  const due = v.apology?.new_due_at || v.due_at;
  return (
    <section class="card" aria-labelledby="h-status">
      <h2 id="h-status">Hồ sơ {v.code}</h2>
      <p class="big-status">{v.status_label ?? 'Đang xử lý'}</p>
      {v.overdue && !v.finished ? <Alert kind="error">Hồ sơ đã quá hạn hẹn trả. Đơn vị giải quyết sẽ xin lỗi và hẹn lại ngày trả kết quả.</Alert> : null}
      {v.result_ready && !v.delivered ? <Alert kind="ok">Đã có kết quả. Mời ông/bà đến nhận kết quả theo giấy hẹn.</Alert> : null}
      <dl class="facts">
        <dt>Thủ tục</dt>
        <dd>{v.procedure.title}</dd>
        <dt>Ngày tiếp nhận</dt>
        <dd>{dateTimeVn(v.received_at)}</dd>
        <dt>Ngày hẹn trả kết quả</dt>
        <dd>
          <strong>{due ? dateTimeVn(due) : 'Chưa hẹn (hồ sơ chưa được tiếp nhận đầy đủ)'}</strong>
        </dd>
      </dl>
      {v.apology ? (
        <div class="alert info">
          <strong>Thư xin lỗi của đơn vị:</strong> {v.apology.reason}. Hẹn lại ngày trả kết quả: {dateTimeVn(v.apology.new_due_at)}.
        </div>
      ) : null}
    </section>
  );
};

const RatingForm = (p: { token: string; code: string; pin: string; criteria: { id: string; label: string }[]; error?: string }) => (
  <form method="post" action="/tra-cuu/danh-gia" class="card" data-once="1">
    <Csrf token={p.token} />
    <input type="hidden" name="code" value={p.code} />
    <input type="hidden" name="pin" value={p.pin} />
    <fieldset>
      <legend>Ông/bà có hài lòng với việc giải quyết hồ sơ này?</legend>
      {p.error ? <span class="error-text">{p.error}</span> : null}
      <div class="stars">
        {RATING_LEVELS.map((level) => (
          <label>
            <input type="radio" name="level" value={level} required /> {RATING_LABELS_VN[level]}
          </label>
        ))}
      </div>
    </fieldset>
    {p.criteria.length > 0 ? (
      <details>
        <summary>Chấm điểm chi tiết (không bắt buộc)</summary>
        {p.criteria.map((c) => (
          <div class="field">
            <label for={`crit-${c.id}`}>{c.label}</label>
            <select id={`crit-${c.id}`} name={`criteria.${c.id}`}>
              <option value="">— Không chấm —</option>
              {[5, 4, 3, 2, 1].map((n) => (
                <option value={String(n)}>
                  {n} {n === 5 ? '(tốt nhất)' : n === 1 ? '(kém nhất)' : ''}
                </option>
              ))}
            </select>
          </div>
        ))}
      </details>
    ) : null}
    <div class="field">
      <label for="comment">Góp ý thêm (không bắt buộc)</label>
      <textarea id="comment" name="comment" maxlength={2000} />
    </div>
    <button type="submit">Gửi đánh giá</button>
  </form>
);

const FeedbackLink = (p: { code?: string }) => (
  <p class="card">
    Có điều chưa hài lòng? <a href={p.code ? `/tra-cuu/phan-anh?code=${encodeURIComponent(p.code)}` : '/tra-cuu/phan-anh'}>Gửi phản ánh, kiến nghị</a>.
  </p>
);

export function registerPublicRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  registerFeedbackRoutes(web, deps);
  const criteria = () => deps.scorecard?.rating_criteria ?? [];

  const lookupPage = (c: Context<WebEnv>, code: string, view: PublicCaseView | null, pin: string, message?: { kind: 'error' | 'ok'; text: string }, ratingError?: string) => (
    <Layout title="Tra cứu hồ sơ" narrow>
      <h1>Tra cứu hồ sơ</h1>
      {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
      {view ? <Status v={view} /> : <LookupForm token={formToken(c, deps)} code={code} />}
      {view && view.finished && !view.rated ? <RatingForm token={formToken(c, deps)} code={view.code} pin={pin} criteria={criteria()} {...(ratingError ? { error: ratingError } : {})} /> : null}
      {view && view.rated ? <p class="card">Ông/bà đã đánh giá hồ sơ này. Cảm ơn ông/bà.</p> : null}
      {view && !view.finished ? <p class="card muted">Khi hồ sơ giải quyết xong, ông/bà có thể đánh giá mức độ hài lòng tại đây.</p> : null}
      {view ? (
        <p>
          <a href="/tra-cuu">Tra cứu hồ sơ khác</a>
        </p>
      ) : null}
      <FeedbackLink code={view?.code ?? code} />
    </Layout>
  );

  web.get('/tra-cuu', (c) => {
    const svc = publicOr(c, deps);
    if (!('lookup' in svc)) return svc;
    return c.html(lookupPage(c, (c.req.query('code') ?? '').trim().slice(0, 64), null, ''));
  });

  web.post('/tra-cuu', async (c) => {
    const svc = publicOr(c, deps);
    if (!('lookup' in svc)) return svc;
    const form = await readForm(c, deps);
    const code = text(form, 'code').slice(0, 64);
    const pin = text(form, 'pin').slice(0, 32);
    try {
      return c.html(lookupPage(c, code, await svc.lookup(caller(c, deps), code, pin), pin));
    } catch (e) {
      const limited = rateLimitText(c, e);
      if (limited !== null) return c.html(lookupPage(c, code, null, '', { kind: 'error', text: limited }), 429);
      if (isMotcuaError(e, 'caseNotFound')) return c.html(lookupPage(c, code, null, '', { kind: 'error', text: 'Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Hãy kiểm tra lại trên giấy tiếp nhận.' }), 404);
      throw e;
    }
  });

  web.post('/tra-cuu/danh-gia', async (c) => {
    const svc = publicOr(c, deps);
    if (!('rate' in svc)) return svc;
    const form = await readForm(c, deps);
    const code = text(form, 'code').slice(0, 64);
    const pin = text(form, 'pin').slice(0, 32);
    const level = text(form, 'level');
    const scores: Record<string, number> = {};
    for (const cr of criteria()) {
      const n = Number(text(form, `criteria.${cr.id}`));
      if (Number.isInteger(n) && n >= 1 && n <= 5) scores[cr.id] = n;
    }
    const comment = text(form, 'comment').slice(0, 2000);
    const again = async (status: number, message: { kind: 'error' | 'ok'; text: string }, ratingError?: string) => {
      const view = await svc.lookup(caller(c, deps), code, pin).catch(() => null);
      return c.html(lookupPage(c, code, view, pin, message, ratingError), status as 200);
    };
    if (!(RATING_LEVELS as readonly string[]).includes(level)) return again(422, { kind: 'error', text: 'Hãy chọn một mức đánh giá.' }, 'Hãy chọn một mức đánh giá.');
    try {
      await svc.rate(caller(c, deps), code, { pin, level: level as (typeof RATING_LEVELS)[number], ...(Object.keys(scores).length > 0 ? { criteria: scores } : {}), ...(comment ? { comment } : {}) }, meta(c));
    } catch (e) {
      const limited = rateLimitText(c, e);
      if (limited !== null) return c.html(lookupPage(c, code, null, '', { kind: 'error', text: limited }), 429);
      if (isMotcuaError(e, 'caseNotFound')) return c.html(lookupPage(c, code, null, '', { kind: 'error', text: 'Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này.' }), 404);
      if (isMotcuaError(e, 'alreadyExists')) return again(409, { kind: 'error', text: 'Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.' });
      if (isMotcuaError(e, 'conflict')) return again(409, { kind: 'error', text: 'Hồ sơ chưa giải quyết xong nên chưa đánh giá được.' });
      throw e;
    }
    return again(200, { kind: 'ok', text: `Cảm ơn ông/bà đã đánh giá: ${RATING_LABELS_VN[level] ?? level}.` });
  });
}
