/**
 * One audit log entry, its hashed bytes, and how an entry is sealed onto the chain.
 * Pure: the caller (the service, inside its transaction) supplies the head and stores the result.
 */
import { canonicalJson } from './canonical.js';
import { chainHash, GENESIS_CHAIN, HASH_SIZE, leafHash } from './hashing.js';
import { MotcuaError } from '../errors/index.js';

/** What an entry records. Kinds are open-ended for readers; writers use these. */
export const AUDIT_KINDS = [
  'case.opened',
  'case.transition',
  'case.apology',
  'procedure.published',
  'user.created',
  'user.disabled',
  'user.token_issued',
  'user.roles_changed',
  'audit.checkpoint',
  'audit.key_rotated',
  'deadline.warning',
  'deadline.missed',
  'rating.recorded',
] as const;

/** One of {@link AUDIT_KINDS}. */
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** A JSON value that survives canonicalization unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A state name, or several for parallel states. */
export type StateRef = string | string[];

/** One audit log entry: exactly what is hashed (its own leaf and chain hashes are not part of it). */
export type AuditEntry = {
  /** Position in the log, 1, 2, 3… with no gaps. */
  seq: number;
  /** When it happened, ISO 8601 UTC. */
  time: string;
  /** Who did it; `{ id: 'system', role: 'system' }` for timers and the sweeper. */
  actor: { id: string; role: string };
  /** Unit code the change belongs to, or null (e.g. a global user change). */
  unit: string | null;
  case_id: string | null;
  /** "procedure-id@version", or null when no procedure is involved. */
  procedure: string | null;
  /** The event name (ACCEPT, deadline.missed…), or null. */
  event: string | null;
  from: StateRef | null;
  to: StateRef | null;
  reason: string | null;
  request_id: string | null;
  /** Hex SHA-256 of the canonical input after personal fields were replaced by the caller; null if no input. */
  input_digest: string | null;
  kind: AuditKind;
  /** Extra facts for the kind (changed field names, new key id…); never raw personal data. */
  details?: { [key: string]: JsonValue };
  /** Hex chain hash of the entry before; 64 zeros for seq 1. */
  prev: string;
};

/** An entry before the log places it: everything but `seq` and `prev`. */
export type AuditEntryDraft = Omit<AuditEntry, 'seq' | 'prev'>;

/** Where the log ends: the last seq (0 when empty) and its chain hash (zeros when empty). */
export type ChainHead = { seq: number; chain: Uint8Array };

/** The empty log's head. */
export const EMPTY_HEAD: ChainHead = { seq: 0, chain: GENESIS_CHAIN };

/** An entry placed on the chain, with what the store keeps: the exact bytes and both hashes. */
export type SealedEntry = {
  entry: AuditEntry;
  /** Canonical JSON (RFC 8785) of `entry`; store and export these exact characters. */
  text: string;
  bytes: Buffer;
  leaf: Buffer;
  chain: Buffer;
};

/** Largest entry accepted, so one oversized `details` cannot bloat every export and verifier. */
export const MAX_ENTRY_BYTES = 1024 * 1024;

/** The hashed bytes of an entry: RFC 8785 canonical JSON, UTF-8. */
export function entryBytes(entry: AuditEntry): Buffer {
  return Buffer.from(canonicalJson(entry), 'utf8');
}

/** Places `draft` after `head`: assigns seq and prev, computes bytes, leaf and chain hash. */
export function sealEntry(head: ChainHead, draft: AuditEntryDraft): SealedEntry {
  if (!Number.isSafeInteger(head.seq) || head.seq < 0 || head.chain.length !== HASH_SIZE) {
    throw new MotcuaError('internal', `audit chain head is invalid (seq ${head.seq}); reload it from the last stored entry`);
  }
  const entry: AuditEntry = { ...draft, seq: head.seq + 1, prev: Buffer.from(head.chain).toString('hex') };
  const text = canonicalJson(entry);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new MotcuaError('payloadTooLarge', `audit entry ${entry.seq} is ${bytes.length} bytes, over ${MAX_ENTRY_BYTES}; keep large data out of 'details'`);
  }
  const leaf = leafHash(bytes);
  return { entry, text, bytes, leaf, chain: chainHash(head.chain, leaf) };
}

/** The head after `sealed`, to seal the next entry. */
export function headAfter(sealed: SealedEntry): ChainHead {
  return { seq: sealed.entry.seq, chain: sealed.chain };
}
