import { describe, expect, it } from 'vitest';
import { canActOnUnit, canSeeUnit, matchingRoles, visiblePathPrefix, type Actor } from '../../src/auth/policy.js';
import { generateToken, hashToken, looksLikeToken } from '../../src/auth/tokens.js';
import { buildUnitTree, UnitsFile } from '../../src/auth/units.js';

const officer: Actor = { id: 'u1', name: 'Cán bộ A', unitId: 'thanh-sen', unitPath: '/ha-tinh/thanh-sen/', roles: ['receiver'] };
const auditor: Actor = { id: 'u2', name: 'Thanh tra', unitId: 'ha-tinh', unitPath: '/ha-tinh/', roles: ['auditor'] };
const provinceOfficer: Actor = { ...officer, id: 'u3', unitId: 'ha-tinh', unitPath: '/ha-tinh/' };

describe('policy', () => {
  it('lets an officer see and act only within the home unit subtree', () => {
    expect(canSeeUnit(officer, '/ha-tinh/thanh-sen/')).toBe(true);
    expect(canSeeUnit(officer, '/ha-tinh/thach-khe/')).toBe(false);
    // A sibling whose id starts with the same letters is not inside the subtree.
    expect(canSeeUnit(officer, '/ha-tinh/thanh-sen-2/')).toBe(false);
    expect(canActOnUnit(officer, '/ha-tinh/thach-khe/')).toBe(false);
    expect(canSeeUnit(provinceOfficer, '/ha-tinh/thach-khe/')).toBe(true);
    expect(visiblePathPrefix(officer)).toBe('/ha-tinh/thanh-sen/');
  });

  it('lets auditors read everything and change nothing', () => {
    expect(canSeeUnit(auditor, '/ha-tinh/thach-khe/')).toBe(true);
    expect(canActOnUnit(auditor, '/ha-tinh/thach-khe/')).toBe(false);
    expect(visiblePathPrefix(auditor)).toBeUndefined();
  });

  it('matches the actor roles against a transition', () => {
    expect(matchingRoles({ ...officer, roles: ['receiver', 'leader'] }, ['leader'])).toEqual(['leader']);
    expect(matchingRoles(officer, undefined)).toEqual([]);
  });
});

describe('tokens', () => {
  it('are 256-bit random and stored as SHA-256', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).not.toBe(b);
    expect(looksLikeToken(a)).toBe(true);
    expect(Buffer.from(a.slice(3), 'base64url')).toHaveLength(32);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).not.toContain(a.slice(3));
  });
});

describe('unit tree', () => {
  it('gives each unit a materialised path and reports duplicate ids', () => {
    const file = UnitsFile.parse({
      units: [{ id: 'p', name: 'P', level: 'province', code: 'P', children: [{ id: 'c', name: 'C', level: 'commune', code: 'P.C' }, { id: 'c', name: 'C2', level: 'commune', code: 'P.D' }] }],
    });
    const { tree, problems } = buildUnitTree(file);
    expect(tree.get('p')?.path).toBe('/p/');
    expect(tree.get('c')?.path).toBe('/p/c/');
    expect(problems).toEqual(["unit id 'c' is used twice; ids must be unique"]);
  });
});
