/**
 * Published procedure versions: the shipped folder and admin uploads, persisted so a case can
 * always be replayed against the exact version it was opened under, even after the file
 * changed. A published version is immutable: a change is a new version.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../auth/policy.js';
import { isAdmin } from '../auth/policy.js';
import { checkProcedureSource } from '../definitions/check.js';
import { checkPaths } from '../definitions/check-paths.js';
import { formatFinding, type Finding } from '../definitions/findings.js';
import { MotcuaError } from '../errors/index.js';
import { toDbTime } from '../storage/index.js';
import { appendAudit } from './audit-append.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { registerStoredVersion } from './procedure-sync.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Loads the procedures folder and every version stored in the database into the registry;
 * folder versions not yet stored are stored (published by `system`). Returns the findings of
 * the folder (a definition with errors is never loaded) and conflicts found.
 */
export async function loadProcedures(deps: ServiceDeps, folder: string): Promise<{ findings: Finding[]; problems: string[]; stored: number; published: number; unchanged: number }> {
  const problems: string[] = [];
  const stored = await deps.store.read((tx) => tx.db.selectFrom('procedure_versions').select(['procedure_id', 'version', 'source', 'source_sha256']).execute());
  const storedBy = new Map(stored.map((r) => [`${r.procedure_id}@${r.version}`, r]));
  for (const r of stored) {
    const problem = registerStoredVersion(deps, r);
    if (problem !== null) problems.push(problem);
  }
  // A folder file whose bytes are a stored version was checked when it was published, and just
  // again above: it is not checked a third time.
  const { findings, procedures, skipped } = await checkPaths([folder], process.cwd(), { knownSha256: new Set(stored.map((r) => r.source_sha256)) });
  const now = toDbTime(deps.clock.now());
  let published = 0;
  for (const p of procedures) {
    const key = `${p.definition.id}@${p.definition.version}`;
    const existing = storedBy.get(key);
    if (existing) {
      if (existing.source_sha256 !== sha256(p.source)) {
        problems.push(`${p.path}: ${key} differs from the published version of the same number; published versions never change — raise 'version' to publish the change`);
      }
      continue;
    }
    deps.registry.add(p.definition, p.source, p.path);
    published += 1;
    await deps.store.write(async (tx) => {
      await tx.db
        .insertInto('procedure_versions')
        .values({ procedure_id: p.definition.id, version: p.definition.version, source: p.source, definition: JSON.stringify(p.definition), effective_from: p.definition.effective_from, published_at: now, published_by: 'system', source_sha256: sha256(p.source) })
        .execute();
      await appendAudit(tx, {
        time: now,
        actor: { id: 'system', role: 'system' },
        unit: null,
        case_id: null,
        procedure: key,
        event: 'procedure.published',
        from: null,
        to: null,
        reason: null,
        request_id: null,
        input_digest: sha256(p.source),
        kind: 'procedure.published',
        details: { source: 'folder' },
      });
    });
  }
  return { findings, problems, stored: stored.length, published, unchanged: skipped.length };
}

/** Publishes a new version from YAML (admins only); 422 with every finding when it has errors. */
export async function publishProcedure(deps: ServiceDeps, actor: Actor, id: string, source: string, meta: RequestMeta): Promise<{ id: string; version: number; effective_from: string; warnings: Finding[] }> {
  if (!isAdmin(actor)) throw new MotcuaError('forbidden', 'Only administrators publish procedures.');
  const checked = checkProcedureSource(source, `${id}.yaml`);
  const errors = checked.findings.filter((f) => f.severity === 'error');
  if (!checked.definition || errors.length > 0) {
    throw new MotcuaError('definitionInvalid', `The definition has ${errors.length} error(s); fix them and upload again.`, {
      findings: checked.findings.map((f) => ({ line: f.line, col: f.col, severity: f.severity, message: f.message, text: formatFinding(f) })),
    });
  }
  const def = checked.definition;
  if (def.id !== id) throw new MotcuaError('validationFailed', `The YAML says id '${def.id}' but the URL says '${id}'; they must match.`);
  const existing = deps.registry.find(def.id, def.version);
  if (existing) {
    throw new MotcuaError('alreadyExists', `Procedure '${def.id}' version ${def.version} is already published; published versions never change — upload it as version ${Math.max(...deps.registry.versions(def.id).map((v) => v.definition.version)) + 1}.`);
  }
  const at = toDbTime(deps.clock.now());
  await deps.store.write(async (tx) => {
    await tx.db
      .insertInto('procedure_versions')
      .values({ procedure_id: def.id, version: def.version, source, definition: JSON.stringify(def), effective_from: def.effective_from, published_at: at, published_by: actor.id, source_sha256: sha256(source) })
      .execute();
    await appendAudit(tx, {
      time: at,
      actor: { id: actor.id, role: 'admin' },
      unit: null,
      case_id: null,
      procedure: `${def.id}@${def.version}`,
      event: 'procedure.published',
      from: null,
      to: null,
      reason: null,
      request_id: meta.requestId,
      input_digest: sha256(source),
      kind: 'procedure.published',
      details: { source: 'upload' },
    });
  });
  // Only after the commit: a failed write must not leave a version the database does not have.
  deps.registry.add(def, source);
  return { id: def.id, version: def.version, effective_from: def.effective_from, warnings: checked.findings };
}
