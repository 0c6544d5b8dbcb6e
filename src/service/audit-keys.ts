/**
 * The checkpoint signing key in service: loaded (or made on first start) from the data folder
 * or MOTCUA_AUDIT_KEY, registered in `audit_keys`, and rotated. A rotation is itself an audit
 * entry `audit.key_rotated` { old_key_id, new_key_id, public_key }:
 *
 * - `motcua audit rotate-key` records the rotation and has the OLD key sign a checkpoint that
 *   covers it, so the old key vouches for its successor; then it puts the new key in place.
 * - A key file replaced by hand is noticed at the next start and recorded as a rotation too,
 *   but only the new key signs it (the old one is gone): inspectors should confirm such a
 *   rotation with the operator.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, link, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateSigningKey, keyId, loadOrCreateKeyPair, PRIVATE_KEY_FILE, privateKeyPem, publicKeyPem, PUBLIC_KEY_FILE, type SigningKey } from '../audit/index.js';
import { MotcuaError } from '../errors/index.js';
import { toDbTime, withAuditLock, type Store, type Tx } from '../storage/index.js';
import { appendAudit } from './audit-append.js';
import { writeCheckpoint, type CheckpointSigner } from './audit-checkpoints.js';
import { accumulatorAt, readHead } from './audit-reads.js';
import type { ServiceDeps } from './deps.js';

/** The loaded signing key and where it lives. */
export interface ActiveKey extends CheckpointSigner {
  publicPem: string;
  privatePath: string;
  /** True when this start created the key. */
  created: boolean;
  warning?: string | undefined;
}

/** The private key file that {@link loadSigningKey} reads or creates. */
export function signingKeyFile(dataDir: string, keyPath?: string): string {
  if (keyPath === undefined) return join(dataDir, PRIVATE_KEY_FILE);
  const info = statSync(keyPath, { throwIfNoEntry: false });
  return info?.isFile() || keyPath.endsWith('.pem') ? keyPath : join(keyPath, PRIVATE_KEY_FILE);
}

/**
 * Refuses to make a new key for a log that already has one: a key file that went missing (or a
 * second server with its own data folder) would otherwise start signing with a fresh key, and
 * the log would show an unexplained rotation at every start.
 */
export async function checkKeyPresent(store: Store, dataDir: string, keyPath?: string): Promise<void> {
  const file = signingKeyFile(dataDir, keyPath);
  if (existsSync(file)) return;
  const current = await store.read(currentLogKey);
  if (!current) return;
  throw new MotcuaError(
    'conflict',
    `the audit log is signed with key ${current.key_id}, but its key file ${file} does not exist; restore it from your backup ` +
      `(every server must use the same key: set MOTCUA_AUDIT_KEY to one shared file). If it is lost for good, make a new key ` +
      `(openssl genpkey -algorithm ed25519 -out new-key.pem) and start with MOTCUA_AUDIT_KEY=new-key.pem: that is recorded as a key rotation.`,
  );
}

/** Loads the signing key from `keyPath` (a PEM file, or a folder) or, by default, `dataDir`. */
export async function loadSigningKey(dataDir: string, origin: string, keyPath?: string): Promise<ActiveKey> {
  const loaded = await loadOrCreateKeyPair(keyPath ?? dataDir);
  return {
    key: loaded.key,
    keyId: keyId(origin, loaded.key.publicKey),
    origin,
    publicPem: publicKeyPem(loaded.key),
    privatePath: loaded.privatePath,
    created: loaded.created,
    warning: loaded.warning,
  };
}

/** Who asked for a rotation, for its entry. */
export interface RotationBy {
  actorId: string;
  role: string;
  reason?: string | null;
}

async function recordKey(tx: Tx, now: Date, origin: string, keyIdText: string, pem: string): Promise<void> {
  await tx.db.insertInto('audit_keys').values({ key_id: keyIdText, origin, public_key: pem, added_at: toDbTime(now) }).execute();
}

async function appendRotation(tx: Tx, now: Date, oldKeyId: string, key: { keyId: string; publicPem: string }, by: RotationBy): Promise<void> {
  await appendAudit(tx, {
    time: toDbTime(now),
    actor: { id: by.actorId, role: by.role },
    unit: null,
    case_id: null,
    procedure: null,
    event: 'audit.key_rotated',
    from: null,
    to: null,
    reason: by.reason ?? null,
    request_id: null,
    input_digest: null,
    kind: 'audit.key_rotated',
    details: { old_key_id: oldKeyId, new_key_id: key.keyId, public_key: key.publicPem },
  });
}

