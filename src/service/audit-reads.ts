/**
 * Small reads of the audit tables shared by the checkpointer, the proofs and the export: the
 * log's head, leaf hashes by seq range, stored checkpoints and their Merkle frontiers.
 * Every function takes the caller's `tx`, so it runs inside a read or a write alike.
 */
import { createMerkleAccumulator, type MerkleAccumulator, type MerkleFrontier } from '../audit/index.js';
import { MotcuaError } from '../errors/index.js';
import { nextTurn, type AuditCheckpointRow, type Store, type Tx } from '../storage/index.js';

/** The last entry of the log. */
export interface LogHead {
  seq: number;
  /** Chain hash of entry `seq`, hex. */
  chain: string;
  event: string | null;
  created_at: string;
}

/**
 * Leaf hashes read per query when streaming many of them. Small on purpose: reading a page and
 * hashing its leaves holds the event loop (SQLite reads are synchronous), and requests wait
 * meanwhile; 1,000 leaves take a few milliseconds, 10,000 took 30–60 ms under load.
 */
export const LEAF_PAGE = 1_000;

/** The log's last entry, or null when it is empty. */
export async function readHead(tx: Tx): Promise<LogHead | null> {
  const row = await tx.db.selectFrom('audit_entries').select(['seq', 'chain_hash', 'event', 'created_at']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? { seq: Number(row.seq), chain: row.chain_hash, event: row.event, created_at: row.created_at } : null;
}

/** Leaf hashes of entries `after` < seq ≤ `upTo`, in order; throws if any is missing. */
export async function readLeaves(tx: Tx, after: number, upTo: number): Promise<Buffer[]> {
  if (upTo <= after) return [];
  const rows = await tx.db.selectFrom('audit_entries').select(['seq', 'leaf_hash']).where('seq', '>', after).where('seq', '<=', upTo).orderBy('seq').execute();
  if (rows.length !== upTo - after || (rows.length > 0 && Number(rows[0]!.seq) !== after + 1)) {
    throw new MotcuaError('internal', `the audit log has ${rows.length} entries between seq ${after + 1} and ${upTo}, not ${upTo - after}: entries are missing; run GET /api/v1/audit/verify`);
  }
  return rows.map((r) => Buffer.from(r.leaf_hash, 'hex'));
}

/** The stored checkpoint of the largest size (at most `atMost` when given). */
export async function latestCheckpoint(tx: Tx, atMost?: number): Promise<AuditCheckpointRow | null> {
  let q = tx.db.selectFrom('audit_checkpoints').selectAll();
  if (atMost !== undefined) q = q.where('size', '<=', atMost);
  const row = await q.orderBy('size', 'desc').limit(1).executeTakeFirst();
  return row ? { ...row, size: Number(row.size) } : null;
}

/** The frontier stored with a checkpoint row, or undefined (older rows, damaged text). */
export function storedFrontier(row: Pick<AuditCheckpointRow, 'size' | 'frontier'>): MerkleFrontier | undefined {
  if (row.frontier === null) return undefined;
  try {
    const nodes = JSON.parse(row.frontier) as unknown;
    if (!Array.isArray(nodes) || !nodes.every((n) => typeof n === 'string' && /^[0-9a-f]{64}$/.test(n))) return undefined;
    const frontier = { size: Number(row.size), nodes: nodes.map((n: string) => Buffer.from(n, 'hex')) };
    createMerkleAccumulator(frontier);
    return frontier;
  } catch {
    return undefined;
  }
}

/** The text stored for a frontier. */
export function frontierText(frontier: MerkleFrontier): string {
  return JSON.stringify(frontier.nodes.map((n) => n.toString('hex')));
}

/**
 * A Merkle accumulator over the first `size` leaves: resumed from the nearest stored checkpoint
 * frontier at or below `size`, then fed the leaves after it in pages of separate reads, so a
 * long log never holds a read transaction open or more than one page in memory.
 */
export async function accumulatorAt(store: Store, size: number, from?: MerkleFrontier): Promise<MerkleAccumulator> {
  let base = from && from.size <= size ? from : undefined;
  if (!base) {
    const row = await store.read(async (tx) => {
      // A few rows at most are skipped: frontiers are missing only on rows older than migration 0005.
      const rows = await tx.db.selectFrom('audit_checkpoints').select(['size', 'frontier']).where('size', '<=', size).where('frontier', 'is not', null).orderBy('size', 'desc').limit(1).execute();
      return rows[0];
    });
    base = row ? storedFrontier(row) : undefined;
  }
  const acc = createMerkleAccumulator(base);
  await feed(store, acc, size);
  return acc;
}

/** Pushes the leaves after `acc.size` up to `size` into `acc`, a page per read, other work between pages. */
export async function feed(store: Store, acc: MerkleAccumulator, size: number): Promise<void> {
  for (let first = true; acc.size < size; first = false) {
    if (!first) await nextTurn();
    const upTo = Math.min(size, acc.size + LEAF_PAGE);
    const leaves = await store.read((tx) => readLeaves(tx, acc.size, upTo));
    for (const leaf of leaves) acc.push(leaf);
  }
}
