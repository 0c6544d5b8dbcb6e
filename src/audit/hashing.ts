/**
 * The two hash functions of the audit log (RFC 6962 domain separation):
 * a leaf is SHA-256(0x00 ‖ bytes), an inner node or a chain link is SHA-256(0x01 ‖ a ‖ b).
 * The prefixes keep a leaf from ever being passed off as an inner node (second-preimage attack).
 */
import { hash } from 'node:crypto';

/** Length in bytes of every hash in the log. */
export const HASH_SIZE = 32;

/** SHA-256 of the empty string: the Merkle root of a tree with no leaves. */
export const EMPTY_TREE_ROOT: Buffer = sha256(new Uint8Array(0));

/** The `prev` of entry 1: 32 zero bytes. */
export const GENESIS_CHAIN: Buffer = Buffer.alloc(HASH_SIZE);

/** Hex spelling of {@link GENESIS_CHAIN}, as it appears in entry 1's `prev`. */
export const GENESIS_PREV = '0'.repeat(HASH_SIZE * 2);

// One-shot hashing over reused scratch buffers: the verifier hashes three times per entry, and a
// fresh Buffer.concat per hash doubled its run time over a million entries. Safe because every
// use is synchronous (no await between filling a scratch buffer and hashing it).
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;
let leafScratch = Buffer.alloc(64 * 1024);

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
}

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ bytes). */
export function leafHash(bytes: Uint8Array): Buffer {
  const need = bytes.length + 1;
  if (need > leafScratch.length) leafScratch = Buffer.alloc(need);
  leafScratch[0] = 0x00;
  leafScratch.set(bytes, 1);
  return sha256(leafScratch.subarray(0, need));
}

/** {@link leafHash} of the UTF-8 encoding of `text`, without an intermediate Buffer. */
export function leafHashOfText(text: string): Buffer {
  // UTF-8 needs at most 3 bytes per UTF-16 code unit; growing first means write() never truncates.
  const worst = text.length * 3 + 1;
  if (worst > leafScratch.length) leafScratch = Buffer.alloc(worst);
  leafScratch[0] = 0x00;
  const written = leafScratch.write(text, 1, 'utf8');
  return sha256(leafScratch.subarray(0, written + 1));
}

/** RFC 6962 inner node hash: SHA-256(0x01 ‖ left ‖ right), for 32-byte children. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    // Proof verifiers hash caller-supplied values; never silently hash a short buffer.
    return sha256(Buffer.concat([nodeScratch.subarray(0, 1), left, right]));
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/** The chain link: SHA-256(0x01 ‖ previous chain hash ‖ leaf hash). */
export function chainHash(prevChain: Uint8Array, leaf: Uint8Array): Buffer {
  return nodeHash(prevChain, leaf);
}
