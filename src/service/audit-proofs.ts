/**
 * RFC 9162 inclusion and consistency proofs served from the store. Every hash a proof needs is
 * the Merkle root of a leaf range; ranges are assembled from aligned blocks of 1,024 leaves
 * whose roots are kept in memory once computed (32 bytes per block: a million entries cost
 * about 100 KB), so a proof over a large log reads at most a few thousand leaf hashes.
 * Entries never change once written, so a full block's root never goes stale.
 */
import { consistencyProofFrom, createMerkleAccumulator, inclusionProofFrom, nodeHash, splitPoint, subtreeRoot, type RangeHasher } from '../audit/index.js';
import { MotcuaError } from '../errors/index.js';
import { nextTurn, type Store } from '../storage/index.js';
import { readHead, readLeaves } from './audit-reads.js';

const BLOCK = 1024;
const MAX_CACHED_BLOCKS = 1_000_000;

/** An inclusion proof; hashes are lowercase hex, as in the export. */
export interface InclusionProofView {
  seq: number;
  leaf_index: number;
  tree_size: number;
  leaf_hash: string;
  root: string;
  proof: string[];
  /** The stored checkpoint of `tree_size`, when there is one: its root is `root` (base64 there). */
  checkpoint: string | null;
}

/** A consistency proof between two tree sizes; hashes are lowercase hex. */
export interface ConsistencyProofView {
  from: number;
  to: number;
  from_root: string;
  to_root: string;
  proof: string[];
  from_checkpoint: string | null;
  to_checkpoint: string | null;
}

/** Proofs over the stored log. */
export interface ProofSource {
  inclusion(seq: number, size: number): Promise<InclusionProofView>;
  consistency(from: number, to: number): Promise<ConsistencyProofView>;
  /** The Merkle root of the first `size` entries. */
  root(size: number): Promise<Buffer>;
}

/** Creates a proof source with its own block cache. */
export function createProofSource(store: Store): ProofSource {
  const blocks = new Map<number, Buffer>();

  const leaves = (start: number, end: number): Promise<Buffer[]> => store.read((tx) => readLeaves(tx, start, end));

  const blockRoot = async (b: number): Promise<Buffer> => {
    const hit = blocks.get(b);
    if (hit) return hit;
    // A cold proof over a long log reads a block after another: requests get their turns between.
    await nextTurn();
    const acc = createMerkleAccumulator();
    for (const leaf of await leaves(b * BLOCK, (b + 1) * BLOCK)) acc.push(leaf);
    const root = acc.root();
    if (blocks.size >= MAX_CACHED_BLOCKS) blocks.clear();
    blocks.set(b, root);
    return root;
  };

  const rangeHash: RangeHasher = async (start, end) => {
    const n = end - start;
    // Math.log2, not n & (n - 1): bitwise operators wrap above 2^31 leaves.
    const isPerfect = n >= BLOCK && Number.isInteger(Math.log2(n)) && start % n === 0;
    if (isPerfect) {
      if (n === BLOCK) return blockRoot(start / BLOCK);
      const half = n / 2;
      return nodeHash(await rangeHash(start, start + half), await rangeHash(start + half, end));
    }
    if (n <= BLOCK) {
      const got = await leaves(start, end);
      return subtreeRoot(got, 0, got.length);
    }
    const k = splitPoint(n);
    return nodeHash(await rangeHash(start, start + k), await rangeHash(start + k, end));
  };

  const checkSize = async (size: number, what: string): Promise<void> => {
    const head = await store.read(readHead);
    const length = head?.seq ?? 0;
    if (size > length) throw new MotcuaError('badRequest', `${what} ${size} is larger than the log (${length} entries); ask for a size up to ${length}`);
  };

  const checkpointOf = async (size: number): Promise<string | null> => {
    const row = await store.read((tx) => tx.db.selectFrom('audit_checkpoints').select('note').where('size', '=', size).executeTakeFirst());
    return row?.note ?? null;
  };

  const root = (size: number): Promise<Buffer> => rangeHash(0, size);

  return {
    root,
    async inclusion(seq, size) {
      if (!Number.isSafeInteger(seq) || seq < 1 || seq > size) throw new MotcuaError('badRequest', `seq must be between 1 and size (${size}), got ${seq}`);
      await checkSize(size, 'size');
      const proof = await inclusionProofFrom(seq - 1, size, rangeHash);
      const [leaf] = await leaves(seq - 1, seq);
      return {
        seq,
        leaf_index: seq - 1,
        tree_size: size,
        leaf_hash: (leaf as Buffer).toString('hex'),
        root: (await root(size)).toString('hex'),
        proof: proof.map((h) => h.toString('hex')),
        checkpoint: await checkpointOf(size),
      };
    },
    async consistency(from, to) {
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || from > to) {
        throw new MotcuaError('badRequest', `a consistency proof needs 1 ≤ from ≤ to, got from=${from}, to=${to}`);
      }
      await checkSize(to, 'to');
      const proof = await consistencyProofFrom(from, to, rangeHash);
      return {
        from,
        to,
        from_root: (await root(from)).toString('hex'),
        to_root: (await root(to)).toString('hex'),
        proof: proof.map((h) => h.toString('hex')),
        from_checkpoint: await checkpointOf(from),
        to_checkpoint: await checkpointOf(to),
      };
    },
  };
}
