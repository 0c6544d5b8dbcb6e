/** Static assets (stylesheet, script, icon) and the receipt's QR code, all served locally. */
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { WebDeps, WebEnv } from '../deps.js';
import { MAX_QR_TEXT } from '../qr.js';
import { ICON_SVG } from './icon.js';
import { SCRIPT } from './script.js';
import { STYLES } from './styles.js';

interface Asset {
  body: string;
  type: string;
  etag: string;
}

function asset(body: string, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

function send(c: Context<WebEnv>, a: Asset): Response {
  // Revalidated, not cached blindly: a new release must show its new stylesheet at once.
  const headers = { 'content-type': a.type, etag: a.etag, 'cache-control': 'no-cache' };
  if (c.req.header('if-none-match') === a.etag) return new Response(null, { status: 304, headers });
  return new Response(a.body, { status: 200, headers });
}

/** Registers /assets/* and /qr. */
export function registerAssetRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  const css = asset(STYLES, 'text/css; charset=utf-8');
  const js = asset(SCRIPT, 'text/javascript; charset=utf-8');
  const icon = asset(ICON_SVG, 'image/svg+xml');
  web.get('/assets/app.css', (c) => send(c, css));
  web.get('/assets/app.js', (c) => send(c, js));
  web.get('/assets/icon.svg', (c) => send(c, icon));
  web.get('/favicon.ico', (c) => send(c, icon));

  web.get('/qr', async (c) => {
    const data = c.req.query('data') ?? '';
    if (deps.qr === null || data === '' || data.length > MAX_QR_TEXT) return c.text('Không tạo được mã QR.', 404);
    const svg = await deps.qr(data);
    return c.body(svg, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'private, max-age=86400' });
  });
}
