/**
 * Signed checkpoints in the signed-note format of Go's sumdb and transparency logs:
 *
 *   motcua.example/audit            origin (log identity; also the signing key's name)
 *   1000                            tree size
 *   <base64 Merkle root>
 *   chain <base64 chain head>       motcua extension lines
 *   time 2025-11-28T03:00:00.000Z
 *   key 1a2b3c4d
 *
 *   — motcua.example/audit <base64(4-byte key hash ‖ 64-byte Ed25519 signature)>
 *
 * The signature covers the body: every byte up to and including the newline before the blank line.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { isWellFormed } from './canonical.js';
import { HASH_SIZE } from './hashing.js';
import { checkKeyName, keyHash, toPublicKey, type SigningKey, type TrustedKey } from './keys.js';
import { MotcuaError } from '../errors/index.js';

/** What a checkpoint states about the log. */
export type CheckpointBody = {
  origin: string;
  size: number;
  root: Uint8Array;
  chainHead: Uint8Array;
  /** ISO 8601 UTC. */
  time: string;
};

/** A checkpoint with the id of the key that signed it. */
export type Checkpoint = CheckpointBody & { keyId: string };

/** One signature line of a note. */
export type NoteSignature = { name: string; keyHash: string; signature: Buffer };

/** A checkpoint note taken apart; its signatures are not checked yet. */
export type ParsedCheckpoint = { checkpoint: Checkpoint; body: string; signatures: NoteSignature[] };

/** Result of {@link parseCheckpoint}. */
export type CheckpointParse = ({ ok: true } & ParsedCheckpoint) | { ok: false; problem: string };

/** Result of checking a checkpoint's signature. */
export type CheckpointVerification =
  | { ok: true; checkpoint: Checkpoint; keyId: string }
  | { ok: false; problem: string; checkpoint?: Checkpoint };

const MAX_NOTE_CHARS = 16 * 1024;
const MAX_SIGNATURES = 100;
const SIG_PREFIX = '\u2014 ';
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const DECIMAL = /^(0|[1-9]\d{0,15})$/;

/** The note body (text lines) of a checkpoint, exactly as signed. */
export function formatCheckpointBody(cp: Checkpoint): string {
  checkKeyName(cp.origin);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new MotcuaError('internal', `checkpoint size ${cp.size} is not a whole number`);
  if (cp.root.length !== HASH_SIZE || cp.chainHead.length !== HASH_SIZE) throw new MotcuaError('internal', 'checkpoint root and chain head must be 32-byte hashes');
  if (!ISO_UTC.test(cp.time)) throw new MotcuaError('internal', `checkpoint time '${cp.time}' must be ISO 8601 UTC, as Date.toISOString() writes it`);
  return [
    cp.origin,
    String(cp.size),
    Buffer.from(cp.root).toString('base64'),
    `chain ${Buffer.from(cp.chainHead).toString('base64')}`,
    `time ${cp.time}`,
    `key ${cp.keyId}`,
    '',
  ].join('\n');
}

/** Signs `body` with `key`; returns the whole note text (body, blank line, signature line). */
export function signCheckpoint(body: CheckpointBody, key: SigningKey): string {
  const kh = keyHash(body.origin, key.publicKey);
  const text = formatCheckpointBody({ ...body, keyId: kh.toString('hex') });
  const signature = sign(null, Buffer.from(text, 'utf8'), key.privateKey);
  return `${text}\n${SIG_PREFIX}${body.origin} ${Buffer.concat([kh, signature]).toString('base64')}\n`;
}

