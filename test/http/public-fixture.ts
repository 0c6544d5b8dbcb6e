/**
 * motcua for the public and report API tests: like cases-fixture.ts (createMotcua on a fresh
 * store, a manual clock, one user per role), plus a client address taken from the test header
 * `x-test-client`, so rate limits can be tested per address without a socket. A suite that tests
 * the address itself asks for motcua's own resolver instead (`clientAddress: 'socket'`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock, type ManualClock } from '../../src/clock/index.js';
import type { ClientAddressResolver } from '../../src/http/routes/public.js';
import { createMotcua, type Motcua } from '../../src/server/motcua.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { describeEachKind, type StoreKind } from '../support/stores.js';
import { START, TAM_TRU_DATA } from './cases-fixture.js';

export { START, TAM_TRU_DATA };

const USERS = {
  admin: { unit: 'ha-tinh', roles: ['admin'] },
  auditor: { unit: 'ha-tinh', roles: ['auditor'] },
  receiver: { unit: 'thanh-sen', roles: ['receiver'] },
  officer: { unit: 'thanh-sen', roles: ['receiver', 'processor', 'leader'] },
  other: { unit: 'thach-khe', roles: ['receiver', 'processor', 'leader'] },
} as const;

export type Who = keyof typeof USERS | 'citizen';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body's bytes as sent (text() drops a byte-order mark). */
  raw: Uint8Array;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface PublicContext {
  kind: StoreKind;
  m: Motcua;
  clock: ManualClock;
  userIds: Record<keyof typeof USERS, string>;
  /** What motcua wrote to the operator log. */
  logs: string[];
  /** A request as `who` (a bearer token, or none for `citizen`), from client address `client`. */
  call(who: Who, method: string, path: string, options?: { body?: unknown; client?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** Opens a dang-ky-tam-tru dossier; returns the 201 body (with `pin`). */
  open(who?: keyof typeof USERS, extra?: Record<string, unknown>): Promise<Reply['body']>;
  /** Sends an event; throws unless 200. */
  send(who: keyof typeof USERS, id: string, type: string, input?: Record<string, unknown>): Promise<Reply['body']>;
  /** Sets the manual clock to a Việt Nam local time, `2026-03-02 09:00`. */
  at(local: string): void;
}

/** The address `call()` says it comes from (its `client` option). */
const testHeader: ClientAddressResolver = (c) => c.req.header('x-test-client');

/** How the suite's motcua finds a client's address. */
export interface PublicContextOptions {
  /**
   * 'test-header' (default): the `x-test-client` header `call()` sends. 'socket': motcua's own
   * resolver, as `motcua serve` runs it (the socket's address; X-Forwarded-For with `trustProxy`).
   */
  clientAddress?: 'test-header' | 'socket';
  /** Passed to createMotcua: take the address from X-Forwarded-For (with 'socket' only). */
  trustProxy?: boolean;
}

/** Builds motcua on a fresh store of `kind`. */
export async function createPublicContext(kind: StoreKind, options: PublicContextOptions = {}): Promise<PublicContext & { cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-public-'));
  let database: TestDatabase | undefined;
  if (kind === 'postgres') database = await createTestDatabase();
  const clock = createManualClock(START);
  const logs: string[] = [];
  const m = await createMotcua({
    log: (line) => logs.push(line),
    dataDir,
    databaseUrl: database?.url,
    proceduresDir: 'procedures',
    configDir: 'config',
    clock,
    ...(options.clientAddress === 'socket' ? { trustProxy: options.trustProxy } : { clientAddress: testHeader }),
  });
  const tokens = {} as Record<keyof typeof USERS, string>;
  const userIds = {} as Record<keyof typeof USERS, string>;
  for (const [key, u] of Object.entries(USERS) as [keyof typeof USERS, (typeof USERS)[keyof typeof USERS]][]) {
    const made = await m.users.create(null, { name: `Cán bộ ${key}`, unit: u.unit, roles: [...u.roles] }, { requestId: 'test' });
    tokens[key] = made.token;
    userIds[key] = made.user.id;
  }

  const call: PublicContext['call'] = async (who, method, path, options = {}) => {
    const headers: Record<string, string> = { 'x-test-client': options.client ?? '203.0.113.1', ...(options.headers ?? {}) };
    if (who !== 'citizen') headers.authorization = `Bearer ${tokens[who]}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await m.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const raw = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder().decode(raw);
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON (CSV): tests read `text`.
    }
    return { status: res.status, headers: res.headers, text, raw, body: parsed };
  };

  return {
    kind,
    m,
    clock,
    userIds,
    logs,
    call,
    async open(who = 'officer', extra = {}) {
      const r = await call(who, 'POST', '/api/v1/cases', { body: { procedure: 'dang-ky-tam-tru', applicant: { name: 'Nguyễn Văn An', phone: '0912000001' }, data: TAM_TRU_DATA, ...extra } });
      if (r.status !== 201) throw new Error(`opening a case answered ${r.status}: ${r.text}`);
      return r.body;
    },
    async send(who, id, type, input) {
      const r = await call(who, 'POST', `/api/v1/cases/${id}/events`, { body: input === undefined ? { type } : { type, input } });
      if (r.status !== 200) throw new Error(`${type} answered ${r.status}: ${r.text}`);
      return r.body;
    },
    at(local) {
      clock.set(new Date(`${local.replace(' ', 'T')}:00+07:00`));
    },
    async cleanup() {
      await m.close();
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

/** Declares `suite` once per store kind; the PostgreSQL copy is skipped when DATABASE_URL is unset. */
export function describeEachPublic(title: string, suite: (ctx: () => PublicContext) => void, options: PublicContextOptions = {}): void {
  describeEachKind(title, (kind) => createPublicContext(kind, options), suite);
}
