/**
 * The clock `motcua serve` uses under MOTCUA_CLOCK_START: it starts at the instant it is given
 * and runs on by the time that really passes (here an injected source, moved by hand).
 */
import { describe, expect, it } from 'vitest';
import { createClockStartingAt } from '../../src/clock/index.js';

const START = new Date('2026-03-02T02:00:00Z');

describe('a clock starting at a fixed instant', () => {
  it('reads the start instant first, then moves by the time elapsed since it was made', () => {
    // The source's own reading at creation is not the start: only what elapses after it counts.
    let elapsed = 12_345.6;
    const clock = createClockStartingAt(START, () => elapsed);
    expect(clock.now().toISOString()).toBe('2026-03-02T02:00:00.000Z');
    elapsed += 1_500;
    expect(clock.now().toISOString()).toBe('2026-03-02T02:00:01.500Z');
    elapsed += 3 * 24 * 60 * 60 * 1000;
    expect(clock.now().toISOString()).toBe('2026-03-05T02:00:01.500Z');
  });

  it('refuses a start that is not an instant', () => {
    expect(() => createClockStartingAt(new Date('next monday'), () => 0)).toThrow(/not a valid instant/);
  });
});
