import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeEachMotcua, type MotcuaContext } from './cases-fixture.js';

const SHIPPED = readFileSync('procedures/dang-ky-tam-tru.yaml', 'utf8');
/** Version 2 of dang-ky-tam-tru: a new title and a shorter deadline, in force since 2026-01-01. */
const V2 = SHIPPED.replace(/^version: 1$/m, 'version: 2')
  .replace(/^title: .*$/m, 'title: Đăng ký tạm trú (mẫu 2026)')
  .replace(/^deadline: .*$/m, 'deadline: 2 working days')
  .replace(/^effective_from: .*$/m, 'effective_from: 2026-01-01');
/** Version 3 with two mistakes: a misspelled target state (line 45) and an unknown key (line 13). */
const BROKEN = V2.replace(/^version: 2$/m, 'version: 3')
  .replace('ACCEPT: { to: processing,', 'ACCEPT: { to: procesing,')
  .replace(/^deadline: .*$/m, 'deadline: 2 working days\ndeadlines: 3 working days');

const yamlPut = (text: string, type = 'application/yaml') => ({ text, headers: { 'content-type': type } });

/**
 * Starts authenticating `token` with the store's read held after it returns its rows, so the
 * lookup has read the old rows and finishes only at `release()`.
 */
function lookupHeldAfterRead(m: MotcuaContext['m'], token: string): { late: Promise<unknown>; release: () => void } {
  const realRead = m.store.read;
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  m.store.read = (async (fn) => {
    const rows = await realRead(fn);
    await gate;
    return rows;
  }) as typeof realRead;
  try {
    return { late: m.users.authenticate(token), release };
  } finally {
    m.store.read = realRead;
  }
}

