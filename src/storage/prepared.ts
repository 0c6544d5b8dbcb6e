/**
 * Hot statements built once. Kysely builds and compiles a query from its builder chain on every
 * call (an immutable operation tree, then SQL text); for the few statements every transition
 * runs, that was about a tenth of the server's CPU. {@link prepared} builds the statement once
 * per dialect with placeholder arguments, remembers which compiled parameter is which argument,
 * and afterwards only binds new values: the SQL text is the one Kysely wrote, so it stays
 * correct for each dialect and the driver's statement cache still applies. The statement
 * reaches the driver compiled: Kysely plugins see its result, not its query tree.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.js';
import type { Tx } from './store.js';

type Slot = { arg: number } | { constant: unknown };
interface Shape {
  sql: string;
  slots: Slot[];
}

const shapes = new Map<string, Shape>();
const MARK = '\u0000motcua-arg:';

/**
 * Runs the statement `build` makes, with `args` bound where `build` used `arg(i)`. `key` names
 * the statement's shape: two calls with one key must build the same statement (put anything
 * that changes the SQL text, such as a list of columns, into the key).
 */
export async function prepared<R = unknown>(tx: Tx, key: string, build: (db: Kysely<Database>, arg: (i: number) => never) => Compilable, args: readonly unknown[]): Promise<QueryResult<R>> {
  const id = `${tx.capabilities.dialect}\u0000${key}`;
  let shape = shapes.get(id);
  if (shape === undefined) {
    const compiled = build(tx.db, (i) => `${MARK}${i}` as never).compile();
    const slots = compiled.parameters.map((p): Slot => (typeof p === 'string' && p.startsWith(MARK) ? { arg: Number(p.slice(MARK.length)) } : { constant: p }));
    const bound = new Set(slots.flatMap((s) => ('arg' in s ? [s.arg] : [])));
    if (bound.size !== args.length) throw new Error(`prepared statement '${key}' binds ${bound.size} arguments, called with ${args.length}`);
    shape = { sql: compiled.sql, slots };
    shapes.set(id, shape);
  }
  const parameters = shape.slots.map((s) => ('arg' in s ? args[s.arg] : s.constant));
  return tx.db.executeQuery<R>(CompiledQuery.raw(shape.sql, parameters));
}

/** `{ column: arg(i) }` for each column, in order: the values object of a prepared insert or update. */
export function placeholders<K extends string>(columns: readonly K[], arg: (i: number) => never, offset = 0): Record<K, never> {
  return Object.fromEntries(columns.map((c, i) => [c, arg(offset + i)])) as Record<K, never>;
}

/** Inserts `row` into `table` through a statement built once for this list of columns. */
export async function preparedInsert<T extends keyof Database, K extends keyof Database[T] & string>(tx: Tx, table: T, columns: readonly K[], row: Pick<Database[T], K>): Promise<void> {
  await prepared(tx, `insert into ${table}: ${columns.join(',')}`, (db, arg) => db.insertInto(table).values(placeholders(columns, arg) as never), columns.map((c) => row[c]));
}
