/** The Idempotency-Key header of the API's POSTs, and how a stored (or fresh) answer is sent. */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { MotcuaError } from '../errors/index.js';
import { IDEMPOTENCY_KEEP_MS, KEY_SHAPE_MESSAGE, validIdempotencyKey, type IdempotencyScope, type StoredResponse } from '../service/idempotency.js';

/** The header as routes declare it (its shape is checked by {@link idempotency}, with one message). */
export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description: `Same key and body → the stored response is replayed (header idempotency-replayed: true), for ${IDEMPOTENCY_KEEP_MS / 3_600_000} hours. 1–200 visible ASCII characters, e.g. a UUID.`,
    }),
});

/** The caller's key as the service needs it, or null when none was sent. */
export function idempotency(c: Context, userId: string, body: unknown): IdempotencyScope | null {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return null;
  if (!validIdempotencyKey(key)) throw new MotcuaError('badRequest', KEY_SHAPE_MESSAGE);
  return { userId, key, request: { method: c.req.method, path: c.req.path, body } };
}

/** Sends a stored (or fresh) command response; typed routes accept it as their declared body. */
export function reply(c: Context, r: StoredResponse): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (r.replayed) headers['idempotency-replayed'] = 'true';
  const body = r.body as { version?: number; case?: { version?: number } };
  const version = body.case?.version ?? body.version;
  if (typeof version === 'number') headers['etag'] = `"${version}"`;
  return c.body(JSON.stringify(r.body), r.status as 200, headers);
}
