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
