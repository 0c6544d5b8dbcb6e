/** Request guards the routes share: a signed-in session, a checked form, the request meta. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/policy.js';
import { MotcuaError } from '../errors/index.js';
import type { RequestMeta } from '../service/deps.js';
import type { WebDeps, WebEnv } from './deps.js';
import { toSignIn } from './errors.js';
import { checkFormToken } from './security.js';
import type { WebSession } from './session-store.js';

/** The session, or a redirect to the sign-in page. */
export function requireSession(c: Context<WebEnv>): WebSession {
  const session = c.get('session');
  if (!session) throw new HTTPException(303, { res: toSignIn(c) });
  return session;
}

/** The posted form, after its form token was checked (403 otherwise). */
export async function readForm(c: Context<WebEnv>, deps: WebDeps): Promise<FormData> {
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw new HTTPException(400, { message: 'Biểu mẫu không đọc được.' });
  }
  checkFormToken(c, deps, form);
  // Bytes that are not UTF-8 arrive as U+FFFD; taken as they are, they would end up in a
  // dossier's history as garbage that can never be corrected.
  for (const [, value] of form) {
    if (typeof value === 'string' && value.includes('\uFFFD')) {
      throw new HTTPException(400, { message: 'Biểu mẫu có ký tự không đọc được (không phải mã UTF-8). Hãy gõ lại nội dung đó rồi gửi lại.' });
    }
  }
  return form;
}

/** A text field of a form, trimmed; '' when absent. */
export function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

/** Facts about this request that go into records. */
export function meta(c: Context<WebEnv>): RequestMeta {
  return { requestId: c.get('requestId') ?? randomUUID() };
}

/**
 * A local path to go back to after sign-in; anything else becomes the worklist. Only a path of
 * visible characters that is not `//host` or `/\\host` is kept: browsers drop tabs and line
 * breaks from a Location, so `/<tab>/host` would have been `//host`, another site.
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || !/^\/(?![/\\])[\x21-\x7e]*$/.test(next) || next.includes('\\')) return '/ho-so';
  return next;
}

/**
 * Records that `actor` is about to see these dossiers (personal data law), before the page is
 * sent. If the record cannot be saved the page is not shown: a dossier is never seen unrecorded.
 */
export async function recordRead(deps: WebDeps, actor: Actor, caseIds: string[], route: string): Promise<void> {
  if (!deps.access || caseIds.length === 0) return;
  try {
    await deps.access.record(actor, caseIds, route);
  } catch {
    throw new MotcuaError('unavailable', 'Không ghi được nhật ký truy cập nên hồ sơ chưa được hiển thị; hãy thử lại sau ít phút.');
  }
}
