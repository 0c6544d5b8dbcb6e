import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/clock/index.js';
import { createWorkingCalendar, loadCalendar } from '../../src/calendar/index.js';
import { MotcuaError } from '../../src/errors/index.js';
import { createApp } from '../../src/http/app.js';
import { json } from '../support/http.js';

const path = 'config/calendars/vn.yaml';
const { calendar } = loadCalendar(readFileSync(path, 'utf8'), path);
const national = createWorkingCalendar(calendar);
const app = createApp({
  clock: createManualClock('2026-02-10T02:00:00Z'),
  procedures: { ids: () => [], versionsOf: () => [], get: () => undefined, inForce: () => undefined },
  calendars: {
    forUnit: (unit) => {
      if (unit === undefined || unit === 'thanh-sen') return national;
      throw new MotcuaError('notFound', `no unit '${unit}'`);
    },
  },
});

const due = (from: string, duration: string, unit?: string) =>
  app.request(`/api/v1/calendar/due?from=${encodeURIComponent(from)}&duration=${encodeURIComponent(duration)}${unit ? `&unit=${unit}` : ''}`);

describe('GET /api/v1/calendar/due', () => {
  it('counts 3 working days across Tết 2026 (16–20 Feb off)', async () => {
    // Received Friday 13 Feb 2026 09:00 local: day 1 = Mon 23, day 2 = Tue 24, day 3 = Wed 25, closing 17:00 (10:00Z).
    const res = await due('2026-02-13T09:00:00+07:00', '3 working days');
    expect(res.status).toBe(200);
    expect((await json(res)).due_at).toBe('2026-02-25T10:00:00.000Z');
  });

  it('accepts the fraction forms of the procedure language', async () => {
    const half = await json(await due('2026-03-02T08:00:00+07:00', '½ working day'));
    const alsoHalf = await json(await due('2026-03-02T08:00:00+07:00', '0.5 working days'));
    expect(half.due_at).toBe(alsoHalf.due_at);
    const hours = await json(await due('2026-03-02T08:00:00+07:00', '4 working hours'));
    // 08:00–11:30 is 3.5 h, then 30 minutes after 13:30 → 14:00 local = 07:00Z.
    expect(hours.due_at).toBe('2026-03-02T07:00:00.000Z');
  });

  it('answers junk with 400 problem+json', async () => {
    const bad = await due('2026-03-02T08:00:00+07:00', 'three days');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(bad)).code).toBe('invalidDuration');
    const badFrom = await due('yesterday', '3 working days');
    expect(badFrom.status).toBe(400);
  });

  it('refuses a deadline that reaches into a year missing from the calendar', async () => {
    const res = await due('2027-12-30T09:00:00+07:00', '5 working days');
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.code).toBe('calendarYearMissing');
    expect(body.detail).toContain('2028');
  });

  it('answers an unknown unit with 404', async () => {
    expect((await due('2026-03-02T08:00:00+07:00', '1 working day', 'nowhere')).status).toBe(404);
  });
});
