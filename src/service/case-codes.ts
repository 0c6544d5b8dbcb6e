/**
 * Human dossier codes: `<unit code>-<yymmdd>-<nnnn>`, e.g. `HT.TS-261128-0001`, numbered per
 * unit and day (Asia/Ho_Chi_Minh). The counter row is updated in the command's transaction,
 * so two dossiers never get one number and a rolled-back intake does not burn one.
 */
import type { UnitInfo } from '../auth/units.js';
import { vnDate } from '../clock/index.js';
import type { Tx } from '../storage/index.js';

/** The next code for a dossier received at `unit` on the local day of `now`. */
export async function nextCaseCode(tx: Tx, unit: UnitInfo, now: Date): Promise<string> {
  const day = vnDate(now);
  // One atomic upsert, not read-then-write: on PostgreSQL two intakes at the same desk run in
  // parallel transactions, and a read-then-write either inserted the day's row twice (unique
  // violation) or handed both the same number. The upsert waits on the row instead.
  const { last: next } = await tx.db
    .insertInto('code_counters')
    .values({ unit_id: unit.id, day, last: 1 })
    .onConflict((oc) => oc.columns(['unit_id', 'day']).doUpdateSet((eb) => ({ last: eb(eb.ref('code_counters.last'), '+', 1) })))
    .returning('last')
    .executeTakeFirstOrThrow();
  return `${unit.code}-${day.slice(2).replaceAll('-', '')}-${String(next).padStart(4, '0')}`;
}
