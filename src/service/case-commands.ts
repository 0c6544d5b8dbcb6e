/**
 * The commands that change a case: open it, send it an event. Each runs inside one store
 * transaction (the caller's `tx`): case row + transition record + timers + audit entry are
 * written together or not at all.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { canonicalJson } from '../audit/canonical.js';
import type { AuditEntryDraft } from '../audit/entry.js';
import { keyedHash, maskPersonal } from '../audit/personal.js';
import { canActOnUnit, canSeeUnit, isAdmin, isAuditor, type Actor } from '../auth/policy.js';
import { compileDataSchema, inputJsonSchema, piiPaths } from '../definitions/data-schema.js';
import type { ProcedureDefinition } from '../definitions/schema.js';
import { startCase, step, type Effect, type EngineSnapshot, type StepRefused } from '../engine/index.js';
import { isMotcuaError, MotcuaError } from '../errors/index.js';
import { vnDate } from '../clock/index.js';
import { placeholders, prepared, preparedInsert, toDbTime, type CaseRow, type NewCaseTransition, type Tx } from '../storage/index.js';
import { appendAudit } from './audit-append.js';
import type { OpenCaseInput, SendEventInput } from './case-input.js';
import { applyClockEffects, type CaseClock } from './deadline-effects.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { nextCaseCode } from './case-codes.js';
import { loadCaseRow } from './case-load.js';
import { definitionOf } from './procedure-sync.js';
import { writeTimers } from './timer-writes.js';
import { resultColumns } from './report-result.js';
import { caseSearchText } from '../storage/search-text.js';

/** One working day before the due date the case is marked nearly due (sắp trễ). */
export const DEFAULT_WARN_BEFORE_MS = 7.5 * 60 * 60 * 1000;

/** The result of a command: the row after it and what was recorded. */
export interface CaseChange {
  row: CaseRow;
  definition: ProcedureDefinition;
  transition: { seq: number; event: string; from: string[] | null; to: string[]; actor_id: string; role: string | null; at: string; reason: string | null };
}

const REFUSAL_CODES: Record<StepRefused['code'], 'eventNotAllowed' | 'forbidden' | 'validationFailed'> = {
  eventNotAllowed: 'eventNotAllowed',
  forbidden: 'forbidden',
  validationFailed: 'validationFailed',
  guardFailed: 'eventNotAllowed',
};

/** The stored form of a case's lookup PIN. */
export function pinHash(key: Buffer, caseId: string, pin: string): string {
  return keyedHash(key, `pin:${caseId}:${pin}`);
}

/** SHA-256 of the canonical input, personal fields replaced; null for no input. */
export function inputDigest(input: Record<string, unknown> | undefined, pii: readonly string[], key: Buffer): string | null {
  if (!input || Object.keys(input).length === 0) return null;
  return createHash('sha256').update(canonicalJson(maskPersonal(input, pii, key))).digest('hex');
}

function clockOf(row: CaseRow): CaseClock {
  const d = (v: string | null) => (v === null ? null : new Date(v));
  return {
    clockStartedAt: d(row.clock_started_at),
    dueAt: d(row.due_at),
    pausedSince: d(row.paused_since),
    pausedMs: row.paused_ms,
    supplementCount: row.supplement_count,
    closedAt: d(row.closed_at),
    outcome: row.outcome,
  };
}

function clockColumns(c: CaseClock) {
  const t = (v: Date | null) => (v === null ? null : toDbTime(v));
  return {
    clock_started_at: t(c.clockStartedAt),
    due_at: t(c.dueAt),
    paused_since: t(c.pausedSince),
    paused_ms: c.pausedMs,
    supplement_count: c.supplementCount,
    closed_at: t(c.closedAt),
    outcome: c.outcome,
  };
}

/**
 * The columns of `next` whose values differ from `row`, always with `version` and `updated_at`.
 * An UPDATE that names a column rewrites every index on it even when the value is the same, so
 * leaving unchanged columns out spares index pages (the deadline indexes, on most transitions).
 */
function changedColumns<K extends keyof CaseRow>(row: CaseRow, next: Pick<CaseRow, K | 'version' | 'updated_at'>): Partial<CaseRow> & Pick<CaseRow, 'version' | 'updated_at'> {
  const set: Partial<CaseRow> & Pick<CaseRow, 'version' | 'updated_at'> = { version: next.version, updated_at: next.updated_at };
  for (const [column, value] of Object.entries(next) as [K, CaseRow[K]][]) {
    if (row[column] !== value) set[column] = value;
  }
  return set;
}

