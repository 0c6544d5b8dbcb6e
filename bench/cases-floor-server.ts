/**
 * (f) The floor over HTTP: the least a durable transition over HTTP can cost on this machine with
 * motcua's parts (Node's HTTP server, better-sqlite3, WAL, synchronous=FULL, group commit), so
 * (c) can be read against what the hardware allows, not only against (a).
 *
 * A bare `node:http` server with none of motcua's work: no framework, no validation, no engine,
 * no timers, no case view. Per request it does only the writes every transition must make: it
 * checks the bearer token (one SHA-256, one map lookup), reads the case's version and state,
 * updates the case row, inserts the transition row and a hash-chained audit row (two SHA-256).
 * Commands are batched by motcua's own group-commit runner (src/storage/group-commit.ts) with the
 * store's defaults, each in its own savepoint, one fsync per batch, none answered before its
 * COMMIT returned. (Checkpoints are SQLite's own, inside a COMMIT now and then; motcua runs them
 * on a thread of their own.)
 *
 * With FLOOR_ASYNC_FSYNC=1 (`--floor-async-fsync`) the COMMIT does not fsync (synchronous=NORMAL);
 * the batch is answered once an fdatasync of the WAL, run on libuv's thread pool, has returned, so
 * the event loop serves requests during the flush: what moving the fsync off the loop could buy.
 * (Not done in motcua: the issue asks for synchronous=FULL, and it bought ~4% here.)
 *
 * Started by bench/cases.ts (mode f) with MOTCUA_DATA_DIR, PORT and FLOOR_TOKEN set; prints
 * "serving" once listening, and at SIGTERM the number of commands and transactions.
 */
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { fdatasync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createGroupCommit } from '../src/storage/group-commit.js';
import { emptyStats } from '../src/storage/store.js';

const db = new Database(join(process.env.MOTCUA_DATA_DIR!, 'motcua.db'));
db.pragma('journal_mode = WAL');
const asyncSync = process.env.FLOOR_ASYNC_FSYNC === '1';
db.pragma(asyncSync ? 'synchronous = NORMAL' : 'synchronous = FULL');
db.pragma('foreign_keys = ON');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const tokens = new Map([[sha256(process.env.FLOOR_TOKEN!), 'bench-user']]);

