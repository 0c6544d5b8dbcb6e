/**
 * The composition root: reads the configuration files, opens the store, loads procedures,
 * and wires the services and the HTTP app. `motcua serve` and the tests both build motcua
 * here, so what is tested is what runs.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadUnits } from '../auth/units-file.js';
import type { UnitTree } from '../auth/units.js';
import { createWorkingCalendar, loadCalendar, type CalendarData, type WorkingCalendar } from '../calendar/index.js';
import { systemClock, type Clock } from '../clock/index.js';
import { createRegistry } from '../definitions/registry.js';
import { formatFinding } from '../definitions/findings.js';
import { MotcuaError } from '../errors/index.js';
import { createApp, type AppEnv } from '../http/app.js';
import { createWebApp } from '../web/index.js';
import type { CatalogEntry, ProcedureCatalog } from '../http/routes/procedures.js';
import { toMermaid } from '../engine/index.js';
import { openStore, type Store } from '../storage/index.js';
import { createCaseService, type CaseService } from '../service/case-service.js';
import { createDeadlineService } from '../service/deadline-service.js';
import { createSweeper, type Sweeper } from '../service/sweeper.js';
import { createHousekeeping, type Housekeeping } from '../service/housekeeping.js';
import { createProcedureSync, type ProcedureSync } from '../service/procedure-sync.js';
import type { Calendars, ServiceDeps } from '../service/deps.js';
import { loadProcedures, publishProcedure } from '../service/procedure-service.js';
import { createUserService, syncUnits, type UserService } from '../service/user-service.js';
import { createReportService, loadScorecardConfig, type ReportService } from '../service/report-service.js';
import { createPublicService, type PublicService } from '../service/public-service.js';
import { caseReceipt } from '../service/public-receipt.js';
import { socketAddress, type ClientAddressResolver } from '../http/routes/public.js';
import { DEFAULT_AUDIT_OPTIONS, type AuditOptions } from '../service/audit-config.js';
import { createAudit, type AuditParts } from '../service/audit-service.js';

export interface MotcuaOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  proceduresDir: string;
  configDir: string;
  clock?: Clock;
  log?: (line: string) => void;
  /** Signing key, log name, checkpoint policy (`readAuditConfig`); defaults otherwise. */
  audit?: Partial<AuditOptions>;
  /** Take the public client address from X-Forwarded-For (only behind a reverse proxy you run). */
  trustProxy?: boolean | undefined;
  /** How public routes find the client address (tests inject one; default the socket's). */
  clientAddress?: ClientAddressResolver;
}

export interface Motcua {
  app: OpenAPIHono<AppEnv>;
  store: Store;
  deps: ServiceDeps;
  cases: CaseService;
  users: UserService;
  /** Fires durable timers; `motcua serve` starts it, tests call `sweepOnce()`. */
  sweeper: Sweeper;
  /** Forgets expired Idempotency-Keys (`motcua serve` starts it). */
  housekeeping: Housekeeping;
  /** Picks up versions other processes published (several processes on one PostgreSQL). */
  procedureSync: ProcedureSync;
  /** The audit log's signing key, checkpointer (`motcua serve` starts it) and access records. */
  audit: AuditParts;
  /** The scorecard, satisfaction and tracking-book reports. */
  reports: ReportService;
  /** Public lookup, ratings and feedback. */
  publicDesk: PublicService;
  /** Stops the background work, signs a last checkpoint, closes the store. */
  close(): Promise<void>;
}

const HMAC_KEY_FILE = 'audit-hmac.key';

