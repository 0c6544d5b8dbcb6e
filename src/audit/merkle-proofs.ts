/**
 * Generating RFC 9162 inclusion (§2.1.3.1) and consistency (§2.1.4.1) proofs.
 * A proof is a list of subtree hashes; each function first says WHICH leaf ranges are needed,
 * so a store can answer from leaves it streams, from cached subtree hashes, or from memory.
 */
import { MotcuaError } from '../errors/index.js';
import { createMerkleAccumulator, splitPoint, subtreeRoot } from './merkle-tree.js';

/** A half-open range of leaf indexes [start, end), 0-based. */
export type LeafRange = { start: number; end: number };

/** The MTH of leaves [start, end) of the log, however the store computes it. */
export type RangeHasher = (start: number, end: number) => Promise<Buffer>;

/** Reads the leaf hashes [start, end) of the log, in order. */
export type LeafFetcher = (start: number, end: number) => Promise<Buffer[]>;

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MotcuaError('badRequest', `${name} must be a whole number ≥ 0, got ${value}`);
  }
}

/** The ranges whose hashes form the inclusion proof of leaf `index` in a tree of `size`, leaf side first. */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) throw new MotcuaError('badRequest', `leaf index ${index} is not in a tree of size ${size}; use an index below the size`);
  const out: LeafRange[] = [];
  // PATH(m, D[lo:hi]) recurses into the half holding m and appends the other half's hash,
  // so walking top-down collects the siblings root side first; reverse at the end.
  let lo = 0;
  let hi = size;
  let m = index;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < k) {
      out.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      out.push({ start: lo, end: lo + k });
      lo += k;
      m -= k;
    }
  }
  return out.reverse();
}

/** The ranges whose hashes form the consistency proof from tree size `from` to `to` (0 < from ≤ to). */
export function consistencyProofRanges(from: number, to: number): LeafRange[] {
  checkSize('from', from);
  checkSize('to', to);
  if (from === 0 || from > to) {
    throw new MotcuaError('badRequest', `no consistency proof from size ${from} to ${to}; ask for 0 < from ≤ to`);
  }
  const out: LeafRange[] = [];
  // SUBPROOF(m, D[lo:hi], b), unrolled: the same top-down walk, then reversed.
  let lo = 0;
  let hi = to;
  let m = from;
  let isWholeOldTree = true;
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      out.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      out.push({ start: lo, end: lo + k });
      lo += k;
      m -= k;
      isWholeOldTree = false;
    }
  }
  // m = n: the old tree's own subtree is needed unless the verifier already holds it as its root.
  if (!isWholeOldTree) out.push({ start: lo, end: hi });
  return out.reverse();
}

/** Inclusion proof of leaf `index` in the tree of the first `size` of `leaves`. */
export function inclusionProof(index: number, size: number, leaves: readonly Uint8Array[]): Buffer[] {
  checkAvailable(size, leaves.length);
  return inclusionProofRanges(index, size).map((r) => subtreeRoot(leaves, r.start, r.end));
}

/** Consistency proof between the trees of the first `from` and first `to` of `leaves`. */
export function consistencyProof(from: number, to: number, leaves: readonly Uint8Array[]): Buffer[] {
  checkAvailable(to, leaves.length);
  return consistencyProofRanges(from, to).map((r) => subtreeRoot(leaves, r.start, r.end));
}

/** {@link inclusionProof} with hashes served by the store. */
export async function inclusionProofFrom(index: number, size: number, rangeHash: RangeHasher): Promise<Buffer[]> {
  return resolve(inclusionProofRanges(index, size), rangeHash);
}

/** {@link consistencyProof} with hashes served by the store. */
export async function consistencyProofFrom(from: number, to: number, rangeHash: RangeHasher): Promise<Buffer[]> {
  return resolve(consistencyProofRanges(from, to), rangeHash);
}

/**
 * A {@link RangeHasher} that streams leaf hashes from the store in chunks through a Merkle
 * accumulator: O(log n) memory, O(range) reads. A store that keeps subtree hashes can do better.
 */
export function rangeHasherFromLeaves(fetch: LeafFetcher, chunkSize = 8192): RangeHasher {
  return async (start, end) => {
    const acc = createMerkleAccumulator();
    for (let at = start; at < end; at += chunkSize) {
      const want = Math.min(chunkSize, end - at);
      const leaves = await fetch(at, at + want);
      if (leaves.length !== want) {
        throw new MotcuaError('internal', `leaf store returned ${leaves.length} leaf hashes for [${at}, ${at + want}); the log is shorter than the proof needs`);
      }
      for (const leaf of leaves) acc.push(leaf);
    }
    return acc.root();
  };
}

async function resolve(ranges: LeafRange[], rangeHash: RangeHasher): Promise<Buffer[]> {
  const out: Buffer[] = [];
  // Sequential on purpose: a store backed by one connection must not see concurrent reads.
  for (const r of ranges) out.push(await rangeHash(r.start, r.end));
  return out;
}

function checkAvailable(size: number, available: number): void {
  if (size > available) {
    throw new MotcuaError('badRequest', `tree size ${size} is larger than the ${available} leaves given`);
  }
}
