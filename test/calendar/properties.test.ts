import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorkingCalendar, type Duration } from '../../src/calendar/index.js';
import { at, HOUR, local, localDate, MINUTE, vnCalendar } from './helpers.js';

const cal = createWorkingCalendar(vnCalendar);

// Instants from 1 Jan 2025 to 1 Oct 2027, so that 60 working days never leave the calendar.
const START = at('2025-01-01 00:00').getTime();
const END = at('2027-10-01 00:00').getTime();
/** Any millisecond, or (half the time) a half-hour mark, so that boundaries like 11:30 and 17:00 are hit often. */
const instant = fc.oneof(
  fc.integer({ min: START, max: END }).map((ms) => new Date(ms)),
  fc.integer({ min: START / (30 * MINUTE), max: END / (30 * MINUTE) }).map((h) => new Date(h * 30 * MINUTE)),
);
/** Office time up to `days` working days: any millisecond, or whole quarter-hours (which end exactly at closes). */
const officeAmount = (min: number, days: number): fc.Arbitrary<number> =>
  fc.oneof(fc.integer({ min, max: days * 7.5 * HOUR }), fc.integer({ min, max: days * 30 }).map((q) => q * 15 * MINUTE));
/** Instants on whole minutes, for the brute-force model. */
const minuteInstant = fc.integer({ min: START / MINUTE, max: END / MINUTE }).map((m) => new Date(m * MINUTE));

const wholeDays = fc.integer({ min: 1, max: 60 }).map((n): Duration => ({ amount: n, unit: 'working_days' }));
const halfDays = fc.integer({ min: 1, max: 80 }).map((h): Duration => ({ amount: h / 2, unit: 'working_days' }));
const hours = fc.integer({ min: 1, max: 200 }).map((h): Duration => ({ amount: h / 2, unit: 'working_hours' }));
const anyDuration = fc.oneof(wholeDays, halfDays, hours);

/** Office time in [a, b) counted minute by minute from the calendar's day answers: an independent model. */
function bruteForceOfficeMinutes(a: Date, b: Date): number {
  let minutes = 0;
  for (let t = a.getTime(); t < b.getTime(); t += MINUTE) {
    const d = new Date(t);
    if (!cal.isWorkingDay(localDate(d))) continue;
    const hm = local(d).slice(11, 16);
    if ((hm >= '07:30' && hm < '11:30') || (hm >= '13:30' && hm < '17:00')) minutes++;
  }
  return minutes;
}

describe('properties of the counting rule', () => {
  it('is monotonic in the start: t1 ≤ t2 ⇒ due(t1) ≤ due(t2)', () => {
    fc.assert(
      fc.property(instant, instant, anyDuration, (a, b, d) => {
        const [t1, t2] = a <= b ? [a, b] : [b, a];
        expect(cal.addDuration(t1, d).getTime()).toBeLessThanOrEqual(cal.addDuration(t2, d).getTime());
      }),
      { numRuns: 500 },
    );
  });

  it('is monotonic in the amount: n1 ≤ n2 ⇒ due(n1) ≤ due(n2), whole and fractional days', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 80 }), (t, x, y) => {
        const [n1, n2] = x <= y ? [x / 2, y / 2] : [y / 2, x / 2];
        const d1 = cal.addDuration(t, { amount: n1, unit: 'working_days' });
        const d2 = cal.addDuration(t, { amount: n2, unit: 'working_days' });
        expect(d1.getTime()).toBeLessThanOrEqual(d2.getTime());
      }),
      { numRuns: 500 },
    );
  });

  it('never puts a due date on a day off, and day deadlines end at closing time', () => {
    fc.assert(
      fc.property(instant, anyDuration, (t, d) => {
        const due = cal.addDuration(t, d);
        expect(cal.isWorkingDay(localDate(due))).toBe(true);
        expect(due.getTime()).toBeGreaterThan(t.getTime());
        if (d.unit === 'working_days' && Number.isInteger(d.amount)) expect(local(due).slice(11)).toBe('17:00');
      }),
      { numRuns: 1000 },
    );
  });

  it('a day deadline has exactly N working days after the day of receipt', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 60 }), (t, n) => {
        const due = cal.addDuration(t, { amount: n, unit: 'working_days' });
        expect(cal.workingDaysBetween(cal.nextOpening(t), due)).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it('workingTimeBetween(t, addOfficeTime(t, x)) == x', () => {
    fc.assert(
      fc.property(instant, officeAmount(0, 60), (t, x) => {
        expect(cal.workingTimeBetween(t, cal.addOfficeTime(t, x))).toBe(x);
      }),
      { numRuns: 1000 },
    );
  });

  it('addOfficeTime gives the earliest such instant (a day deadline plus office time ends at a close, not the next opening)', () => {
    fc.assert(
      fc.property(instant, officeAmount(1, 60), (t, x) => {
        const end = cal.addOfficeTime(t, x);
        expect(cal.workingTimeBetween(t, new Date(end.getTime() - 1))).toBe(x - 1);
      }),
      { numRuns: 1000 },
    );
  });

  it('workingTimeBetween(subtractOfficeTime(t, x), t) == x', () => {
    fc.assert(
      // From April 2025, so that 40 working days back stay inside the calendar.
      fc.property(instant.filter((t) => t >= at('2025-04-01 00:00')), officeAmount(0, 40), (t, x) => {
        const s = cal.subtractOfficeTime(t, x);
        expect(s.getTime()).toBeLessThanOrEqual(t.getTime());
        expect(cal.workingTimeBetween(s, t)).toBe(x);
        // Earliest: one millisecond before it, there is more office time than x.
        if (x > 0) expect(cal.workingTimeBetween(new Date(s.getTime() - 1), t)).toBe(x + 1);
      }),
      { numRuns: 1000 },
    );
  });

  it('workingTimeBetween agrees with a minute-by-minute count', () => {
    fc.assert(
      fc.property(minuteInstant, fc.integer({ min: 0, max: 6 * 24 * 60 }), (a, span) => {
        const b = new Date(a.getTime() + span * MINUTE);
        expect(cal.workingTimeBetween(a, b)).toBe(bruteForceOfficeMinutes(a, b) * MINUTE);
      }),
      { numRuns: 150 },
    );
  });

  it('a pause never moves the deadline earlier, and a pause with no office time moves nothing', () => {
    fc.assert(
      // Pauses up to 60 calendar days, so the moved deadline stays inside the calendar.
      fc.property(instant, instant, fc.integer({ min: 0, max: 60 * 24 * HOUR }), (due, from, span) => {
        const to = new Date(from.getTime() + span);
        const moved = cal.extendForPause(due, from, to);
        expect(moved.getTime()).toBeGreaterThanOrEqual(due.getTime());
        if (cal.workingTimeBetween(from, to) === 0) expect(moved.getTime()).toBe(due.getTime());
        else expect(cal.workingTimeBetween(due, moved)).toBe(cal.workingTimeBetween(from, to));
      }),
      { numRuns: 500 },
    );
  });
});
