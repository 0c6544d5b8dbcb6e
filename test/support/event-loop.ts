import { sql } from 'kysely';
import { resolveStoreConfig } from '../../src/storage/index.js';

/**
 * How many turns the event loop took while `work` ran: a request waiting for its turn would
 * have been answered in one of them. Zero means `work` held the loop from start to end.
 */
export async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    running = false;
  }
  return turns;
}

/** A read that takes a while (hundreds of ms) on any machine: counting to three million, a row at a time. */
export const SLOW_COUNT = sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select count(*) as n from c`;

/** Long-read threads of a store opened with the default settings (`longReadThreads`). */
export const LONG_READ_THREADS = resolveStoreConfig({ dataDir: '.' }).longReadThreads;
