/**
 * The HTTP face of motcua: a Hono app under /api/v1 whose routes carry zod schemas, from
 * which the OpenAPI 3.1 document is generated. Every error leaves as problem+json.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import { checkedJsonText } from './body-text.js';
import { errorToResponse, isPublicApiPath, problemResponse } from './problem.js';
import { registerCalendarRoutes, type CalendarProvider } from './routes/calendar.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerDocsRoute } from './routes/docs.js';
import { registerCaseRoutes } from './routes/cases.js';
import { registerDeadlineRoutes } from './routes/deadlines.js';
import type { DeadlineService } from '../service/deadline-service.js';
import { registerAdminRoutes, type Publisher } from './routes/admin.js';
import { registerAuditRoutes } from './routes/audit.js';
import type { AccessLog } from '../service/audit-access.js';
import type { AuditService } from '../service/audit-service.js';
import { authenticate, type AuthVariables, type Authenticator } from './auth.js';
import type { CaseService } from '../service/case-service.js';
import type { UserService } from '../service/user-service.js';
import type { UnitTree } from '../auth/units.js';
import { registerProcedureRoutes, type ProcedureCatalog } from './routes/procedures.js';
import { validationHook } from './validation.js';
import { registerPublicRoutes, type ClientAddressResolver } from './routes/public.js';
import { registerReportRoutes } from './routes/reports.js';
import { registerReceiptRoute } from './routes/receipt.js';
import type { PublicService } from '../service/public-service.js';
import type { ReportService } from '../service/report-service.js';
import type { CaseReceipt } from '../service/public-receipt.js';
import type { Actor } from '../auth/policy.js';

/** Everything the HTTP layer needs, wired by the composition root. */
export interface HttpDeps {
  clock: Clock;
  procedures: ProcedureCatalog;
  /** Working calendars; the due-date route is served when given. */
  calendars?: CalendarProvider;
  /** The services behind authenticated routes; absent in tests of the read-only face. */
  services?: { authenticate: Authenticator; cases: CaseService; deadlines: DeadlineService; users: UserService; units: UnitTree; publish: Publisher; audit?: { service: AuditService; access: AccessLog }; reports?: ReportService; publicDesk?: PublicService; receipt?: (actor: Actor, id: string) => Promise<CaseReceipt> };
  /** The client address public routes rate-limit by; default the socket's (see routes/public.ts). */
  clientAddress?: ClientAddressResolver;
  /** Operator log (one line per event, no personal data). */
  log?: (line: string) => void;
  /** Largest accepted request body, bytes. */
  maxBodyBytes?: number;
  version?: string;
}

export type AppEnv = { Variables: AuthVariables };

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Creates the API application. */
export function createApp(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const log = deps.log ?? (() => {});
  const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const checkJson = checkedJsonText();

  app.use('*', async (c, next) => {
    const given = c.req.header('x-request-id');
    // A caller's id is kept only when it is a UUID: it goes into the log and into audit entries,
    // which can never be erased, so it must not be free text (an ID number, say).
    const requestId = given && UUID.test(given) ? given.toLowerCase() : randomUUID();
    c.set('requestId', requestId);
    await next();
    c.res.headers.set('x-request-id', requestId);
  });

  // bodyLimit counts the bytes actually read, so a chunked body without Content-Length is cut too.
  const countingLimit = bodyLimit({
    maxSize: maxBody,
    onError: (c) => problemResponse('payloadTooLarge', `Request bodies are limited to ${maxBody} bytes; send less data.`, { limit: maxBody }, c.req.path),
  });
  app.use('/api/*', async (c, next) => {
    // Fast path: a GET has no body, and a declared Content-Length is checked from the header.
    // Only a body of unknown length goes through the counting stream: touching the request's
    // body stream makes the Node adapter build a full fetch Request, which cost a sixth of the
    // server's time per request.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(length)) {
      if (Number(length) > maxBody) return problemResponse('payloadTooLarge', `Request bodies are limited to ${maxBody} bytes; send less data.`, { limit: maxBody }, c.req.path);
      return next();
    }
    return countingLimit(c, next);
  });

  if (deps.services) app.use('/api/v1/*', authenticate(deps.services.authenticate));
  // The public routes have a smaller body limit of their own: they check their bodies after it.
  // A caller without a token gets its 401 from the route before any look at its body.
  app.use('/api/*', (c, next) => (isPublicApiPath(c.req.path) || c.get('actor') === undefined ? next() : checkJson(c, next)));
  registerHealthRoutes(app, deps);
  registerProcedureRoutes(app, deps);
  if (deps.calendars) registerCalendarRoutes(app, { ...deps, calendars: deps.calendars });
  if (deps.services) {
    // Before the case routes: its access hook wraps their answers.
    if (deps.services.audit) registerAuditRoutes(app, deps.services.audit, log);
    registerCaseRoutes(app, deps.services.cases);
    registerDeadlineRoutes(app, deps.services.deadlines);
    registerAdminRoutes(app, deps.services);
    if (deps.services.receipt) registerReceiptRoute(app, deps.services.receipt);
    if (deps.services.reports) registerReportRoutes(app, deps.services.reports);
    if (deps.services.publicDesk) registerPublicRoutes(app, { service: deps.services.publicDesk, clientAddress: deps.clientAddress });
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

  registerDocsRoute(app);

  // A path the API has, asked with a method it does not take: 405 with the methods it does.
  let routes: { pattern: RegExp; method: string }[] | undefined;
  const methodsFor = (path: string): string[] => {
    routes ??= app.routes
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
      .map((r) => ({ method: r.method, pattern: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+')}$`) }));
    return [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
  };
  app.notFound((c) => {
    const allowed = methodsFor(c.req.path);
    if (allowed.length > 0) {
      return problemResponse('methodNotAllowed', `${c.req.path} takes ${allowed.join(', ')}, not ${c.req.method}; see /api/v1/openapi.json.`, { allowed }, c.req.path, { allow: allowed.join(', ') });
    }
    return problemResponse('notFound', `No route ${c.req.method} ${c.req.path}; see /api/v1/openapi.json for the routes.`, {}, c.req.path);
  });
  app.onError((err, c) => errorToResponse(err, c, log));
  return app;
}
