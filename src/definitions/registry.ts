/**
 * The registry of published procedure versions. A version is identified by `id` + `version`
 * and never changes once added: adding the same version again with a different source is
 * refused (publish a new version instead). Several versions of one id live side by side;
 * `inForce` answers which one applies on a date, from `effective_from`.
 */
import { checkPaths } from './check-paths.js';
import { MotcuaError } from '../errors/index.js';
import type { Finding } from './findings.js';
import type { ProcedureDefinition } from './schema.js';
import { didYouMean } from './suggest.js';

/** One published version: the validated definition (frozen) and the YAML it was read from. */
export interface RegisteredProcedure {
  definition: ProcedureDefinition;
  source: string;
  /** Where it was loaded from, when it came from a file. */
  path?: string;
}

/** A line of the catalogue. */
export interface ProcedureSummary {
  id: string;
  title: string;
  code: string;
  versions: { version: number; effective_from: string }[];
  in_force_version: number | null;
}

export interface ProcedureRegistry {
  /** Adds a validated version; a no-op when the same source is added again; `alreadyExists` when the source differs. */
  add(definition: ProcedureDefinition, source: string, path?: string): RegisteredProcedure;
  /** One version; throws `procedureNotFound` / `versionNotFound`. */
  get(id: string, version: number): RegisteredProcedure;
  /** One version, or undefined. */
  find(id: string, version: number): RegisteredProcedure | undefined;
  /** The version in force on `date` (YYYY-MM-DD): the highest `effective_from` not after it; throws `procedureNotFound`. */
  inForce(id: string, date: string): RegisteredProcedure;
  /** Every version of an id, oldest first; empty for an unknown id. */
  versions(id: string): RegisteredProcedure[];
  /** Procedure ids, sorted. */
  ids(): string[];
  /** The catalogue, with the version in force on `date` (YYYY-MM-DD). */
  list(date: string): ProcedureSummary[];
  /**
   * Checks every YAML under `path` and adds each procedure without errors. A definition with
   * errors is never loaded; its findings are returned, with every other finding.
   */
  loadFolder(path: string, cwd?: string): Promise<{ loaded: RegisteredProcedure[]; findings: Finding[] }>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Freezes a parsed definition all the way down, so no caller can edit a published version in place. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Creates an empty registry. */
export function createRegistry(): ProcedureRegistry {
  const byId = new Map<string, Map<number, RegisteredProcedure>>();

  const sorted = (id: string): RegisteredProcedure[] =>
    [...(byId.get(id)?.values() ?? [])].sort((a, b) => a.definition.version - b.definition.version);

  const unknownId = (id: string): MotcuaError =>
    new MotcuaError('procedureNotFound', `procedure '${id}' does not exist${didYouMean(id, byId.keys())}; list procedures with GET /api/v1/procedures`, { id });

  const inForceOrNull = (id: string, date: string): RegisteredProcedure | null => {
    let best: RegisteredProcedure | null = null;
    for (const entry of byId.get(id)?.values() ?? []) {
      const d = entry.definition;
      if (d.effective_from > date) continue;
      const b = best?.definition;
      if (b === undefined || d.effective_from > b.effective_from || (d.effective_from === b.effective_from && d.version > b.version)) best = entry;
    }
    return best;
  };

  const registry: ProcedureRegistry = {
    add(definition, source, path) {
      const { id, version } = definition;
      const versions = byId.get(id) ?? new Map<number, RegisteredProcedure>();
      const existing = versions.get(version);
      if (existing !== undefined) {
        if (existing.source === source) return existing;
        throw new MotcuaError('alreadyExists', `procedure ${id} version ${version} is already published; publish a new version instead`, {
          id,
          version,
        });
      }
      const entry: RegisteredProcedure = { definition: deepFreeze(definition), source, ...(path !== undefined ? { path } : {}) };
      versions.set(version, entry);
      byId.set(id, versions);
      return entry;
    },

    find(id, version) {
      return byId.get(id)?.get(version);
    },

    get(id, version) {
      const versions = byId.get(id);
      if (versions === undefined) throw unknownId(id);
      const entry = versions.get(version);
      if (entry === undefined) {
        const known = sorted(id).map((e) => e.definition.version);
        throw new MotcuaError('versionNotFound', `procedure '${id}' has no version ${version}; its versions are ${known.join(', ')}`, { id, version });
      }
      return entry;
    },

    inForce(id, date) {
      if (!DATE.test(date)) throw new MotcuaError('badRequest', `'${date}' is not a date; write YYYY-MM-DD, e.g. 2025-07-01`);
      if (!byId.has(id)) throw unknownId(id);
      const entry = inForceOrNull(id, date);
      if (entry === null) {
        const earliest = sorted(id).map((e) => e.definition.effective_from).sort()[0];
        throw new MotcuaError(
          'procedureNotFound',
          `procedure '${id}' has no version in force on ${date}; the first version takes effect on ${earliest ?? 'an unknown date'}`,
          { id, date },
        );
      }
      return entry;
    },

    versions: sorted,

    ids() {
      return [...byId.keys()].sort();
    },

    list(date) {
      return registry.ids().map((id) => {
        const versions = sorted(id);
        const current = inForceOrNull(id, date);
        const shown = (current ?? versions.at(-1) ?? versions[0])?.definition;
        return {
          id,
          title: shown?.title ?? id,
          code: shown?.code ?? '',
          versions: versions.map((e) => ({ version: e.definition.version, effective_from: e.definition.effective_from })),
          in_force_version: current?.definition.version ?? null,
        };
      });
    },

    async loadFolder(path, cwd) {
      const checked = await checkPaths([path], cwd);
      const findings = [...checked.findings];
      const loaded: RegisteredProcedure[] = [];
      for (const p of checked.procedures) {
        try {
          loaded.push(registry.add(p.definition, p.source, p.path));
        } catch (e) {
          if (!(e instanceof MotcuaError)) throw e;
          findings.push({ path: p.path, line: 1, col: 1, severity: 'error', message: e.message });
        }
      }
      return { loaded, findings };
    },
  };
  return registry;
}
