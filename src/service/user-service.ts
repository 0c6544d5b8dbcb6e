/**
 * Users, their tokens and the unit tree in the database. A token is shown once at creation;
 * only its SHA-256 is stored. Creating, disabling and giving users new roles are audited.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../auth/policy.js';
import { isAdmin, SystemRoles } from '../auth/policy.js';
import { generateToken, hashToken, looksLikeToken } from '../auth/tokens.js';
import type { UnitTree } from '../auth/units.js';
import { MotcuaError, zodFieldErrors } from '../errors/index.js';
import { toDbTime, type Tx } from '../storage/index.js';
import type { AuditEntryDraft, JsonValue } from '../audit/entry.js';
import { appendAudit } from './audit-append.js';
import { idempotentWrite, type IdempotencyScope, type StoredForm, type StoredResponse } from './idempotency.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { nameText } from './text-rules.js';

const UnitId = z.string().min(1).max(64);
const RoleName = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'roles are lower-case words, e.g. receiver').max(64);

export const NewUserBody = z.strictObject({
  name: nameText(200),
  unit: UnitId,
  roles: z.array(RoleName).min(1).max(20),
});
export type NewUser = z.infer<typeof NewUserBody>;

/** A user's new roles: they replace the old ones, under the same rules as a new user's. */
export const UserRolesBody = z.strictObject({ roles: NewUserBody.shape.roles });
export type UserRoles = z.infer<typeof UserRolesBody>;

export interface UserView {
  id: string;
  name: string;
  unit: string;
  roles: string[];
  disabled: boolean;
  created_at: string;
}

/** The officer roles procedures may name, plus the built-in ones. */
export function knownRoles(procedureRoles: Iterable<string>): Set<string> {
  return new Set([SystemRoles.admin, SystemRoles.auditor, ...procedureRoles]);
}

/** Writes the unit tree into the database (insert new, update changed); units are never deleted. */
export async function syncUnits(tx: Tx, tree: UnitTree): Promise<void> {
  for (const u of tree.all()) {
    const row = { id: u.id, parent_id: u.parentId, name: u.name, level: u.level, code: u.code, path: u.path };
    const existing = await tx.db.selectFrom('units').select('id').where('id', '=', u.id).executeTakeFirst();
    if (existing) await tx.db.updateTable('units').set(row).where('id', '=', u.id).execute();
    else await tx.db.insertInto('units').values(row).execute();
  }
}

/** Creates a user and their first token, inside the caller's transaction; `body` is checked ({@link UserService.create}). */
export async function createUserCommand(tx: Tx, deps: ServiceDeps, by: Actor | null, body: NewUser, meta: RequestMeta): Promise<{ user: UserView; token: string }> {
  const unit = deps.units.get(body.unit);
  if (!unit) throw invalid('The user is invalid', userBodyErrors(deps, body));
  const roles = [...new Set(body.roles)];
  const now = deps.clock.now();
  const id = `u_${randomBytes(9).toString('base64url')}`;
  const token = generateToken();
  const at = toDbTime(now);
  await tx.db.insertInto('users').values({ id, name: body.name, unit_id: unit.id, roles: JSON.stringify(roles), disabled_at: null, created_at: at }).execute();
  await tx.db.insertInto('api_tokens').values({ token_hash: hashToken(token), user_id: id, created_at: at, revoked_at: null }).execute();
  // The user's name is personal data: the log records the id and roles only.
  await appendAudit(tx, userAudit(by, unit.id, at, meta, 'user.created', { user_id: id, roles }));
  return { user: { id, name: body.name, unit: unit.id, roles, disabled: false, created_at: at }, token };
}

function toView(r: { id: string; name: string; unit_id: string; roles: string; disabled_at: string | null; created_at: string }): UserView {
  return { id: r.id, name: r.name, unit: r.unit_id, roles: JSON.parse(r.roles) as string[], disabled: r.disabled_at !== null, created_at: r.created_at };
}

