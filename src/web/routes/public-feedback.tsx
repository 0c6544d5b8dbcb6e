/**
 * Gửi phản ánh, kiến nghị: a citizen's complaint or recommendation, opened by the public
 * service as a case of the feedback procedure at the chosen unit. The answer shows the code and
 * PIN to follow it on the lookup page, like a receipt.
 */
import type { Context, Hono } from 'hono';
import { isMotcuaError } from '../../errors/index.js';
import { FeedbackBody } from '../../service/public-input.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { dateTimeVn } from '../format.js';
import { fieldErrors, type FieldErrors } from '../form-data.js';
import { meta, readForm, text } from '../guard.js';
import { Alert, Csrf, Layout } from '../layout.js';
import { formToken } from '../security.js';
import { caller, publicOr, rateLimitText } from './public.js';

interface FeedbackState {
  unit: string;
  content: string;
  name: string;
  phone: string;
  code: string;
  /** Never shown back: a page with an error asks for it again. */
  pin: string;
}

const Field = (p: { id: string; label: string; value: string; errors: FieldErrors; path: string; type?: string; hint?: string; inputmode?: 'tel' | 'numeric' }) => {
  const error = p.errors.get(p.path);
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={p.id}>{p.label}</label>
      <input id={p.id} name={p.id} type={p.type ?? 'text'} value={p.value} inputmode={p.inputmode} aria-invalid={error ? 'true' : undefined} />
      {p.hint ? <span class="hint">{p.hint}</span> : null}
      {error ? <span class="error-text">{error}</span> : null}
    </div>
  );
};

export function registerFeedbackRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  const page = (c: Context<WebEnv>, s: FeedbackState, errors: FieldErrors, message?: string) => {
    const units = deps.publicDesk?.units().filter((u) => u.parent_id !== null) ?? [];
    const contentError = errors.get('/content');
    return (
      <Layout title="Phản ánh, kiến nghị" narrow>
        <h1>Gửi phản ánh, kiến nghị</h1>
        <p class="muted">Phản ánh được tiếp nhận và trả lời trong 15 ngày làm việc. Không ghi thông tin liên hệ thì phản ánh là ẩn danh và không nhận được trả lời.</p>
        {message ? <Alert kind="error">{message}</Alert> : null}
        <form method="post" action="/tra-cuu/phan-anh" class="card" data-once="1" novalidate>
          <Csrf token={formToken(c, deps)} />
          <div class={`field${errors.has('/unit') ? ' invalid' : ''}`}>
            <label for="unit">Gửi đến đơn vị</label>
            <select id="unit" name="unit" required>
              <option value="">— Chọn đơn vị —</option>
              {units.map((u) => (
                <option value={u.id} selected={u.id === s.unit}>
                  {u.name}
                </option>
              ))}
            </select>
            {errors.get('/unit') ? <span class="error-text">{errors.get('/unit')}</span> : null}
          </div>
          <div class={`field${contentError ? ' invalid' : ''}`}>
            <label for="content">Nội dung phản ánh, kiến nghị</label>
            <textarea id="content" name="content" maxlength={5000} required aria-invalid={contentError ? 'true' : undefined}>
              {s.content}
            </textarea>
            {contentError ? <span class="error-text">{contentError}</span> : null}
          </div>
          <Field id="code" label="Mã hồ sơ liên quan (nếu có)" value={s.code} errors={errors} path="/case_code" />
          <Field id="pin" label="Mã tra cứu (PIN) của hồ sơ đó" value="" errors={errors} path="/case_pin" inputmode="numeric" hint="In trên giấy tiếp nhận; cần khi nêu mã hồ sơ." />
          <fieldset>
            <legend>Thông tin liên hệ (không bắt buộc)</legend>
            <Field id="name" label="Họ và tên" value={s.name} errors={errors} path="/contact/name" />
            <Field id="phone" label="Số điện thoại" value={s.phone} errors={errors} path="/contact/phone" type="tel" inputmode="tel" />
          </fieldset>
          <button type="submit">Gửi phản ánh</button>
        </form>
        <p>
          <a href="/tra-cuu">Về trang tra cứu</a>
        </p>
      </Layout>
    );
  };

  web.get('/tra-cuu/phan-anh', (c) => {
    const svc = publicOr(c, deps);
    if (!('feedback' in svc)) return svc;
    return c.html(page(c, { unit: '', content: '', name: '', phone: '', code: (c.req.query('code') ?? '').trim().slice(0, 64), pin: '' }, new Map()));
  });

  web.post('/tra-cuu/phan-anh', async (c) => {
    const svc = publicOr(c, deps);
    if (!('feedback' in svc)) return svc;
    const form = await readForm(c, deps);
    const s: FeedbackState = { unit: text(form, 'unit'), content: text(form, 'content'), name: text(form, 'name'), phone: text(form, 'phone'), code: text(form, 'code'), pin: text(form, 'pin') };
    const body = {
      unit: s.unit,
      content: s.content,
      ...(s.name || s.phone ? { contact: { name: s.name, phone: s.phone } } : {}),
      ...(s.code ? { case_code: s.code } : {}),
      ...(s.pin ? { case_pin: s.pin } : {}),
    };
    const parsed = FeedbackBody.safeParse(body);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error.issues.map((i) => ({ path: '/' + i.path.join('/'), message: i.code === 'too_small' ? 'must not be empty' : i.path.includes('phone') ? 'must match the pattern phone' : i.message })));
      return c.html(page(c, s, errors, 'Phản ánh chưa gửi được; xem các ô được đánh dấu.'), 422);
    }
    let made: { code: string; pin: string; received_at: string };
    try {
      made = await svc.feedback(caller(c, deps), parsed.data, meta(c));
    } catch (e) {
      const limited = rateLimitText(c, e);
      if (limited !== null) return c.html(page(c, s, new Map(), limited), 429);
      if (isMotcuaError(e, 'validationFailed')) return c.html(page(c, s, fieldErrors(e.extras['errors']), 'Phản ánh chưa gửi được; xem các ô được đánh dấu.'), 422);
      if (isMotcuaError(e, 'caseNotFound')) {
        const wrong = new Map([['/case_pin', 'Mã hồ sơ hoặc mã tra cứu (PIN) không đúng.']]);
        return c.html(page(c, s, wrong, 'Không tìm thấy hồ sơ với mã và PIN này; xem lại giấy tiếp nhận, hoặc bỏ trống mã hồ sơ.'), 404);
      }
      throw e;
    }
    return c.html(
      <Layout title="Đã gửi phản ánh" narrow>
        <h1>Đã tiếp nhận phản ánh</h1>
        <Alert kind="ok">Cảm ơn ông/bà. Phản ánh đã được tiếp nhận lúc {dateTimeVn(made.received_at)}.</Alert>
        <section class="card">
          <p>Ghi lại hai mã dưới đây để theo dõi việc trả lời tại trang tra cứu:</p>
          <dl class="facts">
            <dt>Mã phản ánh</dt>
            <dd>
              <strong>{made.code}</strong>
            </dd>
            <dt>Mã tra cứu (PIN)</dt>
            <dd>
              <span class="pin">{made.pin}</span>
            </dd>
          </dl>
        </section>
        <form method="get" action="/tra-cuu">
          <input type="hidden" name="code" value={made.code} />
          <button type="submit">Tra cứu phản ánh này</button>
        </form>
      </Layout>,
      201,
    );
  });
}
