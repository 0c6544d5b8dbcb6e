/**
 * Sign-in, sessions and form tokens, on every store: the API token becomes a session cookie
 * (HttpOnly, SameSite=Strict, Secure behind TLS) kept server-side as a hash; every form post
 * needs the page's token; sign-out, expiry and a disabled user all end the session.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeEachMotcua } from '../http/cases-fixture.js';
import { createTestBrowser, pageText, setCookies } from './browser.js';

describeEachMotcua('web sessions', (ctx) => {
  it('exchanges a valid API token for an HttpOnly, SameSite=Strict session cookie and lands on the worklist', async () => {
    const b = createTestBrowser(ctx);
    const res = await b.signIn(ctx().tokens.receiver);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/ho-so');
    const cookie = setCookies(res.headers).find((c) => c.startsWith('motcua_sid='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i);
    const page = await b.get('/ho-so');
    expect(page.status).toBe(200);
    expect(pageText(page.html)).toContain('Hồ sơ cần xử lý');
    expect(pageText(page.html)).toContain('Cán bộ receiver');
  });

  it('marks the cookie Secure when the request came through TLS (X-Forwarded-Proto: https)', async () => {
    const b = createTestBrowser(ctx);
    await b.get('/dang-nhap', { 'x-forwarded-proto': 'https' });
    const res = await b.post('/dang-nhap', { token: ctx().tokens.receiver, next: '/ho-so' }, { 'x-forwarded-proto': 'https' });
    expect(setCookies(res.headers).find((c) => c.startsWith('motcua_sid='))).toMatch(/Secure/i);
  });

  it('stores only a hash of the session id, so the table cannot be replayed as a cookie', async () => {
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.receiver);
    const id = b.cookies.get('motcua_sid')!;
    const rows = await ctx().m.store.read((tx) => tx.db.selectFrom('web_sessions').select('id_hash').execute());
    expect(rows.some((r) => r.id_hash === id)).toBe(false);
    expect(rows.some((r) => r.id_hash === createHash('sha256').update(id).digest('hex'))).toBe(true);
  });

  it('refuses a wrong token with the sign-in page again (401) and no session', async () => {
    const b = createTestBrowser(ctx);
    await b.get('/dang-nhap');
    const res = await b.post('/dang-nhap', { token: 'mc_' + 'x'.repeat(43) });
    expect(res.status).toBe(401);
    expect(pageText(res.html)).toContain('Mã truy cập không đúng');
    expect(b.cookies.has('motcua_sid')).toBe(false);
  });

  it('refuses a sign-in post without this browser\'s form token (login CSRF)', async () => {
    const b = createTestBrowser(ctx);
    await b.get('/dang-nhap');
    const other = createTestBrowser(ctx);
    await other.get('/dang-nhap');
    // Another browser's token does not fit this browser's cookie.
    const res = await b.post('/dang-nhap', { _csrf: other.token(), token: ctx().tokens.receiver });
    expect(res.status).toBe(403);
    expect(b.cookies.has('motcua_sid')).toBe(false);
  });

  it('refuses every form post of a signed-in user without the session\'s token', async () => {
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.officer);
    const opened = await ctx().open('officer');
    for (const [path, fields] of [
      ['/ho-so/moi', { procedure: 'dang-ky-tam-tru' }],
      [`/ho-so/${opened.id}/su-kien`, { type: 'ACCEPT' }],
      [`/ho-so/${opened.id}/xin-loi`, { reason: 'x', new_due_at: '2026-04-01' }],
      ['/dang-xuat', {}],
    ] as const) {
      const missing = await b.post(path, { ...fields, _csrf: '' });
      expect(missing.status, path).toBe(403);
      const forged = await b.post(path, { ...fields, _csrf: 'A'.repeat(43) });
      expect(forged.status, path).toBe(403);
    }
    const after = await ctx().call('officer', 'GET', `/api/v1/cases/${opened.id}`);
    expect(after.body.state).toBe('received');
  });

  it('answers a form it cannot read, or one too large, with a page that says what to do and the way back', async () => {
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.officer);
    const opened = await ctx().open('officer');
    await b.get(`/ho-so/${opened.id}`);
    const big = await b.post(`/ho-so/${opened.id}/su-kien`, { type: 'ACCEPT', version: '1', comment: 'x'.repeat(300 * 1024) });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^text\/html/);
    expect(pageText(big.html)).toContain('Biểu mẫu quá lớn: tối đa 256 KB');
    expect(big.html).toContain('href="/ho-so"');
    // A body that is not a form at all, sent to the citizens' lookup.
    const res = await ctx().m.app.request('/tra-cuu', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(pageText(html)).toContain('Biểu mẫu không đọc được.');
    expect(html).toContain('href="/tra-cuu"');
    expect((await ctx().call('officer', 'GET', `/api/v1/cases/${opened.id}`)).body.state).toBe('received');
    // Bytes that are not UTF-8 in a field (%FF) are refused, not kept as U+FFFD in the history.
    await b.get(`/ho-so/${opened.id}`);
    const garbled = await b.postEncoded(`/ho-so/${opened.id}/su-kien`, 'type=ACCEPT&version=1&comment=thi%FFu');
    expect(garbled.status).toBe(400);
    expect(pageText(garbled.html)).toContain('Biểu mẫu có ký tự không đọc được');
    expect((await ctx().call('officer', 'GET', `/api/v1/cases/${opened.id}`)).body.state).toBe('received');
  });

  it('redirects to sign-in with the way back when there is no session', async () => {
    const b = createTestBrowser(ctx);
    const res = await b.get('/ho-so?procedure=dang-ky-tam-tru');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/dang-nhap?next=%2Fho-so%3Fprocedure%3Ddang-ky-tam-tru');
  });

  it('never sends the browser to another site after sign-in', async () => {
    const b = createTestBrowser(ctx);
    await b.get('/dang-nhap');
    const res = await b.post('/dang-nhap', { token: ctx().tokens.receiver, next: '//evil.example/' });
    expect(res.location).toBe('/ho-so');
    // Browsers drop tabs and line breaks from a Location: "/<tab>/evil" would be "//evil".
    for (const next of ['/\t/evil.example/', '/\n/evil.example/', '/\\evil.example/', '/ /evil.example', '/ho-so\\..\\']) {
      const signedIn = await b.get(`/dang-nhap?next=${encodeURIComponent(next)}`);
      expect(signedIn.location, JSON.stringify(next)).toBe('/ho-so');
    }
    expect((await b.get(`/dang-nhap?next=${encodeURIComponent('/ho-so?procedure=dang-ky-tam-tru')}`)).location).toBe('/ho-so?procedure=dang-ky-tam-tru');
  });

  it('ends the session at sign-out: the old cookie no longer works', async () => {
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.receiver);
    const id = b.cookies.get('motcua_sid')!;
    await b.get('/ho-so');
    const out = await b.post('/dang-xuat', {});
    expect(out.status).toBe(303);
    const replay = await ctx().m.app.request('/ho-so', { headers: { cookie: `motcua_sid=${id}` } });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toMatch(/^\/dang-nhap/);
  });

  it('ends sessions when they expire and when the user is disabled', async () => {
    const b = createTestBrowser(ctx);
    await b.signIn(ctx().tokens.receiver2);
    expect((await b.get('/ho-so')).status).toBe(200);
    ctx().clock.advance(12 * 60 * 60 * 1000 + 1000);
    expect((await b.get('/ho-so')).status).toBe(303);

    const c = createTestBrowser(ctx);
    await c.signIn(ctx().tokens.leader);
    expect((await c.get('/ho-so')).status).toBe(200);
    await ctx().m.users.disable(null, ctx().userIds.leader, { requestId: 'test' });
    expect((await c.get('/ho-so')).status).toBe(303);
  });

  it('a signed-in user given new roles has them on the next page, still signed in', async () => {
    const { m } = ctx();
    const made = await m.users.create(null, { name: 'Cán bộ chuyển việc', unit: 'thanh-sen', roles: ['processor'] }, { requestId: 'test' });
    const b = createTestBrowser(ctx);
    await b.signIn(made.token);
    expect((await b.get('/nhat-ky')).status).toBe(403);
    await m.users.setRoles(null, made.user.id, { roles: ['auditor'] }, { requestId: 'test' });
    expect((await b.get('/nhat-ky')).status).toBe(200);
    await m.users.setRoles(null, made.user.id, { roles: ['receiver'] }, { requestId: 'test' });
    expect((await b.get('/nhat-ky')).status).toBe(403);
    expect((await b.get('/ho-so')).status).toBe(200);
  });

  it('ends the sessions of a user issued a new token (the old one may have leaked), not those of others', async () => {
    // A user of its own: the suite's users keep their tokens.
    const leaked = await ctx().m.users.create(null, { name: 'Cán bộ lộ mã', unit: 'thanh-sen', roles: ['processor'] }, { requestId: 'test' });
    const mine = createTestBrowser(ctx);
    await mine.signIn(leaked.token);
    const theirs = createTestBrowser(ctx);
    await theirs.signIn(ctx().tokens.receiver);
    expect((await mine.get('/ho-so')).status).toBe(200);
    await ctx().m.users.issueToken(null, leaked.user.id, { requestId: 'test' });
    expect((await mine.get('/ho-so')).status).toBe(303);
    expect((await theirs.get('/ho-so')).status).toBe(200);
  });
});

describe('web pages without a session', () => {
  describeEachMotcua('headers and unknown pages', (ctx) => {
    it('sends pages with a strict content security policy and no caching', async () => {
      const res = await ctx().m.app.request('/dang-nhap');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('answers an unknown page with an HTML 404, and an unknown API path with problem+json', async () => {
      const page = await ctx().m.app.request('/khong-co-trang-nay');
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const api = await ctx().m.app.request('/api/v1/khong-co');
      expect(api.status).toBe(404);
      expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('serves its stylesheet, script and icon itself, with revalidation', async () => {
      for (const path of ['/assets/app.css', '/assets/app.js', '/assets/icon.svg']) {
        const res = await ctx().m.app.request(path);
        expect(res.status, path).toBe(200);
        const etag = res.headers.get('etag')!;
        const again = await ctx().m.app.request(path, { headers: { 'if-none-match': etag } });
        expect(again.status, path).toBe(304);
      }
    });
  });
});
