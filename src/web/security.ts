/**
 * The web's defences: the session cookie (HttpOnly, SameSite=Strict, Secure behind TLS), the
 * synchronizer token every form carries, a keyed form token for pages without a session (the
 * sign-in form and the citizen's page, so a foreign site cannot post them either), and strict
 * response headers (no inline script or style, no framing, no referrer carrying a dossier code).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { MotcuaError } from '../errors/index.js';
import type { SecureCookies, WebDeps, WebEnv } from './deps.js';
import { SESSION_TTL_MS } from './session-store.js';

export const SESSION_COOKIE = 'motcua_sid';
/** A random value tying a session-less form to this browser (double submit, keyed). */
export const FORM_COOKIE = 'motcua_form';
/** Name of the hidden field that carries the form token. */
export const CSRF_FIELD = '_csrf';

/** True when the browser reached us over TLS (directly, or through a proxy that says so). */
export function isSecureRequest(c: Context, setting: SecureCookies): boolean {
  if (setting !== 'auto') return setting === 'always';
  const forwarded = c.req.header('x-forwarded-proto');
  if (forwarded !== undefined) return forwarded.split(',')[0]?.trim().toLowerCase() === 'https';
  return new URL(c.req.url).protocol === 'https:';
}

/** Sets the session cookie. */
export function setSessionCookie(c: Context, id: string, setting: SecureCookies): void {
  setCookie(c, SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isSecureRequest(c, setting), maxAge: Math.floor(SESSION_TTL_MS / 1000) });
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context, setting: SecureCookies): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isSecureRequest(c, setting) });
}

/** The session cookie's value, if any. */
export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function keyedToken(key: Buffer, nonce: string): string {
  return createHmac('sha256', key).update(`motcua-form:${nonce}`, 'utf8').digest('base64url');
}

/**
 * The form token for this request: the session's synchronizer token when signed in, otherwise
 * a keyed token over a per-browser nonce cookie (set here when missing).
 */
export function formToken(c: Context<WebEnv>, deps: WebDeps): string {
  const session = c.get('session');
  if (session) return session.csrf;
  let nonce = getCookie(c, FORM_COOKIE);
  if (nonce === undefined || !/^[A-Za-z0-9_-]{22,64}$/.test(nonce)) {
    nonce = randomBytes(18).toString('base64url');
    setCookie(c, FORM_COOKIE, nonce, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isSecureRequest(c, deps.secureCookies) });
  }
  return keyedToken(deps.formKey, nonce);
}

/** Throws `forbidden` unless the posted form carries this browser's token. */
export function checkFormToken(c: Context<WebEnv>, deps: WebDeps, form: FormData): void {
  const given = form.get(CSRF_FIELD);
  const session = c.get('session');
  let expected: string | undefined;
  if (session) expected = session.csrf;
  else {
    const nonce = getCookie(c, FORM_COOKIE);
    if (nonce !== undefined) expected = keyedToken(deps.formKey, nonce);
  }
  if (typeof given !== 'string' || expected === undefined || !sameText(given, expected)) {
    throw new MotcuaError('forbidden', 'Biểu mẫu đã hết hạn hoặc không gửi từ trang này. Hãy tải lại trang và gửi lại.');
  }
}

/** Security headers for every page. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const type = c.res.headers.get('content-type') ?? '';
    if (!type.startsWith('text/html')) return;
    c.res.headers.set(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
    c.res.headers.set('x-content-type-options', 'nosniff');
    c.res.headers.set('x-frame-options', 'DENY');
    c.res.headers.set('referrer-policy', 'no-referrer');
    // Pages hold personal data: never keep them in shared or back-button caches.
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  };
}
