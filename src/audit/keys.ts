/**
 * Ed25519 signing keys for checkpoints, and the key id that names them (pure; files are in
 * key-files.ts). Key ids follow Go's signed-note convention so other tooling can check notes:
 * keyHash = first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ raw 32-byte public key), where 0x01
 * means Ed25519 and `name` is the log's origin.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { MotcuaError } from '../errors/index.js';
import { isWellFormed } from './canonical.js';
import { sha256 } from './hashing.js';

/** A checkpoint signing key pair. */
export type SigningKey = { privateKey: KeyObject; publicKey: KeyObject };

/** A public key the verifier trusts: a KeyObject or its PEM text. */
export type TrustedKey = KeyObject | string;

/** Signed-note algorithm byte for Ed25519. */
const ALG_ED25519 = 0x01;

/** Generates a fresh Ed25519 key pair. */
export function generateSigningKey(): SigningKey {
  return generateKeyPairSync('ed25519');
}

/** The raw 32-byte Ed25519 public key. */
export function publicKeyRaw(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new MotcuaError('badRequest', 'audit keys must be Ed25519; generate one with `motcua` or `openssl genpkey -algorithm ed25519`');
  }
  return Buffer.from(jwk.x, 'base64url');
}

/** Checks a note key name: non-empty, no spaces, no '+' (Go's note package rules). */
export function checkKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name) || !isWellFormed(name)) {
    throw new MotcuaError('badRequest', `log origin '${name}' cannot name a signing key: use a non-empty name without spaces or '+', e.g. motcua.example/audit`);
  }
}

/** The 4-byte key hash of `publicKey` under `name`. */
export function keyHash(name: string, publicKey: KeyObject): Buffer {
  checkKeyName(name);
  const input = Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ALG_ED25519]), publicKeyRaw(publicKey)]);
  return sha256(input).subarray(0, 4);
}

/** The key id: {@link keyHash} as 8 lowercase hex digits. */
export function keyId(name: string, publicKey: KeyObject): string {
  return keyHash(name, publicKey).toString('hex');
}

/** The verifier key in Go's note format, `<name>+<hex key hash>+<base64(0x01 ‖ key)>`. */
export function noteVerifierKey(name: string, publicKey: KeyObject): string {
  const material = Buffer.concat([Buffer.from([ALG_ED25519]), publicKeyRaw(publicKey)]).toString('base64');
  return `${name}+${keyId(name, publicKey)}+${material}`;
}

/** A trusted public key as a KeyObject; a private key given by mistake yields its public half. */
export function toPublicKey(key: TrustedKey): KeyObject {
  let out: KeyObject;
  try {
    out = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  } catch (e) {
    throw new MotcuaError('badRequest', `not a public key in PEM form (${(e as Error).message}); pass the file from GET /api/v1/audit/public-key`);
  }
  if (out.asymmetricKeyType !== 'ed25519') {
    throw new MotcuaError('badRequest', `audit public keys are Ed25519, got ${out.asymmetricKeyType ?? out.type}`);
  }
  return out;
}

/** A signing key from its private key PEM (PKCS#8). */
export function signingKeyFromPem(privatePem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privatePem);
  } catch (e) {
    throw new MotcuaError('badRequest', `audit signing key is not a PEM private key (${(e as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new MotcuaError('badRequest', `audit signing key must be Ed25519, got ${privateKey.asymmetricKeyType}`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** PKCS#8 PEM of the private key. Key material: write it only to a file of mode 0600. */
export function privateKeyPem(key: SigningKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** SPKI PEM of the public key, as served at GET /api/v1/audit/public-key. */
export function publicKeyPem(key: SigningKey | KeyObject): string {
  const pub = 'publicKey' in key ? key.publicKey : key;
  return pub.export({ format: 'pem', type: 'spki' }).toString();
}