export interface UserService {
  create(by: Actor | null, body: NewUser, meta: RequestMeta): Promise<{ user: UserView; token: string }>;
  /**
   * {@link UserService.create} under an Idempotency-Key: a replay gives back the user with
   * `token: null`, since a token is never stored (POST /users/{id}/token issues a new one).
   */
  createOnce(by: Actor, body: NewUser, meta: RequestMeta, scope: IdempotencyScope | null): Promise<StoredResponse>;
  /**
   * Where a user body (a new user, or new roles) names an unknown unit or role, or gives an auditor
   * officer duties; paths into the body. For the API to list these with the body's shape errors.
   */
  bodyErrors(body: unknown): { path: string; message: string }[];
  list(by: Actor | null): Promise<UserView[]>;
  /** One user; 404 `notFound` when there is none. */
  get(by: Actor | null, id: string): Promise<UserView>;
  /** Disables a user and revokes their tokens; disabling a disabled user changes nothing. */
  disable(by: Actor | null, id: string, meta: RequestMeta): Promise<UserView>;
  /**
   * A new token for an active user (one lost, or one that may have leaked); the user's other
   * tokens stop working and their web sessions end, in the same transaction. Shown this once,
   * like the first.
   */
  issueToken(by: Actor | null, id: string, meta: RequestMeta): Promise<{ user: UserView; token: string; revoked: number }>;
  /**
   * Gives an active user new roles, which replace the old ones at once for their tokens and web
   * sessions. Giving a user the roles they have changes nothing; an administrator cannot take
   * `admin` from their own account.
   */
  setRoles(by: Actor | null, id: string, body: UserRoles, meta: RequestMeta): Promise<UserView>;
  /** The actor behind a bearer token, or null (unknown, revoked, or disabled user). */
  authenticate(token: string): Promise<Actor | null>;
}

type UserRow = { id: string; name: string; unit_id: string; roles: string; disabled_at: string | null; created_at: string };

/** The user `id`; `lock` for a read-then-write, so a concurrent change cannot slip in between. */
async function userRow(tx: Tx, id: string, lock = false): Promise<UserRow> {
  const row = await tx.db
    .selectFrom('users')
    .select(['id', 'name', 'unit_id', 'roles', 'disabled_at', 'created_at'])
    .where('id', '=', id)
    .$if(lock && tx.capabilities.supportsRowLocks, (qb) => qb.forUpdate())
    .executeTakeFirst();
  if (!row) throw noSuchUser(id);
  return row;
}

function noSuchUser(id: string): MotcuaError {
  return new MotcuaError('notFound', `No user '${id}'; GET /api/v1/users (or \`motcua users list\`) lists the users.`);
}

/** The audit entry of a change to a user; the name is personal data, so only ids are recorded. */
function userAudit(by: Actor | null, unit: string, at: string, meta: RequestMeta, kind: 'user.created' | 'user.disabled' | 'user.token_issued' | 'user.roles_changed', details: { [key: string]: JsonValue }): AuditEntryDraft {
  return {
    time: at,
    actor: { id: by?.id ?? 'system', role: by ? 'admin' : 'system' },
    unit,
    case_id: null,
    procedure: null,
    event: kind,
    from: null,
    to: null,
    reason: null,
    request_id: meta.requestId,
    input_digest: null,
    kind,
    details,
  };
}

type FieldError = { path: string; message: string };

/**
 * What a user body's shape does not tell: an unknown unit, unknown roles, an auditor given officer
 * duties. It reads the raw body, so a request with shape errors hears of these in the same answer;
 * what already fails the shape (an empty unit, a role that is not a word) is left to the shape's own error.
 */
function userBodyErrors(deps: ServiceDeps, body: unknown): FieldError[] {
  if (body === null || typeof body !== 'object') return [];
  const { unit, roles } = body as { unit?: unknown; roles?: unknown };
  const errors: FieldError[] = [];
  if (UnitId.safeParse(unit).success && !deps.units.get(unit as string)) {
    errors.push({ path: '/unit', message: `No unit '${String(unit)}' (the units are those of config/units.yaml; GET /api/v1/units lists them)` });
  }
  if (!Array.isArray(roles)) return errors;
  const known = knownRoles(deps.registry.ids().flatMap((id) => deps.registry.versions(id).flatMap((v) => v.definition.roles)));
  const officer = [...known].filter((r) => r !== SystemRoles.admin && r !== SystemRoles.auditor).sort();
  roles.forEach((role, i) => {
    if (RoleName.safeParse(role).success && !known.has(role as string)) {
      errors.push({ path: `/roles/${i}`, message: `Unknown role '${String(role)}' (roles are admin, auditor and those the procedures name: ${officer.join(', ')})` });
    }
  });
  const duties = [...new Set(roles.filter((r): r is string => typeof r === 'string' && officer.includes(r)))];
  if (roles.includes(SystemRoles.auditor) && duties.length > 0) {
    errors.push({ path: '/roles', message: `An auditor reads every dossier and changes none, so 'auditor' cannot go with officer roles (${duties.join(', ')}): create one user for each duty` });
  }
  return errors;
}

