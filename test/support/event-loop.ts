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
