/**
 * The first-run demo: one user per role in a commune of the demo province (and one officer of
 * another commune, to see the walls between units), tokens written to data/demo-users.json
 * (mode 0600). Runs once: when the database has no users yet.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Motcua } from './motcua.js';

export const DEMO_USERS_FILE = 'demo-users.json';

const DEMO: { key: string; name: string; unit: string; roles: string[] }[] = [
  { key: 'admin', name: 'Quản trị hệ thống', unit: 'ha-tinh', roles: ['admin'] },
  { key: 'auditor', name: 'Thanh tra tỉnh', unit: 'ha-tinh', roles: ['auditor'] },
  { key: 'receiver', name: 'Cán bộ tiếp nhận (Thành Sen)', unit: 'thanh-sen', roles: ['receiver'] },
  { key: 'processor', name: 'Cán bộ xử lý (Thành Sen)', unit: 'thanh-sen', roles: ['processor'] },
  { key: 'leader', name: 'Lãnh đạo (Thành Sen)', unit: 'thanh-sen', roles: ['leader'] },
  { key: 'other_commune_receiver', name: 'Cán bộ tiếp nhận (Thạch Khê)', unit: 'thach-khe', roles: ['receiver', 'processor', 'leader'] },
];

/** Seeds the demo users if there are none; returns the file written, or null. */
export async function seedDemo(m: Motcua, dataDir: string): Promise<string | null> {
  const existing = await m.store.read((tx) => tx.db.selectFrom('users').select('id').limit(1).execute());
  if (existing.length > 0) return null;
  const out: Record<string, { id: string; name: string; unit: string; roles: string[]; token: string }> = {};
  for (const u of DEMO) {
    if (!m.deps.units.get(u.unit)) continue;
    const { user, token } = await m.users.create(null, { name: u.name, unit: u.unit, roles: u.roles }, { requestId: 'demo-seed' });
    out[u.key] = { id: user.id, name: user.name, unit: user.unit, roles: user.roles, token };
  }
  const file = join(dataDir, DEMO_USERS_FILE);
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
