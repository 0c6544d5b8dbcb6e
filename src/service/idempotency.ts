/**
 * Idempotency-Key for POSTs. The stored response is written in the SAME transaction as the
 * command's effects, so a crash can never leave an effect without its record (a retry would
 * apply it twice) or a record without its effect. Keys are scoped per user.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical.js';
import { MotcuaError } from '../errors/index.js';
import { isUniqueViolation, toDbTime, type Store, type Tx } from '../storage/index.js';
import type { Clock } from '../clock/index.js';

/** A response as stored and replayed. */
export interface StoredResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

export interface IdempotencyScope {
  userId: string;
  key: string;
  /** What identifies "the same request": method, path and body. */
  request: unknown;
}

const KEY_SHAPE = /^[\x21-\x7e]{1,200}$/;

/** Checks the header's shape: printable ASCII, at most 200 characters. */
export function validIdempotencyKey(key: string): boolean {
  return KEY_SHAPE.test(key);
}

/** Requests running now, per process: a second request with the same key is told to wait (409). */
const inFlight = new Set<string>();

/**
 * Runs `command` once per (user, key): a repeat with the same request replays the stored
 * response; with a different request → 422; while the first still runs → 409.
 */
export async function idempotentWrite(
  store: Store,
  clock: Clock,
  scope: IdempotencyScope | null,
  command: (tx: Tx) => Promise<{ status: number; body: unknown }>,
): Promise<StoredResponse> {
  if (!scope) {
    const r = await store.write(command);
    return { ...r, replayed: false };
  }
  const hash = createHash('sha256').update(canonicalJson(scope.request)).digest('hex');
  const slot = `${scope.userId}\u0000${scope.key}`;
  if (inFlight.has(slot)) {
    throw new MotcuaError('idempotencyInFlight', 'A request with this Idempotency-Key is still being processed; retry after it completes.');
  }
  inFlight.add(slot);
  try {
    return await store.write(async (tx) => {
      const prior = await tx.db
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'status', 'response_status', 'response_body'])
        .where('user_id', '=', scope.userId)
        .where('key', '=', scope.key)
        .executeTakeFirst();
      if (prior) {
        if (prior.request_hash !== hash) {
          throw new MotcuaError('idempotencyMismatch', 'This Idempotency-Key was used for a different request; use a new key for a new request.');
        }
        return { status: prior.response_status ?? 200, body: JSON.parse(prior.response_body ?? 'null') as unknown, replayed: true };
      }
      const response = await command(tx);
      await tx.db
        .insertInto('idempotency_keys')
        .values({
          user_id: scope.userId,
          key: scope.key,
          request_hash: hash,
          status: 'done',
          response_status: response.status,
          response_body: JSON.stringify(response.body),
          created_at: toDbTime(clock.now()),
        })
        .execute();
      return { ...response, replayed: false };
    });
  } catch (e) {
    // Another node committed the same key first (PostgreSQL): its request is the one that counts.
    if (isUniqueViolation(e)) throw new MotcuaError('idempotencyInFlight', 'A request with this Idempotency-Key is being processed elsewhere; retry to get its response.');
    throw e;
  } finally {
    inFlight.delete(slot);
  }
}
