/**
 * The sweeper: claims due timers and fires each through the same service path as an
 * officer's event. At-least-once attempts (a lease expires if a sweeper dies), exactly-once
 * effect (the timer row is re-checked inside the firing transaction). Timers that fell due
 * while the server was down fire on start, earliest first.
 */
import { claimDueTimers } from '../storage/index.js';
import type { ServiceDeps } from './deps.js';
import { periodic } from './periodic.js';
import { fireTimerCommand, type FireOutcome } from './timer-fire.js';

export interface SweepReport {
  claimed: number;
  fired: number;
  skipped: number;
  refused: number;
  failed: number;
}

export interface Sweeper {
  /** Claims and fires every due timer (in batches) until none is due; returns counts. */
  sweepOnce(): Promise<SweepReport>;
  /** Sweeps every `intervalMs` in the background until {@link Sweeper.stop}. */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export interface SweeperOptions {
  /** Timers claimed per round. */
  batch?: number;
  /** How long a claim holds before another sweeper may take the timer again. */
  leaseMs?: number;
}

export function createSweeper(deps: ServiceDeps, options: SweeperOptions = {}): Sweeper {
  const batch = options.batch ?? 500;
  const leaseMs = options.leaseMs ?? 60_000;

  async function round(report: SweepReport): Promise<number> {
    const claimed = await deps.store.write((tx) => claimDueTimers(tx, deps.clock.now(), batch, leaseMs));
    report.claimed += claimed.length;
    // Fired concurrently so group commit can put many in one transaction; each stays all-or-nothing.
    const outcomes = await Promise.allSettled(claimed.map((t) => deps.store.write((tx) => fireTimerCommand(tx, deps, t.id))));
    for (const [i, o] of outcomes.entries()) {
      if (o.status === 'fulfilled') report[countKey(o.value)] += 1;
      else {
        report.failed += 1;
        // Failures become state: the lease expires and the timer is tried again later.
        deps.log(`sweeper: timer ${claimed[i]?.id} failed: ${o.reason instanceof Error ? o.reason.message : String(o.reason)}`);
      }
    }
    return claimed.length;
  }

  async function sweepOnce(): Promise<SweepReport> {
    const report: SweepReport = { claimed: 0, fired: 0, skipped: 0, refused: 0, failed: 0 };
    // Rounds until a round finds fewer than a full batch; failed timers wait for their lease.
    for (;;) {
      const n = await round(report);
      if (n < batch) return report;
    }
  }

  const work = periodic('sweeper', sweepOnce, deps.log);
  return { sweepOnce: work.runOnce, start: (intervalMs = 1_000) => work.start(intervalMs), stop: work.stop };
}

function countKey(outcome: FireOutcome): 'fired' | 'skipped' | 'refused' {
  return outcome;
}
