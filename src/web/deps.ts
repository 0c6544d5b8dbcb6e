/**
 * What the web pages are built from: the same services the API uses (never the database,
 * apart from the web's own session table), wired by the composition root.
 */
import type { Actor } from '../auth/policy.js';
import type { UnitTree } from '../auth/units.js';
import type { Clock } from '../clock/index.js';
import type { ProcedureCatalog } from '../http/routes/procedures.js';
import type { CaseService } from '../service/case-service.js';
import type { Calendars, ServiceDeps } from '../service/deps.js';
import type { DeadlineService } from '../service/deadline-service.js';
import type { AuditService } from '../service/audit-service.js';
import type { AccessLog } from '../service/audit-access.js';
import type { ReportService } from '../service/report-service.js';
import type { PublicService } from '../service/public-service.js';
import type { Context } from 'hono';
import type { ScorecardData } from '../reports/index.js';
import type { SessionStore, WebSession } from './session-store.js';

/** `auto`: Secure cookies when the request came over TLS (X-Forwarded-Proto: https or an https URL). */
export type SecureCookies = 'auto' | 'always' | 'never';

/** Turns text into an SVG QR code; absent until a QR encoder is installed. */
export type QrEncoder = (text: string) => Promise<string>;

/** Everything the pages call. */
export interface WebDeps {
  clock: Clock;
  log: (line: string) => void;
  units: UnitTree;
  calendars: Calendars;
  catalog: ProcedureCatalog;
  cases: CaseService;
  /** The apology and the control slip. */
  deadlines: DeadlineService;
  sessions: SessionStore;
  /** The actor behind an API token (sign-in exchanges it for a session). */
  authenticate(token: string): Promise<Actor | null>;
  /** The service layer's parts, for service functions the pages call directly (publishing a procedure). */
  service: ServiceDeps;
  /** Key for form tokens of pages without a session (sign-in, the citizen's page). */
  formKey: Buffer;
  secureCookies: SecureCookies;
  /** Origin printed in receipts' QR codes; null: the origin the officer's browser used. */
  publicUrl: string | null;
  qr: QrEncoder | null;
  /** The auditor's service; the audit pages say so when it is not wired. */
  audit: AuditService | null;
  /** Read-access records; every dossier page view is recorded when present. */
  access: AccessLog | null;
  /** Scorecard, satisfaction and tracking book; the report pages say so when it is not wired. */
  reports: ReportService | null;
  /** The scorecard configuration, for the phase selector. */
  scorecard: ScorecardData | null;
  /** The citizen's lookup, rating and feedback; the citizen's page says so when it is not wired. */
  publicDesk: PublicService | null;
  /** The client address public tries are counted by. */
  clientAddress: (c: Context) => string | undefined;
}

/** Hono variables of web requests. */
export type WebEnv = {
  Variables: {
    requestId: string;
    session: WebSession | undefined;
  };
};