const load = db.prepare('select version, state from cases where id = ?');
const update = db.prepare('update cases set version = ?, state = ?, snapshot = ?, status_code = ?, updated_at = ? where id = ? and version = ?');
const insertTransition = db.prepare(
  `insert into case_transitions (case_id, seq, event, from_state, to_state, actor_id, actor_role, unit_id, at, procedure_version)
   values (?, ?, ?, ?, ?, ?, 'processor', 'thanh-sen', ?, 1)`,
);
const insertAudit = db.prepare(
  'insert into audit_entries (seq, bytes, leaf_hash, chain_hash, created_at, case_id, actor_id, unit_id, event) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
const head = db.prepare('select seq, chain_hash from audit_entries order by seq desc limit 1').get() as { seq: number; chain_hash: string } | undefined;
// Opened after the first read, which makes SQLite create the WAL file.
const walFd = asyncSync ? openSync(join(process.env.MOTCUA_DATA_DIR!, 'motcua.db-wal'), 'r') : -1;
let auditSeq = head?.seq ?? 0;
let chain = head?.chain_hash ?? '0'.repeat(64);
const [begin, savepoint, release, rollbackTo, commit, rollback] = ['BEGIN IMMEDIATE', 'SAVEPOINT f', 'RELEASE f', 'ROLLBACK TO f', 'COMMIT', 'ROLLBACK'].map((s) => db.prepare(s));

const next: Record<string, { from: string; to: string; status: number }> = {
  PROPOSE: { from: '["processing"]', to: '["approval"]', status: 5 },
  RETURN: { from: '["approval"]', to: '["processing"]', status: 4 },
};

const stats = emptyStats();
// motcua's own group-commit runner, with the store's defaults: the same batching as (c).
const group = createGroupCommit({
  withConnection: (body) => body(undefined as never),
  control: {
    begin: () => begin!.run(),
    savepoint: () => savepoint!.run(),
    release: () => release!.run(),
    rollbackToSavepoint: () => rollbackTo!.run(),
    commit: () => {
      commit!.run();
      commits += 1;
    },
    rollback: () => rollback!.run(),
    inTransaction: () => db.inTransaction,
  },
  memo: { save: () => [auditSeq, chain], restore: (saved) => ([auditSeq, chain] = saved as [number, string]), forget: () => undefined },
  maxBatch: 256,
  maxQueued: 8192,
  // With the fsync off the loop, batches form while the last one flushes; waiting for callers
  // to come back only delays them (measured: 4 ms made it slower, 1 ms too).
  gatherMs: asyncSync ? 0 : 4,
  stats,
  describeFailure: (e) => e,
});

// --floor-async-fsync: a batch is answered once an fdatasync begun after its COMMIT has returned.
let commits = 0;
let synced = 0;
let syncing = false;
let waiters: { commit: number; wake: () => void }[] = [];
function flush(): void {
  if (syncing) return;
  syncing = true;
  const upTo = commits;
  fdatasync(walFd, () => {
    syncing = false;
    synced = upTo;
    const ready = waiters.filter((w) => w.commit <= upTo);
    waiters = waiters.filter((w) => w.commit > upTo);
    for (const w of ready) w.wake();
    if (waiters.length > 0) flush();
  });
}
const durable = (): Promise<void> | undefined => {
  if (!asyncSync || synced >= commits) return undefined;
  const commit = commits;
  return new Promise((wake) => {
    waiters.push({ commit, wake });
    flush();
  });
};

/** One transition: the writes every transition makes, and nothing else. */
async function transition(id: string, event: string, actor: string): Promise<[number, unknown]> {
  const outcome = await write(id, event, actor);
  await durable();
  return outcome;
}

function write(id: string, event: string, actor: string): Promise<[number, unknown]> {
  return group.submit(async () => {
    const row = load.get(id) as { version: number; state: string } | undefined;
    const step = next[event];
    if (row === undefined) return [404, { code: 'not_found' }];
    if (step === undefined || row.state !== step.from) return [409, { code: 'conflict' }];
    const at = new Date().toISOString();
    const version = row.version + 1;
    update.run(version, step.to, JSON.stringify({ value: JSON.parse(step.to), version }), step.status, at, id, row.version);
    insertTransition.run(id, version, event, step.from, step.to, actor, at);
    const bytes = JSON.stringify({ at, case: id, event, from: step.from, to: step.to, version });
    const leaf = sha256(bytes);
    const linked = sha256(chain + leaf);
    insertAudit.run(auditSeq + 1, bytes, leaf, linked, at, id, actor, 'thanh-sen', event);
    auditSeq += 1;
    chain = linked;
    return [200, { id, version, state: JSON.parse(step.to) }];
  });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

const route = /^\/api\/v1\/cases\/([^/]+)\/events$/;
const server = createServer((req, res) => {
  const m = route.exec(req.url ?? '');
  const auth = req.headers.authorization;
  const actor = auth?.startsWith('Bearer ') ? tokens.get(sha256(auth.slice(7))) : undefined;
  if (req.method !== 'POST' || m === null) return void answer(res, 404, { code: 'not_found' });
  if (actor === undefined) return void answer(res, 401, { code: 'unauthorized' });
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: { type: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string };
    } catch {
      return void answer(res, 400, { code: 'badRequest' });
    }
    transition(decodeURIComponent(m[1]!), body.type, actor).then(
      ([status, answerBody]) => answer(res, status, answerBody),
      (e: unknown) => answer(res, 500, { code: 'internal', message: String(e) }),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('serving\n'));
process.on('SIGTERM', () => {
  process.stderr.write(`writes: ${stats.committedCommands} commands committed in ${stats.commits} transactions\n`);
  server.close();
  server.closeAllConnections();
  db.close();
  process.exit(0);
});
