/**
 * GET /api/v1/docs: a plain page listing every operation of the OpenAPI document, its
 * parameters and answers. No CDN and no script framework: offices may have no internet.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app.js';

const PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>motcua API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:1rem;color:#1b1b1b}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin:1.6rem 0 .4rem;border-bottom:1px solid #ccc}
.op{border:1px solid #ddd;border-radius:6px;padding:.5rem .8rem;margin:.5rem 0}
.m{display:inline-block;min-width:4.2rem;font-weight:700;font-family:monospace}
.get{color:#0a6b2d}.post{color:#0b4fa8}.put{color:#8a5a00}.delete{color:#a40e0e}
code{background:#f3f3f3;padding:0 .25rem;border-radius:3px}small{color:#555}
</style></head><body>
<h1>motcua API</h1>
<p>The machine-readable document is <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a> (OpenAPI 3.1).
Authenticated routes take <code>Authorization: Bearer &lt;token&gt;</code>; errors are <code>application/problem+json</code> with a stable <code>code</code>.</p>
<div id="ops">Loading…</div>
<script>
fetch('/api/v1/openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
  var byTag = {};
  Object.keys(doc.paths).forEach(function (path) {
    var item = doc.paths[path];
    Object.keys(item).forEach(function (method) {
      var op = item[method];
      var tag = (op.tags && op.tags[0]) || 'other';
      (byTag[tag] = byTag[tag] || []).push({ path: path, method: method, op: op });
    });
  });
  var root = document.getElementById('ops');
  root.textContent = '';
  Object.keys(byTag).sort().forEach(function (tag) {
    var h = document.createElement('h2'); h.textContent = tag; root.appendChild(h);
    byTag[tag].forEach(function (e) {
      var div = document.createElement('div'); div.className = 'op';
      var m = document.createElement('span'); m.className = 'm ' + e.method; m.textContent = e.method.toUpperCase();
      var p = document.createElement('code'); p.textContent = e.path;
      var s = document.createElement('div'); s.textContent = e.op.summary || '';
      var params = (e.op.parameters || []).map(function (x) { return x.name + ' (' + x.in + ')'; }).join(', ');
      var small = document.createElement('small');
      small.textContent = (params ? 'parameters: ' + params + ' · ' : '') + 'answers: ' + Object.keys(e.op.responses || {}).join(', ');
      div.appendChild(m); div.appendChild(p); div.appendChild(s); div.appendChild(small);
      if (e.op.description) { var d = document.createElement('div'); d.textContent = e.op.description; div.appendChild(d); }
      root.appendChild(div);
    });
  });
});
</script></body></html>`;

export function registerDocsRoute(app: OpenAPIHono<AppEnv>): void {
  app.get('/api/v1/docs', (c) => c.html(PAGE));
}
