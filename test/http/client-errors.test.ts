/**
 * What a client gets for a request Node itself refuses (src/http/listen.ts), for the errors a
 * test cannot provoke quickly through a real parser (a request timing out takes a minute): the
 * answer is written on a real socket, as the server would.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Hono } from 'hono';
import { afterEach, expect, it } from 'vitest';
import { answerClientError } from '../../src/http/listen.js';
import { pathForLog } from '../../src/http/problem.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** The bytes a client reads after the server answers Node's client error `code` on its socket. */
async function answered(code: string): Promise<string> {
  server = createServer((socket: Socket) => answerClientError(Object.assign(new Error(code), { code }), socket));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8').on('data', (d: string) => (text += d));
    socket.on('close', () => resolve(text)).on('error', reject);
  });
}

it('answers a request that took too long with 408 problem+json, and oversized chunk extensions with 413', async () => {
  const slow = await answered('ERR_HTTP_REQUEST_TIMEOUT');
  expect(slow).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  expect(JSON.parse(slow.slice(slow.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 408, code: 'requestTimeout' });
  const chunks = await answered('HPE_CHUNK_EXTENSIONS_OVERFLOW');
  expect(chunks).toMatch(/^HTTP\/1\.1 413 /);
  expect(JSON.parse(chunks.slice(chunks.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 413, code: 'payloadTooLarge' });
});

it('shows the operator log a path that cannot break a line, and public paths only by their route', async () => {
  const app = new Hono();
  app.get('/api/v1/cases/:id', (c) => c.text(pathForLog(c)));
  app.get('/api/v1/public/cases/:code', (c) => c.text(pathForLog(c)));
  expect(await (await app.request('/api/v1/cases/abc%0Aerror%20forged')).text()).toBe('/api/v1/cases/abc\\u000aerror forged');
  expect(await (await app.request('/api/v1/public/cases/001090000001')).text()).toBe('/api/v1/public/cases/:code');
});
