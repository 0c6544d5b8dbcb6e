/** Schemas shared by many routes. */
import { z } from '@hono/zod-openapi';

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Stable machine-readable error code.' }),
    detail: z.string().openapi({ description: 'What went wrong and what to do.' }),
    instance: z.string().optional(),
  })
  .passthrough()
  .openapi('Problem');

/** OpenAPI `responses` entries for problem answers with these HTTP statuses. */
export function problems(...codes: number[]) {
  return Object.fromEntries(codes.map((code) => [code, { description: `Problem (${code})`, content: { 'application/problem+json': { schema: Problem } } }]));
}

/** A query parameter that is an instant: with its offset, so it means one moment everywhere. */
export const InstantParam = () =>
  z.iso.datetime({ offset: true, error: 'must be an instant with its offset, e.g. 2026-11-01T00:00:00+07:00 (in a URL write + as %2B) or 2026-10-31T17:00:00Z' });

/** A query parameter that is a local date. */
export const LocalDateParam = () => z.iso.date({ error: 'must be a date, YYYY-MM-DD, e.g. 2026-11-01' });
