/** Users, units and publishing procedures. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { UnitInfo, UnitTree } from '../../auth/units.js';
import { MotcuaError } from '../../errors/index.js';
import { NewUserBody, UserRolesBody, type UserService } from '../../service/user-service.js';
import { bearerOnly, requireActor, type AuthVariables } from '../auth.js';
import { IdempotencyHeader, idempotency, reply } from '../idempotency.js';
import { problems } from '../schemas.js';
import { bodyValidationHook } from '../validation.js';

type Env = { Variables: AuthVariables };

const User = z.object({ id: z.string(), name: z.string(), unit: z.string(), roles: z.array(z.string()), disabled: z.boolean(), created_at: z.string() }).openapi('User');

/** Publishing: the body is the YAML; the checker's findings come back with line:col. */
export type Publisher = (actor: ReturnType<typeof requireActor>, id: string, yaml: string, requestId: string) => Promise<{ id: string; version: number; effective_from: string; warnings: unknown[] }>;

type NestedUnit = UnitInfo & { children: unknown[] };

/** A unit as the API spells it (snake_case, like every other field). */
function unitJson(u: NestedUnit): Record<string, unknown> {
  return { id: u.id, name: u.name, level: u.level, code: u.code, parent_id: u.parentId, path: u.path, children: (u.children as NestedUnit[]).map(unitJson) };
}

export function registerAdminRoutes(app: OpenAPIHono<Env>, deps: { users: UserService; units: UnitTree; publish: Publisher }): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/users',
      tags: ['users'],
      summary: 'Create a user (admin); the token is in the answer and shown only this once',
      ...bearerOnly,
      description: 'With an Idempotency-Key, a repeat of the same request creates nobody and answers with the same user and `token: null` (a token is never stored; POST /users/{id}/token issues a new one).',
      request: { headers: IdempotencyHeader, body: { required: true, content: { 'application/json': { schema: NewUserBody } } } },
      responses: {
        201: { description: 'The user and their token', content: { 'application/json': { schema: z.object({ user: User, token: z.string().nullable() }) } } },
        ...problems(400, 401, 403, 409, 422),
      },
    }),
    async (c) => {
      const actor = requireActor(c);
      const body = c.req.valid('json');
      return reply(c, await deps.users.createOnce(actor, body, { requestId: c.get('requestId') }, idempotency(c, actor.id, body))) as never;
    },
    // A blank name is answered with the unknown unit and roles too, not one round after.
    bodyValidationHook((raw) => deps.users.bodyErrors(raw)) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/users',
      tags: ['users'],
      summary: "The users of the caller's unit and the units below it (admin; the province's administrator sees everyone)",
      ...bearerOnly,
      responses: { 200: { description: 'Users', content: { 'application/json': { schema: z.object({ items: z.array(User) }) } } }, ...problems(401, 403) },
    }),
    async (c) => c.json({ items: await deps.users.list(requireActor(c)) }, 200),
  );

  const UserParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'u_3kX9aQ2mPz1w' }) });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/users/{id}',
      tags: ['users'],
      summary: 'One user (admin)',
      ...bearerOnly,
      request: { params: UserParam },
      responses: { 200: { description: 'The user', content: { 'application/json': { schema: User } } }, ...problems(401, 403, 404) },
    }),
    async (c) => c.json(await deps.users.get(requireActor(c), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/users/{id}/disable',
      tags: ['users'],
      summary: 'Disable a user (admin): their tokens and web sessions stop working',
      description: 'Takes effect at once on this server, within 5 seconds on other servers of the same PostgreSQL. Disabling a disabled user changes nothing; an administrator cannot disable their own account (409).',
      ...bearerOnly,
      request: { params: UserParam },
      responses: { 200: { description: 'The user, disabled', content: { 'application/json': { schema: User } } }, ...problems(401, 403, 404, 409) },
    }),
    async (c) => c.json(await deps.users.disable(requireActor(c), c.req.valid('param').id, { requestId: c.get('requestId') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/users/{id}/token',
      tags: ['users'],
      summary: 'Issue a new token for a user (admin); their other tokens and web sessions stop working',
      description: 'For a token that was lost or may have leaked. The token is in the answer and shown only this once; `revoked` says how many tokens it replaced. A disabled user gets none (409).',
      ...bearerOnly,
      request: { params: UserParam },
      responses: {
        201: { description: 'The user and their new token', content: { 'application/json': { schema: z.object({ user: User, token: z.string(), revoked: z.number().int() }) } } },
        ...problems(401, 403, 404, 409),
      },
    }),
    async (c) => c.json(await deps.users.issueToken(requireActor(c), c.req.valid('param').id, { requestId: c.get('requestId') }), 201),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/users/{id}/roles',
      tags: ['users'],
      summary: 'Give a user new roles (admin); they replace the old ones at once',
      description:
        "The rules are those of a new user's roles (a 422 lists every fault). Takes effect at once for the user's web sessions and, on this server, their tokens; within 5 seconds on other servers of the same PostgreSQL. Giving a user the roles they have changes nothing. A disabled user keeps theirs (409); an administrator cannot take `admin` from their own account (409).",
      ...bearerOnly,
      request: { params: UserParam, body: { required: true, content: { 'application/json': { schema: UserRolesBody } } } },
      responses: { 200: { description: 'The user, with the new roles', content: { 'application/json': { schema: User } } }, ...problems(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => c.json(await deps.users.setRoles(requireActor(c), c.req.valid('param').id, c.req.valid('json'), { requestId: c.get('requestId') }), 200),
    bodyValidationHook((raw) => deps.users.bodyErrors(raw)) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/units',
      tags: ['units'],
      summary: 'The unit tree (province → communes)',
      ...bearerOnly,
      responses: { 200: { description: 'The tree', content: { 'application/json': { schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) } } }, ...problems(401) },
    }),
    (c) => {
      requireActor(c);
      return c.json({ items: deps.units.nested().map(unitJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/procedures/{id}',
      tags: ['procedures'],
      summary: 'Publish a new version of a procedure (admin); the body is the YAML',
      description: 'Answers 201 with the new version, or 422 with every finding of the checker (line:col). Running cases keep their version.',
      ...bearerOnly,
      request: {
        params: z.object({ id: z.string().max(64).openapi({ param: { name: 'id', in: 'path' } }) }),
        body: { required: true, content: { 'application/yaml': { schema: z.string() }, 'text/yaml': { schema: z.string() } } },
      },
      responses: { 201: { description: 'Published', content: { 'application/json': { schema: z.object({ id: z.string(), version: z.number().int(), effective_from: z.string(), warnings: z.array(z.unknown()) }) } } }, ...problems(401, 403, 409, 413, 415, 422) },
    }),
    async (c) => {
      const actor = requireActor(c);
      const type = c.req.header('content-type') ?? '';
      if (!/^(application|text)\/(x-)?yaml\b/i.test(type)) throw new MotcuaError('unsupportedMediaType', 'Send the procedure as YAML with Content-Type: application/yaml.');
      const yaml = await c.req.text();
      return c.json(await deps.publish(actor, c.req.param('id'), yaml, c.get('requestId')), 201);
    },
  );
}
