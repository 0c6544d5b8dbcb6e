/**
 * Background work run now and then (the timer sweep, housekeeping): one round at a time, a round
 * asked for while one runs joins it, a failed round is logged and the next one tries again.
 */

export interface Periodic<T> {
  /** Runs a round now, or joins the one running. */
  runOnce(): Promise<T>;
  /** Runs a round at once, then every `intervalMs`, until {@link Periodic.stop}; the timer does not keep the process alive. */
  start(intervalMs: number): void;
  /** Stops the timer and waits for a running round. */
  stop(): Promise<void>;
}

/** Runs `round` as background work; `name` starts the line a failed round is logged with. */
export function periodic<T>(name: string, round: () => Promise<T>, log: (line: string) => void): Periodic<T> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T> | undefined;
  const runOnce = (): Promise<T> => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    runOnce,
    start(intervalMs) {
      if (timer) return;
      const tick = () => {
        runOnce().catch((e: unknown) => log(`${name}: ${e instanceof Error ? e.message : String(e)}`));
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
