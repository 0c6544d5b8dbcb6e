import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { listen } from '../../src/http/listen.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TAM_TRU_DATA, describeEachMotcua } from './cases-fixture.js';

const LIMIT = 256 * 1024;

/** A valid POST /cases body padded with trailing whitespace (still valid JSON) to `bytes`. */
function paddedOpenBody(bytes: number): string {
  const text = JSON.stringify({ procedure: 'dang-ky-tam-tru', applicant: { name: 'An' }, data: TAM_TRU_DATA });
  return text + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(text)));
}

/** Sends `body` in 16 KiB chunks with Transfer-Encoding: chunked and no Content-Length. */
function postChunked(port: number, path: string, token: string, body: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    // The server may answer 413 and stop reading before the last chunk; that is the point.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    const data = Buffer.from(body);
    for (let at = 0; at < data.length; at += 16 * 1024) req.write(data.subarray(at, at + 16 * 1024));
    req.end();
  });
}

describeEachMotcua('request body limit', (ctx) => {
  let server: ServerType | undefined;
  let port = 0;

  beforeAll(async () => {
    server = await listen(ctx().m.app.fetch, 0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('413 for a body over 256 KiB, with or without Content-Length; exactly 256 KiB is accepted', async () => {
    const { call } = ctx();
    const big = paddedOpenBody(LIMIT + 1024);
    const r = await call('receiver', 'POST', '/api/v1/cases', { text: big, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) } });
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ code: 'payloadTooLarge', limit: LIMIT });
    // The same without a Content-Length header: the bytes are counted as they are read.
    const counted = await call('receiver', 'POST', '/api/v1/cases', { text: big, headers: { 'content-type': 'application/json' } });
    expect(counted.status).toBe(413);
    const fits = paddedOpenBody(LIMIT);
    const ok = await call('receiver', 'POST', '/api/v1/cases', { text: fits, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(fits)) } });
    expect(ok.status).toBe(201);
  });

  it('413 for a body over 256 KiB sent chunked without Content-Length, and nothing is stored', async () => {
    const { tokens, call } = ctx();
    const before = (await call('receiver', 'GET', '/api/v1/cases?limit=100')).body.items.length;
    const r = await postChunked(port, '/api/v1/cases', tokens.receiver, paddedOpenBody(LIMIT + 64 * 1024));
    expect(r.status).toBe(413);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(r.text)).toMatchObject({ code: 'payloadTooLarge' });
    const events = await postChunked(port, '/api/v1/cases/some-id/events', tokens.receiver, JSON.stringify({ type: 'ACCEPT' }) + ' '.repeat(LIMIT));
    expect(events.status).toBe(413);
    expect((await call('receiver', 'GET', '/api/v1/cases?limit=100')).body.items.length).toBe(before);
  });

  it('a chunked body under the limit is read whole and served', async () => {
    const { tokens } = ctx();
    const r = await postChunked(port, '/api/v1/cases', tokens.receiver, paddedOpenBody(100 * 1024));
    expect(r.status).toBe(201);
    expect(JSON.parse(r.text)).toMatchObject({ state: 'received', version: 1 });
    const justUnder = await postChunked(port, '/api/v1/cases', tokens.receiver, paddedOpenBody(LIMIT));
    expect(justUnder.status).toBe(201);
    const justOver = await postChunked(port, '/api/v1/cases', tokens.receiver, paddedOpenBody(LIMIT + 1));
    expect(justOver.status).toBe(413);
  });

  it('answers what Node cannot parse with problem+json too: 431 for headers over 16 KiB, 400 for a broken request line', async () => {
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(text));
        let answer = '';
        socket.setEncoding('utf8').on('data', (d: string) => (answer += d));
        socket.on('end', () => resolve(answer)).on('error', reject);
      });
    const long = await raw(`GET /api/v1/cases?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(long).toMatch(/^HTTP\/1\.1 431 /);
    expect(long).toContain('content-type: application/problem+json');
    const problem = JSON.parse(long.slice(long.indexOf('\r\n\r\n') + 4));
    expect(problem).toMatchObject({ status: 431, code: 'headersTooLarge' });
    expect(problem.detail).toContain('16 KiB');
    const broken = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(broken).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(broken.slice(broken.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, code: 'badRequest' });
    // The server goes on serving.
    expect(await raw('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('never writes an error answer on a connection that has already been answered (it could land inside a streamed response)', async () => {
    // A first request is answered on a kept-alive connection; then the client sends junk on it.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8').on('data', (d: string) => {
        const first = text === '';
        text += d;
        if (first) socket.write('GARBAGE\r\n\r\n');
      });
      socket.on('close', () => resolve(text)).on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).not.toContain('HTTP/1.1 400');
  });
});
