/**
 * The offline verifier: reads an export line by line and recomputes everything the log claims.
 * Memory stays constant in the number of entries: one running chain hash, a Merkle stack of
 * O(log n) subtree roots, and checkpoints compared the moment the stream reaches their size.
 */
import { isUtf8 } from 'node:buffer';
import { isCanonicalJson } from './canonical.js';
import { scanCanonicalEntry, type ScannedEntry } from './canonical-scan.js';
import { createCheckpointVerifier, type Checkpoint, type CheckpointVerifier } from './checkpoint.js';
import { EXPORT_FORMAT, isHashHex, parseExportLine } from './export-format.js';
import { chainHash, GENESIS_CHAIN, GENESIS_PREV, leafHash, leafHashOfText } from './hashing.js';
import { MAX_LINE_BYTES } from './lines.js';
import type { TrustedKey } from './keys.js';
import { createMerkleAccumulator } from './merkle-tree.js';
import type { CheckpointCheck, PinnedCheck, SeqGap, VerifyProblem, VerifyReport } from './verify-report.js';

/** Options of {@link verifyExport}. */
export type VerifyOptions = {
  /** Public keys that may sign checkpoints (several across key rotations). */
  publicKeys: readonly TrustedKey[];
  /** A checkpoint note the auditor saved earlier, outside the system. */
  pinned?: string;
  /** How many problems and gaps the report lists (counts are always exact). */
  maxListed?: number;
};

type Pending = { check: CheckpointCheck; cp: Checkpoint };

// A hostile export could list millions of checkpoints ahead of their entries.
const MAX_PENDING = 10_000;
// Checkpoints listed in the report (one per 1,000 entries: ten million entries' worth).
const MAX_CHECKPOINTS_LISTED = 10_000;

/** One export line, as text or as the file's bytes (see splitLines), without its newline. */
export type ExportInputLine = string | Uint8Array;

/**
 * Verifies an audit export read as lines; throws only if a public key is unusable.
 * Give lines as bytes when reading a file: entries are then hashed exactly as stored.
 */
export async function verifyExport(
  lines: AsyncIterable<ExportInputLine> | Iterable<ExportInputLine>,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const run = createRun(createCheckpointVerifier(options.publicKeys), options);
  for await (const line of lines) run.line(line);
  return run.finish();
}

