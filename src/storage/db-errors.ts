/**
 * Recognising database errors the service reacts to, on either dialect.
 */
import { dialectErrors } from './capabilities.js';

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `e` is a UNIQUE or PRIMARY KEY violation (e.g. a duplicate case code or idempotency key). */
export function isUniqueViolation(e: unknown): boolean {
  const code = codeOf(e);
  return code !== undefined && ([...dialectErrors.sqlite.uniqueViolation, ...dialectErrors.postgres.uniqueViolation] as string[]).includes(code);
}

/** True when `e` is a FOREIGN KEY violation (a row points at something that does not exist). */
export function isForeignKeyViolation(e: unknown): boolean {
  const code = codeOf(e);
  return code !== undefined && ([...dialectErrors.sqlite.foreignKeyViolation, ...dialectErrors.postgres.foreignKeyViolation] as string[]).includes(code);
}
