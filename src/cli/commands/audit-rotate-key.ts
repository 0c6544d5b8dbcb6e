/**
 * `motcua audit rotate-key`: replaces the checkpoint signing key of a stopped server. The
 * rotation is an audit entry, signed by the old key in a checkpoint, so inspectors can see the
 * old key vouch for the new one; the old private key is kept beside the new one, renamed.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../../clock/index.js';
import { readServerConfig } from '../../config/env.js';
import { isMotcuaError } from '../../errors/index.js';
import { readAuditConfig } from '../../service/audit-config.js';
import { checkKeyPresent, loadSigningKey, rotateSigningKey } from '../../service/audit-keys.js';
import { openStore } from '../../storage/index.js';
import { EXIT_USAGE, type CliIO } from '../io.js';

export const rotateKeyUsage = `usage: motcua audit rotate-key [--reason <text>]

Replaces the audit signing key. Stop the server first (on PostgreSQL: every node). The key is
the one motcua serve uses (MOTCUA_AUDIT_KEY, or the data folder); the old private key is moved
to audit-signing-key.<old key id>.retired.pem beside it. Keep it offline; do not delete it.`;

/** Runs `motcua audit rotate-key`. */
export async function rotateKeyCommand(args: string[], io: CliIO): Promise<number> {
  let reason: string | undefined;
  try {
    ({ values: { reason } } = parseArgs({ args, options: { reason: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    io.err(`motcua audit rotate-key: ${(e as Error).message}\n${rotateKeyUsage}\n`);
    return EXIT_USAGE;
  }
  try {
    const config = readServerConfig(io.env, io.cwd);
    const audit = readAuditConfig(io.env, io.cwd);
    const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    try {
      await checkKeyPresent(store, config.dataDir, audit.keyPath);
      const old = await loadSigningKey(config.dataDir, audit.origin, audit.keyPath);
      const r = await rotateSigningKey({ store, clock: systemClock, log: (line) => io.err(`${line}\n`) }, old, { actorId: 'operator', role: 'operator', reason: reason ?? null });
      io.out(
        [
          `audit signing key rotated: ${r.oldKeyId} → ${r.newKeyId}`,
          `  the rotation is in the log, covered by checkpoint ${r.checkpointSize} signed with the old key ${r.oldKeyId}`,
          `  new private key: ${r.privatePath}`,
          `  old private key: ${r.retiredPath} (keep it offline)`,
          '  publish the new key id to inspectors; exports now verify with both keys (GET /api/v1/audit/keys lists them)',
          '',
        ].join('\n'),
      );
      return 0;
    } finally {
      await store.close();
    }
  } catch (e) {
    io.err(`motcua audit rotate-key: ${isMotcuaError(e) || e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
