/**
 * Errors leave the API as RFC 9457 problem+json with a stable `code`; this is the one place
 * where a {@link MotcuaError} becomes an HTTP response. Unknown failures answer 500 with a
 * request id and no stack trace.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
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

/** The citizens' routes, reached without a login (src/http/routes/public.ts). */
export function isPublicApiPath(path: string): boolean {
  return path.startsWith('/api/v1/public/');
}

/**
 * A request's path as the operator log may show it: on public routes the route's pattern (their
 * paths carry what strangers typed, e.g. an ID number in place of a dossier code), elsewhere
 * the path with control characters escaped, so no request can write a line of its own.
 */
export function pathForLog(c: Context): string {
  if (isPublicApiPath(c.req.path)) return c.req.routePath;
  return c.req.path.replace(/\p{Cc}/gu, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Maps any thrown value to a problem response; unexpected errors are reported without internals. */
export function errorToResponse(err: unknown, c: Context, log: (line: string) => void = () => {}): Response {
  const instance = c.req.path;
  if (err instanceof MotcuaError) {
    const headers: Record<string, string> = err.code === 'unauthorized' ? { 'www-authenticate': 'Bearer realm="motcua"' } : {};
    return problemResponse(err.code, err.message, err.extras, instance, headers);
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own refusals, before a route runs: a body that is not JSON, or of another type.
    if (err.status === 415) {
      return problemResponse('unsupportedMediaType', 'This route takes a JSON body: send it with Content-Type: application/json (each route\'s body is in /api/v1/openapi.json).', {}, instance);
    }
    if (err.status === 400 && err.message.includes('JSON')) {
      return problemResponse('badRequest', 'The request body is not valid JSON; send one JSON object (an empty body is not one) with Content-Type: application/json.', {}, instance);
    }
    const code = (Object.keys(ErrorCodes) as ErrorCode[]).find((k) => ErrorCodes[k].status === err.status) ?? 'badRequest';
    return problemResponse(code, err.message, {}, instance);
  }
  // The id the answer's x-request-id header carries, so an operator finds the logged line.
  const requestId = c.get('requestId') as string | undefined;
  // Log the failure with context for operators; never send internals to the client.
  log(`error ${c.req.method} ${pathForLog(c)} request=${requestId ?? '-'}: ${err instanceof Error ? err.message : String(err)}`);
  return problemResponse('internal', 'The server failed to handle this request. It has been logged; retry later or report the request id.', requestId ? { request_id: requestId } : {}, instance);
}
