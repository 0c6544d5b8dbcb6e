/** Read-only catalogue of procedure definitions: list, version in force, any version. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { vnDate } from '../../clock/index.js';
import { MotcuaError } from '../../errors/index.js';
import type { ProcedureDefinition } from '../../definitions/schema.js';
import type { AppEnv, HttpDeps } from '../app.js';
import { LocalDateParam, Problem } from '../schemas.js';

/** One published version as the catalogue serves it. */
export interface CatalogEntry {
  definition: ProcedureDefinition;
  source: string;
  diagram: () => string;
}

/** What the HTTP layer needs from the procedure registry. */
export interface ProcedureCatalog {
  ids(): string[];
  versionsOf(id: string): CatalogEntry[];
  get(id: string, version: number): CatalogEntry | undefined;
  inForce(id: string, date: string): CatalogEntry | undefined;
}

const VersionRef = z.object({ version: z.number().int(), effective_from: z.string() }).openapi('VersionRef');

const ProcedureSummary = z
  .object({
    id: z.string(),
    title: z.string(),
    code: z.string(),
    unit_level: z.string(),
    deadline: z.unknown(),
    versions: z.array(VersionRef),
    in_force_version: z.number().int().nullable(),
  })
  .openapi('ProcedureSummary');

const ProcedureDetail = z
  .object({
    id: z.string(),
    version: z.number().int(),
    title: z.string(),
    code: z.string(),
    effective_from: z.string(),
    in_force: z.boolean(),
    versions: z.array(VersionRef),
    definition: z.record(z.string(), z.unknown()).openapi({ description: 'The definition as JSON (same shape as the YAML).' }),
    source: z.string().openapi({ description: 'The YAML source as published.' }),
    diagram: z.string().openapi({ description: 'Mermaid stateDiagram-v2 of the states.' }),
  })
  .openapi('ProcedureDetail');

const IdParam = z.object({
  id: z.string().max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'dang-ky-tam-tru' }),
});
const OnQuery = z.object({
  on: LocalDateParam().optional().openapi({ param: { name: 'on', in: 'query' }, description: 'Date (YYYY-MM-DD) for the version in force; default today in Asia/Ho_Chi_Minh.' }),
});
const VersionParams = IdParam.extend({
  version: z.coerce.number().int().min(1).openapi({ param: { name: 'version', in: 'path' }, example: 1 }),
});

const problemResponses = {
  404: { description: 'Unknown procedure or version', content: { 'application/problem+json': { schema: Problem } } },
  400: { description: 'Bad parameters', content: { 'application/problem+json': { schema: Problem } } },
} as const;

function versionRefs(catalog: ProcedureCatalog, id: string): { version: number; effective_from: string }[] {
  return catalog.versionsOf(id).map((e) => ({ version: e.definition.version, effective_from: e.definition.effective_from }));
}

function detail(catalog: ProcedureCatalog, entry: CatalogEntry, today: string): z.infer<typeof ProcedureDetail> {
  const d = entry.definition;
  const inForce = catalog.inForce(d.id, today);
  return {
    id: d.id,
    version: d.version,
    title: d.title,
    code: d.code,
    effective_from: d.effective_from,
    in_force: inForce?.definition.version === d.version,
    versions: versionRefs(catalog, d.id),
    definition: d as unknown as Record<string, unknown>,
    source: entry.source,
    diagram: entry.diagram(),
  };
}

function unknownProcedure(id: string, catalog: ProcedureCatalog): MotcuaError {
  return new MotcuaError('procedureNotFound', `No procedure '${id}'. GET /api/v1/procedures lists the ${catalog.ids().length} published procedures.`);
}

export function registerProcedureRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps): void {
  const catalog = deps.procedures;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/procedures',
      tags: ['procedures'],
      summary: 'List procedures with their versions and the version in force',
      request: { query: OnQuery },
      responses: { 200: { description: 'The catalogue', content: { 'application/json': { schema: z.object({ items: z.array(ProcedureSummary) }) } } }, 400: problemResponses[400] },
    }),
    (c) => {
      const today = c.req.valid('query').on ?? vnDate(deps.clock.now());
      const items = catalog.ids().map((id) => {
        const versions = catalog.versionsOf(id);
        const current = catalog.inForce(id, today);
        const shown = (current ?? versions[versions.length - 1])!.definition;
        return {
          id,
          title: shown.title,
          code: shown.code,
          unit_level: shown.unit_level,
          deadline: shown.deadline,
          versions: versionRefs(catalog, id),
          in_force_version: current?.definition.version ?? null,
        };
      });
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/procedures/{id}',
      tags: ['procedures'],
      summary: 'The version of a procedure in force (today, or on the date `on`)',
      request: { params: IdParam, query: OnQuery },
      responses: { 200: { description: 'The definition, its YAML source and diagram', content: { 'application/json': { schema: ProcedureDetail } } }, ...problemResponses },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const today = c.req.valid('query').on ?? vnDate(deps.clock.now());
      const versions = catalog.versionsOf(id);
      if (versions.length === 0) throw unknownProcedure(id, catalog);
      const entry = catalog.inForce(id, today);
      if (!entry) {
        const first = versions[0]!.definition.effective_from;
        throw new MotcuaError('versionNotFound', `Procedure '${id}' has no version in force on ${today}; its first version takes effect on ${first}. Ask for a specific version with /versions/{version}.`);
      }
      return c.json(detail(catalog, entry, today), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/procedures/{id}/versions/{version}',
      tags: ['procedures'],
      summary: 'One published version of a procedure',
      request: { params: VersionParams },
      responses: { 200: { description: 'The definition, its YAML source and diagram', content: { 'application/json': { schema: ProcedureDetail } } }, ...problemResponses },
    }),
    (c) => {
      const { id, version } = c.req.valid('param');
      const versions = catalog.versionsOf(id);
      if (versions.length === 0) throw unknownProcedure(id, catalog);
      const entry = catalog.get(id, version);
      if (!entry) {
        const known = versions.map((v) => v.definition.version).join(', ');
        throw new MotcuaError('versionNotFound', `Procedure '${id}' has no version ${version}; published versions: ${known}.`);
      }
      return c.json(detail(catalog, entry, vnDate(deps.clock.now())), 200);
    },
  );
}