describeEachMotcua('admin API', (ctx) => {
  it('POST /users creates a user and shows the token once; the token works at once', async () => {
    const { call } = ctx();
    const r = await call('admin', 'POST', '/api/v1/users', { body: { name: 'Nguyễn Thị Hoa', unit: 'dong-tien', roles: ['receiver', 'processor'] } });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ name: 'Nguyễn Thị Hoa', unit: 'dong-tien', roles: ['receiver', 'processor'], disabled: false });
    expect(r.body.user.id).toEqual(expect.any(String));
    expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    const asNew = await call('nobody', 'GET', '/api/v1/cases', { headers: { authorization: `Bearer ${r.body.token}` } });
    expect(asNew.status).toBe(200);

    const list = await call('admin', 'GET', '/api/v1/users');
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { id: string }) => u.id)).toContain(r.body.user.id);
    // Never shown again, in any form.
    expect(JSON.stringify(list.body)).not.toContain(r.body.token);
    for (const u of list.body.items) expect(Object.keys(u).sort()).toEqual(['created_at', 'disabled', 'id', 'name', 'roles', 'unit']);
  });

  it('POST /users with an Idempotency-Key creates one user; a replay answers the same user with token null, never the stored token', async () => {
    const { call, m } = ctx();
    const key = { 'idempotency-key': 'new-officer-1' };
    const body = { name: 'Phan Văn Đức', unit: 'thanh-sen', roles: ['receiver'] };
    const first = await call('admin', 'POST', '/api/v1/users', { body, headers: key });
    expect(first.status).toBe(201);
    expect(first.body.token).toMatch(/^mc_/);
    const again = await call('admin', 'POST', '/api/v1/users', { body, headers: key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body).toEqual({ ...first.body, token: null });
    const named = (await call('admin', 'GET', '/api/v1/users')).body.items.filter((u: { name: string }) => u.name === 'Phan Văn Đức');
    expect(named).toHaveLength(1);
    const stored = await m.store.read((tx) => tx.db.selectFrom('idempotency_keys').select('response_body').where('key', '=', 'new-officer-1').execute());
    expect(stored[0]!.response_body).not.toContain(first.body.token);
    const other = await call('admin', 'POST', '/api/v1/users', { body: { ...body, roles: ['processor'] }, headers: key });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotencyMismatch');
  });

  it('POST /users answers 422 for an unknown unit, an unknown role, a missing or an extra field', async () => {
    const { call } = ctx();
    const bad = [
      { name: 'A', unit: 'no-such-unit', roles: ['receiver'] },
      { name: 'A', unit: 'thanh-sen', roles: ['superuser'] },
      { name: 'A', unit: 'thanh-sen' },
      { name: 'A', unit: 'thanh-sen', roles: ['receiver'], token: 'chosen' },
      { name: 'A', unit: 'thanh-sen', roles: [] },
      { name: '   ', unit: 'thanh-sen', roles: ['receiver'] },
      // An auditor changes nothing: no officer duty can go with it.
      { name: 'A', unit: 'thanh-sen', roles: ['auditor', 'receiver'] },
    ];
    for (const body of bad) {
      const r = await call('admin', 'POST', '/api/v1/users', { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.errors.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
  });

  it('POST /users answers one 422 listing every fault: the shape, the unit and each role, by JSON pointer', async () => {
    const { call } = ctx();
    const paths = (r: { body: { errors: { path: string }[] } }) => r.body.errors.map((e) => e.path);
    // A blank name fails the shape; the unit and the role are still checked in the same answer.
    const all = await call('admin', 'POST', '/api/v1/users', { body: { name: '', unit: 'nowhere', roles: ['wizard'] } });
    expect(all.status).toBe(422);
    expect(all.body.code).toBe('validationFailed');
    expect(paths(all)).toEqual(['/name', '/unit', '/roles/0']);
    expect(all.body.detail).toContain("No unit 'nowhere'");
    expect(all.body.detail).toContain("Unknown role 'wizard'");
    expect(all.body.detail).toContain('GET /api/v1/units');
    // The shape is right: the unit and every bad role, each at its own index.
    const data = await call('admin', 'POST', '/api/v1/users', { body: { name: 'A', unit: 'nowhere', roles: ['wizard', 'receiver', 'sorcerer'] } });
    expect(data.status).toBe(422);
    expect(paths(data)).toEqual(['/unit', '/roles/0', '/roles/2']);
    expect(data.body.detail).toContain("Unknown role 'sorcerer'");
    // An unknown role and an auditor with officer duties, together; a role that is not a word only once.
    const mixed = await call('admin', 'POST', '/api/v1/users', { body: { name: 'A', unit: 'thanh-sen', roles: ['auditor', 'receiver', 'wizard', 'Bad Role'] } });
    expect(mixed.status).toBe(422);
    expect(paths(mixed).sort()).toEqual(['/roles', '/roles/2', '/roles/3']);
    expect(mixed.body.detail).toContain('cannot go with officer roles (receiver)');
    expect((await call('admin', 'GET', '/api/v1/users')).body.items.map((u: { name: string }) => u.name)).not.toContain('A');
  });

  it('only administrators manage users: officers and auditors get 403, strangers 401', async () => {
    const { call } = ctx();
    for (const who of ['receiver', 'auditor', 'province'] as const) {
      expect((await call(who, 'POST', '/api/v1/users', { body: { name: 'B', unit: 'thanh-sen', roles: ['receiver'] } })).status, who).toBe(403);
      expect((await call(who, 'GET', '/api/v1/users')).status, who).toBe(403);
    }
    expect((await call('nobody', 'GET', '/api/v1/users')).status).toBe(401);
  });

  it('an administrator disables a user through the API: their token stops at once; again changes nothing', async () => {
    const { call, m } = ctx();
    const made = (await call('admin', 'POST', '/api/v1/users', { body: { name: 'Lê Văn Bình', unit: 'thanh-sen', roles: ['receiver'] } })).body;
    const asMade = { headers: { authorization: `Bearer ${made.token}` } };
    expect((await call('nobody', 'GET', '/api/v1/cases', asMade)).status).toBe(200);

    const off = await call('admin', 'POST', `/api/v1/users/${made.user.id}/disable`);
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ id: made.user.id, disabled: true });
    // Authenticated a moment ago, so remembered: disabling forgets it on this server.
    expect((await call('nobody', 'GET', '/api/v1/cases', asMade)).status).toBe(401);
    expect((await call('admin', 'GET', `/api/v1/users/${made.user.id}`)).body).toMatchObject({ id: made.user.id, name: 'Lê Văn Bình', disabled: true });

    const entries = () => m.store.read((tx) => tx.db.selectFrom('audit_entries').select(['event', 'bytes']).where('event', '=', 'user.disabled').execute());
    expect(await entries()).toHaveLength(1);
    expect((await call('admin', 'POST', `/api/v1/users/${made.user.id}/disable`)).status).toBe(200);
    expect(await entries()).toHaveLength(1);
    const [entry] = await entries();
    expect(JSON.parse(entry!.bytes)).toMatchObject({ kind: 'user.disabled', details: { user_id: made.user.id } });
    expect(entry!.bytes).not.toContain('Bình');
  });

  it('a token looked up just before its user is disabled is not remembered afterwards', async () => {
    const { m } = ctx();
    const made = await m.users.create(null, { name: 'Tạm', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 'test' });
    // The lookup reads the rows before the disable and finishes after it.
    const { late, release } = lookupHeldAfterRead(m, made.token);
    await m.users.disable(null, made.user.id, { requestId: 'test' });
    release();
    // It answers with what it read; it must not keep it.
    expect(await late).toMatchObject({ id: made.user.id });
    expect(await m.users.authenticate(made.token)).toBeNull();
  });

  it('an administrator issues a user a new token: the old one stops, the new one works; never for a disabled user', async () => {
    const { call, m } = ctx();
    const made = (await call('admin', 'POST', '/api/v1/users', { body: { name: 'Trần Thị Cúc', unit: 'dong-tien', roles: ['processor'] } })).body;
    const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    expect((await call('nobody', 'GET', '/api/v1/cases', as(made.token))).status).toBe(200);

    const issued = await call('admin', 'POST', `/api/v1/users/${made.user.id}/token`);
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body).toMatchObject({ user: { id: made.user.id, disabled: false }, revoked: 1 });
    expect(issued.body.token).toMatch(/^mc_[A-Za-z0-9_-]{43}$/);
    expect(issued.body.token).not.toBe(made.token);
    expect((await call('nobody', 'GET', '/api/v1/cases', as(made.token))).status).toBe(401);
    expect((await call('nobody', 'GET', '/api/v1/cases', as(issued.body.token))).status).toBe(200);
    // Only the hash is kept, and the log records who and how many, not the name or the token.
    const [entry] = await m.store.read((tx) => tx.db.selectFrom('audit_entries').select('bytes').where('event', '=', 'user.token_issued').execute());
    expect(JSON.parse(entry!.bytes)).toMatchObject({ kind: 'user.token_issued', details: { user_id: made.user.id, revoked: 1 } });
    expect(entry!.bytes).not.toContain(issued.body.token);
    expect(entry!.bytes).not.toContain('Cúc');

    expect((await call('admin', 'POST', `/api/v1/users/${made.user.id}/disable`)).status).toBe(200);
    const refused = await call('admin', 'POST', `/api/v1/users/${made.user.id}/token`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'conflict' });
    expect(refused.body.detail).toContain('create a new user');
  });

  it('user routes: 404 for an unknown user, 409 for disabling oneself, 403 for others than admins, 401 for strangers', async () => {
    const { call, userIds } = ctx();
    for (const [method, suffix] of [['GET', ''], ['POST', '/disable'], ['POST', '/token']] as const) {
      const r = await call('admin', method, `/api/v1/users/u_nobody${suffix}`);
      expect(r.status, `${method} ${suffix}`).toBe(404);
      expect(r.body.detail).toContain('lists the users');
      for (const who of ['receiver', 'auditor', 'province'] as const) {
        expect((await call(who, method, `/api/v1/users/${userIds.receiver2}${suffix}`)).status, `${who} ${method} ${suffix}`).toBe(403);
      }
      expect((await call('nobody', method, `/api/v1/users/${userIds.receiver2}${suffix}`)).status).toBe(401);
    }
    const self = await call('admin', 'POST', `/api/v1/users/${userIds.admin}/disable`);
    expect(self.status).toBe(409);
    expect(self.body.detail).toContain('another administrator');
    // Nothing changed: the refused requests above disabled nobody.
    expect((await call('receiver2', 'GET', '/api/v1/cases')).status).toBe(200);
    expect((await call('admin', 'GET', '/api/v1/users')).status).toBe(200);
  });

  it('an administrator gives a user new roles: in effect at once for their token, audited with the old and new roles and no name', async () => {
    const { call, m } = ctx();
    const made = (await call('admin', 'POST', '/api/v1/users', { body: { name: 'Võ Thị Dung', unit: 'thanh-sen', roles: ['receiver'] } })).body;
    const asMade = { headers: { authorization: `Bearer ${made.token}` } };
    // Authenticated, so remembered with the old roles: the change must not wait for that to expire.
    expect((await call('nobody', 'GET', '/api/v1/users', asMade)).status).toBe(403);

    const given = await call('admin', 'PUT', `/api/v1/users/${made.user.id}/roles`, { body: { roles: ['receiver', 'admin', 'receiver'] } });
    expect(given.status, JSON.stringify(given.body)).toBe(200);
    expect(given.body).toEqual({ ...made.user, roles: ['receiver', 'admin'] });
    expect((await call('nobody', 'GET', '/api/v1/users', asMade)).status).toBe(200);
    expect((await call('admin', 'GET', `/api/v1/users/${made.user.id}`)).body.roles).toEqual(['receiver', 'admin']);

    const taken = await call('admin', 'PUT', `/api/v1/users/${made.user.id}/roles`, { body: { roles: ['processor'] } });
    expect(taken.status).toBe(200);
    expect(taken.body.roles).toEqual(['processor']);
    expect((await call('nobody', 'GET', '/api/v1/users', asMade)).status).toBe(403);

    const entries = () => m.store.read((tx) => tx.db.selectFrom('audit_entries').select('bytes').where('event', '=', 'user.roles_changed').orderBy('seq').execute());
    const logged = await entries();
    expect(logged.map((e) => JSON.parse(e.bytes))).toMatchObject([
      { kind: 'user.roles_changed', actor: { id: ctx().userIds.admin, role: 'admin' }, unit: 'thanh-sen', details: { user_id: made.user.id, old_roles: ['receiver'], new_roles: ['receiver', 'admin'] } },
      { kind: 'user.roles_changed', details: { user_id: made.user.id, old_roles: ['receiver', 'admin'], new_roles: ['processor'] } },
    ]);
    for (const e of logged) expect(e.bytes).not.toContain('Dung');
    // The roles the user has already: nothing changes and nothing is logged.
    const same = await call('admin', 'PUT', `/api/v1/users/${made.user.id}/roles`, { body: { roles: ['processor'] } });
    expect(same.status).toBe(200);
    expect(same.body.roles).toEqual(['processor']);
    expect(await entries()).toHaveLength(2);
  });

  it('a token looked up just before its user is given new roles is not remembered with the old ones', async () => {
    const { m } = ctx();
    const made = await m.users.create(null, { name: 'Tạm', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 'test' });
    const { late, release } = lookupHeldAfterRead(m, made.token);
    await m.users.setRoles(null, made.user.id, { roles: ['leader'] }, { requestId: 'test' });
    release();
    expect(await late).toMatchObject({ roles: ['receiver'] });
    expect(await m.users.authenticate(made.token)).toMatchObject({ id: made.user.id, roles: ['leader'] });
  });

  it('PUT /users/{id}/roles answers one 422 listing every fault, with the same rules as a new user, and changes nothing', async () => {
    const { call, userIds } = ctx();
    const put = (body: unknown) => call('admin', 'PUT', `/api/v1/users/${userIds.receiver2}/roles`, { body });
    const paths = (r: { body: { errors: { path: string }[] } }) => r.body.errors.map((e) => e.path).sort();
    const cases: [unknown, string[]][] = [
      [{ roles: ['wizard', 'receiver', 'sorcerer'] }, ['/roles/0', '/roles/2']],
      [{ roles: ['auditor', 'leader', 'wizard'] }, ['/roles', '/roles/2']],
      // The shape and the unknown roles in the same answer.
      [{ roles: ['wizard', 'Bad Role'], name: 'X' }, ['/', '/roles/0', '/roles/1']],
      [{ roles: [] }, ['/roles']],
      [{}, ['/roles']],
    ];
    for (const [body, expected] of cases) {
      const r = await put(body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe('validationFailed');
      expect(paths(r), JSON.stringify(body)).toEqual(expected);
    }
    expect((await put({ roles: ['wizard'] })).body.detail).toContain("Unknown role 'wizard' (roles are admin, auditor and those the procedures name: ");
    expect((await call('admin', 'GET', `/api/v1/users/${userIds.receiver2}`)).body.roles).toEqual(['receiver']);
  });

  it('PUT /users/{id}/roles: 404 for an unknown user, 409 for a disabled one or for taking admin from oneself, 403 for others than admins, 401 for strangers', async () => {
    const { call, userIds, m } = ctx();
    const body = { roles: ['processor'] };
    const unknown = await call('admin', 'PUT', '/api/v1/users/u_nobody/roles', { body });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('lists the users');
    for (const who of ['receiver', 'auditor', 'province'] as const) {
      expect((await call(who, 'PUT', `/api/v1/users/${userIds.receiver2}/roles`, { body })).status, who).toBe(403);
    }
    // The user's own token cannot give itself more either.
    expect((await call('receiver2', 'PUT', `/api/v1/users/${userIds.receiver2}/roles`, { body: { roles: ['admin'] } })).status).toBe(403);
    expect((await call('nobody', 'PUT', `/api/v1/users/${userIds.receiver2}/roles`, { body })).status).toBe(401);

    const self = await call('admin', 'PUT', `/api/v1/users/${userIds.admin}/roles`, { body: { roles: ['auditor'] } });
    expect(self.status).toBe(409);
    expect(self.body).toMatchObject({ code: 'conflict' });
    expect(self.body.detail).toContain('another administrator');
    expect((await call('admin', 'GET', '/api/v1/users')).status).toBe(200);
    // Keeping admin is no conflict.
    const kept = await call('admin', 'PUT', `/api/v1/users/${userIds.admin}/roles`, { body: { roles: ['admin'] } });
    expect(kept.status).toBe(200);
    expect(kept.body.roles).toEqual(['admin']);

    const made = await m.users.create(null, { name: 'Nghỉ việc', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 'test' });
    await m.users.disable(null, made.user.id, { requestId: 'test' });
    const disabled = await call('admin', 'PUT', `/api/v1/users/${made.user.id}/roles`, { body });
    expect(disabled.status).toBe(409);
    expect(disabled.body.detail).toContain('create a new user');
    expect((await call('admin', 'GET', `/api/v1/users/${made.user.id}`)).body).toMatchObject({ roles: ['receiver'], disabled: true });
    const changes = await m.store.read((tx) => tx.db.selectFrom('audit_entries').select('bytes').where('event', '=', 'user.roles_changed').execute());
    const changed = changes.map((e) => JSON.parse(e.bytes).details.user_id);
    for (const id of [userIds.admin, userIds.receiver2, made.user.id]) expect(changed).not.toContain(id);
  });

  it('an administrator of a commune manages the users of that commune only: others answer 404 and are left as they were', async () => {
    const { call, m } = ctx();
    const local = await m.users.create(null, { name: 'Quản trị xã', unit: 'thach-khe', roles: ['admin'] }, { requestId: 'test' });
    const mine = await m.users.create(null, { name: 'Cán bộ xã', unit: 'thach-khe', roles: ['receiver'] }, { requestId: 'test' });
    const away = await m.users.create(null, { name: 'Cán bộ phường', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 'test' });
    const asLocal = { headers: { authorization: `Bearer ${local.token}` } };
    const listed = await call('nobody', 'GET', '/api/v1/users', asLocal);
    expect(listed.status).toBe(200);
    expect(new Set(listed.body.items.map((u: { unit: string }) => u.unit))).toEqual(new Set(['thach-khe']));
    expect(listed.body.items.map((u: { id: string }) => u.id)).toContain(mine.user.id);
    for (const [method, path, body] of [
      ['GET', `/api/v1/users/${away.user.id}`, undefined],
      ['POST', `/api/v1/users/${away.user.id}/disable`, undefined],
      ['POST', `/api/v1/users/${away.user.id}/token`, undefined],
      ['PUT', `/api/v1/users/${away.user.id}/roles`, { roles: ['leader'] }],
    ] as const) {
      const r = await call('nobody', method, path, { ...asLocal, ...(body ? { body } : {}) });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.code).toBe('notFound');
    }
    // A user of the province (above the commune) is not theirs to make either.
    const above = await call('nobody', 'POST', '/api/v1/users', { ...asLocal, body: { name: 'Quản trị tỉnh', unit: 'ha-tinh', roles: ['admin'] } });
    expect(above.status).toBe(403);
    expect(above.body.detail).toContain('thach-khe');
    // The other commune's user is untouched: same roles, not disabled, their token still works.
    expect((await call('admin', 'GET', `/api/v1/users/${away.user.id}`)).body).toMatchObject({ roles: ['receiver'], disabled: false });
    expect((await call('nobody', 'GET', '/api/v1/cases?limit=1', { headers: { authorization: `Bearer ${away.token}` } })).status).toBe(200);
    // Their own commune's user is theirs to manage.
    expect((await call('nobody', 'PUT', `/api/v1/users/${mine.user.id}/roles`, { ...asLocal, body: { roles: ['leader'] } })).status).toBe(200);
    expect((await call('nobody', 'POST', '/api/v1/users', { ...asLocal, body: { name: 'Cán bộ mới', unit: 'thach-khe', roles: ['processor'] } })).status).toBe(201);
    // Roles that read the whole province are the province's to give, not the commune's.
    const auditor = await call('nobody', 'POST', '/api/v1/users', { ...asLocal, body: { name: 'Thanh tra xã', unit: 'thach-khe', roles: ['auditor'] } });
    expect(auditor.status).toBe(403);
    expect(auditor.body.detail).toContain('only an administrator of the province gives them');
    expect((await call('nobody', 'PUT', `/api/v1/users/${mine.user.id}/roles`, { ...asLocal, body: { roles: ['leader', 'admin'] } })).status).toBe(403);
    expect((await call('admin', 'GET', `/api/v1/users/${mine.user.id}`)).body.roles).toEqual(['leader']);
    // The province's administrator manages everyone, and gives those roles.
    expect((await call('admin', 'GET', '/api/v1/users')).body.items.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([away.user.id, mine.user.id, local.user.id]));
    expect((await call('admin', 'PUT', `/api/v1/users/${mine.user.id}/roles`, { body: { roles: ['leader', 'admin'] } })).status).toBe(200);
  });

  it("the province's administrator still manages a user whose unit was taken out of units.yaml", async () => {
    const { call, m } = ctx();
    const made = await m.users.create(null, { name: 'Cán bộ xã cũ', unit: 'thach-khe', roles: ['receiver'] }, { requestId: 'test' });
    // A unit merged away: its row stays for the record, but the loaded tree no longer has it.
    await m.store.write(async (tx) => {
      await tx.db.insertInto('units').values({ id: 'xa-cu', parent_id: 'ha-tinh', name: 'Xã cũ', level: 'commune', code: 'HT.XC', path: '/ha-tinh/xa-cu/' }).execute();
      await tx.db.updateTable('users').set({ unit_id: 'xa-cu' }).where('id', '=', made.user.id).execute();
    });
    expect((await call('admin', 'GET', '/api/v1/users')).body.items.map((u: { id: string }) => u.id)).toContain(made.user.id);
    expect((await call('admin', 'POST', `/api/v1/users/${made.user.id}/disable`)).status).toBe(200);
  });

  it('GET /units is the province with its communes', async () => {
    const { call } = ctx();
    const r = await call('receiver', 'GET', '/api/v1/units');
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    const province = r.body.items[0];
    expect(province).toMatchObject({ id: 'ha-tinh', level: 'province', parent_id: null, path: '/ha-tinh/' });
    expect(province.children[0]).toMatchObject({ parent_id: 'ha-tinh' });
    expect(province).not.toHaveProperty('parentId');
    const communes = province.children.map((u: { id: string }) => u.id);
    expect(communes).toEqual(expect.arrayContaining(['thanh-sen', 'thach-khe', 'dong-tien']));
    expect((await call('nobody', 'GET', '/api/v1/units')).status).toBe(401);
  });

  it('PUT /procedures/{id} publishes a new version; new dossiers use it, running ones keep theirs', async () => {
    const { call, open, send } = ctx();
    const running = await open();
    expect(running.procedure.version).toBe(1);

    const r = await call('admin', 'PUT', '/api/v1/procedures/dang-ky-tam-tru', yamlPut(V2));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ id: 'dang-ky-tam-tru', version: 2, effective_from: '2026-01-01' });

    const fresh = await open();
    expect(fresh.procedure).toMatchObject({ version: 2, title: 'Đăng ký tạm trú (mẫu 2026)' });
    const moved = await send('receiver', running.id, 'ACCEPT');
    expect(moved.status).toBe(200);
    expect(moved.body.case.procedure).toMatchObject({ version: 1, title: 'Đăng ký tạm trú' });
    const catalogue = await call('receiver', 'GET', '/api/v1/procedures/dang-ky-tam-tru');
    expect(catalogue.body.version).toBe(2);

    const again = await call('admin', 'PUT', '/api/v1/procedures/dang-ky-tam-tru', yamlPut(V2));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('alreadyExists');
  });

  it('PUT with mistakes answers 422 with every finding at line:col, and publishes nothing', async () => {
    const { call } = ctx();
    const r = await call('admin', 'PUT', '/api/v1/procedures/dang-ky-tam-tru', yamlPut(BROKEN));
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('definitionInvalid');
    const errors = r.body.findings.filter((f: { severity: string }) => f.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const f of r.body.findings) {
      expect(f.line).toBeGreaterThan(0);
      expect(f.col).toBeGreaterThan(0);
      expect(f.text).toContain(`:${f.line}:${f.col}`);
    }
    const lineOf = (needle: string) => BROKEN.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const lines = errors.map((f: { line: number }) => f.line);
    expect(lines).toContain(lineOf('deadlines:'));
    expect(lines).toContain(lineOf('to: procesing'));
    expect(JSON.stringify(r.body.findings)).toContain('procesing');
    const catalogue = await call('receiver', 'GET', '/api/v1/procedures/dang-ky-tam-tru');
    expect(catalogue.body.version).not.toBe(3);
  });

  it('PUT refuses non-admins (403), a body that is not YAML (415) and an id that does not match (422)', async () => {
    const { call } = ctx();
    const v4 = V2.replace(/^version: 2$/m, 'version: 4');
    expect((await call('leader', 'PUT', '/api/v1/procedures/dang-ky-tam-tru', yamlPut(v4))).status).toBe(403);
    expect((await call('auditor', 'PUT', '/api/v1/procedures/dang-ky-tam-tru', yamlPut(v4))).status).toBe(403);
    expect((await call('admin', 'PUT', '/api/v1/procedures/dang-ky-tam-tru', yamlPut(v4, 'application/json'))).status).toBe(415);
    expect((await call('admin', 'PUT', '/api/v1/procedures/tach-ho', yamlPut(v4))).status).toBe(422);
    const catalogue = await call('receiver', 'GET', '/api/v1/procedures/dang-ky-tam-tru');
    expect(catalogue.body.versions.map((v: { version: number }) => v.version)).not.toContain(4);
  });
});
