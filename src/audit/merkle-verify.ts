/**
 * Verifying RFC 9162 proofs, step for step as §2.1.3.2 (inclusion) and §2.1.4.2 (consistency)
 * write them. Verifiers return a result instead of throwing: a bad proof is an answer, not a crash.
 */
import { HASH_SIZE, nodeHash } from './hashing.js';

/** The outcome of checking a proof: `ok`, or the reason it was rejected. */
export type ProofResult = { ok: true } | { ok: false; problem: string };

const accept: ProofResult = { ok: true };
const reject = (problem: string): ProofResult => ({ ok: false, problem });

function badCount(name: string, value: number): boolean {
  return !Number.isSafeInteger(value) || value < 0;
}

function badHashes(proof: readonly Uint8Array[]): number {
  return proof.findIndex((p) => p.length !== HASH_SIZE);
}

/** LSB and right shift on sizes up to 2^53, where JavaScript's 32-bit `>>` would wrap. */
const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** Checks that `leaf` is leaf number `index` (0-based) of the tree of `size` whose root is `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): ProofResult {
  if (badCount('index', index) || badCount('size', size)) return reject('index and size must be whole numbers ≥ 0');
  if (leaf.length !== HASH_SIZE) return reject(`leaf hash has ${leaf.length} bytes, not ${HASH_SIZE}`);
  const bad = badHashes(proof);
  if (bad >= 0) return reject(`proof element ${bad} is not a ${HASH_SIZE}-byte hash`);
  // Step 1.
  if (index >= size) return reject(`leaf index ${index} is not below tree size ${size}`);
  // Steps 2 and 3.
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  // Step 4.
  for (const p of proof) {
    if (sn === 0) return reject('proof is longer than the path from the leaf to the root');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  if (sn !== 0) return reject('proof is shorter than the path from the leaf to the root');
  if (!r.equals(root)) return reject('proof does not lead to the given root');
  return accept;
}

/** Checks that the tree of `size2` with root `root2` extends the tree of `size1` with root `root1`. */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): ProofResult {
  if (badCount('size1', size1) || badCount('size2', size2)) return reject('sizes must be whole numbers ≥ 0');
  if (size1 > size2) return reject(`the first tree (${size1}) is larger than the second (${size2}): a log never shrinks`);
  // §2.1.4.2 is defined for 0 < first < second; the edges are settled before it runs.
  if (size1 === 0) return reject('a consistency proof from the empty tree proves nothing; every tree extends it');
  if (size1 === size2) {
    if (proof.length !== 0) return reject('equal sizes need an empty proof');
    return Buffer.from(root1).equals(root2) ? accept : reject('equal sizes but different roots: the log was rewritten');
  }
  const bad = badHashes(proof);
  if (bad >= 0) return reject(`proof element ${bad} is not a ${HASH_SIZE}-byte hash`);
  // Step 1.
  if (proof.length === 0) return reject('proof is empty');
  // Step 2: when the first tree is a perfect subtree of the second, its root is the first node.
  const path: readonly Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // Step 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // Step 4.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr: Buffer = fr;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return reject('proof is longer than needed');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) return reject('proof is shorter than needed');
  if (!fr.equals(root1)) return reject('proof does not lead to the first root');
  if (!sr.equals(root2)) return reject('proof does not lead to the second root');
  return accept;
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
