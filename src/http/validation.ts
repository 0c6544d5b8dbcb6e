/** Turns zod validation failures of route schemas into problem+json with every field error. */
import type { z } from 'zod';
import { zodFieldErrors } from '../errors/index.js';
import { problemResponse } from './problem.js';

/** The default hook of the OpenAPI app: query/path junk is 400, body errors are 422. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target: string },
  c: { req: { path: string } },
): Response | undefined {
  if (result.success) return undefined;
  const errors = zodFieldErrors(result.error.issues);
  const where = result.target === 'json' ? 'body' : result.target;
  const detail = `The request ${where} is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
  return problemResponse(result.target === 'json' ? 'validationFailed' : 'badRequest', detail, { errors }, c.req.path);
}
