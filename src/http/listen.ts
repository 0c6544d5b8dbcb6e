/**
 * The HTTP server around the app. Node itself answers requests it cannot parse (headers over
 * its 16 KiB limit, a malformed request line) before the app sees them, by default with a bare
 * status line and no body; here they get problem+json like every other refusal.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';
import { problemBody } from './problem.js';

/** Starts serving `fetch` on `hostname:port` (0: any free port) and resolves once listening. */
export async function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  const server = serve({ fetch, port, hostname });
  (server as Server).on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  return server;
}

/** Answers a request Node could not parse, then closes its connection. */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A client that went away, or a socket already answered, gets nothing more.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const body =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problemBody('headersTooLarge', 'The request line and headers are limited to 16 KiB; send a shorter URL (long searches belong in fewer, shorter parameters) or fewer headers.')
      : problemBody('badRequest', 'The request is not valid HTTP/1.1; check the method, the request line and the headers.');
  const text = JSON.stringify(body);
  const reason = body.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${body.status} ${reason}\r\ncontent-type: application/problem+json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}
