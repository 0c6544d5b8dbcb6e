/** The apology (once per case) and the control slip of a case. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApologyBody } from '../../service/apology.js';
import type { DeadlineService } from '../../service/deadline-service.js';
import { bearerOnly, requireActor, type AuthVariables } from '../auth.js';
import { problems } from '../schemas.js';

type Env = { Variables: AuthVariables };

const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

const Apology = z.object({ reason: z.string(), new_due_at: z.string(), previous_due_at: z.string().nullable(), by: z.string(), at: z.string() }).openapi('Apology');
const Step = z
  .object({
    step: z.number().int(),
    states: z.array(z.string()),
    title: z.string().nullable(),
    entered_at: z.string(),
    handed_over_by: z.object({ id: z.string(), role: z.string().nullable() }),
    left_at: z.string().nullable(),
    received_by: z.object({ id: z.string(), role: z.string().nullable() }).nullable(),
    budget: z.string().nullable(),
    due_at: z.string().nullable(),
    result: z.enum(['early', 'on_time', 'late', 'in_progress']).nullable(),
  })
  .openapi('ControlSlipStep');

export function registerDeadlineRoutes(app: OpenAPIHono<Env>, deadlines: DeadlineService): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cases/{id}/apology',
      tags: ['cases'],
      summary: 'Record the apology with a new appointment date (once per case; a second one is 409)',
      ...bearerOnly,
      request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: ApologyBody } } } },
      responses: { 201: { description: 'The apology', content: { 'application/json': { schema: Apology } } }, ...problems(401, 403, 404, 409, 422) },
    }),
    async (c) => c.json(await deadlines.apologize(requireActor(c), c.req.valid('param').id, c.req.valid('json'), { requestId: c.get('requestId') }), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/control-slip',
      tags: ['cases'],
      summary: 'The control slip: each step, who handed over and received, and whether it was early, on time or late',
      ...bearerOnly,
      request: { params: IdParam },
      responses: { 200: { description: 'The slip', content: { 'application/json': { schema: z.object({ case_id: z.string(), code: z.string(), steps: z.array(Step) }) } } }, ...problems(401, 404) },
    }),
    async (c) => c.json(await deadlines.controlSlip(requireActor(c), c.req.valid('param').id), 200),
  );
}
