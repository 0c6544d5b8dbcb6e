/** The receipt of a dossier (giấy tiếp nhận và hẹn trả kết quả), as data for the printed page. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Actor } from '../../auth/policy.js';
import type { CaseReceipt } from '../../service/public-receipt.js';
import { bearerOnly, requireActor, type AuthVariables } from '../auth.js';
import { Problem } from '../schemas.js';

type Env = { Variables: AuthVariables };

const Receipt = z
  .object({
    code: z.string(),
    procedure: z.object({ id: z.string(), version: z.number().int(), title: z.string(), code: z.string().nullable() }),
    received_at: z.string(),
    due_at: z.string().nullable(),
    unit: z.object({ id: z.string(), name: z.string() }),
    officer: z.object({ id: z.string(), name: z.string() }),
    applicant: z.object({ name: z.string() }),
    channel: z.number().int(),
    lookup_path: z.string(),
  })
  .openapi('Receipt');

/** Registers GET /api/v1/cases/{id}/receipt. */
export function registerReceiptRoute(app: OpenAPIHono<Env>, receipt: (actor: Actor, id: string) => Promise<CaseReceipt>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/receipt',
      tags: ['cases'],
      summary: 'What the printed receipt needs: code, procedure, received and due dates, unit, officer, applicant',
      description:
        'Officers of the case\'s subtree and auditors; 404 outside. The lookup PIN is NOT here: only its keyed hash is stored, and the PIN is in the 201 reply of POST /api/v1/cases only, to be printed then.',
      ...bearerOnly,
      request: { params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: {
        200: { description: 'The receipt', content: { 'application/json': { schema: Receipt } } },
        ...Object.fromEntries([401, 404].map((code) => [code, { description: `Problem (${code})`, content: { 'application/problem+json': { schema: Problem } } }])),
      },
    }),
    async (c) => c.json(await receipt(requireActor(c), c.req.valid('param').id), 200),
  );
}
