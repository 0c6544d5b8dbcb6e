/**
 * A token bucket per key for the public routes: `capacity` tries at once, refilled at `capacity`
 * per `windowMs`. Per client address, it is what makes a 6-digit PIN safe to expose: at 10 tries
 * a minute, trying all million PINs of a dossier takes about 70 days per address; per dossier
 * code, counting wrong PINs only, it holds off many addresses at once.
 *
 * In memory, per process: each node of a multi-node deployment counts on its own, so the
 * reverse proxy in front of them should rate-limit the public routes too (docs/scorecard.md).
 */
import type { Clock } from '../clock/index.js';

/** The answer of {@link RateLimiter.take}. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one try for `key` (a client address); refused with the seconds until the next one. */
  take(key: string): RateDecision;
  /** Whether a try for `key` would be allowed now, taking none. */
  check(key: string): RateDecision;
  /** Gives back a try taken for `key` (one that, as it turned out, does not count). */
  give(key: string): void;
}

export interface RateLimitOptions {
  /** Tries at once (the bucket's size). */
  capacity: number;
  /** Time to refill the whole bucket, in ms. */
  windowMs: number;
  clock: Clock;
  /**
   * Most addresses remembered. Past it, buckets that have refilled (they hold nothing worth
   * remembering) are forgotten first, then the oldest, so a flood of addresses cannot grow the
   * map without bound.
   */
  maxKeys?: number;
}

/** The default for PIN-checking routes: 10 tries a minute per address. */
export const PUBLIC_RATE_LIMIT = { capacity: 10, windowMs: 60_000 } as const;

/**
 * Wrong PINs per dossier code, whatever the address: 10 an hour. Many addresses together (a
 * botnet) then need ~11 years for a dossier's million PINs; its citizen, who has the receipt,
 * is held up at most an hour after ten wrong tries of someone else's.
 */
export const PIN_FAILURES_PER_CODE = { capacity: 10, windowMs: 60 * 60_000 } as const;

interface Bucket {
  tokens: number;
  at: number;
}

/** Creates a limiter; the clock is injected so tests move time instead of sleeping. */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { capacity, windowMs, clock } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  const perMs = capacity / windowMs;
  const buckets = new Map<string, Bucket>();

  const refill = (b: Bucket, now: number): void => {
    b.tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.at) * perMs);
    b.at = now;
  };

  const prune = (now: number): void => {
    for (const [key, b] of buckets) {
      refill(b, now);
      if (b.tokens >= capacity) buckets.delete(key);
    }
    // Room for the one being added.
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  };

  const retryAfter = (b: Bucket): RateDecision => ({ ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) });

  return {
    check(key) {
      const b = buckets.get(key);
      if (b === undefined) return { ok: true };
      refill(b, clock.now().getTime());
      return b.tokens >= 1 ? { ok: true } : retryAfter(b);
    },
    give(key) {
      const b = buckets.get(key);
      if (b === undefined) return;
      refill(b, clock.now().getTime());
      b.tokens = Math.min(capacity, b.tokens + 1);
    },
    take(key) {
      const now = clock.now().getTime();
      let b = buckets.get(key);
      if (b === undefined) {
        if (buckets.size >= maxKeys) prune(now);
        b = { tokens: capacity, at: now };
        buckets.set(key, b);
      } else refill(b, now);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return retryAfter(b);
    },
  };
}
