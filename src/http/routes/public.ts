/**
 * The public routes (no login): dossier lookup by code and PIN, the citizen's rating, and
 * complaints and recommendations. Each try is counted against the client's address; the
 * address comes from the socket, never from a header a client could forge, unless the
 * operator says a reverse proxy in front is trusted (MOTCUA_TRUST_PROXY=1).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { checkedJsonText } from '../body-text.js';
import { getConnInfo } from '@hono/node-server/conninfo';
import { isMotcuaError } from '../../errors/index.js';
import { CaseCode, FeedbackBody, Pin, RatingBody } from '../../service/public-input.js';
import type { PublicService } from '../../service/public-service.js';
import type { AuthVariables } from '../auth.js';
import { problemResponse } from '../problem.js';
import { problems } from '../schemas.js';

type Env = { Variables: AuthVariables };

/** Finds the client address of a request; undefined when there is none (e.g. `app.request()` in tests). */
export type ClientAddressResolver = (c: Context) => string | undefined;

/** Public request bodies are small; a complaint's text is at most 5,000 characters. */
export const PUBLIC_MAX_BODY_BYTES = 32 * 1024;

/**
 * The default resolver: the socket's remote address. With `trustProxy`, the last address of
 * X-Forwarded-For (the one the trusted proxy appended; earlier ones are the client's own claims).
 */
export function socketAddress(options: { trustProxy?: boolean } = {}): ClientAddressResolver {
  return (c) => {
    if (options.trustProxy) {
      const forwarded = c.req.header('x-forwarded-for');
      const last = forwarded?.split(',').map((s) => s.trim()).filter(Boolean).at(-1);
      if (last !== undefined) return last;
    }
    try {
      return getConnInfo(c).remote.address;
    } catch {
      // No Node socket behind this request.
      return undefined;
    }
  };
}

const PublicCase = z
  .object({
    code: z.string(),
    procedure: z.object({ title: z.string() }),
    status_code: z.number().int().nullable(),
    status_label: z.string().nullable(),
    received_at: z.string(),
    due_at: z.string().nullable(),
    overdue: z.boolean(),
    apology: z.object({ reason: z.string(), new_due_at: z.string() }).nullable(),
    result_ready: z.boolean(),
    delivered: z.boolean(),
    finished: z.boolean(),
    rated: z.boolean(),
  })
  .openapi('PublicCase');

const CodeParam = z.object({ code: CaseCode.openapi({ param: { name: 'code', in: 'path' } }) });

const RATE_LIMITED =
  'Each address has 10 tries a minute for the routes that check a PIN (lookups, ratings, complaints that name a dossier) together, and each dossier code 10 wrong PINs an hour whatever the address; past either the answer is 429 with Retry-After.';

/** Registers the public routes. */
export function registerPublicRoutes(app: OpenAPIHono<Env>, deps: { service: PublicService; clientAddress?: ClientAddressResolver }): void {
  const resolve = deps.clientAddress ?? socketAddress();
  // Requests without an address share one bucket: failing closed, not open.
  const caller = (c: Context) => ({ address: resolve(c) ?? 'unknown' });

  app.use('/api/v1/public/*', async (c, next) => {
    await next();
    // A refused try says when to come back (RFC 9110 Retry-After, in seconds).
    const err = c.error;
    if (isMotcuaError(err, 'tooManyRequests') && typeof err.extras.retry_after === 'number') c.res.headers.set('retry-after', String(err.extras.retry_after));
    // The same bytes for a wrong code and a wrong PIN: without `instance`, which would echo the code.
    if (isMotcuaError(err, 'caseNotFound')) c.res = problemResponse(err.code, err.message);
  });
  app.use(
    '/api/v1/public/*',
    bodyLimit({
      maxSize: PUBLIC_MAX_BODY_BYTES,
      onError: (c) => problemResponse('payloadTooLarge', `Public requests are limited to ${PUBLIC_MAX_BODY_BYTES} bytes; shorten the text.`, { limit: PUBLIC_MAX_BODY_BYTES }, c.req.path),
    }),
  );
  app.use('/api/v1/public/*', checkedJsonText());

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/public/cases/{code}',
      tags: ['public'],
      summary: 'Follow a dossier with the code and PIN of its receipt (no login)',
      description: `The dossier's progress and nothing personal. A wrong code and a wrong PIN give the same 404. ${RATE_LIMITED}`,
      request: { params: CodeParam, query: z.object({ pin: Pin }) },
      responses: { 200: { description: 'The dossier', content: { 'application/json': { schema: PublicCase } } }, ...problems(400, 404, 429) },
    }),
    async (c) => c.json(await deps.service.lookup(caller(c), c.req.valid('param').code, c.req.valid('query').pin), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/public/cases/{code}/rating',
      tags: ['public'],
      summary: 'Rate a finished dossier (once)',
      description: `Only once the dossier is finished (409 before), and once (409 the second time). Unknown criteria → 422. The rating is recorded in the audit log without the comment. ${RATE_LIMITED}`,
      request: { params: CodeParam, body: { required: true, content: { 'application/json': { schema: RatingBody } } } },
      responses: {
        201: {
          description: 'Recorded',
          content: { 'application/json': { schema: z.object({ code: z.string(), level: z.string(), label: z.string(), criteria: z.record(z.string(), z.number()), at: z.string() }) } },
        },
        ...problems(400, 404, 409, 413, 422, 429),
      },
    }),
    async (c) => c.json(await deps.service.rate(caller(c), c.req.valid('param').code, c.req.valid('json'), { requestId: c.get('requestId') }), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/public/feedback',
      tags: ['public'],
      summary: 'Send a complaint or recommendation (phản ánh, kiến nghị)',
      description:
        'Opens a case of the procedure phan-anh-kien-nghi at the unit, run like any case (answer within 15 working days). The reply carries the code and a PIN to follow it, shown only now. 10 per address a minute. A complaint that names a dossier (case_code) counts against that dossier\'s unit, so it needs the dossier\'s PIN (case_pin): a wrong code or PIN answers 404 and sends nothing. ' +
        RATE_LIMITED,
      request: { body: { required: true, content: { 'application/json': { schema: FeedbackBody } } } },
      responses: {
        201: { description: 'Received', content: { 'application/json': { schema: z.object({ code: z.string(), pin: z.string(), received_at: z.string() }) } } },
        ...problems(400, 404, 413, 422, 429),
      },
    }),
    async (c) => c.json(await deps.service.feedback(caller(c), c.req.valid('json'), { requestId: c.get('requestId') }), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/public/units',
      tags: ['public'],
      summary: 'The units feedback may be sent to',
      responses: { 200: { description: 'Units', content: { 'application/json': { schema: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), parent_id: z.string().nullable() })) }) } } } },
    }),
    (c) => c.json({ items: deps.service.units() }, 200),
  );
}
