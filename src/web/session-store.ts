/**
 * Web sessions in the database (table `web_sessions`), so any node can serve any request and a
 * restart signs nobody out. The browser holds a random 256-bit id; the table holds its SHA-256,
 * so a copy of the table cannot be replayed as a cookie. A session lives a working day at most;
 * disabling a user ends their sessions at once because every lookup joins the user row.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../auth/policy.js';
import type { UnitTree } from '../auth/units.js';
import type { Clock } from '../clock/index.js';
import { toDbTime, type Store } from '../storage/index.js';

/** How long a session lasts from sign-in: a long working day. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A signed-in browser. */
export interface WebSession {
  /** SHA-256 of the cookie value: the row key. */
  idHash: string;
  actor: Actor;
  /** The synchronizer token every form of this session must send back. */
  csrf: string;
  expiresAt: string;
}

/** Creates, finds and ends sessions. */
export interface SessionStore {
  /** Starts a session for `userId`; returns the cookie value (shown to nobody else). */
  create(userId: string): Promise<{ id: string; csrf: string; expiresAt: Date }>;
  /** The live session behind a cookie value, or null (unknown, expired, or the user disabled). */
  find(id: string): Promise<WebSession | null>;
  /** Ends one session (sign-out). */
  end(id: string): Promise<void>;
}

const hashId = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');

/** True when the text has the shape of a session id this server hands out (43 base64url chars). */
export function looksLikeSessionId(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}

/** Creates the session store over the motcua store. */
export function createSessionStore(store: Store, units: UnitTree, clock: Clock): SessionStore {
  return {
    async create(userId) {
      const id = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
      await store.write(async (tx) => {
        // Sweep while we are writing anyway: expired rows would otherwise pile up forever.
        await tx.db.deleteFrom('web_sessions').where('expires_at', '<=', toDbTime(now)).execute();
        await tx.db.insertInto('web_sessions').values({ id_hash: hashId(id), user_id: userId, csrf_token: csrf, created_at: toDbTime(now), expires_at: toDbTime(expiresAt) }).execute();
      });
      return { id, csrf, expiresAt };
    },

    async find(id) {
      if (!looksLikeSessionId(id)) return null;
      const idHash = hashId(id);
      const row = await store.read((tx) =>
        tx.db
          .selectFrom('web_sessions')
          .innerJoin('users', 'users.id', 'web_sessions.user_id')
          .select(['web_sessions.csrf_token', 'web_sessions.expires_at', 'users.id', 'users.name', 'users.unit_id', 'users.roles', 'users.disabled_at'])
          .where('web_sessions.id_hash', '=', idHash)
          .executeTakeFirst(),
      );
      if (!row || row.disabled_at !== null) return null;
      if (row.expires_at <= toDbTime(clock.now())) return null;
      const unit = units.get(row.unit_id);
      if (!unit) return null;
      return {
        idHash,
        actor: { id: row.id, name: row.name, unitId: unit.id, unitPath: unit.path, roles: JSON.parse(row.roles) as string[] },
        csrf: row.csrf_token,
        expiresAt: row.expires_at,
      };
    },

    async end(id) {
      if (!looksLikeSessionId(id)) return;
      await store.write((tx) => tx.db.deleteFrom('web_sessions').where('id_hash', '=', hashId(id)).execute());
    },
  };
}
