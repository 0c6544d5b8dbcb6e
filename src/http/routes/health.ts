/** Liveness: GET /healthz answers 200 while the process serves requests. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, HttpDeps } from '../app.js';

const Health = z.object({ status: z.literal('ok'), time: z.string() }).openapi('Health');

export function registerHealthRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['system'],
      summary: 'Liveness check',
      responses: { 200: { description: 'The server is up', content: { 'application/json': { schema: Health } } } },
    }),
    (c) => c.json({ status: 'ok' as const, time: deps.clock.now().toISOString() }, 200),
  );
}