/** Takes a checkpoint note apart, strictly; never throws. */
export function parseCheckpoint(text: string): CheckpointParse {
  const fail = (problem: string): CheckpointParse => ({ ok: false, problem: `checkpoint is malformed: ${problem}` });
  if (text.length > MAX_NOTE_CHARS) return fail(`longer than ${MAX_NOTE_CHARS} characters`);
  if (!isWellFormed(text) || /[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) return fail('contains control characters or invalid text');
  if (!text.endsWith('\n')) return fail('does not end with a newline');
  const split = text.indexOf('\n\n');
  if (split < 0) return fail('no blank line between the text and the signatures');
  const body = text.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length !== 6) return fail(`expected 6 text lines (origin, size, root, chain, time, key), found ${lines.length}`);
  const [origin, sizeText, rootText, chainLine, timeLine, keyLine] = lines as [string, string, string, string, string, string];
  if (origin.length === 0 || /[\s+]/u.test(origin)) return fail(`origin '${origin}' is not a log name`);
  if (!DECIMAL.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) return fail(`tree size '${sizeText}' is not a whole number`);
  const root = decodeHash(rootText);
  if (!root) return fail('root hash is not 32 bytes of base64');
  const chainHead = chainLine.startsWith('chain ') ? decodeHash(chainLine.slice(6)) : undefined;
  if (!chainHead) return fail("fourth line must be 'chain <base64 chain head>'");
  const time = timeLine.startsWith('time ') ? timeLine.slice(5) : '';
  if (!ISO_UTC.test(time) || Number.isNaN(Date.parse(time))) return fail("fifth line must be 'time <ISO 8601 UTC>'");
  const keyId = keyLine.startsWith('key ') ? keyLine.slice(4) : '';
  if (!/^[0-9a-f]{8}$/.test(keyId)) return fail("sixth line must be 'key <8 hex digits>'");

  const sigLines = text.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_SIGNATURES) return fail(`more than ${MAX_SIGNATURES} signatures`);
  const signatures: NoteSignature[] = [];
  for (const line of sigLines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+=*)$/u.exec(line);
    const raw = m ? Buffer.from(m[2] as string, 'base64') : undefined;
    if (!m || !raw || raw.length < 5 || raw.toString('base64') !== m[2]) return fail(`signature line '${line.slice(0, 80)}' is not '— <name> <base64>'`);
    signatures.push({ name: m[1] as string, keyHash: raw.subarray(0, 4).toString('hex'), signature: raw.subarray(4) });
  }
  const checkpoint: Checkpoint = { origin, size: Number(sizeText), root, chainHead, time, keyId };
  return { ok: true, checkpoint, body, signatures };
}

/** A trusted key, prepared once: verifying a thousand checkpoints re-derives nothing. */
type PreparedKey = { key: KeyObject; hashes: Map<string, string> };

/** Checks checkpoint notes against a fixed set of trusted public keys. */
export type CheckpointVerifier = {
  verify(text: string): CheckpointVerification;
  /** Key ids of the trusted keys under `origin`, for messages. */
  keyIds(origin: string): string[];
};

/** Prepares a {@link CheckpointVerifier}; throws if a key is not an Ed25519 public key. */
export function createCheckpointVerifier(trusted: readonly TrustedKey[]): CheckpointVerifier {
  const keys: PreparedKey[] = trusted.map((k) => ({ key: toPublicKey(k), hashes: new Map() }));
  const hashOf = (p: PreparedKey, origin: string): string => {
    let h = p.hashes.get(origin);
    if (h === undefined) {
      h = keyHash(origin, p.key).toString('hex');
      p.hashes.set(origin, h);
    }
    return h;
  };
  const keyIds = (origin: string): string[] => keys.map((p) => hashOf(p, origin));
  return {
    keyIds,
    verify(text) {
      const parsed = parseCheckpoint(text);
      if (!parsed.ok) return parsed;
      const { checkpoint, body, signatures } = parsed;
      const message = Buffer.from(body, 'utf8');
      for (const sig of signatures) {
        if (sig.name !== checkpoint.origin) continue;
        const match = keys.find((p) => hashOf(p, checkpoint.origin) === sig.keyHash);
        if (!match) continue;
        if (!verify(null, message, match.key, sig.signature)) {
          return { ok: false, checkpoint, problem: `signature by key ${sig.keyHash} is invalid: the checkpoint text was changed after signing` };
        }
        if (sig.keyHash !== checkpoint.keyId) {
          return { ok: false, checkpoint, problem: `checkpoint names key ${checkpoint.keyId} but is signed by key ${sig.keyHash}` };
        }
        return { ok: true, checkpoint, keyId: sig.keyHash };
      }
      const seen = signatures.map((s) => `${s.name} ${s.keyHash}`).join(', ');
      return {
        ok: false,
        checkpoint,
        problem: `no signature by a trusted key: signed by ${seen || 'nobody'}; trusted keys for ${checkpoint.origin} are ${keyIds(checkpoint.origin).join(', ') || 'none'}`,
      };
    },
  };
}

/** Checks one checkpoint note against trusted public keys (PEM or KeyObject). */
export function verifyCheckpoint(text: string, trusted: TrustedKey | readonly TrustedKey[]): CheckpointVerification {
  const list = Array.isArray(trusted) ? (trusted as readonly TrustedKey[]) : [trusted as TrustedKey];
  return createCheckpointVerifier(list).verify(text);
}

function decodeHash(b64: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(b64)) return undefined;
  const raw = Buffer.from(b64, 'base64');
  return raw.length === HASH_SIZE && raw.toString('base64') === b64 ? raw : undefined;
}
