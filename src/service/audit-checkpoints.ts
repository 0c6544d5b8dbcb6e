/**
 * Signed checkpoints of the audit log: after every N new entries or when an entry has waited
 * unsigned for too long (polled), at shutdown, and on demand for an export.
 *
 * Order: a checkpoint of size N covers entries 1..N; signing it appends its own
 * `audit.checkpoint` entry, which is N+1 (the signature is taken under the audit lock, in the
 * same transaction as that entry, so nothing can slip in between). The entry names the size,
 * root and key, and its input_digest is the SHA-256 of the note: the log records its own
 * signatures, and the next checkpoint covers them. A checkpoint of an earlier size, signed on
 * demand for an export that stops there, gets its entry at the head of the log like any other.
 *
 * Each stored checkpoint keeps its Merkle frontier, so the next one hashes only the new leaves;
 * the checkpointer also keeps the frontier of the committed log in memory (O(log n) hashes).
 * Several PostgreSQL nodes may all run one: the size is the primary key and the decision is
 * re-taken under the audit lock, so each size is signed once and a node that lost the race
 * signs nothing.
 */
import { createHash } from 'node:crypto';
import { createMerkleAccumulator, signCheckpoint, type AuditEntryDraft, type MerkleFrontier, type SigningKey } from '../audit/index.js';
import { MotcuaError } from '../errors/index.js';
import { toDbTime, withAuditLock, type AuditCheckpointRow, type Store, type Tx } from '../storage/index.js';
import { appendAudit } from './audit-append.js';
import { accumulatorAt, feed, frontierText, latestCheckpoint, readHead, readLeaves, type LogHead } from './audit-reads.js';
import type { ServiceDeps } from './deps.js';

/** The key that signs, under the log's name. */
export interface CheckpointSigner {
  key: SigningKey;
  keyId: string;
  origin: string;
}

/** When checkpoints are due. */
export interface CheckpointPolicy {
  /** Due once this many entries are unsigned. */
  every: number;
  /** Due once the oldest unsigned entry is this old. */
  intervalMs: number;
}

/** Signs and stores checkpoints. */
export interface Checkpointer {
  readonly signer: CheckpointSigner;
  /** Signs a checkpoint of the whole log if the policy says one is due; null if not. */
  maybeCheckpoint(): Promise<AuditCheckpointRow | null>;
  /** Signs a checkpoint of the whole log unless every entry is signed already; null then. */
  checkpointNow(): Promise<AuditCheckpointRow | null>;
  /** The checkpoint of exactly `size` entries: the stored one, or a new one signed now. */
  ensureCheckpoint(size: number): Promise<AuditCheckpointRow>;
  /** Checks every `pollMs` whether a checkpoint is due, until {@link Checkpointer.stop}. */
  start(pollMs?: number): void;
  stop(): Promise<void>;
}

/** What the log looks like after its last checkpoint. */
export interface CheckpointTail {
  head: LogHead | null;
  latest: number;
  /** Entries after the latest checkpoint, not counting that checkpoint's own entry. */
  unsigned: number;
  /** When the oldest of them was written. */
  oldestAt: string | null;
}

async function readTail(tx: Tx): Promise<CheckpointTail> {
  const head = await readHead(tx);
  const latestRow = await latestCheckpoint(tx);
  const latest = latestRow?.size ?? 0;
  if (!head || head.seq <= latest) return { head, latest, unsigned: 0, oldestAt: null };
  const next = await tx.db.selectFrom('audit_entries').select(['seq', 'event', 'created_at']).where('seq', '>', latest).orderBy('seq').limit(2).execute();
  // The entry right after a checkpoint is usually that checkpoint's own: it is signed by the next one, but never makes one due.
  const skip = latestRow !== null && next[0]?.event === 'audit.checkpoint' ? 1 : 0;
  const unsigned = head.seq - latest - skip;
  return { head, latest, unsigned, oldestAt: unsigned > 0 ? (next[skip]?.created_at ?? null) : null };
}

function isDue(tail: CheckpointTail, policy: CheckpointPolicy, now: Date): boolean {
  if (tail.unsigned <= 0 || tail.oldestAt === null) return false;
  return tail.unsigned >= policy.every || now.getTime() - new Date(tail.oldestAt).getTime() >= policy.intervalMs;
}

/** The entry that records a checkpoint. */
export function checkpointEntry(cp: { size: number; root: Buffer; note: string; keyId: string; time: string }): AuditEntryDraft {
  return {
    time: cp.time,
    actor: { id: 'system', role: 'system' },
    unit: null,
    case_id: null,
    procedure: null,
    event: 'audit.checkpoint',
    from: null,
    to: null,
    reason: null,
    request_id: null,
    input_digest: createHash('sha256').update(cp.note, 'utf8').digest('hex'),
    kind: 'audit.checkpoint',
    details: { size: cp.size, root: cp.root.toString('hex'), key_id: cp.keyId },
  };
}

/**
 * Inside a write transaction: signs the checkpoint of `size` (or of the head when 'head'),
 * stores it with its frontier and appends its entry. `base` is a frontier at or below the
 * size; the leaves after it are read here. Returns null when there is nothing to sign or
 * `when` says it is not due; the stored row when another node signed this size first.
 */
