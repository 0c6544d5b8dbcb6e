/** GET /api/v1/calendar/due: the appointment date a desk officer can tell a citizen before intake. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { parseDuration } from '../../calendar/duration.js';
import type { WorkingCalendar } from '../../calendar/index.js';
import { MotcuaError } from '../../errors/index.js';
import type { AppEnv, HttpDeps } from '../app.js';
import { InstantParam, Problem } from '../schemas.js';

/** Working calendars by unit (a unit may override the national calendar). */
export interface CalendarProvider {
  /** The calendar that applies to `unitId` (the national one when omitted); unknown unit → notFound. */
  forUnit(unitId?: string): WorkingCalendar;
}

const DueQuery = z.object({
  from: InstantParam().openapi({ param: { name: 'from', in: 'query' }, example: '2026-02-13T09:00:00+07:00', description: 'ISO 8601 instant with offset.' }),
  duration: z.string().max(64).openapi({ param: { name: 'duration', in: 'query' }, example: '3 working days', description: '"3 working days", "½ working day", "0.5 working days", "4 working hours".' }),
  unit: z.string().max(64).optional().openapi({ param: { name: 'unit', in: 'query' }, description: 'Unit whose calendar overrides apply.' }),
});

const Due = z.object({ due_at: z.string().openapi({ example: '2026-02-25T10:00:00.000Z' }), from: z.string(), duration: z.string(), calendar: z.string() }).openapi('DueDate');

export function registerCalendarRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps & { calendars: CalendarProvider }): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/calendar/due',
      tags: ['calendar'],
      summary: 'When a duration of working time from an instant ends',
      description: 'Counts on the working-day calendar (weekends, public holidays, compensatory and swapped days). A deadline of N working days ends at closing time of the N-th working day after the day of receipt; arrivals outside office hours count from the next opening.',
      request: { query: DueQuery },
      responses: {
        200: { description: 'The due instant', content: { 'application/json': { schema: Due } } },
        400: { description: 'Junk instant or duration', content: { 'application/problem+json': { schema: Problem } } },
        404: { description: 'Unknown unit', content: { 'application/problem+json': { schema: Problem } } },
        422: { description: 'The calendar has no data for a year the deadline reaches into', content: { 'application/problem+json': { schema: Problem } } },
      },
    }),
    (c) => {
      const q = c.req.valid('query');
      const parsed = parseDuration(q.duration);
      if (!parsed.ok) throw new MotcuaError('invalidDuration', parsed.message);
      const calendar = deps.calendars.forUnit(q.unit);
      const due = calendar.addDuration(new Date(q.from), parsed.value);
      return c.json({ due_at: due.toISOString(), from: new Date(q.from).toISOString(), duration: q.duration, calendar: calendar.calendarId }, 200);
    },
  );
}
