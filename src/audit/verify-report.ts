/**
 * What the offline verifier reports, and the same report in plain words for a terminal.
 */

/** Something wrong at one place in the export. `seq` is the entry concerned, null for the export as a whole. */
export type VerifyProblem = { seq: number | null; line: number | null; problem: string };

/** A run of seq numbers absent from the export. */
export type SeqGap = { from: number; to: number };

/** The checks on one checkpoint line of the export. */
export type CheckpointCheck = {
  line: number;
  size: number | null;
  keyId: string | null;
  time: string | null;
  /** Signed by a trusted key, and the note is well formed. */
  signatureOk: boolean;
  /** Its Merkle root equals the root of the first `size` entries of the export. */
  rootOk: boolean;
  /** Its chain head equals the chain hash of entry `size` recomputed from entry 1. */
  chainOk: boolean;
  problem?: string;
};

/** The checks on the checkpoint the auditor pinned earlier. */
export type PinnedCheck = { size: number | null; signatureOk: boolean; consistent: boolean; problem?: string };

/** The verifier's findings. `ok` is true only when every check holds. */
export type VerifyReport = {
  ok: boolean;
  origin: string | null;
  /** Entry lines read (each one hashed and linked). */
  entriesChecked: number;
  /** Highest seq seen. */
  lastSeq: number;
  /** The lowest seq at which the export stops being the genuine log. */
  firstBad?: { seq: number; problem: string };
  /** Problems in export order; at most `maxListed`, `problemCount` counts them all. */
  problems: VerifyProblem[];
  problemCount: number;
  /** Seq numbers missing from the export (at most `maxListed` runs). */
  gaps: SeqGap[];
  /** Checkpoints in export order (the first 10,000), with counts over all of them. */
  checkpoints: CheckpointCheck[];
  checkpointCount: number;
  checkpointsValid: number;
  /** Key ids of the keys that signed the checkpoints that verified fully, in order of first use. */
  signingKeys: string[];
  /** Size of the largest checkpoint that verified fully: entries up to here are signed. */
  signedSize: number;
  /** Entries after `signedSize`, protected by the hash chain only. */
  unsignedTail: number;
  pinned?: PinnedCheck;
};

const LISTED_CHECKPOINT_FAILURES = 20;

/** The report as text for an inspector: the verdict first, then what was checked and what failed. */
export function formatVerifyReport(report: VerifyReport): string {
  const out: string[] = [];
  out.push(report.ok ? 'audit export VERIFIED: every check holds' : 'audit export FAILED verification');
  out.push(`  log: ${report.origin ?? '(unknown origin)'}`);
  out.push(`  entries checked: ${report.entriesChecked}${report.entriesChecked > 0 ? ` (last seq ${report.lastSeq})` : ''}`);
  if (report.firstBad) out.push(`  first bad seq: ${report.firstBad.seq}: ${report.firstBad.problem}`);
  out.push(`  gaps: ${report.gaps.length === 0 ? 'none' : report.gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from}–${g.to}`)).join(', ')}`);

  const bad = report.checkpointCount - report.checkpointsValid;
  out.push(`  checkpoints: ${report.checkpointCount} found, ${report.checkpointsValid} valid${bad > 0 ? `, ${bad} FAILED` : ''}`);
  const failures = report.checkpoints.filter((c) => !(c.signatureOk && c.rootOk && c.chainOk));
  for (const c of failures.slice(0, LISTED_CHECKPOINT_FAILURES)) {
    const sig = c.signatureOk ? 'signature ok' : 'signature REJECTED';
    out.push(`    line ${c.line}, size ${c.size ?? '?'}${c.keyId ? `, key ${c.keyId}` : ''}: ${sig}; ${c.problem ?? 'root or chain head differs'}`);
  }
  if (failures.length > LISTED_CHECKPOINT_FAILURES) out.push(`    … ${failures.length - LISTED_CHECKPOINT_FAILURES} more (use --json)`);
  // The inspector compares these with the key ids the operator published.
  out.push(`  signing keys: ${report.signingKeys.length > 0 ? report.signingKeys.join(', ') : 'none (no checkpoint verified)'}`);
  out.push(`  signed up to entry: ${report.signedSize}${report.unsignedTail > 0 ? ` (${report.unsignedTail} later entries rest on the hash chain only)` : ''}`);

  if (report.pinned) {
    const p = report.pinned;
    out.push(`  pinned checkpoint (size ${p.size ?? '?'}): ${p.consistent ? 'consistent with this export' : `INCONSISTENT: ${p.problem ?? ''}`}`);
  } else {
    out.push('  pinned checkpoint: none given (pass --checkpoint to detect a log rewritten with the real key)');
  }

  const others = report.problems.slice(0, 10);
  if (others.length > 0) {
    out.push(`  problems (${report.problemCount}${report.problemCount > others.length ? `, first ${others.length} shown` : ''}):`);
    for (const p of others) out.push(`    ${p.line !== null ? `line ${p.line}` : 'export'}${p.seq !== null ? `, seq ${p.seq}` : ''}: ${p.problem}`);
  }
  return `${out.join('\n')}\n`;
}