function createRun(verifier: CheckpointVerifier, options: VerifyOptions) {
  const maxListed = options.maxListed ?? 100;
  const acc = createMerkleAccumulator();
  const problems: VerifyProblem[] = [];
  const gaps: SeqGap[] = [];
  const checkpoints: CheckpointCheck[] = [];
  const pending: Pending[] = [];
  let problemCount = 0;
  let firstBad: { seq: number; problem: string } | undefined;
  let lineNo = 0;
  let sawContent = false;
  let origin: string | null = null;
  let nextSeq = 1;
  let lastSeq = 0;
  // Two chain heads: `trueHead` is recomputed from entry 1 and is what checkpoints must match;
  // `claimedPrev` is the chain hash the export states for the line before, so one altered entry
  // is reported once instead of breaking every later link in the report.
  let trueHead: Buffer = GENESIS_CHAIN;
  let claimedPrev = GENESIS_PREV;
  let diverged = false;
  let checkpointCount = 0;
  let checkpointsValid = 0;
  let signedSize = 0;
  const signingKeys: string[] = [];
  let pinned: PinnedCheck | undefined;
  let pinnedCp: Checkpoint | undefined;
  let pinnedOrigin: string | undefined;

  // `atEntry`: the problem concerns the entry line being read, whose place in the log is
  // acc.size + 1. The first such place is where the export and the genuine log part ways, whatever
  // seq the (possibly altered) line claims for itself.
  const report = (seq: number | null, line: number | null, problem: string, atEntry = false): void => {
    problemCount += 1;
    if (problems.length < maxListed) problems.push({ seq, line, problem });
    if (atEntry && firstBad === undefined) firstBad = { seq: acc.size + 1, problem };
  };

  const setOrigin = (name: string, line: number | null): void => {
    if (origin === null) origin = name;
    else if (origin !== name) report(null, line, `log origin '${name}' differs from '${origin}' seen before: this mixes two logs`);
  };

  if (options.pinned !== undefined) {
    const v = verifier.verify(options.pinned);
    pinned = { size: v.checkpoint?.size ?? null, signatureOk: v.ok, consistent: false };
    if (!v.ok) pinned.problem = `the pinned checkpoint does not verify: ${v.problem}`;
    else {
      pinnedCp = v.checkpoint;
      pinnedOrigin = v.checkpoint.origin;
    }
  }

  const settleCheckpoint = (check: CheckpointCheck, cp: Checkpoint): void => {
    check.rootOk = acc.root().equals(cp.root);
    check.chainOk = trueHead.equals(cp.chainHead);
    if (!check.rootOk) check.problem ??= `its Merkle root differs from the root of the first ${cp.size} entries of this export: an entry up to seq ${cp.size} was changed, removed, added or moved`;
    else if (!check.chainOk) check.problem ??= `its chain head differs from the chain hash of entry ${cp.size}`;
    count(check);
  };

  const count = (check: CheckpointCheck): void => {
    if (check.signatureOk && check.rootOk && check.chainOk && check.problem === undefined) {
      checkpointsValid += 1;
      signedSize = Math.max(signedSize, check.size ?? 0);
      // Counted here rather than from the listed checkpoints, which stop at the first 10,000.
      if (check.keyId !== null && !signingKeys.includes(check.keyId)) signingKeys.push(check.keyId);
    }
  };

  const settlePinned = (): void => {
    if (!pinned || !pinnedCp) return;
    const rootOk = acc.root().equals(pinnedCp.root);
    const chainOk = trueHead.equals(pinnedCp.chainHead);
    pinned.consistent = rootOk && chainOk;
    if (!rootOk) pinned.problem = `the first ${pinnedCp.size} entries of this export do not have the Merkle root you pinned: the log was changed at or before seq ${pinnedCp.size} after you pinned it`;
    else if (!chainOk) pinned.problem = `the chain hash of entry ${pinnedCp.size} differs from the one you pinned: the log was rewritten`;
    pinnedCp = undefined;
  };

  const reached = (): void => {
    while (pending.length > 0 && (pending[0] as Pending).cp.size === acc.size) {
      const p = pending.shift() as Pending;
      settleCheckpoint(p.check, p.cp);
    }
    if (pinnedCp && pinnedCp.size === acc.size) settlePinned();
  };

  // A pinned checkpoint of size 0 is settled before the first line.
  reached();

  const onOrder = (seq: number, line: number): void => {
    if (seq === nextSeq) {
      nextSeq += 1;
    } else if (seq > nextSeq) {
      const where = `entry ${seq} follows entry ${nextSeq - 1}`;
      report(nextSeq, line, seq === nextSeq + 1 ? `entry ${nextSeq} is not in its place: ${where}` : `entries ${nextSeq}–${seq - 1} are not in their place: ${where}`, true);
      if (gaps.length < maxListed) gaps.push({ from: nextSeq, to: seq - 1 });
      nextSeq = seq + 1;
    } else {
      const i = gaps.findIndex((g) => g.from <= seq && seq <= g.to);
      if (i >= 0) {
        const g = gaps[i] as SeqGap;
        const parts = [{ from: g.from, to: seq - 1 }, { from: seq + 1, to: g.to }].filter((p) => p.from <= p.to);
        gaps.splice(i, 1, ...parts);
        report(seq, line, `entry ${seq} is out of order: it comes after entry ${nextSeq - 1}`, true);
      } else {
        report(seq, line, `entry ${seq} appears again after entry ${nextSeq - 1} (duplicate or moved)`, true);
      }
    }
    lastSeq = Math.max(lastSeq, seq);
  };

  const onEntry = (lineSeq: number, leafHex: string, chainHex: string, text: string, bytes: Buffer | undefined, line: number): void => {
    let entry: ScannedEntry | undefined;
    let problem: string | undefined;
    // Decoding replaced invalid UTF-8 with U+FFFD; such bytes never came from the writer.
    if (bytes && text.includes('\uFFFD') && !isUtf8(bytes)) problem = 'the entry bytes are not valid UTF-8';
    else ({ entry, problem } = readEntry(text));
    // The hashed seq names the entry; the line's copy is only a convenience for readers.
    const stated = entry?.seq;
    const seq = typeof stated === 'number' && Number.isSafeInteger(stated) && stated > 0 ? stated : lineSeq;
    if (entry && problem === undefined && stated !== lineSeq) problem = `the entry says seq ${String(stated)} but its line says ${lineSeq}`;
    onOrder(seq, line);

    const leaf = bytes ? leafHash(bytes) : leafHashOfText(text);
    if (problem === undefined && leaf.toString('hex') !== leafHex) {
      problem = isHashHex(leafHex)
        ? 'the entry bytes do not match its leaf hash: the entry was changed after it was written'
        : 'its leaf hash is not 64 lowercase hex digits';
    }
    if (problem === undefined && entry && entry.prev !== claimedPrev) {
      problem = 'its prev does not match the chain hash of the entry before it: entries were removed, inserted or reordered before this one';
    }
    trueHead = chainHash(trueHead, leaf);
    const trueHex = trueHead.toString('hex');
    if (problem === undefined) {
      const linked = diverged ? chainHash(Buffer.from(claimedPrev, 'hex'), leaf).toString('hex') : trueHex;
      if (linked !== chainHex) problem = isHashHex(chainHex) ? 'its chain hash is wrong: the hashes were edited' : 'its chain hash is not 64 lowercase hex digits';
    }
    if (problem !== undefined) report(seq, line, problem, true);
    claimedPrev = chainHex;
    diverged = chainHex !== trueHex;
    acc.push(leaf);
    if (pending.length > 0 || pinnedCp) reached();
  };

  const onCheckpoint = (note: string, line: number): void => {
    checkpointCount += 1;
    const v = verifier.verify(note);
    const cp = v.checkpoint;
    const check: CheckpointCheck = {
      line,
      size: cp?.size ?? null,
      keyId: v.ok ? v.keyId : (cp?.keyId ?? null),
      time: cp?.time ?? null,
      signatureOk: v.ok,
      rootOk: false,
      chainOk: false,
    };
    if (!v.ok) check.problem = v.problem;
    if (checkpoints.length < MAX_CHECKPOINTS_LISTED) checkpoints.push(check);
    if (!cp) return;
    setOrigin(cp.origin, line);
    if (cp.size === acc.size) settleCheckpoint(check, cp);
    else if (cp.size > acc.size && lastSeq >= cp.size) {
      // The numbering already passed this size, so the stream will never line up with it.
      check.problem ??= `it counts ${cp.size} entries, but this export has only ${acc.size} up to seq ${lastSeq}: entries are missing`;
      count(check);
    } else if (cp.size > acc.size && pending.length < MAX_PENDING) insertPending(pending, { check, cp });
    else if (cp.size > acc.size) check.problem ??= `more than ${MAX_PENDING} checkpoints come before their entries; put each right after entry ${cp.size}`;
    else check.problem ??= `it covers ${cp.size} entries but comes after entry ${acc.size}; a checkpoint must follow entry ${cp.size}`;
  };

  return {
    line(input: ExportInputLine): void {
      lineNo += 1;
      let raw: string;
      let bytes: Buffer | undefined;
      if (typeof input === 'string') raw = input;
      else {
        bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
        if (bytes.length > MAX_LINE_BYTES) {
          report(nextSeq, lineNo, `line is longer than ${MAX_LINE_BYTES} bytes`, true);
          return;
        }
        raw = bytes.toString('utf8');
      }
      const parsed = parseExportLine(raw);
      switch (parsed.type) {
        case 'blank':
          return;
        case 'entry':
          sawContent = true;
          onEntry(parsed.seq, parsed.leaf, parsed.chain, parsed.text, bytes?.subarray(parsed.offset, bytes.length - 1), lineNo);
          return;
        case 'checkpoint':
          sawContent = true;
          onCheckpoint(parsed.note, lineNo);
          return;
        case 'header':
          if (sawContent) report(null, lineNo, 'the header line must be the first line');
          sawContent = true;
          if (parsed.format !== EXPORT_FORMAT) report(null, lineNo, `unknown export format '${parsed.format}'; this verifier reads ${EXPORT_FORMAT}`);
          if (parsed.origin !== undefined) setOrigin(parsed.origin, lineNo);
          return;
        case 'invalid':
          sawContent = true;
          report(nextSeq, lineNo, parsed.problem, true);
          return;
      }
    },
    finish(): VerifyReport {
      for (const p of pending) {
        p.check.problem ??= `the export ends after ${acc.size} entries, before this checkpoint's ${p.cp.size}: entries were cut off the end`;
        count(p.check);
      }
      if (pinned && pinnedCp) {
        pinned.problem = `the export holds ${acc.size} entries but the checkpoint you pinned covers ${pinnedCp.size}: the log was truncated`;
      }
      if (pinned?.consistent && pinnedOrigin !== origin) {
        // A checkpoint of another log proves nothing about this one, even if its numbers match.
        pinned.consistent = false;
        pinned.problem = `the pinned checkpoint is for log '${pinnedOrigin}', this export is '${origin ?? 'unknown'}'`;
      }
      if (checkpointCount === 0) report(null, null, 'the export holds no checkpoint, so nothing ties its entries to the log\'s signing key');
      const ok = problemCount === 0 && checkpointCount > 0 && checkpointsValid === checkpointCount && (pinned === undefined || pinned.consistent);
      const out: VerifyReport = {
        ok,
        origin,
        entriesChecked: acc.size,
        lastSeq,
        problems,
        problemCount,
        gaps,
        checkpoints,
        checkpointCount,
        checkpointsValid,
        signingKeys,
        signedSize,
        unsignedTail: Math.max(0, acc.size - signedSize),
      };
      if (firstBad) out.firstBad = firstBad;
      if (pinned) out.pinned = pinned;
      return out;
    },
  };
}

/** The entry's seq and prev if its text is canonical JSON; otherwise what is wrong with it. */
function readEntry(text: string): { entry?: ScannedEntry; problem?: string } {
  const scanned = scanCanonicalEntry(text);
  if (scanned) return { entry: scanned };
  // The scan only ever says "yes" for sure; the library decides the rest and names the problem.
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'the entry is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'the entry is not a JSON object' };
  const record = value as Record<string, unknown>;
  const entry: ScannedEntry = { seq: record.seq, prev: record.prev };
  if (!isCanonicalJson(text, value)) return { entry, problem: 'the entry bytes are not canonical JSON (RFC 8785): they were edited by hand or re-serialized' };
  return { entry };
}

function insertPending(pending: Pending[], item: Pending): void {
  let i = pending.length;
  while (i > 0 && (pending[i - 1] as Pending).cp.size > item.cp.size) i -= 1;
  pending.splice(i, 0, item);
}
