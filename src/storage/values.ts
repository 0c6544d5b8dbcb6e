/**
 * The portable value forms of the schema (see schema.ts) and the one place they are made.
 */
import { MotcuaError } from '../errors/index.js';
import type { IsoTime } from './schema.js';

/** An instant as stored: always `YYYY-MM-DDTHH:MM:SS.sssZ`, so string order is time order. */
export function toDbTime(instant: Date): IsoTime {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new MotcuaError('internal', 'cannot store an invalid Date; check where this instant was computed');
  return instant.toISOString();
}

/** Reads an instant stored by {@link toDbTime}. */
export function fromDbTime(value: IsoTime): Date {
  return new Date(value);
}

/** Like {@link fromDbTime} for nullable columns. */
export function fromDbTimeOrNull(value: IsoTime | null): Date | null {
  return value === null ? null : new Date(value);
}

const pathShape = /^\/(?:[^/]+\/)*$/;

/**
 * Bounds of a unit's subtree over materialised paths: rows with `from <= path < to` are the
 * unit and everything under it. A range (not `LIKE`) uses a plain index on both databases, is
 * case-sensitive everywhere, and needs no escaping of `%`/`_` in ids. Because every path ends in
 * '/', `/ha-tinh/xa-a/` never matches its sibling `/ha-tinh/xa-ab/`.
 */
export function subtreeBounds(path: string): { from: string; to: string } {
  if (!pathShape.test(path)) {
    throw new MotcuaError('internal', `unit path '${path}' must start and end with '/' (like '/ha-tinh/xa-cam-xuyen/')`);
  }
  // '0' is the code point right after '/', so the bound is the smallest string after every extension of the path.
  return { from: path, to: `${path.slice(0, -1)}0` };
}
