/**
 * The statutory clock of a case, as column updates: start (set the appointment date), pause
 * (waiting for the citizen), resume (move the appointment date later by the paused working
 * time), close. Pure: takes the case's clock fields and the engine's effects, returns the new
 * fields and the timers to arm or cancel.
 */
import type { WorkingCalendar } from '../calendar/index.js';
import type { Duration } from '../calendar/duration.js';
import type { ProcedureDefinition } from '../definitions/schema.js';
import { parseDuration } from '../calendar/duration.js';
import { parseExpression, evaluateGuard } from '../definitions/expressions.js';
import type { Effect } from '../engine/index.js';

/** The clock fields of a case row, as instants. */
export interface CaseClock {
  clockStartedAt: Date | null;
  dueAt: Date | null;
  pausedSince: Date | null;
  pausedMs: number;
  supplementCount: number;
  closedAt: Date | null;
  outcome: string | null;
}

/** A timer to store: `after` timers fire a procedure event; deadline timers record warnings. */
export interface TimerPlan {
  kind: 'after' | 'deadline.warning' | 'deadline.due';
  event: string;
  state: string;
  dueAt: Date;
}

export interface ClockChange {
  clock: CaseClock;
  arm: TimerPlan[];
  /** Cancel pending `after` timers armed by these (state, event) pairs. */
  cancel: { state: string; event: string }[];
  /** Cancel the pending deadline timers (the clock paused, moved or the case closed). */
  cancelDeadlineTimers: boolean;
  cancelAll: boolean;
}

/** The statutory deadline for this dossier: the default, or the first rule whose condition holds. */
export function resolveDeadline(def: ProcedureDefinition, data: Record<string, unknown>, caseFacts: Record<string, unknown>): Duration {
  const spec = def.deadline;
  const text =
    typeof spec === 'string'
      ? spec
      : (spec.rules.find((rule) => {
          const parsed = parseExpression(rule.when);
          return parsed.ok && evaluateGuard(parsed.expression, { data, input: {}, case: caseFacts }).pass;
        })?.duration ?? spec.default);
  const parsed = parseDuration(text);
  // The checker refuses definitions with bad durations, so this is a broken invariant, not user input.
  if (!parsed.ok) throw new Error(`procedure ${def.id} v${def.version} has an invalid deadline: ${parsed.message}`);
  return parsed.value;
}

/** States whose entry counts as a request to supplement (national status 5). */
function isSupplementState(def: ProcedureDefinition, state: string): boolean {
  const visit = (states: ProcedureDefinition['states']): boolean | undefined => {
    for (const [name, node] of Object.entries(states)) {
      if (name === state) return node.status === 5;
      const inner = node.states ? visit(node.states) : undefined;
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return visit(def.states) ?? false;
}

/** Deadline timers for a running clock: a warning one working day (configurable) before, and the due instant. */
export function deadlineTimers(calendar: WorkingCalendar, dueAt: Date, now: Date, warnBeforeMs: number): TimerPlan[] {
  const warnAt = calendar.subtractOfficeTime(dueAt, warnBeforeMs);
  return [
    { kind: 'deadline.warning', event: 'deadline.warning', state: '*', dueAt: warnAt < now ? now : warnAt },
    { kind: 'deadline.due', event: 'deadline.missed', state: '*', dueAt },
  ];
}

/** Applies the engine's effects to the clock. */
export function applyClockEffects(args: {
  def: ProcedureDefinition;
  clock: CaseClock;
  effects: readonly Effect[];
  calendar: WorkingCalendar;
  now: Date;
  data: Record<string, unknown>;
  caseFacts: Record<string, unknown>;
  warnBeforeMs: number;
}): ClockChange {
  const { def, calendar, now, effects } = args;
  const clock = { ...args.clock };
  const change: ClockChange = { clock, arm: [], cancel: [], cancelDeadlineTimers: false, cancelAll: false };
  for (const effect of effects) {
    switch (effect.kind) {
      case 'timer.set': {
        change.arm.push({ kind: 'after', event: effect.event, state: effect.state, dueAt: calendar.addDuration(new Date(effect.at), effect.duration) });
        break;
      }
      case 'timer.cancel':
        change.cancel.push({ state: effect.state, event: effect.event });
        break;
      case 'clock.start': {
        // Receiving a dossier again after it was returned restarts nothing: the first receipt counts.
        if (clock.clockStartedAt) break;
        clock.clockStartedAt = now;
        clock.dueAt = calendar.addDuration(now, resolveDeadline(def, args.data, args.caseFacts));
        if (!clock.pausedSince) change.arm.push(...deadlineTimers(calendar, clock.dueAt, now, args.warnBeforeMs));
        break;
      }
      case 'clock.pause': {
        if (isSupplementState(def, effect.state)) clock.supplementCount += 1;
        if (clock.pausedSince) break;
        clock.pausedSince = now;
        if (clock.dueAt) change.cancelDeadlineTimers = true;
        break;
      }
      case 'clock.resume': {
        if (!clock.pausedSince) break;
        // Only pauses of a running clock count: waiting for a supplement before the dossier was
        // received as complete is not part of the handling time the scorecard subtracts it from.
        if (clock.clockStartedAt) clock.pausedMs += calendar.workingTimeBetween(clock.pausedSince, now);
        if (clock.dueAt) {
          clock.dueAt = calendar.extendForPause(clock.dueAt, clock.pausedSince, now);
          change.cancelDeadlineTimers = true;
          change.arm.push(...deadlineTimers(calendar, clock.dueAt, now, args.warnBeforeMs));
        }
        clock.pausedSince = null;
        break;
      }
      case 'case.closed':
        clock.closedAt = now;
        clock.outcome = effect.outcome;
        change.cancelAll = true;
        break;
    }
  }
  if (change.cancelAll) change.arm = [];
  return change;
}
