/**
 * The audit log's settings, read from the environment once, at the boundary:
 *
 *   MOTCUA_AUDIT_KEY               the checkpoint signing key (PEM file); default: created in the data folder
 *   MOTCUA_LOG_ORIGIN              the log's name in every checkpoint (default motcua.local/audit)
 *   MOTCUA_CHECKPOINT_ENTRIES      sign a checkpoint after this many new entries (default 1000)
 *   MOTCUA_CHECKPOINT_MINUTES      … or when the oldest unsigned entry is this old (default 10)
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { MotcuaError } from '../errors/index.js';

/** How the audit log signs. */
export interface AuditOptions {
  /** A PEM private key file, or a folder to keep the key in; default the data folder. */
  keyPath?: string | undefined;
  /** The log's identity, also the signing key's name; no spaces and no '+'. */
  origin: string;
  /** A checkpoint is due once this many entries are unsigned. */
  checkpointEvery: number;
  /** … or once entries have stayed unsigned this long. */
  checkpointIntervalMs: number;
}

/** The defaults: a local name, every 1,000 entries or 10 minutes. */
export const DEFAULT_AUDIT_OPTIONS: AuditOptions = { origin: 'motcua.local/audit', checkpointEvery: 1000, checkpointIntervalMs: 10 * 60_000 };

const AuditEnv = z.object({
  MOTCUA_AUDIT_KEY: z.string().min(1).optional(),
  MOTCUA_LOG_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/u, 'MOTCUA_LOG_ORIGIN must be a name without spaces or +, e.g. motcua.hatinh.gov.vn/audit')
    .default(DEFAULT_AUDIT_OPTIONS.origin),
  MOTCUA_CHECKPOINT_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_AUDIT_OPTIONS.checkpointEvery),
  MOTCUA_CHECKPOINT_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(DEFAULT_AUDIT_OPTIONS.checkpointIntervalMs / 60_000),
});

/** Reads the audit settings from `env`; paths are resolved against `cwd`. */
export function readAuditConfig(env: Record<string, string | undefined>, cwd: string): AuditOptions {
  const parsed = AuditEnv.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    throw new MotcuaError('badRequest', `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  return {
    keyPath: e.MOTCUA_AUDIT_KEY === undefined ? undefined : resolve(cwd, e.MOTCUA_AUDIT_KEY),
    origin: e.MOTCUA_LOG_ORIGIN,
    checkpointEvery: e.MOTCUA_CHECKPOINT_ENTRIES,
    checkpointIntervalMs: Math.round(e.MOTCUA_CHECKPOINT_MINUTES * 60_000),
  };
}
