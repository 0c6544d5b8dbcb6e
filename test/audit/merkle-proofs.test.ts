import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_TREE_ROOT,
  consistencyProof,
  consistencyProofFrom,
  createMerkleAccumulator,
  inclusionProof,
  inclusionProofFrom,
  leafHash,
  merkleRoot,
  rangeHasherFromLeaves,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/index.js';

const fixtures = join(import.meta.dirname, '../fixtures/merkle');

// The eight leaf inputs of the RFC 6962 reference tests, from which the vector files were made.
const rfcLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) =>
  leafHash(Buffer.from(hex, 'hex')),
);

const leavesOf = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));

describe('Merkle tree hash', () => {
  it('matches the reference root of the eight RFC 6962 leaves', () => {
    const vector = JSON.parse(readFileSync(join(fixtures, 'inclusion/1/happy-path.json'), 'utf8')) as { root: string; treeSize: number };
    expect(vector.treeSize).toBe(8);
    expect(merkleRoot(rfcLeaves).toString('base64')).toBe(vector.root);
  });

  it('gives SHA-256 of the empty string for the empty tree', () => {
    expect(merkleRoot([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(createMerkleAccumulator().root().equals(EMPTY_TREE_ROOT)).toBe(true);
  });

  it('resumes from a stored frontier as if it had never stopped', () => {
    const leaves = leavesOf(1000);
    const first = createMerkleAccumulator();
    for (const leaf of leaves.slice(0, 613)) first.push(leaf);
    const stored = first.frontier();
    expect(stored.nodes.length).toBe(5); // 613 = 0b1001100101
    const resumed = createMerkleAccumulator(stored);
    for (const leaf of leaves.slice(613)) resumed.push(leaf);
    expect(resumed.size).toBe(1000);
    expect(resumed.root().equals(merkleRoot(leaves))).toBe(true);
    expect(() => createMerkleAccumulator({ size: 615, nodes: stored.nodes })).toThrow(/damaged/);
  });

  it('streams the same root as the recursive definition at every size up to 300', () => {
    const leaves = leavesOf(300);
    const acc = createMerkleAccumulator();
    for (let n = 1; n <= 300; n++) {
      acc.push(leaves[n - 1] as Buffer);
      expect(acc.size).toBe(n);
      expect(acc.root().equals(merkleRoot(leaves.slice(0, n))), `size ${n}`).toBe(true);
    }
  });
});

describe('proof generation', () => {
  it('reproduces the reference proofs of the happy-path vectors byte for byte', () => {
    for (const dir of ['0', '1', '2', '3', '4']) {
      const inc = JSON.parse(readFileSync(join(fixtures, 'inclusion', dir, 'happy-path.json'), 'utf8')) as {
        leafIdx: number;
        treeSize: number;
        proof: string[] | null;
      };
      expect(inclusionProof(inc.leafIdx, inc.treeSize, rfcLeaves).map((p) => p.toString('base64'))).toEqual(inc.proof ?? []);
      const con = JSON.parse(readFileSync(join(fixtures, 'consistency', dir, 'happy-path.json'), 'utf8')) as {
        size1: number;
        size2: number;
        root1: string;
        root2: string;
        proof: string[] | null;
      };
      expect(merkleRoot(rfcLeaves.slice(0, con.size2)).toString('base64')).toBe(con.root2);
      expect(consistencyProof(con.size1, con.size2, rfcLeaves).map((p) => p.toString('base64'))).toEqual(con.proof ?? []);
    }
  });

  it('makes inclusion proofs that verify for every leaf of every tree up to 64, and fail for the wrong leaf', () => {
    const leaves = leavesOf(64);
    for (let n = 1; n <= 64; n++) {
      const root = merkleRoot(leaves.slice(0, n));
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, n, leaves);
        expect(verifyInclusion(i, n, leaves[i] as Buffer, proof, root).ok, `leaf ${i} of ${n}`).toBe(true);
        if (n > 1) expect(verifyInclusion(i, n, leaves[(i + 1) % n] as Buffer, proof, root).ok).toBe(false);
      }
    }
  });

  it('makes consistency proofs that verify for every 1 ≤ m ≤ n ≤ 64, and fail against another root', () => {
    const leaves = leavesOf(64);
    const roots = [EMPTY_TREE_ROOT, ...leaves.map((_, i) => merkleRoot(leaves.slice(0, i + 1)))];
    for (let n = 1; n <= 64; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(m, n, leaves);
        expect(verifyConsistency(m, n, roots[m] as Buffer, roots[n] as Buffer, proof).ok, `${m} → ${n}`).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, roots[m] as Buffer, roots[n - 1] as Buffer, proof).ok).toBe(false);
      }
    }
  });

  it('serves the same proofs from a leaf store read in chunks', async () => {
    const leaves = leavesOf(100);
    const reads: Array<[number, number]> = [];
    const rangeHash = rangeHasherFromLeaves(async (start, end) => {
      reads.push([start, end]);
      return leaves.slice(start, end);
    }, 7);
    expect(await inclusionProofFrom(37, 100, rangeHash)).toEqual(inclusionProof(37, 100, leaves));
    expect(await consistencyProofFrom(13, 100, rangeHash)).toEqual(consistencyProof(13, 100, leaves));
    expect(reads.every(([s, e]) => e - s <= 7)).toBe(true);
  });

  it('refuses proofs the tree cannot have', () => {
    const leaves = leavesOf(4);
    expect(() => inclusionProof(4, 4, leaves)).toThrow(/not in a tree of size 4/);
    expect(() => consistencyProof(0, 4, leaves)).toThrow(/0 < from/);
    expect(() => consistencyProof(3, 2, leaves)).toThrow(/0 < from/);
    expect(() => inclusionProof(0, 5, leaves)).toThrow(/larger than the 4 leaves/);
  });
});
