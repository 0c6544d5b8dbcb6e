/**
 * RFC 9162 §2.1.1 Merkle Tree Hash over leaf hashes, in full (for small trees and tests) and
 * streaming (a stack of at most log2(n)+1 perfect-subtree roots, for the verifier and the log).
 */
import { EMPTY_TREE_ROOT, HASH_SIZE, nodeHash } from './hashing.js';
import { MotcuaError } from '../errors/index.js';

/** The largest power of two strictly below `n` (n ≥ 2): where RFC 9162 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of `leaves` (already leaf-hashed), computed by the RFC's recursive definition. */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return EMPTY_TREE_ROOT;
  return subtreeRoot(leaves, 0, leaves.length);
}

/** MTH of `leaves[start:end)` as a tree of its own. */
export function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number): Buffer {
  const n = end - start;
  if (n <= 0) return EMPTY_TREE_ROOT;
  if (n === 1) return Buffer.from(leaves[start] as Uint8Array);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/** A streaming Merkle tree: push leaf hashes in order, ask for the root at any size. */
export type MerkleAccumulator = {
  /** Number of leaves pushed. */
  readonly size: number;
  /** Appends one leaf hash (32 bytes). Keeps the Buffer given: do not change it afterwards. */
  push(leaf: Uint8Array): void;
  /** MTH of all leaves pushed so far (O(log n) hashes). */
  root(): Buffer;
  /** The state to store and resume from: the roots of the perfect subtrees, largest first. */
  frontier(): MerkleFrontier;
};

/**
 * What a tree of `size` leaves needs to keep growing: one subtree root per 1-bit of `size`.
 * A store can keep it beside each checkpoint, so the next root needs only the leaves added since.
 */
export type MerkleFrontier = { size: number; nodes: Buffer[] };

/**
 * Creates a {@link MerkleAccumulator}, empty or resumed from a stored frontier; memory stays
 * O(log n) however many leaves it sees.
 */
export function createMerkleAccumulator(from?: MerkleFrontier): MerkleAccumulator {
  // stack[i] is the root of a perfect subtree; sizes strictly decrease left to right and
  // follow the binary digits of `count`, so merging mirrors incrementing a binary counter.
  const stack: Buffer[] = from ? checkFrontier(from) : [];
  let count = from?.size ?? 0;
  return {
    frontier() {
      return { size: count, nodes: stack.map((n) => Buffer.from(n)) };
    },
    get size() {
      return count;
    },
    push(leaf) {
      if (!Number.isSafeInteger(count + 1)) throw new MotcuaError('internal', 'Merkle tree is full');
      let node: Buffer = Buffer.isBuffer(leaf) ? leaf : Buffer.from(leaf);
      let n = count;
      while (n % 2 === 1) {
        node = nodeHash(stack.pop() as Buffer, node);
        n = (n - 1) / 2;
      }
      stack.push(node);
      count += 1;
    },
    root() {
      if (stack.length === 0) return EMPTY_TREE_ROOT;
      // The RFC splits at the largest power of two, so the tree is the left perfect subtree
      // joined with the tree of the rest: fold the stack from the smallest subtree leftwards.
      let node = stack[stack.length - 1] as Buffer;
      for (let i = stack.length - 2; i >= 0; i--) node = nodeHash(stack[i] as Buffer, node);
      return node;
    },
  };
}

function checkFrontier(from: MerkleFrontier): Buffer[] {
  let ones = 0;
  for (let n = from.size; n > 0; n = Math.floor(n / 2)) ones += n % 2;
  if (!Number.isSafeInteger(from.size) || from.size < 0 || from.nodes.length !== ones || from.nodes.some((n) => n.length !== HASH_SIZE)) {
    throw new MotcuaError('internal', `stored Merkle frontier for size ${from.size} is damaged: it needs ${ones} hashes of 32 bytes`);
  }
  return from.nodes.map((n) => Buffer.from(n));
}
