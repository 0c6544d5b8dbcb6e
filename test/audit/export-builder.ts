/**
 * Builds genuine audit exports in memory (tests) or as a stream of lines (bench), the way the
 * server will: seal entries onto the chain, sign a checkpoint every N entries and at the end.
 */
import {
  EMPTY_HEAD,
  chainHash,
  createMerkleAccumulator,
  formatCheckpointLine,
  formatEntryLine,
  formatHeaderLine,
  headAfter,
  leafHashOfText,
  parseExportLine,
  sealEntry,
  signCheckpoint,
  GENESIS_CHAIN,
  type AuditEntryDraft,
  type SigningKey,
} from '../../src/audit/index.js';

export const ORIGIN = 'motcua.test/audit';
const BASE = Date.UTC(2025, 10, 28, 1, 0, 0);

/** The time of entry `seq`: one second apart. */
export const timeOf = (seq: number): string => new Date(BASE + seq * 1000).toISOString();

const STATES = ['received', 'processing', 'approval', 'result_ready', 'delivered'] as const;

/** A plausible entry for position `seq`, varied across kinds. */
export function draftFor(seq: number): AuditEntryDraft {
  const caseNo = Math.floor(seq / 5);
  const step = seq % 5;
  const from = STATES[step] as string;
  const to = STATES[(step + 1) % 5] as string;
  return {
    time: timeOf(seq),
    actor: step === 4 ? { id: 'system', role: 'system' } : { id: `u-${(seq * 7) % 97}`, role: step === 0 ? 'receiver' : 'processor' },
    unit: `G22.${(caseNo % 40) + 10}`,
    case_id: `c_${caseNo.toString(36).padStart(8, '0')}`,
    procedure: 'dang-ky-tam-tru@3',
    event: step === 4 ? 'deadline.warning' : 'ACCEPT',
    from,
    to,
    reason: step === 2 ? 'Hồ sơ đầy đủ theo quy định' : null,
    request_id: `req-${seq.toString(16).padStart(12, '0')}`,
    input_digest: step === 0 ? null : 'ab'.repeat(32),
    kind: step === 4 ? 'deadline.warning' : step === 0 ? 'case.opened' : 'case.transition',
  };
}

export type BuildOptions = {
  entries: number;
  checkpointEvery: number;
  key: SigningKey;
  origin?: string;
  header?: boolean;
  /** Changes the draft of some entries: a rewritten history, sealed and signed like a genuine one. */
  alter?: (seq: number, draft: AuditEntryDraft) => AuditEntryDraft;
};

/** Streams the lines of an export (no newlines). */
export function* exportLines(options: BuildOptions): Generator<string> {
  const origin = options.origin ?? ORIGIN;
  if (options.header ?? true) yield formatHeaderLine(origin);
  const acc = createMerkleAccumulator();
  let head = EMPTY_HEAD;
  for (let seq = 1; seq <= options.entries; seq++) {
    const draft = options.alter ? options.alter(seq, draftFor(seq)) : draftFor(seq);
    const sealed = sealEntry(head, draft);
    head = headAfter(sealed);
    acc.push(sealed.leaf);
    yield formatEntryLine(seq, sealed.text, sealed.leaf, sealed.chain);
    if (seq % options.checkpointEvery === 0 || seq === options.entries) {
      const note = signCheckpoint({ origin, size: seq, root: acc.root(), chainHead: sealed.chain, time: draft.time }, options.key);
      yield formatCheckpointLine(note);
    }
  }
}

/** A whole export as an array of lines. */
export function buildExport(options: BuildOptions): string[] {
  return [...exportLines(options)];
}

/** The checkpoint note of size `size` found in `lines`. */
export function checkpointNote(lines: readonly string[], size: number): string {
  for (const line of lines) {
    const parsed = parseExportLine(line);
    if (parsed.type === 'checkpoint' && new RegExp(`^[^\\n]+\\n${size}\\n`).test(parsed.note)) return parsed.note;
  }
  throw new Error(`no checkpoint of size ${size}`);
}

/** Index in `lines` of the entry line of `seq`. */
export function entryIndex(lines: readonly string[], seq: number): number {
  const i = lines.findIndex((l) => l.startsWith(`{"seq":${seq},`));
  if (i < 0) throw new Error(`no entry ${seq}`);
  return i;
}

/** Signs, with `key`, a checkpoint over the entry lines present in `lines` (as the export states them). */
export function signOver(lines: readonly string[], key: SigningKey, origin = ORIGIN): string {
  const acc = createMerkleAccumulator();
  let chain: Buffer = GENESIS_CHAIN;
  let time = timeOf(0);
  for (const line of lines) {
    const parsed = parseExportLine(line);
    if (parsed.type !== 'entry') continue;
    acc.push(Buffer.from(parsed.leaf, 'hex'));
    chain = Buffer.from(parsed.chain, 'hex');
    time = timeOf(parsed.seq);
  }
  return signCheckpoint({ origin, size: acc.size, root: acc.root(), chainHead: chain, time }, key);
}

/**
 * Entry lines (and a final checkpoint) from raw entry texts, each made by `textFor(seq, prevHex)`:
 * hashes are computed over the texts as given, canonical or not.
 */
export function linesFromTexts(count: number, textFor: (seq: number, prev: string) => string, key: SigningKey): string[] {
  const lines: string[] = [];
  let chain: Buffer = GENESIS_CHAIN;
  for (let seq = 1; seq <= count; seq++) {
    const text = textFor(seq, chain.toString('hex'));
    const leaf = leafHashOfText(text);
    chain = chainHash(chain, leaf);
    lines.push(formatEntryLine(seq, text, leaf, chain));
  }
  lines.push(formatCheckpointLine(signOver(lines, key)));
  return lines;
}
