import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { createMotcua } from '../../src/server/motcua.js';

const dataDir = mkdtempSync(join(tmpdir(), 'motcua-users-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', cwd: process.cwd(), env: { MOTCUA_DATA_DIR: dataDir }, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

describe('motcua users', () => {
  it('adds a user and prints the token once as JSON; the token authenticates', async () => {
    const io = capture();
    expect(await main(['users', 'add', '--name', 'Cán bộ A', '--unit', 'thanh-sen', '--roles', 'receiver,processor', '--json'], io)).toBe(0);
    const made = JSON.parse(io.stdout.trim());
    expect(made).toMatchObject({ unit: 'thanh-sen', roles: ['receiver', 'processor'], disabled: false });
    expect(made.token).toMatch(/^mc_[A-Za-z0-9_-]{43}$/);
    const m = await createMotcua({ dataDir, proceduresDir: 'procedures', configDir: 'config' });
    try {
      expect((await m.users.authenticate(made.token))?.id).toBe(made.id);
      // The token itself is nowhere in the database: only its SHA-256.
      const rows = await m.store.read((tx) => tx.db.selectFrom('api_tokens').select('token_hash').execute());
      expect(rows.map((r) => r.token_hash)).not.toContain(made.token);
    } finally {
      await m.close();
    }

    const list = capture();
    expect(await main(['users', 'list'], list)).toBe(0);
    expect(list.stdout).toContain(made.id);
    expect(list.stdout).not.toContain(made.token);

    const renewed = capture();
    expect(await main(['users', 'token', made.id, '--json'], renewed)).toBe(0);
    const issued = JSON.parse(renewed.stdout.trim());
    expect(issued).toMatchObject({ id: made.id, revoked: 1 });
    expect(issued.token).toMatch(/^mc_[A-Za-z0-9_-]{43}$/);
    const after = await createMotcua({ dataDir, proceduresDir: 'procedures', configDir: 'config' });
    try {
      expect(await after.users.authenticate(made.token)).toBeNull();
      expect((await after.users.authenticate(issued.token))?.id).toBe(made.id);
    } finally {
      await after.close();
    }

    const moved = capture();
    expect(await main(['users', 'roles', made.id, '--roles', 'leader,processor', '--json'], moved)).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ id: made.id, roles: ['leader', 'processor'] });
    const text = capture();
    expect(await main(['users', 'roles', made.id, '--roles=leader'], text)).toBe(0);
    expect(text.stdout).toContain(`${made.id} (Cán bộ A) now has the roles leader`);
    const bad = capture();
    expect(await main(['users', 'roles', made.id, '--roles', 'wizard,auditor,leader'], bad)).toBe(1);
    for (const says of ["/roles/0 Unknown role 'wizard'", '/roles An auditor']) expect(bad.stderr).toContain(says);
    const nobody = capture();
    expect(await main(['users', 'roles', 'u_nobody', '--roles', 'leader'], nobody)).toBe(1);
    expect(nobody.stderr).toContain('lists the users');
    expect(await main(['users', 'roles', made.id], capture())).toBe(2);
    const regiven = await createMotcua({ dataDir, proceduresDir: 'procedures', configDir: 'config' });
    try {
      expect((await regiven.users.authenticate(issued.token))?.roles).toEqual(['leader']);
    } finally {
      await regiven.close();
    }

    const off = capture();
    expect(await main(['users', 'disable', made.id], off)).toBe(0);
    expect(off.stdout).toContain(`disabled ${made.id}`);
    const refused = capture();
    expect(await main(['users', 'token', made.id], refused)).toBe(1);
    expect(refused.stderr).toContain('is disabled');
    const kept = capture();
    expect(await main(['users', 'roles', made.id, '--roles', 'receiver'], kept)).toBe(1);
    expect(kept.stderr).toContain('is disabled');
    const again = await createMotcua({ dataDir, proceduresDir: 'procedures', configDir: 'config' });
    try {
      expect(await again.users.authenticate(made.token)).toBeNull();
      expect(await again.users.authenticate(issued.token)).toBeNull();
    } finally {
      await again.close();
    }
  });

  it('refuses unknown units and roles with a message, and usage errors with exit 2', async () => {
    const bad = capture();
    expect(await main(['users', 'add', '--name', 'X', '--unit', 'nowhere', '--roles', 'receiver'], bad)).toBe(1);
    expect(bad.stderr).toContain("No unit 'nowhere'");
    const role = capture();
    expect(await main(['users', 'add', '--name', 'X', '--unit', 'thanh-sen', '--roles', 'wizard'], role)).toBe(1);
    expect(role.stderr).toContain("/roles/0 Unknown role 'wizard'");
    // Every fault at once, as the API answers: the name, the unit and each role.
    const all = capture();
    expect(await main(['users', 'add', '--name', '', '--unit', 'nowhere', '--roles', 'wizard,receiver,sorcerer'], all)).toBe(1);
    for (const says of ['/name', "/unit No unit 'nowhere'", "/roles/0 Unknown role 'wizard'", "/roles/2 Unknown role 'sorcerer'"]) expect(all.stderr).toContain(says);
    // The same checks as the API: a blank name, no roles, a name too long, an auditor with officer duties.
    for (const [name, roles, says] of [
      ['   ', 'receiver', '/name'],
      ['X', '', '/roles'],
      ['X'.repeat(201), 'receiver', '/name'],
      ['X', 'auditor,receiver', 'cannot go with officer roles'],
    ] as const) {
      const refused = capture();
      expect(await main(['users', 'add', '--name', name, '--unit', 'thanh-sen', '--roles', roles], refused), `${name.slice(0, 5)} ${roles}`).toBe(1);
      expect(refused.stderr).toContain(says);
    }
    const listed = capture();
    expect(await main(['users', 'list', '--json'], listed)).toBe(0);
    expect(JSON.parse(listed.stdout).map((u: { name: string }) => u.name)).not.toContain('X');
    expect(await main(['users', 'add', '--name', 'X'], capture())).toBe(2);
    expect(await main(['users', 'frobnicate'], capture())).toBe(2);
    expect(await main(['users', 'token'], capture())).toBe(2);
  });

  it('takes --name=VALUE as well; while a server holds the folder it refuses and points to the admin API', async () => {
    const io = capture();
    expect(await main(['users', 'add', '--name=Cán bộ B', '--unit=thanh-sen', '--roles=leader', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout)).toMatchObject({ name: 'Cán bộ B', unit: 'thanh-sen', roles: ['leader'] });
    const running = await createMotcua({ dataDir, proceduresDir: 'procedures', configDir: 'config' });
    try {
      const refused = capture();
      expect(await main(['users', 'list'], refused)).toBe(1);
      expect(refused.stderr).toContain('already using the data folder');
      expect(refused.stderr).toContain('POST /api/v1/users/{id}/disable');
      const roles = capture();
      expect(await main(['users', 'roles', 'u_anyone', '--roles', 'leader'], roles)).toBe(1);
      expect(roles.stderr).toContain('already using the data folder');
      expect(roles.stderr).toContain('PUT /api/v1/users/{id}/roles');
    } finally {
      await running.close();
    }
    const unknown = capture();
    expect(await main(['users', 'add', '--name', 'X', '--unit', 'nowhere', '--roles', 'receiver'], unknown)).toBe(1);
    expect(unknown.stderr).toContain('config/units.yaml');
  });
});
