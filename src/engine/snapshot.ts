/**
 * Snapshots as the database stores them: `{ status, value }`, plain JSON, restored against the
 * procedure version the case pins. Only the state value is kept: the language has no context
 * and no history states, so nothing else of XState's snapshot carries meaning.
 */
import { z } from 'zod';
import { MotcuaError } from '../errors/index.js';
import type { CompiledProcedure, MachineSnapshot } from './compile.js';
import { leavesOf } from './model.js';
import type { EngineSnapshot, StateValue } from './types.js';

const StateValueSchema: z.ZodType<StateValue> = z.lazy(() => z.union([z.string(), z.record(z.string(), StateValueSchema)]));
const PersistedSnapshot = z.object({ status: z.enum(['active', 'done']), value: StateValueSchema });

export type { MachineSnapshot };

/**
 * Restored snapshots per procedure, by stored JSON. A procedure has few distinct
 * configurations and every case in one state restores to the same immutable XState snapshot,
 * so resolving each one once saves most of a step's cost. Bounded: cleared when full.
 */
const restored = new WeakMap<CompiledProcedure, Map<string, MachineSnapshot>>();
const RESTORED_MAX = 512;

/** The JSON form of a machine snapshot. */
export function persist(snapshot: MachineSnapshot): EngineSnapshot {
  const status = snapshot.status === 'done' ? 'done' : 'active';
  // Round-trip through JSON so callers can never hold a reference into XState's object.
  return { status, value: JSON.parse(JSON.stringify(snapshot.value)) as StateValue };
}

/** Restores a stored snapshot; a snapshot that does not fit the procedure is an internal error naming both. */
export function restore(compiled: CompiledProcedure, stored: unknown): MachineSnapshot {
  let cache = restored.get(compiled);
  if (cache === undefined) {
    cache = new Map();
    restored.set(compiled, cache);
  }
  const s = stored as Partial<EngineSnapshot> | null;
  const key = typeof s === 'object' && s !== null ? JSON.stringify([s.status, s.value]) : undefined;
  const hit = key === undefined ? undefined : cache.get(key);
  if (hit !== undefined) return hit;
  const snapshot = resolve(compiled, stored);
  if (key !== undefined) {
    if (cache.size >= RESTORED_MAX) cache.clear();
    cache.set(key, snapshot);
  }
  return snapshot;
}

function resolve(compiled: CompiledProcedure, stored: unknown): MachineSnapshot {
  const { definition: def, model } = compiled;
  const where = `procedure '${def.id}' v${def.version}`;
  const parsed = PersistedSnapshot.safeParse(stored);
  if (!parsed.success) {
    throw new MotcuaError('internal', `stored case state is not a motcua snapshot (${where}); expected { status, value }`);
  }
  const unknown = leavesOf(parsed.data.value).find((name) => !model.states.has(name));
  if (unknown !== undefined) {
    throw new MotcuaError('internal', `stored case state '${unknown}' does not exist in ${where}; the case must be migrated explicitly`);
  }
  try {
    return compiled.machine.resolveState({ value: parsed.data.value, context: {} });
  } catch (e) {
    throw new MotcuaError('internal', `stored case state does not fit ${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Active leaf state names of a stored snapshot, in document order. */
export function activeStates(snapshot: EngineSnapshot): string[] {
  return leavesOf(snapshot.value);
}

/** True when the case has reached a top-level final state. */
export function isFinal(snapshot: EngineSnapshot): boolean {
  return snapshot.status === 'done';
}