function invalid(what: string, errors: FieldError[]): MotcuaError {
  return new MotcuaError('validationFailed', `${what}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors });
}

/**
 * A user body as the API checks it, every fault in one error (its shape and what
 * {@link userBodyErrors} finds); the command line and the demo seed come here unchecked.
 */
function checkedBody<T>(deps: ServiceDeps, schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  const errors = [...(parsed.success ? [] : zodFieldErrors(parsed.error.issues)), ...userBodyErrors(deps, body)];
  if (parsed.success && errors.length === 0) return parsed.data;
  throw invalid(what, errors);
}

/** A remembered creation never holds the token: only its hash is ever stored. */
const tokenNotKept: StoredForm = {
  toStored: (body) => ({ ...(body as object), token: null }),
  fromStored: (stored) => stored,
};

function requireAdmin(by: Actor | null): void {
  // `null` is the operator at the command line, who holds the machine anyway.
  if (by !== null && !isAdmin(by)) throw new MotcuaError('forbidden', 'Only administrators manage users.');
}

/** How long a token's user is remembered by one process; a disable or new roles elsewhere take effect within it. */
export const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 10_000;

export function createUserService(deps: ServiceDeps): UserService {
  // Every API request authenticates; remembering token → actor briefly saves a query per request.
  // Disabling a user or changing their roles on this node forgets their tokens at once (other
  // nodes within TOKEN_CACHE_MS).
  const cache = new Map<string, { actor: Actor; until: number }>();
  // Bumped by every forget: a lookup that began before a disable, new roles or a new token (and
  // may have read the old rows) does not put what it read into the cache afterwards.
  let generation = 0;
  const forget = (userId: string) => {
    generation += 1;
    for (const [hash, hit] of cache) if (hit.actor.id === userId) cache.delete(hash);
  };
  // An administrator manages the users of their own unit and the units below it; a user elsewhere
  // "does not exist" for them, as a case would not. An administrator of a top unit (the province)
  // manages everyone, users of a unit since removed from config/units.yaml included, and so does
  // `null`, the operator at the command line.
  const topAdmin = (by: Actor): boolean => deps.units.get(by.unitId)?.parentId === null;
  const manages = (by: Actor | null, unitId: string): boolean => by === null || topAdmin(by) || (deps.units.get(unitId)?.path ?? '').startsWith(by.unitPath);
  // `admin` and `auditor` read every unit of the province, so only its administrators give them.
  const checkGrants = (by: Actor | null, added: readonly string[]): void => {
    const wide = added.filter((r) => r === SystemRoles.admin || r === SystemRoles.auditor);
    if (by !== null && !topAdmin(by) && wide.length > 0) {
      throw new MotcuaError('forbidden', `The roles ${wide.join(', ')} read every unit, so only an administrator of the province gives them; ask one.`);
    }
  };
  const managedRow = async (tx: Tx, by: Actor | null, id: string, lock = false): Promise<UserRow> => {
    const row = await userRow(tx, id, lock);
    if (!manages(by, row.unit_id)) throw noSuchUser(id);
    return row;
  };
  /** A new user as `by` may make them: every fault of the body in one error, then the scope. */
  const checkedNewUser = (by: Actor | null, body: NewUser): NewUser => {
    const valid = checkedBody(deps, NewUserBody, body, 'The user is invalid');
    if (!manages(by, valid.unit)) {
      throw new MotcuaError('forbidden', `You manage the users of ${by?.unitId ?? ''} and the units below it; a user of '${valid.unit}' is made by an administrator of that unit or one above it.`);
    }
    checkGrants(by, valid.roles);
    return valid;
  };
  return {
    async create(by, body, meta) {
      requireAdmin(by);
      const valid = checkedNewUser(by, body);
      return deps.store.write((tx) => createUserCommand(tx, deps, by, valid, meta));
    },
    async createOnce(by, body, meta, scope) {
      requireAdmin(by);
      const valid = checkedNewUser(by, body);
      return idempotentWrite(deps.store, deps.clock, scope, async (tx) => ({ status: 201, body: await createUserCommand(tx, deps, by, valid, meta) }), tokenNotKept);
    },
    bodyErrors: (body) => userBodyErrors(deps, body),
    async list(by) {
      requireAdmin(by);
      const rows = await deps.store.read((tx) => tx.db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute());
      return rows.filter((r) => manages(by, r.unit_id)).map(toView);
    },
    async get(by, id) {
      requireAdmin(by);
      return toView(await deps.store.read((tx) => managedRow(tx, by, id)));
    },
    async disable(by, id, meta) {
      requireAdmin(by);
      if (by !== null && by.id === id) {
        throw new MotcuaError('conflict', 'You cannot disable your own account; ask another administrator, or stop the server and run `motcua users disable`.');
      }
      const user = await deps.store.write(async (tx) => {
        const row = await managedRow(tx, by, id);
        if (row.disabled_at !== null) return toView(row);
        const at = toDbTime(deps.clock.now());
        await tx.db.updateTable('users').set({ disabled_at: at }).where('id', '=', id).execute();
        await tx.db.updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
        await appendAudit(tx, userAudit(by, row.unit_id, at, meta, 'user.disabled', { user_id: id }));
        return toView({ ...row, disabled_at: at });
      });
      forget(id);
      return user;
    },
    async issueToken(by, id, meta) {
      requireAdmin(by);
      const issued = await deps.store.write(async (tx) => {
        const row = await managedRow(tx, by, id);
        if (row.disabled_at !== null) throw new MotcuaError('conflict', `User '${id}' is disabled; a disabled account stays disabled: create a new user instead (POST /api/v1/users).`);
        const at = toDbTime(deps.clock.now());
        const token = generateToken();
        const revoked = await tx.db.updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
        await tx.db.insertInto('api_tokens').values({ token_hash: hashToken(token), user_id: id, created_at: at, revoked_at: null }).execute();
        // A browser signed in with a leaked token is signed out too.
        await tx.db.deleteFrom('web_sessions').where('user_id', '=', id).execute();
        const count = Number(revoked.numUpdatedRows);
        await appendAudit(tx, userAudit(by, row.unit_id, at, meta, 'user.token_issued', { user_id: id, revoked: count }));
        return { user: toView(row), token, revoked: count };
      });
      forget(id);
      return issued;
    },
    async setRoles(by, id, body, meta) {
      requireAdmin(by);
      const roles = [...new Set(checkedBody(deps, UserRolesBody, body, 'The roles are invalid').roles)];
      if (by !== null && by.id === id && !roles.includes(SystemRoles.admin)) {
        throw new MotcuaError('conflict', "You cannot take 'admin' from your own account; ask another administrator, or stop the server and run `motcua users roles`.");
      }
      const user = await deps.store.write(async (tx) => {
        // Locked: two administrators changing the same user at once must each log the roles they replaced.
        const row = await managedRow(tx, by, id, true);
        if (row.disabled_at !== null) throw new MotcuaError('conflict', `User '${id}' is disabled; a disabled account stays disabled: create a new user instead (POST /api/v1/users).`);
        const old = JSON.parse(row.roles) as string[];
        if (old.length === roles.length && old.every((r) => roles.includes(r))) return toView(row);
        checkGrants(by, roles.filter((r) => !old.includes(r)));
        const at = toDbTime(deps.clock.now());
        await tx.db.updateTable('users').set({ roles: JSON.stringify(roles) }).where('id', '=', id).execute();
        await appendAudit(tx, userAudit(by, row.unit_id, at, meta, 'user.roles_changed', { user_id: id, old_roles: old, new_roles: roles }));
        return toView({ ...row, roles: JSON.stringify(roles) });
      });
      // Remembered actors carry the old roles: forget them, and any lookup now in flight.
      forget(id);
      return user;
    },
    async authenticate(token) {
      if (!looksLikeToken(token)) return null;
      const hash = hashToken(token);
      const now = deps.clock.now().getTime();
      const hit = cache.get(hash);
      if (hit && hit.until > now) return hit.actor;
      const seen = generation;
      const row = await deps.store.read((tx) =>
        tx.db
          .selectFrom('api_tokens')
          .innerJoin('users', 'users.id', 'api_tokens.user_id')
          .select(['users.id', 'users.name', 'users.unit_id', 'users.roles', 'users.disabled_at', 'api_tokens.revoked_at'])
          .where('api_tokens.token_hash', '=', hash)
          .executeTakeFirst(),
      );
      if (!row || row.disabled_at !== null || row.revoked_at !== null) return null;
      const unit = deps.units.get(row.unit_id);
      if (!unit) return null;
      const actor: Actor = { id: row.id, name: row.name, unitId: unit.id, unitPath: unit.path, roles: JSON.parse(row.roles) as string[] };
      if (seen === generation) {
        if (cache.size >= TOKEN_CACHE_MAX) cache.clear();
        cache.set(hash, { actor, until: now + TOKEN_CACHE_MS });
      }
      return actor;
    },
  };
}
