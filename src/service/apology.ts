/**
 * The apology (phiếu xin lỗi và hẹn lại ngày trả kết quả): when a dossier is late or about to
 * be, an officer records the reason and a new, later appointment date. The law allows the date
 * to be re-set once, so a second apology is refused. It is a transition record like any other.
 */
import { z } from 'zod';
import { canActOnUnit, canSeeUnit, isAuditor, type Actor } from '../auth/policy.js';
import type { WorkingCalendar } from '../calendar/index.js';
import { vnDate } from '../clock/index.js';
import { MotcuaError } from '../errors/index.js';
import { toDbTime, type Tx } from '../storage/index.js';
import { appendAudit } from './audit-append.js';
import { inputDigest } from './case-commands.js';
import { loadCaseRow } from './case-load.js';
import { definitionOf } from './procedure-sync.js';
import { deadlineTimers } from './deadline-effects.js';
import { DEFAULT_WARN_BEFORE_MS } from './case-commands.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { noteText } from './text-rules.js';
import { writeTimers } from './timer-writes.js';

export const ApologyBody = z.strictObject({
  reason: noteText(z.string().trim().min(1).max(2000)).describe('Why the dossier is late (lý do chậm).'),
  new_due_at: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a day, YYYY-MM-DD (its closing time), or an instant with its offset, e.g. 2026-12-10T16:00:00+07:00' })
    .describe('The new appointment date: a day (YYYY-MM-DD, meaning its closing time) or an instant.'),
});
export type ApologyInput = z.infer<typeof ApologyBody>;

export interface ApologyRecord {
  reason: string;
  new_due_at: string;
  previous_due_at: string | null;
  by: string;
  at: string;
}

/** True when the office is open at `t`, or was open until `t` (its closing time). */
function withinOfficeHours(calendar: WorkingCalendar, t: Date): boolean {
  const before = new Date(t.getTime() - 1);
  return calendar.nextOpening(t).getTime() === t.getTime() || calendar.nextOpening(before).getTime() === before.getTime();
}

/** Records the one apology of a case. */
export async function apologizeCommand(tx: Tx, deps: ServiceDeps, actor: Actor, caseId: string, body: ApologyInput, meta: RequestMeta): Promise<ApologyRecord> {
  const row = await loadCaseRow(tx, caseId);
  if (!row || !canSeeUnit(actor, row.unit_path)) throw new MotcuaError('caseNotFound', `No case '${caseId}'.`);
  if (!canActOnUnit(actor, row.unit_path)) {
    if (isAuditor(actor)) throw new MotcuaError('forbidden', 'Auditors read dossiers but cannot change them.');
    throw new MotcuaError('caseNotFound', `No case '${caseId}'.`);
  }
  const def = await definitionOf(deps, row);
  const roles = actor.roles.filter((r) => def.roles.includes(r));
  if (roles.length === 0) throw new MotcuaError('forbidden', `Recording an apology needs one of the roles ${def.roles.join(', ')}.`);
  if (row.apology !== null) throw new MotcuaError('conflict', 'This dossier already has an apology; the appointment date can be re-set only once.');
  if (row.closed_at !== null) throw new MotcuaError('conflict', 'The dossier is closed; there is no appointment to move.');
  if (row.due_at === null) throw new MotcuaError('conflict', 'The dossier has no appointment date yet (it was not received as complete).');
  const now = deps.clock.now();
  const calendar = deps.calendars.forUnit(row.unit_id);
  // A day alone (YYYY-MM-DD) or an instant with its offset, as ApologyBody allows.
  const isDay = body.new_due_at.length === 10;
  const givenDay = isDay ? body.new_due_at : vnDate(new Date(body.new_due_at));
  const later = () =>
    new MotcuaError('validationFailed', `The new appointment (${body.new_due_at}) must be later than the current one (${row.due_at}) and than now.`, { errors: [{ path: '/new_due_at', message: 'must be later than the current appointment' }] });
  // A day already past is refused before the calendar is asked: a past year is the date's fault,
  // not the calendar's.
  if (givenDay < vnDate(now)) throw later();
  if (!calendar.isWorkingDay(givenDay)) {
    throw new MotcuaError('validationFailed', `${givenDay} is not a working day; choose a working day for the new appointment.`, { errors: [{ path: '/new_due_at', message: 'not a working day' }] });
  }
  // A day means the closing time of that day, like every appointment date; an instant must fall
  // in office hours (its closing time included), when the citizen can come.
  const newDue = isDay ? calendar.addOfficeTime(calendar.nextOpening(new Date(`${body.new_due_at}T00:00:00+07:00`)), calendar.officeDayMs) : new Date(body.new_due_at);
  if (!isDay && !withinOfficeHours(calendar, newDue)) {
    throw new MotcuaError('validationFailed', `${body.new_due_at} is outside office hours; choose a time when the office is open, or give the day alone (YYYY-MM-DD) for its closing time.`, { errors: [{ path: '/new_due_at', message: 'outside office hours' }] });
  }
  if (newDue.getTime() <= new Date(row.due_at).getTime() || newDue.getTime() <= now.getTime()) throw later();
  const at = toDbTime(now);
  const record: ApologyRecord = { reason: body.reason, new_due_at: toDbTime(newDue), previous_due_at: row.due_at, by: actor.id, at };
  const version = row.version + 1;
  const updated = await tx.db
    .updateTable('cases')
    .set({ apology: JSON.stringify(record), due_at: record.new_due_at, nearly_due_at: null, version, updated_at: at })
    .where('id', '=', row.id)
    .where('version', '=', row.version)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new MotcuaError('versionConflict', 'The case changed meanwhile; reload it and try again.');
  await tx.db
    .insertInto('case_transitions')
    .values({ case_id: row.id, seq: version, event: 'case.apology', from_state: row.state, to_state: row.state, actor_id: actor.id, actor_role: roles[0] ?? null, unit_id: row.unit_id, input_digest: null, reason: body.reason, comment: null, at, procedure_version: row.procedure_version, request_id: meta.requestId })
    .execute();
  if (row.paused_since === null) {
    await writeTimers(tx, row.id, { arm: deadlineTimers(calendar, newDue, now, DEFAULT_WARN_BEFORE_MS), cancel: [], cancelDeadlineTimers: true, cancelAll: false }, now);
  }
  const active = JSON.parse(row.state) as string[];
  await appendAudit(tx, {
    time: at,
    actor: { id: actor.id, role: roles[0] ?? 'unknown' },
    unit: row.unit_id,
    case_id: row.id,
    procedure: `${row.procedure_id}@${row.procedure_version}`,
    event: 'case.apology',
    from: active,
    to: active,
    reason: body.reason,
    request_id: meta.requestId,
    input_digest: inputDigest({ new_due_at: record.new_due_at }, [], deps.auditKey),
    kind: 'case.apology',
    details: { new_due_at: record.new_due_at, previous_due_at: row.due_at },
  });
  return record;
}
