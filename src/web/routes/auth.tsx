/** Sign-in (the API token exchanged for a session cookie) and sign-out. */
import type { Hono } from 'hono';
import type { WebDeps, WebEnv } from '../deps.js';
import { meta, readForm, requireSession, safeNext, text } from '../guard.js';
import { Alert, Csrf, Layout } from '../layout.js';
import { clearSessionCookie, formToken, sessionCookie, setSessionCookie } from '../security.js';

const SignInPage = (props: { token: string; next: string; error?: string }) => (
  <Layout title="Đăng nhập" narrow>
    <h1>Đăng nhập</h1>
    {props.error ? <Alert kind="error">{props.error}</Alert> : null}
    <form method="post" action="/dang-nhap" class="card">
      <Csrf token={props.token} />
      <input type="hidden" name="next" value={props.next} />
      <div class="field">
        <label for="token">Mã truy cập</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required spellcheck={false} />
        <span class="hint">Mã do quản trị viên cấp (bắt đầu bằng mc_). Không chia sẻ mã này.</span>
      </div>
      <div class="actions">
        <button type="submit">Đăng nhập</button>
      </div>
    </form>
    <p class="muted">
      Công dân tra cứu hồ sơ tại <a href="/tra-cuu">trang tra cứu</a>.
    </p>
  </Layout>
);

export function registerAuthRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  web.get('/dang-nhap', (c) => {
    const next = safeNext(c.req.query('next'));
    if (c.get('session')) return c.redirect(next, 303);
    return c.html(<SignInPage token={formToken(c, deps)} next={next} />);
  });

  web.post('/dang-nhap', async (c) => {
    const form = await readForm(c, deps);
    const next = safeNext(text(form, 'next'));
    const actor = await deps.authenticate(text(form, 'token'));
    if (!actor) {
      return c.html(<SignInPage token={formToken(c, deps)} next={next} error="Mã truy cập không đúng, đã bị thu hồi, hoặc tài khoản đã bị khóa." />, 401);
    }
    // A fresh id at every sign-in: a session id planted before sign-in is never promoted.
    const old = sessionCookie(c);
    if (old !== undefined) await deps.sessions.end(old);
    const created = await deps.sessions.create(actor.id);
    setSessionCookie(c, created.id, deps.secureCookies);
    deps.log(`web sign-in user=${actor.id} request=${meta(c).requestId}`);
    return c.redirect(next, 303);
  });

  web.post('/dang-xuat', async (c) => {
    requireSession(c);
    await readForm(c, deps);
    const id = sessionCookie(c);
    if (id !== undefined) await deps.sessions.end(id);
    clearSessionCookie(c, deps.secureCookies);
    return c.redirect('/dang-nhap', 303);
  });
}
