/**
 * Housekeeping a long-running server does now and then: forgetting Idempotency-Keys past their
 * day (idempotency.ts). Each round deletes in small transactions between requests.
 */
import type { ServiceDeps } from './deps.js';
import { forgetExpiredKeys } from './idempotency.js';
import { periodic } from './periodic.js';

export interface HousekeepingReport {
  idempotencyKeys: number;
}

export interface Housekeeping {
  runOnce(): Promise<HousekeepingReport>;
  /** Runs every `intervalMs` (default 10 minutes) in the background until {@link Housekeeping.stop}. */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

/** The housekeeping of one server (`motcua serve` starts it). */
export function createHousekeeping(deps: Pick<ServiceDeps, 'store' | 'clock' | 'log'>): Housekeeping {
  const work = periodic('housekeeping', async () => ({ idempotencyKeys: await forgetExpiredKeys(deps.store, deps.clock.now()) }), deps.log);
  return { runOnce: work.runOnce, start: (intervalMs = 10 * 60 * 1000) => work.start(intervalMs), stop: work.stop };
}
