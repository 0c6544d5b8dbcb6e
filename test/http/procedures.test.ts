import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/clock/index.js';
import { Procedure, type ProcedureDefinition } from '../../src/definitions/schema.js';
import { createApp } from '../../src/http/app.js';
import { json } from '../support/http.js';
import type { CatalogEntry, ProcedureCatalog } from '../../src/http/routes/procedures.js';

function definition(version: number, effective_from: string): ProcedureDefinition {
  return Procedure.parse({
    id: 'thu-tuc-mau',
    version,
    title: `Thủ tục mẫu v${version}`,
    code: '1.000001',
    legal_basis: ['Nghị định 118/2025/NĐ-CP'],
    effective_from,
    unit_level: 'commune',
    deadline: '3 working days',
    roles: ['receiver'],
    data: { type: 'object' },
    initial: 'received',
    states: {
      received: { status: 2, on: { DELIVER: { to: 'delivered', roles: ['receiver'] } } },
      delivered: { status: 10, final: true, outcome: 'approved' },
    },
  });
}

function catalogOf(defs: ProcedureDefinition[]): ProcedureCatalog {
  const entries: CatalogEntry[] = defs.map((d) => ({ definition: d, source: `id: ${d.id}\nversion: ${d.version}\n`, diagram: () => 'stateDiagram-v2' }));
  const versionsOf = (id: string) => entries.filter((e) => e.definition.id === id).sort((a, b) => a.definition.version - b.definition.version);
  return {
    ids: () => [...new Set(entries.map((e) => e.definition.id))],
    versionsOf,
    get: (id, v) => versionsOf(id).find((e) => e.definition.version === v),
    inForce: (id, date) => versionsOf(id).filter((e) => e.definition.effective_from <= date).pop(),
  };
}

const clock = createManualClock('2026-03-01T03:00:00Z');
const app = createApp({ clock, procedures: catalogOf([definition(1, '2025-07-01'), definition(2, '2026-06-01')]) });

describe('procedure catalogue API', () => {
  it('lists procedures with versions and the version in force today', async () => {
    const res = await app.request('/api/v1/procedures');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.items).toEqual([
      expect.objectContaining({ id: 'thu-tuc-mau', versions: [{ version: 1, effective_from: '2025-07-01' }, { version: 2, effective_from: '2026-06-01' }], in_force_version: 1 }),
    ]);
  });

  it('serves the version in force on a given date, with source and diagram', async () => {
    const res = await app.request('/api/v1/procedures/thu-tuc-mau?on=2026-07-01');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.version).toBe(2);
    expect(body.source).toContain('version: 2');
    expect(body.diagram).toContain('stateDiagram-v2');
    expect(body.definition.states.received.status).toBe(2);
  });

  it('serves any published version by number', async () => {
    const res = await app.request('/api/v1/procedures/thu-tuc-mau/versions/2');
    expect(res.status).toBe(200);
    expect((await json(res)).in_force).toBe(false);
  });

  it('answers unknown ids and versions with 404 problem+json and a stable code', async () => {
    const res = await app.request('/api/v1/procedures/khong-co');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).code).toBe('procedureNotFound');
    const v = await app.request('/api/v1/procedures/thu-tuc-mau/versions/9');
    expect(v.status).toBe(404);
    const body = await json(v);
    expect(body.code).toBe('versionNotFound');
    expect(body.detail).toContain('published versions: 1, 2');
  });

  it('rejects junk parameters with 400 problem+json', async () => {
    const res = await app.request('/api/v1/procedures/thu-tuc-mau/versions/abc');
    expect(res.status).toBe(400);
    expect((await json(res)).code).toBe('badRequest');
    const q = await app.request('/api/v1/procedures?on=yesterday');
    expect(q.status).toBe(400);
  });

  it('answers unknown routes with 404 problem+json', async () => {
    const res = await app.request('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect((await json(res)).code).toBe('notFound');
  });

  it('serves health and an OpenAPI 3.1 document listing the routes', async () => {
    const health = await app.request('/healthz');
    expect(await json(health)).toEqual({ status: 'ok', time: '2026-03-01T03:00:00.000Z' });
    const doc = await json(await app.request('/api/v1/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/api/v1/procedures', '/api/v1/procedures/{id}', '/api/v1/procedures/{id}/versions/{version}']));
  });

  it('serves a docs page that needs nothing from the internet', async () => {
    const res = await app.request('/api/v1/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/api/v1/openapi.json');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});