/** The key the log uses now (the last registered), or null before the first start. */
export async function currentLogKey(tx: Tx): Promise<{ key_id: string; origin: string; public_key: string } | null> {
  const row = await tx.db.selectFrom('audit_keys').select(['key_id', 'origin', 'public_key']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ?? null;
}

/** Every key the log has used, oldest first (PEM), for verifying exports across rotations. */
export async function logKeys(store: Store): Promise<{ key_id: string; public_key: string; added_at: string }[]> {
  const rows = await store.read((tx) => tx.db.selectFrom('audit_keys').select(['key_id', 'public_key', 'added_at']).orderBy('id').execute());
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.key_id) ? false : (seen.add(r.key_id), true)));
}

/**
 * Makes `active` the log's key: the first key is simply registered; a different key than the
 * last registered one is recorded as a rotation by `system`. Refuses a changed log name, since
 * checkpoints of two names in one export mean two logs to the verifier.
 */
export async function registerSigningKey(deps: Pick<ServiceDeps, 'store' | 'clock' | 'log'>, active: ActiveKey): Promise<{ rotatedFrom: string | null }> {
  return deps.store.write(async (tx) => {
    await withAuditLock(tx);
    const last = await currentLogKey(tx);
    if (last && last.origin !== active.origin) {
      throw new MotcuaError('conflict', `the audit log is named '${last.origin}' but MOTCUA_LOG_ORIGIN is '${active.origin}'; set MOTCUA_LOG_ORIGIN=${last.origin} (a log keeps its name for life)`);
    }
    if (last?.key_id === active.keyId) return { rotatedFrom: null };
    const now = deps.clock.now();
    await recordKey(tx, now, active.origin, active.keyId, active.publicPem);
    if (!last) return { rotatedFrom: null };
    await appendRotation(tx, now, last.key_id, active, { actorId: 'system', role: 'system', reason: 'a different signing key file was found at start' });
    deps.log(`audit: signing key changed from ${last.key_id} to ${active.keyId} (recorded as a key rotation)`);
    return { rotatedFrom: last.key_id };
  });
}

/** What {@link rotateSigningKey} did. */
export interface Rotation {
  oldKeyId: string;
  newKeyId: string;
  /** The checkpoint, signed by the old key, covering the rotation entry. */
  checkpointSize: number;
  privatePath: string;
  /** Where the old private key was moved (keep it offline; do not delete it). */
  retiredPath: string;
}

/**
 * Rotates the signing key of a stopped server: records the rotation, has the old key sign a
 * checkpoint covering it, then moves the old key file aside and puts the new one in its place.
 */
export async function rotateSigningKey(deps: Pick<ServiceDeps, 'store' | 'clock' | 'log'>, old: ActiveKey, by: RotationBy): Promise<Rotation> {
  await registerSigningKey(deps, old);
  const fresh: SigningKey = generateSigningKey();
  const next = { keyId: keyId(old.origin, fresh.publicKey), publicPem: publicKeyPem(fresh) };
  // Staged first: if the database write fails, nothing on disk has changed.
  const staged = `${old.privatePath}.${randomBytes(6).toString('hex')}.next`;
  await writeFile(staged, privateKeyPem(fresh), { mode: 0o600, flag: 'wx' });
  await chmod(staged, 0o600);
  let checkpointSize: number;
  try {
    // Hashed before the write, a page per read; the write then reads only the few leaves after.
    const base = (await accumulatorAt(deps.store, (await deps.store.read(readHead))?.seq ?? 0)).frontier();
    checkpointSize = await deps.store.write(async (tx) => {
      await withAuditLock(tx);
      const now = deps.clock.now();
      await appendRotation(tx, now, old.keyId, next, by);
      await recordKey(tx, now, old.origin, next.keyId, next.publicPem);
      const signed = await writeCheckpoint(tx, old, base, 'head', now);
      if (!signed) throw new MotcuaError('internal', 'the rotation entry was written but no checkpoint could be signed over it');
      return signed.row.size;
    });
  } catch (e) {
    await unlink(staged).catch(() => undefined);
    throw e;
  }
  const retiredPath = join(dirname(old.privatePath), `audit-signing-key.${old.keyId}.retired.pem`);
  try {
    await rename(old.privatePath, retiredPath);
    await link(staged, old.privatePath);
    await unlink(staged);
    if (old.privatePath.endsWith(`/audit-signing-key.pem`)) await writeFile(join(dirname(old.privatePath), PUBLIC_KEY_FILE), next.publicPem, { mode: 0o644 });
  } catch (e) {
    throw new MotcuaError(
      'internal',
      `the rotation to key ${next.keyId} is recorded, but the key files could not be swapped (${(e as Error).message}); ` +
        `move ${staged} to ${old.privatePath} by hand (keep the old key as ${retiredPath}) before starting the server`,
    );
  }
  return { oldKeyId: old.keyId, newKeyId: next.keyId, checkpointSize, privatePath: old.privatePath, retiredPath };
}
