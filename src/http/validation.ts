/** Turns zod validation failures of route schemas into problem+json with every field error. */
import type { z } from 'zod';
import { zodFieldErrors } from '../errors/index.js';
import { problemResponse } from './problem.js';

type Result = { success: true } | { success: false; error: z.ZodError; target: string; data?: unknown };

/** The default hook of the OpenAPI app: query/path junk is 400, body errors are 422. */
export function validationHook(result: Result, c: { req: { path: string } }): Response | undefined {
  return bodyValidationHook(() => [])(result, c);
}

/**
 * A hook that adds the errors `more` finds in the raw body (e.g. the dossier data, checked against
 * its procedure) to the schema's own, so one answer lists every fault.
 */
export function bodyValidationHook(more: (body: unknown) => { path: string; message: string }[]) {
  return (result: Result, c: { req: { path: string } }): Response | undefined => {
    if (result.success) return undefined;
    const errors = [...zodFieldErrors(result.error.issues), ...(result.target === 'json' ? more(result.data) : [])];
    const where = result.target === 'json' ? 'body' : result.target;
    const detail = `The request ${where} is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
    return problemResponse(result.target === 'json' ? 'validationFailed' : 'badRequest', detail, { errors }, c.req.path);
  };
}