export async function writeCheckpoint(
  tx: Tx,
  signer: CheckpointSigner,
  base: MerkleFrontier,
  size: number | 'head',
  now: Date,
  when: (tail: CheckpointTail) => boolean = (t) => t.unsigned > 0,
): Promise<{ row: AuditCheckpointRow; frontier: MerkleFrontier } | null> {
  await withAuditLock(tx);
  const tail = await readTail(tx);
  const head = tail.head;
  if (!head) return null;
  let target: number;
  if (size === 'head') {
    if (!when(tail)) return null;
    target = head.seq;
  } else {
    if (size < 1 || size > head.seq) throw new MotcuaError('badRequest', `the log has ${head.seq} entries; a checkpoint of size ${size} cannot be signed`);
    const existing = await tx.db.selectFrom('audit_checkpoints').selectAll().where('size', '=', size).executeTakeFirst();
    if (existing) return { row: { ...existing, size: Number(existing.size) }, frontier: base };
    target = size;
  }
  if (base.size > target) throw new MotcuaError('internal', `checkpoint frontier of size ${base.size} is past the ${target} entries to sign`);
  const acc = createMerkleAccumulator(base);
  for (const leaf of await readLeaves(tx, acc.size, target)) acc.push(leaf);
  const chainHex = target === head.seq ? head.chain : (await tx.db.selectFrom('audit_entries').select('chain_hash').where('seq', '=', target).executeTakeFirstOrThrow()).chain_hash;
  const root = acc.root();
  const time = toDbTime(now);
  const note = signCheckpoint({ origin: signer.origin, size: target, root, chainHead: Buffer.from(chainHex, 'hex'), time }, signer.key);
  const frontier = acc.frontier();
  const row: AuditCheckpointRow = { size: target, note, created_at: time, frontier: frontierText(frontier), key_id: signer.keyId };
  const inserted = await tx.db.insertInto('audit_checkpoints').values(row).onConflict((oc) => oc.column('size').doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    const theirs = await tx.db.selectFrom('audit_checkpoints').selectAll().where('size', '=', target).executeTakeFirstOrThrow();
    return { row: { ...theirs, size: Number(theirs.size) }, frontier };
  }
  await appendAudit(tx, checkpointEntry({ size: target, root, note, keyId: signer.keyId, time }));
  return { row, frontier };
}

/** Creates the checkpointer of one process. */
export function createCheckpointer(deps: Pick<ServiceDeps, 'store' | 'clock' | 'log'>, signer: CheckpointSigner, policy: CheckpointPolicy): Checkpointer {
  const store: Store = deps.store;
  // The frontier of a committed prefix of the log: only ever moves forward.
  let known: MerkleFrontier | undefined;
  // One operation at a time: the poller and an export asking at once would hash the same leaves twice.
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const remember = (f: MerkleFrontier): void => {
    if (!known || f.size > known.size) known = f;
  };

  /** The committed frontier fed up to `size`, read outside any write so the write stays short. */
  const frontierUpTo = async (size: number): Promise<MerkleFrontier> => {
    if (known && known.size <= size) {
      const acc = createMerkleAccumulator(known);
      await feed(store, acc, size);
      remember(acc.frontier());
      return acc.frontier();
    }
    const acc = await accumulatorAt(store, size);
    remember(acc.frontier());
    return acc.frontier();
  };

  const signHead = async (when?: (tail: CheckpointTail) => boolean): Promise<AuditCheckpointRow | null> => {
    const head = await store.read(readHead);
    if (!head) return null;
    const base = await frontierUpTo(head.seq);
    const result = await store.write((tx) => writeCheckpoint(tx, signer, base, 'head', deps.clock.now(), when));
    if (result) remember(result.frontier);
    return result?.row ?? null;
  };

  const checkpointer: Checkpointer = {
    signer,
    maybeCheckpoint: () =>
      serial(async () => {
        const now = deps.clock.now();
        // A cheap read first: most polls find nothing due and never take the write lock.
        if (!isDue(await store.read(readTail), policy, now)) return null;
        return signHead((tail) => isDue(tail, policy, deps.clock.now()));
      }),
    checkpointNow: () => serial(() => signHead()),
    ensureCheckpoint: (size) =>
      serial(async () => {
        const stored = await store.read((tx) => tx.db.selectFrom('audit_checkpoints').selectAll().where('size', '=', size).executeTakeFirst());
        if (stored) return { ...stored, size: Number(stored.size) };
        const length = (await store.read(readHead))?.seq ?? 0;
        if (!Number.isSafeInteger(size) || size < 1 || size > length) throw new MotcuaError('badRequest', `the log has ${length} entries; a checkpoint of size ${size} cannot be signed`);
        const base = known && known.size <= size ? await frontierUpTo(size) : (await accumulatorAt(store, size)).frontier();
        const result = await store.write((tx) => writeCheckpoint(tx, signer, base, size, deps.clock.now()));
        if (!result) throw new MotcuaError('badRequest', 'the audit log is empty; there is nothing to sign');
        return result.row;
      }),
    start(pollMs = 5_000) {
      if (timer) return;
      timer = setInterval(() => {
        // Failures become log lines; the next poll tries again.
        void checkpointer.maybeCheckpoint().catch((e: unknown) => deps.log(`audit checkpoint failed: ${e instanceof Error ? e.message : String(e)}`));
      }, pollMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await queue;
    },
  };
  return checkpointer;
}