/** Every column of a transition row, in one order: the statement is built once. */
const TRANSITION_COLUMNS = ['case_id', 'seq', 'event', 'from_state', 'to_state', 'actor_id', 'actor_role', 'unit_id', 'input_digest', 'reason', 'comment', 'at', 'procedure_version', 'request_id'] as const satisfies readonly (keyof NewCaseTransition)[];

function insertTransition(tx: Tx, t: Required<Omit<NewCaseTransition, 'id'>>): Promise<void> {
  return preparedInsert(tx, 'case_transitions', TRANSITION_COLUMNS, t);
}

/** The role recorded for an actor on a transition: the first allowed role they hold. */
function recordedRole(actor: Actor, roles: readonly string[]): string | null {
  return roles[0] ?? (actor.id === 'system' ? 'system' : (actor.roles[0] ?? null));
}

/** Where `data` does not fit the procedure's schema, as pointers into the request body (`/data/…`). */
function dataErrors(def: ProcedureDefinition, data: unknown): { path: string; message: string }[] {
  return compileDataSchema(def.data as Record<string, unknown>)(data).map((e) => ({ ...e, path: `/data${e.path}` }));
}

/**
 * The data errors an opening of `procedure` today would meet, for an answer that lists them beside
 * the request's other faults; none when the procedure is unknown (that fault is answered alone).
 */
