import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyConsistency, verifyInclusion } from '../../src/audit/index.js';

const root = join(import.meta.dirname, '../fixtures/merkle');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.json') ? [path] : [];
  });
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const proofOf = (p: string[] | null): Buffer[] => (p ?? []).map(b64);

type InclusionCase = { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean };
type ConsistencyCase = { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean };

const inclusion = filesUnder(join(root, 'inclusion'));
const consistency = filesUnder(join(root, 'consistency'));

describe('RFC 6962 / 9162 test vectors (transparency-dev/merkle)', () => {
  it('finds every vector file', () => {
    expect(inclusion.length).toBe(98);
    expect(consistency.length).toBe(98);
    // Both outcomes are exercised, so a verifier that always says yes or always no fails.
    const all = [...inclusion, ...consistency].map((f) => JSON.parse(readFileSync(f, 'utf8')) as { wantErr: boolean });
    expect(all.filter((c) => c.wantErr).length).toBeGreaterThan(100);
    expect(all.filter((c) => !c.wantErr).length).toBeGreaterThanOrEqual(10);
  });

  it.each(inclusion.map((f) => [relative(root, f), f]))('inclusion %s', (_name, file) => {
    const c = JSON.parse(readFileSync(file, 'utf8')) as InclusionCase;
    const result = verifyInclusion(c.leafIdx, c.treeSize, b64(c.leafHash), proofOf(c.proof), b64(c.root));
    expect(result.ok, JSON.stringify(result)).toBe(!c.wantErr);
  });

  it.each(consistency.map((f) => [relative(root, f), f]))('consistency %s', (_name, file) => {
    const c = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyCase;
    const result = verifyConsistency(c.size1, c.size2, b64(c.root1), b64(c.root2), proofOf(c.proof));
    expect(result.ok, JSON.stringify(result)).toBe(!c.wantErr);
  });
});
