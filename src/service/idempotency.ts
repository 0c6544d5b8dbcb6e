/**
 * Idempotency-Key for POSTs. The stored response is written in the SAME transaction as the
 * command's effects, so a crash can never leave an effect without its record (a retry would
 * apply it twice) or a record without its effect. Keys are scoped per user and remembered for
 * {@link IDEMPOTENCY_KEEP_MS}: a retry comes within minutes, and a remembered response is a
 * copy of the case as it was, so it is not kept for ever (housekeeping deletes old ones).
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

/** How long a key is remembered; after that the same key starts a new request. */
export const IDEMPOTENCY_KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * How a response is kept and given back, for responses holding what must not lie in the
 * database as it is: a PIN (kept encrypted), a token (not kept: a replay shows null).
 */
export interface StoredForm {
  toStored(body: unknown): unknown;
  fromStored(stored: unknown): unknown;
}

const KEY_SHAPE = /^[\x21-\x7e]{1,200}$/;

/** What a client is told when its key has another shape. */
export const KEY_SHAPE_MESSAGE = 'Idempotency-Key must be 1–200 visible ASCII characters with no spaces, e.g. a UUID.';

/** Checks the header's shape: visible ASCII (no spaces), at most 200 characters. */
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
  form?: StoredForm,
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
        .select(['request_hash', 'status', 'response_status', 'response_body', 'created_at'])
        .where('user_id', '=', scope.userId)
        .where('key', '=', scope.key)
        .executeTakeFirst();
      const now = clock.now();
      if (prior && new Date(prior.created_at).getTime() <= now.getTime() - IDEMPOTENCY_KEEP_MS) {
        // Forgotten (housekeeping may not have deleted it yet): the key starts a new request.
        await tx.db.deleteFrom('idempotency_keys').where('user_id', '=', scope.userId).where('key', '=', scope.key).execute();
      } else if (prior) {
        if (prior.request_hash !== hash) {
          throw new MotcuaError('idempotencyMismatch', 'This Idempotency-Key was used for a different request; use a new key for a new request.');
        }
        const stored = JSON.parse(prior.response_body ?? 'null') as unknown;
        return { status: prior.response_status ?? 200, body: form ? form.fromStored(stored) : stored, replayed: true };
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
          response_body: JSON.stringify(form ? form.toStored(response.body) : response.body),
          created_at: toDbTime(now),
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

/**
 * Deletes the keys {@link IDEMPOTENCY_KEEP_MS} old or older (as the lookup forgets them), oldest
 * first, `batch` per transaction so the writer is never held long; returns how many went.
 */
export async function forgetExpiredKeys(store: Store, now: Date, batch = 1000): Promise<number> {
  const cutoff = toDbTime(new Date(now.getTime() - IDEMPOTENCY_KEEP_MS));
  let deleted = 0;
  for (;;) {
    const n = await store.write(async (tx) => {
      // The created_at of the batch-th oldest expired key bounds this round (ties may add a few).
      const edge = await tx.db.selectFrom('idempotency_keys').select('created_at').where('created_at', '<=', cutoff).orderBy('created_at').offset(batch - 1).limit(1).executeTakeFirst();
      const r = await tx.db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<=', edge ? edge.created_at : cutoff)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    });
    deleted += n;
    if (n < batch) return deleted;
  }
}
