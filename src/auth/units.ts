/**
 * The unit tree (province → communes, any depth), loaded from config/units.yaml. Each unit
 * gets a materialised path ("/ha-tinh/thanh-sen/") so "this unit's subtree" is a prefix test
 * in memory and an indexed `LIKE 'prefix%'` in SQL.
 */
import { z } from 'zod';

export interface UnitNode {
  id: string;
  name: string;
  level: string;
  code: string;
  children?: UnitNode[] | undefined;
}

export const Unit: z.ZodType<UnitNode> = z.lazy(() =>
  z
    .strictObject({
      id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'unit ids are lower-case words joined by "-"').max(64),
      name: z.string().min(1).max(200),
      level: z.enum(['province', 'commune']).describe('province or commune (districts were abolished in 2025)'),
      code: z.string().regex(/^[A-Z0-9]+(\.[A-Z0-9]+)*$/, 'codes are upper-case letters and digits joined by "."').max(24),
      children: z.array(Unit).optional(),
    })
    .describe('A unit and the units under it.'),
);

export const UnitsFile = z.strictObject({ units: z.array(Unit).min(1) }).describe('The unit tree of motcua.');

/** A unit as the rest of the system sees it. */
export interface UnitInfo {
  id: string;
  name: string;
  level: string;
  code: string;
  parentId: string | null;
  path: string;
}

/** The loaded tree with lookups. */
export interface UnitTree {
  get(id: string): UnitInfo | undefined;
  all(): UnitInfo[];
  childrenOf(id: string | null): UnitInfo[];
  /** Nested form for the API. */
  nested(): (UnitInfo & { children: unknown[] })[];
}

/** Builds the tree; returns problems (duplicate ids or codes) instead of throwing. */
export function buildUnitTree(file: z.infer<typeof UnitsFile>): { tree: UnitTree; problems: string[] } {
  const byId = new Map<string, UnitInfo>();
  const codes = new Set<string>();
  const problems: string[] = [];
  const walk = (node: UnitNode, parent: UnitInfo | null): void => {
    if (byId.has(node.id)) problems.push(`unit id '${node.id}' is used twice; ids must be unique`);
    if (codes.has(node.code)) problems.push(`unit code '${node.code}' is used twice; codes must be unique`);
    codes.add(node.code);
    const info: UnitInfo = { id: node.id, name: node.name, level: node.level, code: node.code, parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${node.id}/` };
    byId.set(node.id, info);
    for (const child of node.children ?? []) walk(child, info);
  };
  for (const root of file.units) walk(root, null);
  const all = [...byId.values()];
  const childrenOf = (id: string | null) => all.filter((u) => u.parentId === id);
  const nest = (u: UnitInfo): UnitInfo & { children: unknown[] } => ({ ...u, children: childrenOf(u.id).map(nest) });
  return {
    problems,
    tree: { get: (id) => byId.get(id), all: () => all, childrenOf, nested: () => childrenOf(null).map(nest) },
  };
}
