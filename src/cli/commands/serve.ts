/** `motcua serve`: runs the API (and, on first start, seeds the demo). */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createClockStartingAt, systemClock } from '../../clock/index.js';
import { readServerConfig } from '../../config/env.js';
import { listen } from '../../http/listen.js';
import { seedDemo } from '../../server/demo.js';
import { createMotcua } from '../../server/motcua.js';
import { readAuditConfig } from '../../service/audit-config.js';
import type { CliCommand } from '../io.js';

export const command: CliCommand = {
  summary: 'serve the API',
  usage: 'usage: motcua serve\n\nSettings come from the environment: PORT (3000), HOST (127.0.0.1), MOTCUA_DATA_DIR (./data),\nDATABASE_URL (postgres://…; default the embedded SQLite file), MOTCUA_PROCEDURES_DIR (./procedures),\nMOTCUA_CONFIG_DIR (./config), MOTCUA_DEMO (1: seed demo users on first start),\nMOTCUA_AUDIT_KEY (checkpoint signing key file; default made in the data folder), MOTCUA_LOG_ORIGIN (motcua.local/audit),\nMOTCUA_CHECKPOINT_ENTRIES (1000), MOTCUA_CHECKPOINT_MINUTES (10),\nMOTCUA_CLOCK_START (tests and demos only: an instant such as 2026-03-02T02:00:00Z the clock starts at).',
  async run(args, io) {
    if (args.length > 0) {
      io.err(`motcua serve: unexpected argument '${args[0]}'\n${this.usage}\n`);
      return 2;
    }
    const config = readServerConfig(io.env, io.cwd);
    const clock = config.clockStart ? createClockStartingAt(config.clockStart) : systemClock;
    // Said on every start: deadlines and the audit log's times are not real ones on such a server.
    if (config.clockStart) io.err(`clock: starts at ${config.clockStart.toISOString()} (MOTCUA_CLOCK_START, for tests and demos), then runs at real speed\n`);
    const m = await createMotcua({ ...config, clock, audit: readAuditConfig(io.env, io.cwd), log: (line) => io.err(`${line}\n`) });
    if (config.demo) {
      const file = await seedDemo(m, config.dataDir);
      if (file) io.out(`demo users and their tokens: ${file}\n`);
    }
    // Timers that fell due while the server was down fire now, earliest first; then every second.
    m.sweeper.start(1_000);
    // Idempotency-Keys are remembered for a day; older ones are deleted every 10 minutes.
    m.housekeeping.start();
    // Other motcua processes on the same PostgreSQL may publish versions; look every 10 s.
    if (m.store.capabilities.multiProcess) m.procedureSync.start(10_000);
    // Signs a checkpoint when one is due (every N entries or M minutes); close() signs the last one.
    m.audit.checkpointer.start();
    const server = await listen(m.app.fetch, config.port, config.host);
    const shown = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
    io.out(`motcua serving http://${shown}:${config.port} (data: ${m.store.location})\n`);
    const http = server as Server;
    let stopping = false;
    // Once stopping, every answer ends its connection, so busy keep-alive clients let go too.
    http.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (stopping) res.setHeader('connection', 'close');
    });
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        stopping = true;
        http.close(() => resolve());
        http.closeIdleConnections();
        // Requests being answered finish; a connection still open after 10 s is cut.
        setTimeout(() => http.closeAllConnections(), 10_000).unref();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const writes = m.store.stats();
    await m.close();
    // For operators (and bench:cases): how well concurrent writes shared their commits.
    const perCommit = writes.commits === 0 ? 0 : writes.committedCommands / writes.commits;
    io.err(`writes: ${writes.committedCommands} commands committed in ${writes.commits} transactions (${perCommit.toFixed(1)} per commit), ${writes.failedCommands} failed, ${writes.refused} refused\n`);
    io.out('motcua stopped\n');
    return 0;
  },
};
