/**
 * Several motcua processes may serve one PostgreSQL. A version published through one of them
 * is stored at once, but the others hold their registry in memory: without this, a case opened
 * under the new version on node A could not be read or moved on node B until B restarted, and
 * B would keep opening dossiers under the older version.
 *
 * So a registry miss for a stored version loads it on the spot ({@link definitionOf}), and
 * `motcua serve` on a multi-process database looks for new versions every few seconds
 * ({@link createProcedureSync}), which is how a newly effective version comes into force there.
 */
import { checkProcedureSource } from '../definitions/check.js';
import { formatFinding } from '../definitions/findings.js';
import type { ProcedureRegistry } from '../definitions/registry.js';
import type { ProcedureDefinition } from '../definitions/schema.js';
import type { ServiceDeps } from './deps.js';

const running = new WeakMap<ProcedureRegistry, Promise<number>>();
// Stored versions are immutable: one that fails the checker fails it for good, so it is
// reported once, not at every look.
const refused = new WeakMap<ProcedureRegistry, Set<string>>();

/**
 * Checks a stored version and adds it to the registry; returns what is wrong with it instead
 * when it no longer passes the checker (this build's rules are stricter than the publisher's).
 */
export function registerStoredVersion(deps: ServiceDeps, row: { procedure_id: string; version: number; source: string }): string | null {
  const key = `${row.procedure_id}@${row.version}`;
  const checked = checkProcedureSource(row.source, `db:${key}`);
  if (!checked.definition) {
    const set = refused.get(deps.registry) ?? new Set<string>();
    set.add(key);
    refused.set(deps.registry, set);
    return `stored version ${key} no longer passes the checker: ${checked.findings.map(formatFinding).join('; ')}`;
  }
  deps.registry.add(checked.definition, row.source);
  return null;
}

/** Adds to the registry every stored version it lacks; resolves with how many were added. Concurrent calls share one pass. */
export function syncPublishedVersions(deps: ServiceDeps): Promise<number> {
  // One writer process (SQLite) publishes everything its registry holds.
  if (!deps.store.capabilities.multiProcess) return Promise.resolve(0);
  const pending = running.get(deps.registry);
  if (pending !== undefined) return pending;
  const pass = (async () => {
    const keys = await deps.store.read((tx) => tx.db.selectFrom('procedure_versions').select(['procedure_id', 'version']).execute());
    const known = refused.get(deps.registry);
    const missing = keys.filter((k) => deps.registry.find(k.procedure_id, k.version) === undefined && !known?.has(`${k.procedure_id}@${k.version}`));
    let added = 0;
    for (const k of missing) {
      const row = await deps.store.read((tx) => tx.db.selectFrom('procedure_versions').select('source').where('procedure_id', '=', k.procedure_id).where('version', '=', k.version).executeTakeFirst());
      if (row === undefined || deps.registry.find(k.procedure_id, k.version) !== undefined) continue;
      const problem = registerStoredVersion(deps, { ...k, source: row.source });
      if (problem !== null) {
        deps.log(`warning: ${problem}`);
        continue;
      }
      deps.log(`procedures: loaded ${k.procedure_id}@${k.version}, published by another process`);
      added += 1;
    }
    return added;
  })().finally(() => running.delete(deps.registry));
  running.set(deps.registry, pass);
  return pass;
}

/** The definition a case was opened under, loading it first if another process published it. */
export async function definitionOf(deps: ServiceDeps, row: { procedure_id: string; procedure_version: number }): Promise<ProcedureDefinition> {
  const known = deps.registry.find(row.procedure_id, row.procedure_version);
  if (known !== undefined) return known.definition;
  await syncPublishedVersions(deps);
  // Still unknown: the registry's own error names the versions it has.
  return deps.registry.get(row.procedure_id, row.procedure_version).definition;
}

/** Makes sure every row's version is in the registry (for code that reads it synchronously). */
export async function ensureDefinitions(deps: ServiceDeps, rows: readonly { procedure_id: string; procedure_version: number }[]): Promise<void> {
  if (rows.some((r) => deps.registry.find(r.procedure_id, r.procedure_version) === undefined)) await syncPublishedVersions(deps);
}

/** A periodic look for versions published elsewhere. */
export interface ProcedureSync {
  start(everyMs: number): void;
  stop(): Promise<void>;
}

export function createProcedureSync(deps: ServiceDeps): ProcedureSync {
  let timer: NodeJS.Timeout | undefined;
  let last: Promise<unknown> = Promise.resolve();
  return {
    start(everyMs) {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        last = syncPublishedVersions(deps).catch((e: unknown) => deps.log(`procedures: looking for new versions failed: ${e instanceof Error ? e.message : String(e)}`));
      }, everyMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await last;
    },
  };
}
