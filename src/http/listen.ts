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

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' };

/** The problem for one of Node's client errors. */
function clientErrorProblem(code: string | undefined) {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return problemBody('headersTooLarge', 'The request line and headers are limited to 16 KiB; send a shorter URL (long searches belong in fewer, shorter parameters) or fewer headers.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problemBody('requestTimeout', 'The request took too long to arrive; send it again, faster or in smaller parts.');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return problemBody('payloadTooLarge', 'The chunk extensions of this request are too large; send the body without them.');
    default:
      return problemBody('badRequest', 'The request is not valid HTTP/1.1; check the method, the request line and the headers.');
  }
}

/** Answers a request Node could not parse, then closes its connection. */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A client that went away gets nothing. Nor does a connection that has already been sent
  // something (as Node itself does): an answer written now could land inside a response still
  // being streamed on it (a kept-alive or pipelined connection).
  if (error.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { bytesWritten?: number }).bytesWritten !== 0) {
    socket.destroy();
    return;
  }
  const body = clientErrorProblem(error.code);
  const text = JSON.stringify(body);
  const reason = REASONS[body.status] ?? 'Bad Request';
  socket.end(
    `HTTP/1.1 ${body.status} ${reason}\r\ncontent-type: application/problem+json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}
