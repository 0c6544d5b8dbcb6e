/**
 * The engine's vocabulary: who acts, what they send, what the engine answers. Everything here
 * is plain data, so the case service can persist it and tests can compare it.
 */
import type { Duration } from '../calendar/duration.js';
import type { FieldError } from '../definitions/data-schema.js';

/** Who sends an event: an officer with roles, or the system (timers). */
export interface Actor {
  id: string;
  roles: readonly string[];
  /** The system sends only role-less events (delayed events fired by timers); users never may. */
  system?: boolean;
}

/** What guards may read besides the event input: the dossier data and case facts (channel, flags). */
export interface Facts {
  data: Record<string, unknown>;
  case: Record<string, unknown>;
}

/** An event as a client sends it. */
export interface EngineEventInput {
  type: string;
  input?: Record<string, unknown> | undefined;
}

/** A nested state value, as XState writes it: `"received"` or `{ checks: { police: "pending", ward: "done" } }`. */
export type StateValue = string | { [region: string]: StateValue };

/**
 * The persisted form of a case's position in its procedure. Plain JSON: store it as is and hand
 * it back to {@link step}; it is restored against the pinned procedure version.
 */
export interface EngineSnapshot {
  status: 'active' | 'done';
  value: StateValue;
  [extra: string]: unknown;
}

/** What the service must do after a step, in this order, inside the same transaction. */
export type Effect =
  /** Store a durable timer: after `duration` of working time from `at`, the system sends `event`. */
  | { kind: 'timer.set'; key: string; state: string; event: string; duration: Duration; at: string }
  /** Delete the timer with this key (its state was left). */
  | { kind: 'timer.cancel'; key: string; state: string; event: string }
  /** The statutory clock stops (entered a `clock: paused` state, e.g. waiting for a supplement). */
  | { kind: 'clock.pause'; state: string }
  /** The statutory clock runs again (left the paused state). */
  | { kind: 'clock.resume'; state: string }
  /** The dossier was received complete: the statutory deadline starts counting now. */
  | { kind: 'clock.start' }
  /** The case reached a top-level final state. */
  | { kind: 'case.closed'; state: string; outcome: string | null };

/** A field of an event input that failed validation: a JSON pointer (`/reason`) and what is wrong. */
export type { FieldError };

/** Why a step was refused; maps to HTTP 409 / 403 / 422 / 409 in the service. */
export type StepErrorCode = 'eventNotAllowed' | 'forbidden' | 'validationFailed' | 'guardFailed';

/** A successful step. `from`/`to` are active leaf state names before and after. */
export interface StepOk {
  ok: true;
  snapshot: EngineSnapshot;
  from: string[];
  to: string[];
  /** National status code of the state reached (null when no state on the path names one). */
  status: number | null;
  effects: Effect[];
  transition: {
    event: string;
    /** The actor's roles that the taken transition allows (empty for the system). */
    roles: string[];
    /** `input.reason`, when the event carries one. */
    reason?: string;
  };
}

/** A refused step: nothing changed. `allowed` lists the events this actor may send now. */
export interface StepRefused {
  ok: false;
  code: StepErrorCode;
  message: string;
  allowed: string[];
  fieldErrors?: FieldError[];
}

export type StepResult = StepOk | StepRefused;

/** The result of opening a case. */
export interface StartResult {
  snapshot: EngineSnapshot;
  active: string[];
  status: number | null;
  effects: Effect[];
}

/** An event the actor may send now, for buttons and `GET /cases/{id}/events`. */
export interface AvailableEvent {
  type: string;
  title: string | null;
  /** The state it leads to; null for an event that records without changing state. */
  to: string | null;
  /** JSON Schema of the input (additionalProperties false). */
  inputSchema: Record<string, unknown>;
}
