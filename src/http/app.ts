/**
 * The HTTP face of motcua: a Hono app under /api/v1 whose routes carry zod schemas, from
 * which the OpenAPI 3.1 document is generated. Every error leaves as problem+json.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import { errorToResponse, problemResponse } from './problem.js';
import { registerCalendarRoutes, type CalendarProvider } from './routes/calendar.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerCaseRoutes } from './routes/cases.js';
import { registerDeadlineRoutes } from './routes/deadlines.js';
import type { DeadlineService } from '../service/deadline-service.js';
import { registerAdminRoutes, type Publisher } from './routes/admin.js';
import { authenticate, type AuthVariables, type Authenticator } from './auth.js';
import type { CaseService } from '../service/case-service.js';
import type { UserService } from '../service/user-service.js';
import type { UnitTree } from '../auth/units.js';
import { registerProcedureRoutes, type ProcedureCatalog } from './routes/procedures.js';
import { validationHook } from './validation.js';

/** Everything the HTTP layer needs, wired by the composition root. */
export interface HttpDeps {
  clock: Clock;
  procedures: ProcedureCatalog;
  /** Working calendars; the due-date route is served when given. */
  calendars?: CalendarProvider;
  /** The services behind authenticated routes; absent in tests of the read-only face. */
  services?: { authenticate: Authenticator; cases: CaseService; deadlines: DeadlineService; users: UserService; units: UnitTree; publish: Publisher };
  /** Operator log (one line per event, no personal data). */
  log?: (line: string) => void;
  /** Largest accepted request body, bytes. */
  maxBodyBytes?: number;
  version?: string;
}

export type AppEnv = { Variables: AuthVariables };

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** Creates the API application. */
export function createApp(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const log = deps.log ?? (() => {});
  const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', async (c, next) => {
    const given = c.req.header('x-request-id');
    // Accept a caller's id only when it is short and plain, so it is safe to log.
    const requestId = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    c.set('requestId', requestId);
    await next();
    c.res.headers.set('x-request-id', requestId);
  });

  // bodyLimit counts the bytes actually read, so a chunked body without Content-Length is cut too.
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => problemResponse('payloadTooLarge', `Request bodies are limited to ${maxBody} bytes; send less data.`, { limit: maxBody }, c.req.path),
    }),
  );

  if (deps.services) app.use('/api/v1/*', authenticate(deps.services.authenticate));
  registerHealthRoutes(app, deps);
  registerProcedureRoutes(app, deps);
  if (deps.calendars) registerCalendarRoutes(app, { ...deps, calendars: deps.calendars });
  if (deps.services) {
    registerCaseRoutes(app, deps.services.cases);
    registerDeadlineRoutes(app, deps.services.deadlines);
    registerAdminRoutes(app, deps.services);
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'A motcua API token (`motcua users add` prints one).' });
  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'motcua API',
      version: deps.version ?? '0.1.0',
      description: 'Administrative procedures as statecharts: dossiers, working-day deadlines, a tamper-evident audit log.',
    },
    servers: [{ url: '/' }],
  });

  app.notFound((c) => problemResponse('notFound', `No route ${c.req.method} ${c.req.path}; see /api/v1/openapi.json for the routes.`, {}, c.req.path));
  app.onError((err, c) => errorToResponse(err, c, log));
  return app;
}
