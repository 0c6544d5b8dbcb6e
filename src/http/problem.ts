/**
 * Errors leave the API as RFC 9457 problem+json with a stable `code`; this is the one place
 * where a {@link MotcuaError} becomes an HTTP response. Unknown failures answer 500 with a
 * request id and no stack trace.
 */
import type { Context } from 'hono';
import { ErrorCodes, MotcuaError, type ErrorCode } from '../errors/index.js';

export const PROBLEM_TYPE_BASE = 'https://motcua.dev/problems/';

/** The JSON body of a problem response. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  [extra: string]: unknown;
}

/** Builds the body of a problem response. */
export function problemBody(code: ErrorCode, detail: string, extras: Record<string, unknown> = {}, instance?: string): ProblemBody {
  const { status, title } = ErrorCodes[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title,
    status,
    code,
    detail,
    ...(instance ? { instance } : {}),
    ...extras,
  };
}

/** A problem+json response. */
export function problemResponse(code: ErrorCode, detail: string, extras: Record<string, unknown> = {}, instance?: string, headers: Record<string, string> = {}): Response {
  const body = problemBody(code, detail, extras, instance);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
  });
}

/** Maps any thrown value to a problem response; unexpected errors are reported without internals. */
export function errorToResponse(err: unknown, c: Context, log: (line: string) => void = () => {}): Response {
  const instance = c.req.path;
  if (err instanceof MotcuaError) {
    const headers: Record<string, string> = err.code === 'unauthorized' ? { 'www-authenticate': 'Bearer realm="motcua"' } : {};
    return problemResponse(err.code, err.message, err.extras, instance, headers);
  }
  const requestId = c.res.headers.get('x-request-id') ?? c.req.header('x-request-id') ?? undefined;
  // Log the failure with context for operators; never send internals to the client.
  log(`error ${c.req.method} ${instance} request=${requestId ?? '-'}: ${err instanceof Error ? err.message : String(err)}`);
  return problemResponse('internal', 'The server failed to handle this request. It has been logged; retry later or report the request id.', requestId ? { request_id: requestId } : {}, instance);
}
