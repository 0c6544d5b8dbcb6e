/** Reading one case row inside a transaction. */
import { prepared, type CaseRow, type Tx } from '../storage/index.js';

/** The case row, or undefined. */
export async function loadCaseRow(tx: Tx, id: string): Promise<CaseRow | undefined> {
  const { rows } = await prepared<CaseRow>(tx, 'case by id', (db, arg) => db.selectFrom('cases').selectAll().where('id', '=', arg(0)), [id]);
  return rows[0];
}
