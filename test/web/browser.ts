/**
 * A minimal browser for page tests through `app.request()`: it keeps cookies, reads the form
 * token from the page it got, and posts forms the way a browser does (urlencoded, no redirect
 * following), so tests see exactly the status, headers and HTML motcua sends.
 */
import type { MotcuaContext } from '../http/cases-fixture.js';

export interface PageReply {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

export interface TestBrowser {
  cookies: Map<string, string>;
  get(path: string, headers?: Record<string, string>): Promise<PageReply>;
  /** Posts fields; `_csrf` is taken from the last page unless given. */
  post(path: string, fields: Record<string, string | string[]>, headers?: Record<string, string>): Promise<PageReply>;
  /** Posts `encoded`, an urlencoded body written by hand (after this browser's form token). */
  postEncoded(path: string, encoded: string): Promise<PageReply>;
  /** The form token of the last page seen. */
  token(): string;
  signIn(token: string): Promise<PageReply>;
}

/** The `Set-Cookie` header lines of a response. */
export function setCookies(headers: Headers): string[] {
  return headers.getSetCookie();
}

/** A fresh browser (no cookies) over a motcua context. */
export function createTestBrowser(ctx: () => MotcuaContext): TestBrowser {
  const cookies = new Map<string, string>();
  let lastHtml = '';
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const absorb = async (res: Response): Promise<PageReply> => {
    for (const line of setCookies(res.headers)) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    const html = await res.text();
    if (res.headers.get('content-type')?.startsWith('text/html')) lastHtml = html;
    return { status: res.status, headers: res.headers, html, location: res.headers.get('location') };
  };
  const browser: TestBrowser = {
    cookies,
    async get(path, headers = {}) {
      return absorb(await ctx().m.app.request(path, { headers: { cookie: cookieHeader(), ...headers } }));
    },
    async post(path, fields, headers = {}) {
      const body = new URLSearchParams();
      if (!('_csrf' in fields)) body.append('_csrf', browser.token());
      for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      const res = await ctx().m.app.request(path, { method: 'POST', headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: body.toString() });
      return absorb(res);
    },
    async postEncoded(path, encoded) {
      const body = `_csrf=${encodeURIComponent(browser.token())}&${encoded}`;
      const res = await ctx().m.app.request(path, { method: 'POST', headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, body });
      return absorb(res);
    },
    token() {
      return /name="_csrf" value="([^"]*)"/.exec(lastHtml)?.[1] ?? '';
    },
    async signIn(token) {
      await browser.get('/dang-nhap');
      return browser.post('/dang-nhap', { token, next: '/ho-so' });
    },
  };
  return browser;
}

/** Text of the page without tags, whitespace collapsed (for "the page says …" assertions). */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
}
