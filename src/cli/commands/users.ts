/**
 * `motcua users add|list|disable|token|roles`: manage users from the command line. On SQLite this needs the
 * server stopped (one writer process); with the server running, use the admin API instead.
 */
import { readServerConfig } from '../../config/env.js';
import { isMotcuaError } from '../../errors/index.js';
import { createMotcua } from '../../server/motcua.js';
import { readAuditConfig } from '../../service/audit-config.js';
import { EXIT_USAGE, type CliCommand, type CliIO } from '../io.js';

const usage = `usage: motcua users add --name NAME --unit UNIT --roles ROLE[,ROLE…] [--json]
       motcua users list [--json]
       motcua users disable USER_ID [--json]
       motcua users token USER_ID [--json]
       motcua users roles USER_ID --roles ROLE[,ROLE…] [--json]

add       creates a user and prints their API token (shown only this once; --json prints one JSON object with "token")
list      lists users
disable   disables a user and revokes their tokens
token     issues a new API token for a user (shown only this once) and revokes their other tokens
roles     gives a user new roles, which replace the old ones

Settings (data folder, DATABASE_URL) come from the environment, as for \`motcua serve\`.`;

function parseFlags(args: string[]): { flags: Record<string, string | true>; rest: string[] } | string {
  const flags: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    // `--name=X` is the same as `--name X`.
    const eq = /^(--(?:name|unit|roles))=(.*)$/s.exec(arg);
    const a = eq ? eq[1]! : arg;
    if (a === '--json') flags['json'] = true;
    else if (a === '--name' || a === '--unit' || a === '--roles') {
      const v = eq ? eq[2] : args[++i];
      if (v === undefined || v.startsWith('--')) return `${a} needs a value`;
      flags[a.slice(2)] = v;
    } else if (a.startsWith('-')) return `unknown option '${a}'`;
    else rest.push(a);
  }
  return { flags, rest };
}

async function withMotcua<T>(io: CliIO, run: (m: Awaited<ReturnType<typeof createMotcua>>) => Promise<T>): Promise<T> {
  const config = readServerConfig(io.env, io.cwd);
  const m = await createMotcua({ ...config, audit: readAuditConfig(io.env, io.cwd), log: () => {} });
  try {
    return await run(m);
  } finally {
    await m.close();
  }
}

export const command: CliCommand = {
  summary: 'add, list or disable users, issue one a new token or give one new roles',
  usage,
  async run(args, io) {
    const [sub, ...tail] = args;
    const parsed = parseFlags(tail);
    if (typeof parsed === 'string' || sub === undefined || !['add', 'list', 'disable', 'token', 'roles'].includes(sub)) {
      io.err(`motcua users: ${typeof parsed === 'string' ? parsed : sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`}\n${usage}\n`);
      return EXIT_USAGE;
    }
    const { flags, rest } = parsed;
    const json = flags['json'] === true;
    try {
      if (sub === 'add') {
        const name = flags['name'];
        const unit = flags['unit'];
        const roles = flags['roles'];
        if (typeof name !== 'string' || typeof unit !== 'string' || typeof roles !== 'string' || rest.length > 0) {
          io.err(`motcua users add: --name, --unit and --roles are required\n${usage}\n`);
          return EXIT_USAGE;
        }
        const made = await withMotcua(io, (m) => m.users.create(null, { name, unit, roles: roles.split(',').map((r) => r.trim()).filter(Boolean) }, { requestId: 'cli' }));
        if (json) io.out(`${JSON.stringify({ ...made.user, token: made.token })}\n`);
        else io.out(`created ${made.user.id} (${made.user.name}, unit ${made.user.unit}, roles ${made.user.roles.join(',')})\ntoken (shown only now): ${made.token}\n`);
        return 0;
      }
      if (sub === 'list') {
        const users = await withMotcua(io, (m) => m.users.list(null));
        if (json) io.out(`${JSON.stringify(users)}\n`);
        else for (const u of users) io.out(`${u.id}\t${u.unit}\t${u.roles.join(',')}\t${u.disabled ? 'disabled' : 'active'}\t${u.name}\n`);
        return 0;
      }
      if (rest.length !== 1) {
        io.err(`motcua users ${sub}: give exactly one user id\n${usage}\n`);
        return EXIT_USAGE;
      }
      if (sub === 'roles') {
        const roles = flags['roles'];
        if (typeof roles !== 'string') {
          io.err(`motcua users roles: --roles is required\n${usage}\n`);
          return EXIT_USAGE;
        }
        const user = await withMotcua(io, (m) => m.users.setRoles(null, rest[0]!, { roles: roles.split(',').map((r) => r.trim()).filter(Boolean) }, { requestId: 'cli' }));
        io.out(json ? `${JSON.stringify(user)}\n` : `${user.id} (${user.name}) now has the roles ${user.roles.join(',')}\n`);
        return 0;
      }
      if (sub === 'token') {
        const issued = await withMotcua(io, (m) => m.users.issueToken(null, rest[0]!, { requestId: 'cli' }));
        if (json) io.out(`${JSON.stringify({ ...issued.user, token: issued.token, revoked: issued.revoked })}\n`);
        else io.out(`new token for ${issued.user.id} (${issued.user.name}); ${issued.revoked} older token(s) revoked\ntoken (shown only now): ${issued.token}\n`);
        return 0;
      }
      const user = await withMotcua(io, (m) => m.users.disable(null, rest[0]!, { requestId: 'cli' }));
      io.out(json ? `${JSON.stringify(user)}\n` : `disabled ${user.id} (${user.name}); their tokens no longer work\n`);
      return 0;
    } catch (e) {
      if (isMotcuaError(e)) {
        // The server holds the SQLite folder: the admin API does the same while it runs.
        const hint = isMotcuaError(e, 'unavailable') && 'dataDir' in e.extras ? '\n(while the server runs, an administrator manages users through the API: POST /api/v1/users, GET /api/v1/users, POST /api/v1/users/{id}/disable, POST /api/v1/users/{id}/token, PUT /api/v1/users/{id}/roles)' : '';
        io.err(`motcua users ${sub}: ${e.message}${hint}\n`);
        return 1;
      }
      throw e;
    }
  },
};
