/**
 * The web interface: server-rendered pages (hono/jsx) in Vietnamese for desk officers,
 * inspectors, administrators and citizens, over the same services as the API. Mounted at `/`
 * by the composition root; every asset is served from here (offices may have no internet).
 */
import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ProcedureCatalog } from '../http/routes/procedures.js';
import type { CaseService } from '../service/case-service.js';
import { createDeadlineService } from '../service/deadline-service.js';
import type { ServiceDeps } from '../service/deps.js';
import type { UserService } from '../service/user-service.js';
import type { AuditService } from '../service/audit-service.js';
import type { AccessLog } from '../service/audit-access.js';
import type { ReportService } from '../service/report-service.js';
import type { PublicService } from '../service/public-service.js';
import type { Context } from 'hono';
import type { ScorecardData } from '../reports/index.js';
import { registerAssetRoutes } from './assets/index.js';
import type { QrEncoder, SecureCookies, WebDeps, WebEnv } from './deps.js';
import { renderError } from './errors.js';
import { qrEncoder } from './qr.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerCaseRoutes } from './routes/case.js';
import { registerIntakeRoutes } from './routes/intake.js';
import { registerProcedureRoutes } from './routes/procedures.js';
import { registerPublicRoutes } from './routes/public.js';
import { registerReportRoutes } from './routes/reports.js';
import { registerWorklistRoutes } from './routes/worklist.js';
import { securityHeaders, sessionCookie } from './security.js';
import { createSessionStore } from './session-store.js';

export type { WebDeps, WebEnv, SecureCookies, QrEncoder } from './deps.js';
export { createSessionStore, type SessionStore, type WebSession } from './session-store.js';

/** Largest form the pages accept (a procedure's YAML is the largest). */
export const MAX_FORM_BYTES = 256 * 1024;

/** What the composition root hands over. */
export interface WebOptions {
  service: ServiceDeps;
  cases: CaseService;
  users: UserService;
  catalog: ProcedureCatalog;
  /** Default `auto` (env MOTCUA_SECURE_COOKIES may say always / never). */
  secureCookies?: SecureCookies;
  /** Address printed in receipts' QR codes, e.g. `https://motcua.example.vn` (env MOTCUA_PUBLIC_URL); default the request's. */
  publicUrl?: string | undefined;
  /** Default: the `qrcode` package when installed, else none (the receipt then shows the address only). */
  qr?: QrEncoder | null;
  audit?: AuditService | undefined;
  /** Records who viewed which dossier (personal data law). */
  access?: AccessLog | undefined;
  reports?: ReportService | undefined;
  scorecard?: ScorecardData | undefined;
  /** The citizen's lookup, rating and feedback. */
  publicDesk?: PublicService | undefined;
  /** The client address the public rate limit counts (the API's resolver). */
  clientAddress?: ((c: Context) => string | undefined) | undefined;
}

/** Builds the web deps from the composition root's parts. */
export function webDeps(options: WebOptions): WebDeps {
  const s = options.service;
  const setting = options.secureCookies ?? (process.env['MOTCUA_SECURE_COOKIES'] as SecureCookies | undefined);
  const publicUrl = options.publicUrl ?? process.env['MOTCUA_PUBLIC_URL'];
  return {
    clock: s.clock,
    log: s.log,
    units: s.units,
    calendars: s.calendars,
    catalog: options.catalog,
    cases: options.cases,
    deadlines: createDeadlineService(s),
    sessions: createSessionStore(s.store, s.units, s.clock),
    authenticate: (token) => options.users.authenticate(token),
    service: s,
    // A key of its own for form tokens, derived so the audit key is never used twice for the same purpose.
    formKey: createHmac('sha256', s.auditKey).update('motcua web form tokens v1').digest(),
    secureCookies: setting === 'always' || setting === 'never' ? setting : 'auto',
    publicUrl: publicUrl && /^https?:\/\/[^/]+/.test(publicUrl) ? publicUrl.replace(/\/+$/, '') : null,
    qr: options.qr === undefined ? null : options.qr,
    audit: options.audit ?? null,
    access: options.access ?? null,
    reports: options.reports ?? null,
    scorecard: options.scorecard ?? null,
    publicDesk: options.publicDesk ?? null,
    clientAddress: options.clientAddress ?? (() => undefined),
  };
}

/** Creates the web app; mount it at `/` after the API. */
export function createWebApp(options: WebOptions | WebDeps): Hono<WebEnv> {
  const deps = 'sessions' in options ? options : webDeps(options);
  if (!('sessions' in options) && options.qr === undefined) deps.qr = qrEncoder;
  const web = new Hono<WebEnv>();
  web.use('*', securityHeaders());

  web.use('*', async (c, next) => {
    const id = sessionCookie(c);
    c.set('session', id === undefined ? undefined : ((await deps.sessions.find(id)) ?? undefined));
    await next();
  });
  // After the session is known, so the page about a too-large form offers the right way back.
  web.use(
    '*',
    bodyLimit({
      maxSize: MAX_FORM_BYTES,
      onError: (c) =>
        renderError(c, deps, 413, `Biểu mẫu quá lớn: tối đa ${Math.round(MAX_FORM_BYTES / 1024)} KB. Hãy rút ngắn nội dung (với tệp thủ tục: tải lên tệp nhỏ hơn), rồi quay lại gửi lại.`),
    }),
  );
  registerAssetRoutes(web, deps);
  registerAuthRoutes(web, deps);
  registerWorklistRoutes(web, deps);
  registerIntakeRoutes(web, deps);
  registerCaseRoutes(web, deps);
  registerProcedureRoutes(web, deps);
  registerAuditRoutes(web, deps);
  registerReportRoutes(web, deps);
  registerPublicRoutes(web, deps);

  web.get('/', (c) => c.redirect(c.get('session') ? '/ho-so' : '/dang-nhap'));
  // Unknown pages get an HTML answer; unknown API paths keep the API's problem+json.
  web.all('*', (c) => (c.req.path.startsWith('/api/') ? c.notFound() : renderError(c, deps, 404, 'Không tìm thấy trang này.')));
  web.onError((err, c) => renderError(c, deps, err));
  return web;
}