/** The server's secret for keyed hashes (personal identifiers, PINs): made on first start, mode 0600. */
export function loadOrCreateSecret(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, HMAC_KEY_FILE);
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length < 32) throw new MotcuaError('internal', `${file} is damaged (shorter than 256 bits); restore it from backup`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

/** Calendars per unit, built once: the national calendar plus each unit's own overrides. */
export function createCalendars(calendar: CalendarData, units: UnitTree): Calendars {
  const cache = new Map<string, WorkingCalendar>();
  const national = createWorkingCalendar(calendar);
  return {
    forUnit(unitId) {
      if (unitId === undefined) return national;
      const hit = cache.get(unitId);
      if (hit) return hit;
      const unit = units.get(unitId);
      if (!unit) throw new MotcuaError('notFound', `No unit '${unitId}'; GET /api/v1/units lists the units.`);
      const ancestors = unit.path.split('/').filter(Boolean).slice(0, -1);
      const made = createWorkingCalendar(calendar, { unit: unit.id, unitAncestors: ancestors });
      cache.set(unitId, made);
      return made;
    },
  };
}

/** Builds motcua: store, configuration, procedures, services, HTTP app. */
export async function createMotcua(options: MotcuaOptions): Promise<Motcua> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => {});
  const unitsPath = join(options.configDir, 'units.yaml');
  const calendarPath = join(options.configDir, 'calendars', 'vn.yaml');
  const units = loadUnits(readFileSync(unitsPath), unitsPath);
  const { calendar } = loadCalendar(readFileSync(calendarPath), calendarPath);
  const auditKey = loadOrCreateSecret(options.dataDir);
  const store = await openStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl, clock });
  try {
    await store.write((tx) => syncUnits(tx, units));
    const registry = createRegistry();
    const deps: ServiceDeps = { store, registry, units, calendars: createCalendars(calendar, units), clock, auditKey, log };
    const loaded = await loadProcedures(deps, options.proceduresDir);
    for (const f of loaded.findings) log(formatFinding(f));
    for (const p of loaded.problems) log(`warning: ${p}`);
    log(`procedures: ${loaded.stored} version(s) in the database, ${loaded.published} new from ${options.proceduresDir} (${loaded.unchanged} file(s) already published, not checked again)`);
    const audit = await createAudit(deps, options.dataDir, { ...DEFAULT_AUDIT_OPTIONS, ...options.audit });

    const cases = createCaseService(deps);
    const users = createUserService(deps);
    const scorecard = loadScorecardConfig(join(options.configDir, 'scorecard.yaml'), log);
    const reports = createReportService(deps, scorecard);
    const publicDesk = createPublicService(deps, { ratingCriteria: scorecard.rating_criteria.map((c) => c.id) });
    const catalog: ProcedureCatalog = {
      ids: () => registry.ids(),
      versionsOf: (id) => registry.versions(id).map(entry),
      get: (id, v) => {
        const r = registry.find(id, v);
        return r ? entry(r) : undefined;
      },
      inForce: (id, date) => {
        try {
          return entry(registry.inForce(id, date));
        } catch {
          return undefined;
        }
      },
    };
    function entry(r: { definition: CatalogEntry['definition']; source: string }): CatalogEntry {
      return { definition: r.definition, source: r.source, diagram: () => toMermaid(r.definition) };
    }
    const clientAddress = options.clientAddress ?? socketAddress({ trustProxy: options.trustProxy === true });
    const app = createApp({
      clock,
      log,
      procedures: catalog,
      calendars: deps.calendars,
      services: {
        authenticate: (token) => users.authenticate(token),
        cases,
        deadlines: createDeadlineService(deps),
        users,
        units,
        publish: (actor, id, yaml, requestId) => publishProcedure(deps, actor, id, yaml, { requestId }),
        audit: { service: audit.service, access: audit.access },
        reports,
        publicDesk,
        receipt: (actor, id) => caseReceipt(deps, actor, id),
      },
      clientAddress,
    });
    app.route('/', createWebApp({ service: deps, cases, users, catalog, audit: audit.service, access: audit.access, reports, scorecard, publicDesk, clientAddress }));
    const sweeper = createSweeper(deps);
    const housekeeping = createHousekeeping(deps);
    const procedureSync = createProcedureSync(deps);
    return {
      app,
      store,
      deps,
      cases,
      users,
      sweeper,
      housekeeping,
      procedureSync,
      audit,
      reports,
      publicDesk,
      close: async () => {
        await sweeper.stop();
        await housekeeping.stop();
        await procedureSync.stop();
        await audit.checkpointer.stop();
        // The checkpoint at shutdown: every entry of this run leaves signed.
        await audit.checkpointer.checkpointNow().catch((e: unknown) => log(`audit: the checkpoint at shutdown failed: ${e instanceof Error ? e.message : String(e)}`));
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