export function openingDataErrors(deps: ServiceDeps, procedure: unknown, data: unknown): { path: string; message: string }[] {
  if (typeof procedure !== 'string' || data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  try {
    return dataErrors(deps.registry.inForce(procedure, vnDate(deps.clock.now())).definition, data);
  } catch (e) {
    if (isMotcuaError(e, 'procedureNotFound') || isMotcuaError(e, 'versionNotFound')) return [];
    throw e;
  }
}

/** Opens a case: validates, starts the machine, writes the row, its first record and audit entry. */
export async function openCaseCommand(tx: Tx, deps: ServiceDeps, actor: Actor, body: OpenCaseInput, meta: RequestMeta): Promise<CaseChange & { pin: string }> {
  const now = deps.clock.now();
  if (isAuditor(actor) && !actor.roles.some((r) => r !== 'auditor')) {
    throw new MotcuaError('forbidden', 'Auditors read dossiers but cannot open them.');
  }
  const unitId = body.unit ?? actor.unitId;
  const unit = deps.units.get(unitId);
  if (!unit || !canSeeUnit(actor, unit.path)) throw new MotcuaError('notFound', `No unit '${unitId}' within your reach; GET /api/v1/units lists the units.`);
  if (!canActOnUnit(actor, unit.path)) throw new MotcuaError('forbidden', `You cannot open dossiers at unit '${unitId}'.`);
  const registered = deps.registry.inForce(body.procedure, vnDate(now));
  const def = registered.definition;
  if (!actor.roles.some((r) => def.roles.includes(r))) {
    throw new MotcuaError('forbidden', `Opening a '${def.id}' dossier needs one of the roles ${def.roles.join(', ')}; you have ${actor.roles.join(', ') || 'none'}.`);
  }
  const errors = dataErrors(def, body.data);
  if (errors.length > 0) {
    throw new MotcuaError('validationFailed', `The dossier data does not fit procedure '${def.id}' v${def.version}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors });
  }

  const facts = { data: body.data, case: { channel: body.channel, ...(body.flags ?? {}) } };
  const started = startCase(def, facts, now);
  const calendar = deps.calendars.forUnit(unit.id);
  const blank: CaseClock = { clockStartedAt: null, dueAt: null, pausedSince: null, pausedMs: 0, supplementCount: 0, closedAt: null, outcome: null };
  const change = applyClockEffects({ def, clock: blank, effects: started.effects, calendar, now, data: body.data, caseFacts: facts.case, warnBeforeMs: DEFAULT_WARN_BEFORE_MS });

  const id = randomBytes(16).toString('base64url');
  const code = await nextCaseCode(tx, unit, now);
  const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const at = toDbTime(now);
  await tx.db
    .insertInto('cases')
    .values({
      id,
      code,
      procedure_id: def.id,
      procedure_version: def.version,
      unit_id: unit.id,
      unit_path: unit.path,
      state: JSON.stringify(started.active),
      snapshot: JSON.stringify(started.snapshot),
      status_code: started.status,
      version: 1,
      applicant: JSON.stringify(body.applicant),
      search_text: caseSearchText(body.applicant),
      data: JSON.stringify(body.data),
      channel: body.channel,
      received_at: at,
      ...clockColumns(change.clock),
      nearly_due_at: null,
      overdue_at: null,
      flags: JSON.stringify(body.flags ?? {}),
      // Keyed, so a copied database does not give the PINs away to a million guesses.
      pin_hash: pinHash(deps.auditKey, id, pin),
      apology: null,
      created_by: actor.id,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const role = recordedRole(actor, actor.roles.filter((r) => def.roles.includes(r)));
  await insertTransition(tx, { case_id: id, seq: 1, event: 'case.opened', from_state: null, to_state: JSON.stringify(started.active), actor_id: actor.id, actor_role: role, unit_id: unit.id, input_digest: null, reason: null, comment: null, at, procedure_version: def.version, request_id: meta.requestId });
  await writeTimers(tx, id, change, now);
  const draft: AuditEntryDraft = {
    time: at,
    actor: { id: actor.id, role: role ?? 'unknown' },
    unit: unit.id,
    case_id: id,
    procedure: `${def.id}@${def.version}`,
    event: 'case.opened',
    from: null,
    to: started.active,
    reason: null,
    request_id: meta.requestId,
    // The dossier data is personal; the log keeps only which fields were given.
    input_digest: inputDigest(body.data, piiPaths(def.data), deps.auditKey),
    kind: 'case.opened',
    details: { code, channel: body.channel, fields: Object.keys(body.data).sort() },
  };
  await appendAudit(tx, draft);
  const row = await loadCaseRow(tx, id);
  return { row: row!, definition: def, pin, transition: { seq: 1, event: 'case.opened', from: null, to: started.active, actor_id: actor.id, role, at, reason: null } };
}

/** Sends an event to a case on behalf of `actor` (an officer, or the system for timers). */
export async function sendEventCommand(
  tx: Tx,
  deps: ServiceDeps,
  actor: Actor,
  caseId: string,
  body: SendEventInput,
  opts: RequestMeta & { ifMatch?: number | readonly number[] | undefined; system?: boolean },
): Promise<CaseChange> {
  const now = deps.clock.now();
  const row = await loadCaseRow(tx, caseId);
  // Outside the caller's subtree the case does not exist, whatever the reason.
  if (!row || !canSeeUnit(actor, row.unit_path)) throw new MotcuaError('caseNotFound', `No case '${caseId}'.`);
  if (!canActOnUnit(actor, row.unit_path)) {
    // Seen (else the 404 above), so saying why is no leak: an auditor, or an administrator
    // who reads every unit but acts only in their own.
    if (isAuditor(actor) && !isAdmin(actor)) throw new MotcuaError('forbidden', 'Auditors read dossiers but cannot change them.');
    throw new MotcuaError('forbidden', `You read dossiers of every unit but act only on those of unit '${actor.unitId}' and below.`);
  }
  const wanted = typeof opts.ifMatch === 'number' ? [opts.ifMatch] : opts.ifMatch;
  if (wanted !== undefined && !wanted.includes(row.version)) {
    const named = wanted.length > 0 ? `not ${wanted.join(' or ')}` : 'and If-Match named no version (a weak tag never matches)';
    throw new MotcuaError('preconditionFailed', `The case is at version ${row.version}, ${named}; reload it and decide again.`, { current_version: row.version });
  }
  const def = await definitionOf(deps, row);
  const snapshot = JSON.parse(row.snapshot) as EngineSnapshot;
  const data = JSON.parse(row.data) as Record<string, unknown>;
  const caseFacts = { channel: row.channel, supplement_count: row.supplement_count, ...(JSON.parse(row.flags) as Record<string, unknown>) };
  const result = step(def, snapshot, { type: body.type, input: body.input }, { id: actor.id, roles: actor.roles, system: opts.system === true }, { data, case: caseFacts }, now);
  if (!result.ok) {
    const current = JSON.parse(row.state) as string[];
    throw new MotcuaError(REFUSAL_CODES[result.code], result.message, {
      state: current,
      allowed_events: result.allowed,
      // Pointers into the request body, like every other field error.
      ...(result.fieldErrors ? { errors: result.fieldErrors.map((e) => ({ ...e, path: `/input${e.path}` })) } : {}),
    });
  }

  const calendar = deps.calendars.forUnit(row.unit_id);
  const change = applyClockEffects({ def, clock: clockOf(row), effects: result.effects as Effect[], calendar, now, data, caseFacts, warnBeforeMs: DEFAULT_WARN_BEFORE_MS });
  const version = row.version + 1;
  const at = toDbTime(now);
  const set = changedColumns(row, { state: JSON.stringify(result.to), snapshot: JSON.stringify(result.snapshot), status_code: result.status ?? row.status_code, version, updated_at: at, ...clockColumns(change.clock), ...resultColumns(row, result.status, now, calendar, change.clock.clockStartedAt) });
  const columns = Object.keys(set) as (keyof typeof set)[];
  const updated = await prepared(
    tx,
    `case update: ${columns.join(',')}`,
    (db, arg) =>
      db
        .updateTable('cases')
        .set(placeholders(columns, arg))
        .where('id', '=', arg(columns.length))
        .where('version', '=', arg(columns.length + 1)),
    [...columns.map((c) => set[c]), row.id, row.version],
  );
  // Another node changed the case between our read and write (PostgreSQL); nothing was written.
  if (Number(updated.numAffectedRows) !== 1) throw new MotcuaError('versionConflict', 'The case changed while this event was applied; reload it and try again.');

  const role = recordedRole(actor, result.transition.roles);
  const pii = transitionPii(def, result.from, body.type);
  const digest = inputDigest(body.input, pii, deps.auditKey);
  const reason = result.transition.reason ?? null;
  await insertTransition(tx, { case_id: row.id, seq: version, event: body.type, from_state: JSON.stringify(result.from), to_state: JSON.stringify(result.to), actor_id: actor.id, actor_role: role, unit_id: row.unit_id, input_digest: digest, reason, comment: body.comment ?? null, at, procedure_version: def.version, request_id: opts.requestId });
  await writeTimers(tx, row.id, change, now);
  await appendAudit(tx, {
    time: at,
    actor: { id: actor.id, role: role ?? 'unknown' },
    unit: row.unit_id,
    case_id: row.id,
    procedure: `${def.id}@${def.version}`,
    event: body.type,
    from: result.from,
    to: result.to,
    reason,
    request_id: opts.requestId,
    input_digest: digest,
    kind: 'case.transition',
  });
  // The row as it now stands is the row read plus what was set: no second read.
  return { row: { ...row, ...set }, definition: def, transition: { seq: version, event: body.type, from: result.from, to: result.to, actor_id: actor.id, role, at, reason } };
}

/** Personal-field paths of the input, per definition and (states, event): published versions never change. */
const piiByTransition = new WeakMap<ProcedureDefinition, Map<string, readonly string[]>>();

/** The personal-field paths of `event`'s input when sent in the active `states` (for the input digest). */
function transitionPii(def: ProcedureDefinition, states: readonly string[], event: string): readonly string[] {
  let byKey = piiByTransition.get(def);
  if (byKey === undefined) piiByTransition.set(def, (byKey = new Map()));
  const key = `${states.join('\u0000')}\u0001${event}`;
  let paths = byKey.get(key);
  if (paths === undefined) {
    const spec = states.map((leaf) => findTransitionInput(def, leaf, event)).find((t) => t !== undefined);
    paths = spec ? piiPaths(inputJsonSchema(spec)) : [];
    byKey.set(key, paths);
  }
  return paths;
}

/** The input spec of the transition handling `event` in `state` or its ancestors (for personal-field masking). */
function findTransitionInput(def: ProcedureDefinition, state: string, event: string) {
  const path: ProcedureDefinition['states'][string][] = [];
  const visit = (states: ProcedureDefinition['states'], trail: ProcedureDefinition['states'][string][]): boolean => {
    for (const [name, node] of Object.entries(states)) {
      const here = [...trail, node];
      if (name === state) {
        path.push(...here);
        return true;
      }
      if (node.states && visit(node.states, here)) return true;
    }
    return false;
  };
  visit(def.states, []);
  for (const node of path.reverse()) {
    const t = node.on?.[event];
    if (t) return (Array.isArray(t) ? t[0] : t)?.input;
  }
  return undefined;
}
