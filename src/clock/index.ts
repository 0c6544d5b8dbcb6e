/**
 * Time is a dependency: nothing outside this module reads the system clock, so tests
 * can drive time forward without sleeping.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export interface ManualClock extends Clock {
  set(instant: Date | string): void;
  advance(ms: number): void;
}

/** Creates a {@link ManualClock} starting at `start`. */
export function createManualClock(start: Date | string): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (instant) => {
      current = new Date(instant).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/**
 * A clock that reads `start` when it is made and then runs at real speed, so `motcua serve` can
 * live on a known date for tests and demos (MOTCUA_CLOCK_START). Deadlines are working days of
 * the shipped calendar: on the machine's date a test fails once that date passes the calendar's
 * last year. Elapsed time comes from a monotonic source (tests inject one), so setting the
 * machine's clock does not move this one.
 */
export function createClockStartingAt(start: Date, elapsedMs: () => number = () => performance.now()): Clock {
  const startMs = start.getTime();
  if (Number.isNaN(startMs)) throw new RangeError('createClockStartingAt: start is not a valid instant');
  const origin = elapsedMs();
  return { now: () => new Date(startMs + Math.floor(elapsedMs() - origin)) };
}

/** Vietnam has used UTC+7 without daylight saving since 1975. */
export const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

/** The calendar date (YYYY-MM-DD) of an instant in Asia/Ho_Chi_Minh. */
export function vnDate(instant: Date): string {
  return new Date(instant.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}
