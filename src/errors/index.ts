/**
 * The one error type of motcua. Every failure a user can cause carries a stable `code`
 * (clients switch on it), an HTTP status (mapped to problem+json in one place, src/http),
 * and a message that says what to do next.
 */
export const ErrorCodes = {
  badRequest: { status: 400, title: 'Bad request' },
  invalidDuration: { status: 400, title: 'Invalid duration' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  notFound: { status: 404, title: 'Not found' },
  procedureNotFound: { status: 404, title: 'Procedure not found' },
  versionNotFound: { status: 404, title: 'Procedure version not found' },
  caseNotFound: { status: 404, title: 'Case not found' },
  methodNotAllowed: { status: 405, title: 'Method not allowed' },
  requestTimeout: { status: 408, title: 'Request timeout' },
  conflict: { status: 409, title: 'Conflict' },
  eventNotAllowed: { status: 409, title: 'Event not allowed' },
  versionConflict: { status: 409, title: 'Concurrent change' },
  idempotencyInFlight: { status: 409, title: 'Request with this Idempotency-Key is in progress' },
  alreadyExists: { status: 409, title: 'Already exists' },
  preconditionFailed: { status: 412, title: 'Precondition failed' },
  payloadTooLarge: { status: 413, title: 'Payload too large' },
  unsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  validationFailed: { status: 422, title: 'Validation failed' },
  definitionInvalid: { status: 422, title: 'Procedure definition has errors' },
  idempotencyMismatch: { status: 422, title: 'Idempotency-Key reused with a different request' },
  tooManyRequests: { status: 429, title: 'Too many requests' },
  headersTooLarge: { status: 431, title: 'Request header fields too large' },
  calendarYearMissing: { status: 422, title: 'Calendar year missing' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** Extra, machine-readable detail attached to a problem (e.g. field errors, findings). */
export type ProblemExtras = Record<string, unknown>;

/** A failure with a stable code; see {@link ErrorCodes}. */
export class MotcuaError extends Error {
  readonly code: ErrorCode;
  readonly extras: ProblemExtras;

  constructor(code: ErrorCode, message: string, extras: ProblemExtras = {}) {
    super(message);
    this.name = 'MotcuaError';
    this.code = code;
    this.extras = extras;
  }

  get status(): number {
    return ErrorCodes[this.code].status;
  }
}

/** True when `e` is a {@link MotcuaError}, optionally of one code. */
export function isMotcuaError(e: unknown, code?: ErrorCode): e is MotcuaError {
  return e instanceof MotcuaError && (code === undefined || e.code === code);
}

/** Converts zod issues to field errors as clients see them: a JSON pointer and a message. */
export function zodFieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): { path: string; message: string }[] {
  return issues.map((issue) => ({
    path: '/' + issue.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/'),
    message: issue.message,
  }));
}
