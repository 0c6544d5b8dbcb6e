/** Errors as pages: what went wrong in plain Vietnamese, the way back, and no internals. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isMotcuaError } from '../errors/index.js';
import { pathForLog } from '../http/problem.js';
import type { WebDeps, WebEnv } from './deps.js';
import { messageVn } from './form-data.js';
import { Layout } from './layout.js';

const TITLES: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ',
  403: 'Không có quyền',
  404: 'Không tìm thấy',
  409: 'Không thực hiện được',
  412: 'Hồ sơ vừa thay đổi',
  413: 'Dữ liệu quá lớn',
  422: 'Dữ liệu chưa hợp lệ',
  429: 'Quá nhiều yêu cầu',
  500: 'Lỗi hệ thống',
  503: 'Hệ thống đang bận',
};

/** Sends the browser to sign in, then back to where it was going. */
export function toSignIn(c: Context<WebEnv>): Response {
  const back = c.req.method === 'GET' ? c.req.path + (new URL(c.req.url).search || '') : '/ho-so';
  return c.redirect(`/dang-nhap?next=${encodeURIComponent(back)}`, 303);
}

/** An error page for a status and message, or for a thrown error. */
export function renderError(c: Context<WebEnv>, deps: WebDeps, err: unknown, message?: string): Response | Promise<Response> {
  // An exception that carries its own answer (a redirect to sign in) keeps it.
  if (err instanceof HTTPException && err.res !== undefined) return err.getResponse();
  let status = 500;
  let text = 'Hệ thống gặp lỗi khi xử lý yêu cầu này. Lỗi đã được ghi lại; hãy thử lại sau hoặc báo cho quản trị viên.';
  if (err instanceof HTTPException) {
    status = err.status;
    text = err.message || (TITLES[status] ?? '');
  } else if (typeof err === 'number') {
    status = err;
    text = message ?? TITLES[status] ?? '';
  } else if (isMotcuaError(err)) {
    if (err.code === 'unauthorized') return toSignIn(c);
    status = err.status;
    // Outside an officer's reach a dossier "does not exist": the same words as a wrong address.
    text = status === 404 ? 'Không tìm thấy hồ sơ hoặc trang này, hoặc bạn không có quyền xem.' : messageVn(err.message);
  } else {
    const requestId = c.get('requestId') ?? '-';
    deps.log(`error ${c.req.method} ${pathForLog(c)} request=${requestId}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const title = TITLES[status] ?? 'Lỗi';
  return c.html(
    <Layout title={title} session={c.get('session')} narrow>
      <h1>{title}</h1>
      <div class="alert error" role="alert">
        {text}
      </div>
      <p>
        <a href={c.get('session') ? '/ho-so' : '/tra-cuu'}>Về trang chính</a>
      </p>
    </Layout>,
    status as 400,
  );
}
