/**
 * Housekeeping a long-running server does now and then: forgetting Idempotency-Keys past their
 * day (idempotency.ts). Each round deletes in small transactions between requests.
 */
import type { ServiceDeps } from './deps.js';
import { forgetExpiredKeys } from './idempotency.js';

export interface HousekeepingReport {
  idempotencyKeys: number;
}

export interface Housekeeping {
  runOnce(): Promise<HousekeepingReport>;
  /** Runs every `intervalMs` (default 10 minutes) in the background until {@link Housekeeping.stop}. */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export function createHousekeeping(deps: Pick<ServiceDeps, 'store' | 'clock' | 'log'>): Housekeeping {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<HousekeepingReport> | undefined;
  const runOnce = () => {
    running ??= (async () => ({ idempotencyKeys: await forgetExpiredKeys(deps.store, deps.clock.now()) }))().finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    runOnce,
    start(intervalMs = 10 * 60 * 1000) {
      if (timer) return;
      const tick = () => {
        runOnce().catch((e: unknown) => deps.log(`housekeeping: ${e instanceof Error ? e.message : String(e)}`));
      };
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
