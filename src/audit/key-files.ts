/**
 * The checkpoint signing key on disk: a PKCS#8 PEM file of mode 0600 in the data folder, with
 * the public half beside it. This is the audit module's only file I/O.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MotcuaError } from '../errors/index.js';
import { generateSigningKey, privateKeyPem, publicKeyPem, signingKeyFromPem, type SigningKey } from './keys.js';

/** File name of the private key inside a data folder. */
export const PRIVATE_KEY_FILE = 'audit-signing-key.pem';
/** File name of the public key inside a data folder. */
export const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

/** Where a key pair was saved. */
export type SavedKeyPair = { privatePath: string; publicPath: string };

/** A loaded key and where it came from. */
export type LoadedKeyPair = {
  key: SigningKey;
  privatePath: string;
  created: boolean;
  /** Set when the private key file is readable by other users. */
  warning?: string;
};

/**
 * Writes `key` into `dir` (created with mode 0700 if missing): private key mode 0600, public key
 * beside it. Never overwrites a private key: losing one orphans every checkpoint it signed.
 */
export async function saveKeyPair(dir: string, key: SigningKey): Promise<SavedKeyPair> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  // Write a temporary file, then link it into place: link() fails if the key exists, and a
  // process starting at the same moment never reads a half-written key.
  const temporary = `${privatePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, privateKeyPem(key), { mode: 0o600, flag: 'wx' });
    // The mode given to writeFile is filtered by the umask; make 0600 explicit.
    await chmod(temporary, 0o600);
    await link(temporary, privatePath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new MotcuaError('alreadyExists', `${privatePath} already exists; move it away first if you really mean to replace the audit signing key (rotate keys instead)`);
    }
    throw e;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  await writeFile(publicPath, publicKeyPem(key), { mode: 0o644 });
  return { privatePath, publicPath };
}

/** Loads the signing key from a private key PEM file. */
export async function loadKeyPair(privatePath: string): Promise<LoadedKeyPair> {
  const key = signingKeyFromPem(await readFile(privatePath, 'utf8'));
  const mode = (await stat(privatePath)).mode & 0o777;
  const loaded: LoadedKeyPair = { key, privatePath, created: false };
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    loaded.warning = `audit signing key ${privatePath} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${privatePath}`;
  }
  return loaded;
}

/**
 * Loads the signing key from `dirOrPath`: a PEM file given by path must exist; a folder gets a
 * new key on first use (the data folder at first start).
 */
export async function loadOrCreateKeyPair(dirOrPath: string): Promise<LoadedKeyPair> {
  const info = await stat(dirOrPath).catch(() => undefined);
  if (info?.isFile()) return loadKeyPair(dirOrPath);
  if (!info && dirOrPath.endsWith('.pem')) {
    throw new MotcuaError('notFound', `audit signing key ${dirOrPath} does not exist; give an existing key file, or a folder to create one in`);
  }
  const privatePath = join(dirOrPath, PRIVATE_KEY_FILE);
  try {
    return await loadKeyPair(privatePath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = generateSigningKey();
  try {
    await saveKeyPair(dirOrPath, key);
  } catch (e) {
    // Another process created the key between our read and write: use theirs, never two keys.
    if (e instanceof MotcuaError && e.code === 'alreadyExists') return loadKeyPair(privatePath);
    throw e;
  }
  return { key, privatePath, created: true };
}
