/** Loads the engine's fixture procedures (test/fixtures/engine) through the real checker. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkProcedureSource, formatFinding, type ProcedureDefinition } from '../../src/definitions/index.js';
import type { Actor, Facts } from '../../src/engine/index.js';

export const fixturesDir = fileURLToPath(new URL('../fixtures/engine/', import.meta.url));

/** The source text of a fixture. */
export function fixtureSource(name: string): string {
  return readFileSync(`${fixturesDir}${name}.yaml`, 'utf8');
}

/** A fixture as a validated definition; throws with the findings if the checker refuses it. */
export function loadFixture(name: string): ProcedureDefinition {
  const checked = checkProcedureSource(fixtureSource(name), `${name}.yaml`);
  if (checked.definition === null) throw new Error(`fixture ${name} is invalid:\n${checked.findings.map(formatFinding).join('\n')}`);
  return checked.definition;
}

export const now = new Date('2025-08-04T02:00:00.000Z');
export const system: Actor = { id: 'system', roles: [], system: true };
export const as = (...roles: string[]): Actor => ({ id: `user-${roles.join('-')}`, roles });
export const facts = (data: Record<string, unknown> = {}, kase: Record<string, unknown> = {}): Facts => ({ data, case: kase });
