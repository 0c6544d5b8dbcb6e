/**
 * A whole motcua (createMotcua: store, procedures, services, HTTP app) for API tests, built on
 * SQLite always and on PostgreSQL when DATABASE_URL is set, with a manual clock and one user per
 * role of the demo province. Tests talk to it through `app.request()`, as a client would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock, type ManualClock } from '../../src/clock/index.js';
import { createMotcua, type Motcua } from '../../src/server/motcua.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { describeEachKind, type StoreKind } from '../support/stores.js';

/** Monday 2 March 2026, 09:00 in Hà Tĩnh: a working day. */
export const START = '2026-03-02T02:00:00.000Z';

/** Valid dossier data for dang-ky-tam-tru (from its scenarios file). */
export const TAM_TRU_DATA = {
  ho_ten: 'Nguyễn Văn An',
  ngay_sinh: '1990-05-12',
  gioi_tinh: 'nam',
  so_dinh_danh: '001090000001',
  dien_thoai: '0912000001',
  dia_chi_tam_tru: 'Số 12, ngõ 5, phố Trần Phú, phường Thành Sen, tỉnh Hà Tĩnh',
  thoi_han_thang: 12,
  giay_to_cho_o: 'hop_dong_thue',
  nhan_ket_qua: 'truc_tiep',
} as const;

/** The users every suite gets; `other` is an officer of another commune holding every officer role. */
const USERS = {
  admin: { unit: 'ha-tinh', roles: ['admin'] },
  auditor: { unit: 'ha-tinh', roles: ['auditor'] },
  receiver: { unit: 'thanh-sen', roles: ['receiver'] },
  receiver2: { unit: 'thanh-sen', roles: ['receiver'] },
  processor: { unit: 'thanh-sen', roles: ['processor'] },
  leader: { unit: 'thanh-sen', roles: ['leader'] },
  officer: { unit: 'thanh-sen', roles: ['receiver', 'processor', 'leader'] },
  other: { unit: 'thach-khe', roles: ['receiver', 'processor', 'leader'] },
  province: { unit: 'ha-tinh', roles: ['receiver', 'processor', 'leader'] },
} as const;

export type Who = keyof typeof USERS | 'nobody';

/** A response as tests look at it. */
export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text (sent as is, e.g. YAML). */
  text?: string;
  /** Raw body bytes (sent as is, e.g. not UTF-8). */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
}

export interface MotcuaContext {
  kind: StoreKind;
  m: Motcua;
  clock: ManualClock;
  /** What motcua logged (operator lines: unexpected errors and their causes). */
  logs: string[];
  tokens: Record<keyof typeof USERS, string>;
  userIds: Record<keyof typeof USERS, string>;
  /** Sends a request as `who` (bearer token) through `app.request()`. */
  call(who: Who, method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** Opens a dang-ky-tam-tru dossier as `who` (default receiver); returns the 201 body. */
  open(who?: Who, extra?: Record<string, unknown>): Promise<Reply['body']>;
  /** Sends `type` (with `input`) to a case as `who`; returns the reply. */
  send(who: Who, id: string, type: string, input?: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>;
}

/** What a suite may change in the motcua it gets. */
export interface MotcuaContextOptions {
  /** The procedures folder loaded at start (default the shipped `procedures/`). */
  proceduresDir?: string;
}

/** Builds motcua on a fresh store of `kind`. */
export async function createMotcuaContext(kind: StoreKind, options: MotcuaContextOptions = {}): Promise<MotcuaContext & { cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-api-'));
  let database: TestDatabase | undefined;
  if (kind === 'postgres') database = await createTestDatabase();
  const clock = createManualClock(START);
  const logs: string[] = [];
  const m = await createMotcua({ dataDir, databaseUrl: database?.url, proceduresDir: options.proceduresDir ?? 'procedures', configDir: 'config', clock, log: (line) => logs.push(line) });
  const tokens = {} as Record<keyof typeof USERS, string>;
  const userIds = {} as Record<keyof typeof USERS, string>;
  for (const [key, u] of Object.entries(USERS) as [keyof typeof USERS, (typeof USERS)[keyof typeof USERS]][]) {
    const made = await m.users.create(null, { name: `Cán bộ ${key}`, unit: u.unit, roles: [...u.roles] }, { requestId: 'test' });
    tokens[key] = made.token;
    userIds[key] = made.user.id;
  }

  async function call(who: Who, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (who !== 'nobody') headers.authorization = `Bearer ${tokens[who]}`;
    let body: string | Uint8Array | undefined;
    if (options.bytes !== undefined) body = options.bytes;
    else if (options.text !== undefined) body = options.text;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await m.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    // A 500 is always a bug: show what the server logged next to the failing assertion.
    if (res.status === 500) process.stderr.write(`motcua logged:\n${logs.slice(-3).join('\n')}\n`);
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: tests see the text.
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  const context: MotcuaContext = {
    kind,
    m,
    clock,
    logs,
    tokens,
    userIds,
    call,
    async open(who = 'receiver', extra = {}) {
      const r = await call(who, 'POST', '/api/v1/cases', { body: { procedure: 'dang-ky-tam-tru', applicant: { name: 'Nguyễn Văn An' }, data: TAM_TRU_DATA, ...extra } });
      if (r.status !== 201) throw new Error(`opening a case answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body;
    },
    send(who, id, type, input, headers) {
      return call(who, 'POST', `/api/v1/cases/${id}/events`, { body: input === undefined ? { type } : { type, input }, ...(headers ? { headers } : {}) });
    },
  };
  return {
    ...context,
    async cleanup() {
      await m.close();
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

/**
 * Declares `suite` once per store kind ("… [sqlite]", "… [postgres]"); the PostgreSQL copy is
 * skipped only when DATABASE_URL is unset. Each copy gets its own motcua on a fresh store.
 */
export function describeEachMotcua(title: string, suite: (ctx: () => MotcuaContext) => void, options: MotcuaContextOptions = {}): void {
  describeEachKind(title, (kind) => createMotcuaContext(kind, options), suite);
}
