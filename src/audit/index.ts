/**
 * The tamper-evident audit log's core: entries and their hashed bytes, the hash chain, RFC 9162
 * Merkle trees and proofs, Ed25519-signed checkpoints, the export format and the offline
 * verifier. Pure except key-files.ts (the signing key on disk). See docs/audit.md.
 */
export { canonicalJson, isCanonicalJson } from './canonical.js';
export {
  AUDIT_KINDS,
  EMPTY_HEAD,
  MAX_ENTRY_BYTES,
  entryBytes,
  headAfter,
  sealEntry,
  type AuditEntry,
  type AuditEntryDraft,
  type AuditKind,
  type ChainHead,
  type JsonValue,
  type SealedEntry,
  type StateRef,
} from './entry.js';
export { EMPTY_TREE_ROOT, GENESIS_CHAIN, GENESIS_PREV, HASH_SIZE, chainHash, leafHash, leafHashOfText, nodeHash, sha256 } from './hashing.js';
export { HINT_VISIBLE, keyedHash, personalHint } from './personal.js';
export { createMerkleAccumulator, merkleRoot, splitPoint, subtreeRoot, type MerkleAccumulator, type MerkleFrontier } from './merkle-tree.js';
export {
  consistencyProof,
  consistencyProofFrom,
  consistencyProofRanges,
  inclusionProof,
  inclusionProofFrom,
  inclusionProofRanges,
  rangeHasherFromLeaves,
  type LeafFetcher,
  type LeafRange,
  type RangeHasher,
} from './merkle-proofs.js';
export { verifyConsistency, verifyInclusion, type ProofResult } from './merkle-verify.js';
export {
  generateSigningKey,
  keyHash,
  keyId,
  noteVerifierKey,
  privateKeyPem,
  publicKeyPem,
  publicKeyRaw,
  signingKeyFromPem,
  toPublicKey,
  type SigningKey,
  type TrustedKey,
} from './keys.js';
export { PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, loadKeyPair, loadOrCreateKeyPair, saveKeyPair, type LoadedKeyPair, type SavedKeyPair } from './key-files.js';
export {
  createCheckpointVerifier,
  formatCheckpointBody,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointBody,
  type CheckpointParse,
  type CheckpointVerification,
  type CheckpointVerifier,
  type NoteSignature,
  type ParsedCheckpoint,
} from './checkpoint.js';
export { EXPORT_FORMAT, formatCheckpointLine, formatEntryLine, formatHeaderLine, parseExportLine, type ExportLine } from './export-format.js';
export { MAX_LINE_BYTES, splitLines } from './lines.js';
export { verifyExport, type ExportInputLine, type VerifyOptions } from './verify-export.js';
export { formatVerifyReport, type CheckpointCheck, type PinnedCheck, type SeqGap, type VerifyProblem, type VerifyReport } from './verify-report.js';
