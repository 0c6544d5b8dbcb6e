/**
 * GET /api/v1/calendar/due on the real motcua (createMotcua): the calendar of config/calendars
 * and the units of config/units.yaml, as `motcua serve` loads them.
 */
import { expect, it } from 'vitest';
import { describeEachMotcua } from './cases-fixture.js';

describeEachMotcua('GET /api/v1/calendar/due', (ctx) => {
  const due = (from: string, duration: string, unit?: string) =>
    ctx().call('nobody', 'GET', `/api/v1/calendar/due?from=${encodeURIComponent(from)}&duration=${encodeURIComponent(duration)}${unit ? `&unit=${unit}` : ''}`);

  it('counts 3 working days across Tết 2026 (16–20 Feb off)', async () => {
    // Received Friday 13 Feb 2026 09:00 local: day 1 = Mon 23, day 2 = Tue 24, day 3 = Wed 25, closing 17:00 (10:00Z).
    const res = await due('2026-02-13T09:00:00+07:00', '3 working days');
    expect(res.status).toBe(200);
    expect(res.body.due_at).toBe('2026-02-25T10:00:00.000Z');
  });

  it('accepts the fraction forms of the procedure language', async () => {
    const half = (await due('2026-03-02T08:00:00+07:00', '½ working day')).body;
    const alsoHalf = (await due('2026-03-02T08:00:00+07:00', '0.5 working days')).body;
    expect(half.due_at).toBe(alsoHalf.due_at);
    const hours = (await due('2026-03-02T08:00:00+07:00', '4 working hours')).body;
    // 08:00–11:30 is 3.5 h, then 30 minutes after 13:30 → 14:00 local = 07:00Z.
    expect(hours.due_at).toBe('2026-03-02T07:00:00.000Z');
  });

  it('answers junk with 400 problem+json', async () => {
    const bad = await due('2026-03-02T08:00:00+07:00', 'three days');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.code).toBe('invalidDuration');
    const badFrom = await due('yesterday', '3 working days');
    expect(badFrom.status).toBe(400);
  });

  it('refuses a deadline that reaches into a year missing from the calendar', async () => {
    const res = await due('2027-12-30T09:00:00+07:00', '5 working days');
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('calendarYearMissing');
    expect(res.body.detail).toContain('2028');
  });

  it('counts on the calendar of a unit of config/units.yaml', async () => {
    const res = await due('2026-02-13T09:00:00+07:00', '3 working days', 'thanh-sen');
    expect(res.status).toBe(200);
    expect(res.body.due_at).toBe('2026-02-25T10:00:00.000Z');
  });

  it('answers an unknown unit with 404 problem+json that says where the units are listed', async () => {
    const res = await due('2026-03-02T08:00:00+07:00', '1 working day', 'nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('notFound');
    expect(res.body.detail).toBe("No unit 'nowhere'; GET /api/v1/units lists the units.");
  });
});
