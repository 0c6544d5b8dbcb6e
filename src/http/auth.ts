/**
 * Bearer-token authentication for /api/v1. The token's SHA-256 is looked up; a disabled user
 * or revoked token is the same as no token (401), so the answer never says which it was.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Actor } from '../auth/policy.js';
import { MotcuaError } from '../errors/index.js';

export type AuthVariables = { requestId: string; actor: Actor | undefined };

/** Resolves `Authorization: Bearer …` to an actor (or null). */
export type Authenticator = (token: string) => Promise<Actor | null>;

/** Sets `actor` when a valid bearer token is sent; routes call {@link requireActor}. */
export function authenticate(auth: Authenticator): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const actor = m ? await auth(m[1]!) : null;
      if (!actor) throw new MotcuaError('unauthorized', 'The bearer token is not valid (unknown, revoked or its user disabled); ask an administrator for a new token.');
      c.set('actor', actor);
    }
    await next();
  };
}

/** The authenticated actor, or 401. */
export function requireActor(c: Context<{ Variables: AuthVariables }>): Actor {
  const actor = c.get('actor');
  if (!actor) throw new MotcuaError('unauthorized', 'Send `Authorization: Bearer <token>`; `motcua users add` prints a token.');
  return actor;
}

/** Answers 401 unless `authenticate` found an actor. */
const signedIn: MiddlewareHandler<{ Variables: AuthVariables }> = async (c, next) => {
  requireActor(c);
  await next();
};

/**
 * What a route that needs a token declares (spread into `createRoute`): the OpenAPI security
 * requirement, and the check that runs before the request is validated, so a caller without a
 * token gets 401, never a validation answer that describes what the route accepts.
 */
export const bearerOnly = { security: [{ bearer: [] }], middleware: [signedIn] };
