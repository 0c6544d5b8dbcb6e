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
  const current = await tx.db.selectFrom('code_counters').select('last').where('unit_id', '=', unit.id).where('day', '=', day).executeTakeFirst();
  const next = (current?.last ?? 0) + 1;
  if (current) {
    await tx.db.updateTable('code_counters').set({ last: next }).where('unit_id', '=', unit.id).where('day', '=', day).execute();
  } else {
    await tx.db.insertInto('code_counters').values({ unit_id: unit.id, day, last: next }).execute();
  }
  return `${unit.code}-${day.slice(2).replaceAll('-', '')}-${String(next).padStart(4, '0')}`;
}
