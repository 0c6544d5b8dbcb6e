/**
 * The reports API: the scorecard, satisfaction and the tracking book, as JSON or CSV for
 * spreadsheets (UTF-8 with a BOM, so Excel reads the Vietnamese). Officers see their subtree,
 * auditors and admins everything; a unit outside the caller's reach is 404.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { CSV_BOM } from '../../reports/index.js';
import type { ReportService } from '../../service/report-service.js';
import { SATISFACTION_GROUPINGS } from '../../service/report-satisfaction.js';
import { bearerOnly, requireActor, type AuthVariables } from '../auth.js';
import { LocalDateParam, problems } from '../schemas.js';

type Env = { Variables: AuthVariables };

const LocalDate = LocalDateParam();
const Period = {
  unit: z.string().min(1).max(64).optional().openapi({ description: "The unit whose subtree is reported on; default the caller's home unit." }),
  from: LocalDate.openapi({ description: 'First day of the period (YYYY-MM-DD, Việt Nam time, included).' }),
  to: LocalDate.openapi({ description: 'Last day of the period (YYYY-MM-DD, included).' }),
};
const Format = z.enum(['json', 'csv']).default('json').openapi({ description: '`csv` for spreadsheets (UTF-8 with BOM).' });

const CSV_CONTENT = { 'text/csv': { schema: z.string() } };

function csvHeaders(name: string): Record<string, string> {
  return { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` };
}

/** Streams text chunks as a UTF-8 body, pulling the next chunk only when the client reads. */
function streamText(first: string, chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const it = chunks[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(first));
        return;
      }
      const next = await it.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/** Registers the report routes. */
export function registerReportRoutes(app: OpenAPIHono<Env>, reports: ReportService): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/reports/scorecard',
      tags: ['reports'],
      summary: "The province's scorecard: every unit of the subtree scored, ranked among its siblings",
      description:
        "For each unit: each indicator's value with its numerator and denominator, its points, the group totals and the total (normally out of 100), and its rank among the units with the same parent. A unit's counts include its whole subtree. Without `phase`, each unit is scored by the phase in force for it on the last day of the period; units no phase covers are listed in `unscored`. docs/scorecard.md gives every formula.",
      ...bearerOnly,
      request: { query: z.object({ ...Period, phase: z.string().min(1).max(200).optional(), format: Format }) },
      responses: {
        200: { description: 'The scorecard', content: { 'application/json': { schema: z.record(z.string(), z.unknown()).openapi('ScorecardReport') }, ...CSV_CONTENT } },
        ...problems(400, 401, 404, 422),
      },
    }),
    async (c) => {
      const actor = requireActor(c);
      const { format, ...query } = c.req.valid('query');
      if (format === 'csv') {
        const csv = await reports.scorecardCsv(actor, query);
        return c.body(CSV_BOM + csv, 200, csvHeaders(`scorecard-${query.from}-${query.to}`)) as never;
      }
      return c.json((await reports.scorecard(actor, query)) as unknown as Record<string, unknown>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/reports/satisfaction',
      tags: ['reports'],
      summary: 'Citizen ratings of the dossiers closed in the period, by unit, procedure or receiving officer',
      ...bearerOnly,
      request: { query: z.object({ ...Period, by: z.enum(SATISFACTION_GROUPINGS).default('unit') }) },
      responses: { 200: { description: 'Counts per level, participation and satisfied share', content: { 'application/json': { schema: z.record(z.string(), z.unknown()).openapi('SatisfactionReport') } } }, ...problems(400, 401, 404) },
    }),
    async (c) => c.json((await reports.satisfaction(requireActor(c), c.req.valid('query'))) as unknown as Record<string, unknown>, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/reports/tracking-book',
      tags: ['reports'],
      summary: 'The tracking book (sổ theo dõi hồ sơ): one line per dossier received in the period',
      description: 'Applicants masked. JSON pages (oldest first; pass `next_cursor` back as `cursor`) or the whole book as CSV (streamed).',
      ...bearerOnly,
      request: {
        query: z.object({
          ...Period,
          format: Format,
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().max(500).optional(),
        }),
      },
      responses: {
        200: { description: 'A page of the book, or the book as CSV', content: { 'application/json': { schema: z.record(z.string(), z.unknown()).openapi('TrackingBookPage') }, ...CSV_CONTENT } },
        ...problems(400, 401, 404),
      },
    }),
    async (c) => {
      const actor = requireActor(c);
      const { format, limit, cursor, ...query } = c.req.valid('query');
      if (format === 'csv') {
        // Scope and dates are checked before the first byte, so a bad request is still a clean 4xx.
        const chunks = await reports.trackingBookCsv(actor, query);
        return new Response(streamText(CSV_BOM, chunks), { status: 200, headers: csvHeaders(`so-theo-doi-${query.from}-${query.to}`) }) as never;
      }
      return c.json((await reports.trackingBook(actor, { ...query, limit, cursor })) as unknown as Record<string, unknown>, 200);
    },
  );
}
