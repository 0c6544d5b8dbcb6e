/** The case API: open, read, list, send events, history, available events. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { MotcuaError } from '../../errors/index.js';
import { OpenCaseBody, SendEventBody } from '../../service/case-input.js';
import type { CaseService } from '../../service/case-service.js';
import { bearerOnly, requireActor, type AuthVariables } from '../auth.js';
import { IdempotencyHeader, idempotency, reply } from '../idempotency.js';
import { InstantParam, problems } from '../schemas.js';
import { bodyValidationHook } from '../validation.js';

type Env = { Variables: AuthVariables };

const CaseView = z.object({ id: z.string(), code: z.string(), version: z.number().int(), state: z.string(), status_code: z.number().int().nullable() }).passthrough().openapi('Case');
const TransitionView = z.object({ seq: z.number().int(), event: z.string(), from: z.array(z.string()).nullable(), to: z.array(z.string()), actor_id: z.string(), role: z.string().nullable(), at: z.string(), reason: z.string().nullable() }).passthrough().openapi('Transition');
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

const ListQuery = z.object({
  state: z.string().max(64).optional(),
  status: z.coerce.number().int().min(1).max(10).optional(),
  procedure: z.string().max(64).optional(),
  unit: z.string().max(64).optional().openapi({ description: "A unit and the units below it, within the caller's reach (a unit above the caller's own gives the caller's cases)." }),
  q: z
    .string()
    .max(100)
    .optional()
    .openapi({ description: "A dossier code (whole, or how it begins); part of the applicant's name (with or without diacritics, any case), phone, ID number, e-mail or address; or a citizen ID number (9–12 digits) in the dossier's data. Matched literally: % and _ are plain characters." }),
  overdue: z.enum(['true', 'false']).optional(),
  open: z.enum(['true', 'false']).optional(),
  due_before: InstantParam().optional(),
  sort: z.enum(['newest', 'due_at']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional().openapi({ description: 'next_cursor of the previous page, sent with the same filters and sort (another listing answers 400).' }),
});

/**
 * The versions an If-Match header accepts (RFC 9110 §13.1.1): `*` accepts any (undefined), a
 * list accepts any of its tags. Comparison is strong, so a weak tag (W/"3") matches nothing, nor
 * does a tag that is not a version; an empty list means no version can match (412).
 */
function parseIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const part of header.split(',')) {
    // A list may have empty elements (RFC 9110 §5.6.1).
    if (part.trim() === '') continue;
    const m = /^\s*(W\/)?"([^"]*)"\s*$/.exec(part);
    if (!m) throw new MotcuaError('badRequest', 'If-Match must be the case ETag, e.g. "3" (or a list of them, or *).');
    if (m[1] === undefined && /^[1-9]\d{0,14}$/.test(m[2]!)) versions.push(Number(m[2]));
  }
  return versions;
}

export function registerCaseRoutes(app: OpenAPIHono<Env>, cases: CaseService): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cases',
      tags: ['cases'],
      summary: 'Open a dossier (case) under the procedure version in force today',
      ...bearerOnly,
      request: { headers: IdempotencyHeader, body: { required: true, content: { 'application/json': { schema: OpenCaseBody } } } },
      responses: { 201: { description: 'The case, with its lookup PIN (shown only now)', content: { 'application/json': { schema: CaseView } } }, ...problems(400, 401, 403, 404, 409, 413, 422) },
    }),
    async (c) => {
      const actor = requireActor(c);
      const body = c.req.valid('json');
      const r = await cases.open(actor, body, { requestId: c.get('requestId'), idempotency: idempotency(c, actor.id, body) });
      return reply(c, r) as never;
    },
    // A faulty applicant or channel is answered with the data's faults too, not one round after.
    bodyValidationHook((raw) => {
      const b = raw as { procedure?: unknown; data?: unknown } | null;
      return b === null || typeof b !== 'object' ? [] : cases.openingDataErrors(b.procedure, b.data);
    }) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cases',
      tags: ['cases'],
      summary: 'Cases the caller may see, newest first (or most urgent first with sort=due_at)',
      ...bearerOnly,
      request: { query: ListQuery },
      responses: { 200: { description: 'A page of cases', content: { 'application/json': { schema: z.object({ items: z.array(CaseView), next_cursor: z.string().nullable() }) } } }, ...problems(400, 401) },
    }),
    async (c) => {
      const actor = requireActor(c);
      const q = c.req.valid('query');
      const page = await cases.list(actor, { ...q, overdue: q.overdue === undefined ? undefined : q.overdue === 'true', open: q.open === undefined ? undefined : q.open === 'true' });
      return c.json(page, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cases/{id}',
      tags: ['cases'],
      summary: 'One case (ETag: its version)',
      ...bearerOnly,
      request: { params: IdParam },
      responses: { 200: { description: 'The case', content: { 'application/json': { schema: CaseView } } }, ...problems(401, 404) },
    }),
    async (c) => {
      const view = await cases.get(requireActor(c), c.req.valid('param').id);
      c.header('etag', `"${view.version}"`);
      return c.json(view, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cases/{id}/events',
      tags: ['cases'],
      summary: 'Send an event (ACCEPT, REQUEST_SUPPLEMENT, …) to a case',
      description: '409 when the event is not allowed in the current state or its condition is false (the answer names the state and the allowed events); 403 when the caller lacks a role the transition allows; 422 when the input is invalid; 412 when If-Match is stale.',
      ...bearerOnly,
      request: {
        params: IdParam,
        headers: IdempotencyHeader.extend({ 'if-match': z.string().max(200).optional().openapi({ param: { name: 'if-match', in: 'header' } }) }),
        body: { required: true, content: { 'application/json': { schema: SendEventBody } } },
      },
      responses: { 200: { description: 'The updated case and the transition', content: { 'application/json': { schema: z.object({ case: CaseView, transition: TransitionView }) } } }, ...problems(400, 401, 403, 404, 409, 412, 413, 422) },
    }),
    async (c) => {
      const actor = requireActor(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const r = await cases.send(actor, id, body, { requestId: c.get('requestId'), ifMatch: parseIfMatch(c.req.header('if-match')), idempotency: idempotency(c, actor.id, body) });
      return reply(c, r) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/history',
      tags: ['cases'],
      summary: 'Every transition of the case, oldest first',
      ...bearerOnly,
      request: { params: IdParam },
      responses: { 200: { description: 'The history', content: { 'application/json': { schema: z.object({ items: z.array(TransitionView) }) } } }, ...problems(401, 404) },
    }),
    async (c) => c.json({ items: await cases.history(requireActor(c), c.req.valid('param').id) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/events',
      tags: ['cases'],
      summary: 'Events the caller may send now, with their input schema',
      ...bearerOnly,
      request: { params: IdParam },
      responses: { 200: { description: 'Available events', content: { 'application/json': { schema: z.object({ items: z.array(z.object({ type: z.string(), title: z.string().nullable(), to: z.string().nullable(), input_schema: z.record(z.string(), z.unknown()) })) }) } } }, ...problems(401, 404) },
    }),
    async (c) => c.json({ items: await cases.events(requireActor(c), c.req.valid('param').id) }, 200),
  );
}
