/** Reading one case row inside a transaction. */
import type { CaseRow, Tx } from '../storage/index.js';

/** The case row, or undefined. */
export async function loadCaseRow(tx: Tx, id: string): Promise<CaseRow | undefined> {
  return tx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}
