/**
 * The procedure catalogue API on the real motcua (createMotcua): a procedures folder of its own
 * holds v1 and v2 of one procedure with different effective dates, so the version in force, the
 * served YAML and the Mermaid diagram are what the registry and the engine make of those files.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { START, describeEachMotcua } from './cases-fixture.js';

/**
 * One procedure's YAML; v2 adds a way to hand the dossier back. It names every officer role
 * because the fixture makes a user for each.
 */
function procedureYaml(version: number, effectiveFrom: string): string {
  const giveBack = version >= 2 ? `\n      GIVE_BACK: { to: returned, roles: [receiver] }` : '';
  const returned = version >= 2 ? `\n  returned: { status: 10, final: true, outcome: refused }` : '';
  return `# Thủ tục mẫu, phiên bản ${version}
id: thu-tuc-mau
version: ${version}
title: Thủ tục mẫu v${version}
code: "1.000001"
legal_basis:
  - Nghị định 118/2025/NĐ-CP
effective_from: ${effectiveFrom}
unit_level: commune
deadline: 3 working days
roles: [receiver, processor, leader]
data: { type: object }
initial: received
states:
  received:
    status: 2
    on:
      DELIVER: { to: delivered, roles: [receiver] }${giveBack}
  delivered: { status: 10, final: true, outcome: approved }${returned}
`;
}

const root = mkdtempSync(join(tmpdir(), 'motcua-catalogue-'));
const proceduresDir = join(root, 'procedures');
mkdirSync(proceduresDir);
writeFileSync(join(proceduresDir, 'thu-tuc-mau.v1.yaml'), procedureYaml(1, '2025-07-01'));
writeFileSync(join(proceduresDir, 'thu-tuc-mau.v2.yaml'), procedureYaml(2, '2026-06-01'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The file as written to the folder: what the API must serve back byte for byte. */
const fileText = (version: number) => readFileSync(join(proceduresDir, `thu-tuc-mau.v${version}.yaml`), 'utf8');

describeEachMotcua(
  'procedure catalogue API',
  (ctx) => {
    it('lists procedures with versions and the version in force today, and on a given date', async () => {
      // Today is 2 March 2026: v2 takes effect on 1 June.
      const today = await ctx().call('nobody', 'GET', '/api/v1/procedures');
      expect(today.status).toBe(200);
      expect(today.body.items).toEqual([
        expect.objectContaining({ id: 'thu-tuc-mau', title: 'Thủ tục mẫu v1', versions: [{ version: 1, effective_from: '2025-07-01' }, { version: 2, effective_from: '2026-06-01' }], in_force_version: 1 }),
      ]);
      const july = await ctx().call('nobody', 'GET', '/api/v1/procedures?on=2026-07-01');
      expect(july.body.items).toEqual([expect.objectContaining({ id: 'thu-tuc-mau', title: 'Thủ tục mẫu v2', in_force_version: 2 })]);
      const before = await ctx().call('nobody', 'GET', '/api/v1/procedures?on=2025-06-30');
      expect(before.body.items).toEqual([expect.objectContaining({ id: 'thu-tuc-mau', in_force_version: null })]);
    });

    it('serves the version in force on a given date, with its source file and its diagram', async () => {
      const res = await ctx().call('nobody', 'GET', '/api/v1/procedures/thu-tuc-mau?on=2026-07-01');
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(2);
      expect(res.body.in_force).toBe(true);
      expect(res.body.source).toBe(fileText(2));
      expect(res.body.diagram).toMatch(/^stateDiagram-v2\n/);
      expect(res.body.diagram).toContain('received --> delivered : DELIVER (receiver)');
      expect(res.body.diagram).toContain('received --> returned : GIVE_BACK (receiver)');
      expect(res.body.definition.states.received.status).toBe(2);
    });

    it('serves the version in force today when no date is given', async () => {
      const res = await ctx().call('nobody', 'GET', '/api/v1/procedures/thu-tuc-mau');
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(1);
      expect(res.body.source).toBe(fileText(1));
      expect(res.body.diagram).toContain('received --> delivered : DELIVER (receiver)');
      // v1 has no way back: the diagram is drawn from this version, not the newest.
      expect(res.body.diagram).not.toContain('GIVE_BACK');
    });

    it('serves any published version by number', async () => {
      const res = await ctx().call('nobody', 'GET', '/api/v1/procedures/thu-tuc-mau/versions/2');
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(2);
      expect(res.body.in_force).toBe(false);
      expect(res.body.source).toBe(fileText(2));
    });

    it('answers unknown ids and versions, and a date before the first version, with 404 problem+json and a stable code', async () => {
      const res = await ctx().call('nobody', 'GET', '/api/v1/procedures/khong-co');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('procedureNotFound');
      const v = await ctx().call('nobody', 'GET', '/api/v1/procedures/thu-tuc-mau/versions/9');
      expect(v.status).toBe(404);
      expect(v.body.code).toBe('versionNotFound');
      expect(v.body.detail).toContain('published versions: 1, 2');
      const early = await ctx().call('nobody', 'GET', '/api/v1/procedures/thu-tuc-mau?on=2025-06-30');
      expect(early.status).toBe(404);
      expect(early.body.code).toBe('versionNotFound');
      expect(early.body.detail).toContain('takes effect on 2025-07-01');
    });

    it('rejects junk parameters with 400 problem+json', async () => {
      const res = await ctx().call('nobody', 'GET', '/api/v1/procedures/thu-tuc-mau/versions/abc');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('badRequest');
      const q = await ctx().call('nobody', 'GET', '/api/v1/procedures?on=yesterday');
      expect(q.status).toBe(400);
    });

    it('answers unknown routes with 404 problem+json', async () => {
      const res = await ctx().call('nobody', 'GET', '/api/v1/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('notFound');
    });

    it('serves health and an OpenAPI 3.1 document listing the routes', async () => {
      const health = await ctx().call('nobody', 'GET', '/healthz');
      expect(health.body).toEqual({ status: 'ok', time: START });
      const doc = (await ctx().call('nobody', 'GET', '/api/v1/openapi.json')).body;
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/api/v1/procedures', '/api/v1/procedures/{id}', '/api/v1/procedures/{id}/versions/{version}']));
    });

    it('serves a docs page that needs nothing from the internet', async () => {
      const res = await ctx().call('nobody', 'GET', '/api/v1/docs');
      expect(res.status).toBe(200);
      const html: string = res.body;
      expect(html).toContain('/api/v1/openapi.json');
      expect(html).not.toMatch(/(src|href)="https?:/);
    });
  },
  { proceduresDir },
);
