/**
 * The audit API (auditors and administrators; officers get 403): the public key, checkpoints,
 * RFC 9162 proofs, entries, the export, server-side verification and read-access records.
 * Also the hook that records reads of dossiers (register it before the case routes).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AccessLog } from '../../service/audit-access.js';
import type { AuditService } from '../../service/audit-service.js';
import { bearerOnly, requireActor, type AuthVariables } from '../auth.js';
import { problemResponse } from '../problem.js';
import { InstantParam, problems } from '../schemas.js';

type Env = { Variables: AuthVariables };

const seqParam = (description: string) => z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description });
const Hex = z.string().openapi({ description: 'SHA-256, 64 lowercase hex digits' });
const Cursor = z.string().max(200).optional();
const Limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);
const Instant = InstantParam().optional();

const EntryItem = z
  .object({ seq: z.number().int(), leaf: Hex, chain: Hex, bytes: z.string().openapi({ description: 'The hashed bytes (canonical JSON), verbatim' }), entry: z.record(z.string(), z.unknown()) })
  .openapi('AuditEntry');
const CheckpointItem = z.object({ size: z.number().int(), created_at: z.string(), key_id: z.string().nullable(), note: z.string() }).openapi('AuditCheckpoint');
const Inclusion = z
  .object({ seq: z.number().int(), leaf_index: z.number().int(), tree_size: z.number().int(), leaf_hash: Hex, root: Hex, proof: z.array(Hex), checkpoint: z.string().nullable() })
  .openapi('InclusionProof');
const Consistency = z
  .object({ from: z.number().int(), to: z.number().int(), from_root: Hex, to_root: Hex, proof: z.array(Hex), from_checkpoint: z.string().nullable(), to_checkpoint: z.string().nullable() })
  .openapi('ConsistencyProof');
const AccessItem = z.object({ id: z.number().int(), actor_id: z.string(), case_id: z.string().nullable(), route: z.string(), at: z.string() }).openapi('AccessRecord');
const text = (description: string) => ({ description, content: { 'text/plain': { schema: z.string() } } });

/** Streams `lines` as the body, in chunks of about 64 KB, pulling only as fast as the client reads. */
function streamOf(lines: AsyncIterable<string>, log: (line: string) => void): ReadableStream<Uint8Array> {
  const it = lines[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = '';
      try {
        while (chunk.length < 65_536) {
          const next = await it.next();
          if (next.done) {
            if (chunk !== '') controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += next.value;
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (e) {
        // The download stops short; the verifier then reports it as cut off, never as valid.
        log(`audit export failed mid-stream: ${e instanceof Error ? e.message : String(e)}`);
        controller.error(e);
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/** The audit routes, and the access-record hook over the case routes. */
export function registerAuditRoutes(app: OpenAPIHono<Env>, audit: { service: AuditService; access: AccessLog }, log: (line: string) => void = () => {}): void {
  const svc = audit.service;
  registerAccessHook(app, audit.access);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/public-key',
      tags: ['audit'],
      summary: 'The Ed25519 public key that signs checkpoints (PEM), for `motcua audit verify --public-key`',
      ...bearerOnly,
      responses: { 200: text('SPKI PEM'), ...problems(401, 403) },
    }),
    async (c) => c.text(await svc.publicKey(requireActor(c)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/keys',
      tags: ['audit'],
      summary: 'Every key the log has used, oldest first (give them all to the verifier after a rotation)',
      ...bearerOnly,
      responses: { 200: { description: 'Keys', content: { 'application/json': { schema: z.object({ items: z.array(z.object({ key_id: z.string(), public_key: z.string(), added_at: z.string(), current: z.boolean() })) }) } } }, ...problems(401, 403) },
    }),
    async (c) => c.json({ items: await svc.keys(requireActor(c)) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/checkpoints',
      tags: ['audit'],
      summary: 'Signed checkpoints, largest first',
      ...bearerOnly,
      request: { query: z.object({ limit: Limit(1000, 100), cursor: Cursor }) },
      responses: { 200: { description: 'A page of checkpoints', content: { 'application/json': { schema: z.object({ items: z.array(CheckpointItem), next_cursor: z.string().nullable() }) } } }, ...problems(400, 401, 403) },
    }),
    async (c) => c.json(await svc.checkpoints(requireActor(c), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/checkpoints/latest',
      tags: ['audit'],
      summary: 'The latest signed checkpoint, byte for byte: save it outside the system and pass it as `--checkpoint`',
      ...bearerOnly,
      responses: { 200: text('The signed note'), ...problems(401, 403, 404) },
    }),
    async (c) => c.text(await svc.latestCheckpoint(requireActor(c)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/proofs/inclusion',
      tags: ['audit'],
      summary: 'RFC 9162 inclusion proof of entry `seq` in the tree of the first `size` entries (default: the latest checkpoint)',
      description: 'Hashes are hex. The leaf index is seq − 1; `root` equals the base64 root of the checkpoint of that size.',
      ...bearerOnly,
      request: { query: z.object({ seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER), size: seqParam('Tree size (default: the latest checkpoint)') }) },
      responses: { 200: { description: 'The proof', content: { 'application/json': { schema: Inclusion } } }, ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await svc.inclusion(requireActor(c), q.seq, q.size), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/proofs/consistency',
      tags: ['audit'],
      summary: 'RFC 9162 consistency proof between tree sizes `from` and `to` (default: the latest checkpoint)',
      description: 'Hashes are hex. Check it against the roots of two checkpoints you hold: the later log extends the earlier one.',
      ...bearerOnly,
      request: { query: z.object({ from: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER), to: seqParam('Later tree size (default: the latest checkpoint)') }) },
      responses: { 200: { description: 'The proof', content: { 'application/json': { schema: Consistency } } }, ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await svc.consistency(requireActor(c), q.from, q.to), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/entries',
      tags: ['audit'],
      summary: 'Audit entries in seq order, filtered; pages with `cursor`',
      ...bearerOnly,
      request: {
        query: z.object({
          from_seq: seqParam('First seq'),
          to_seq: seqParam('Last seq'),
          case: z.string().max(64).optional(),
          actor: z.string().max(64).optional(),
          unit: z.string().max(64).optional().openapi({ description: 'A unit and every unit below it' }),
          event: z.string().max(100).optional(),
          from: Instant,
          to: Instant,
          limit: Limit(1000, 100),
          cursor: Cursor,
        })
          // A reversed range is a typo, not "no entries here": say so, as the export does.
          .refine((q) => q.from_seq === undefined || q.to_seq === undefined || q.from_seq <= q.to_seq, { path: ['to_seq'], message: 'is before from_seq; swap them' })
          .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to), { path: ['to'], message: 'is before from; swap them' }),
      },
      responses: { 200: { description: 'A page of entries', content: { 'application/json': { schema: z.object({ items: z.array(EntryItem), next_cursor: z.string().nullable() }) } } }, ...problems(400, 401, 403) },
    }),
    async (c) => c.json((await svc.entries(requireActor(c), c.req.valid('query'))) as never, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/export',
      tags: ['audit'],
      summary: 'The audit log as JSON Lines for `motcua audit verify` (default), or CSV for spreadsheets',
      description:
        'Streams entries from_seq..to_seq (default: all) with the checkpoints among them, and ends with a checkpoint covering the last entry exported (signed now if needed). Only an export from seq 1 verifies on its own. Never re-format the JSON Lines: the verifier hashes the bytes as they are.',
      ...bearerOnly,
      request: { query: z.object({ format: z.enum(['jsonl', 'csv']).default('jsonl'), from_seq: seqParam('First seq (default 1)'), to_seq: seqParam('Last seq (default: all)') }) },
      responses: { 200: { description: 'The export', content: { 'application/jsonl': { schema: z.string() }, 'text/csv': { schema: z.string() } } }, ...problems(400, 401, 403) },
    }),
    async (c) => {
      const out = await svc.exportLog(requireActor(c), c.req.valid('query'));
      return new Response(streamOf(out.lines, log), {
        status: 200,
        headers: { 'content-type': out.contentType, 'content-disposition': `attachment; filename="${out.filename}"`, 'cache-control': 'no-store' },
      }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/verify',
      tags: ['audit'],
      summary: 'Runs the offline verifier on the server, over a fresh export (a convenience: inspectors verify offline)',
      description: 'Pass a checkpoint you saved earlier as `checkpoint` (the note text, URL-encoded) to check the log still extends it. Answers 200 with the report; `ok` says whether every check held.',
      ...bearerOnly,
      request: { query: z.object({ checkpoint: z.string().max(16_384).optional() }) },
      responses: { 200: { description: 'The verification report', content: { 'application/json': { schema: z.object({ ok: z.boolean() }).passthrough() } } }, ...problems(400, 401, 403) },
    }),
    async (c) => c.json((await svc.verify(requireActor(c), c.req.valid('query').checkpoint)) as never, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit/access',
      tags: ['audit'],
      summary: 'Who read which dossier, when, through which route; oldest first',
      ...bearerOnly,
      request: { query: z.object({ case: z.string().max(64).optional(), actor: z.string().max(64).optional(), limit: Limit(1000, 100), cursor: Cursor }) },
      responses: { 200: { description: 'A page of access records', content: { 'application/json': { schema: z.object({ items: z.array(AccessItem), next_cursor: z.string().nullable() }) } } }, ...problems(400, 401, 403) },
    }),
    async (c) => c.json(await svc.access(requireActor(c), c.req.valid('query')), 200),
  );
}

/** Case routes whose answers show a dossier (applicant and data): each read is recorded. */
const RECORDED_READS = ['/api/v1/cases/:id', '/api/v1/cases/:id/history', '/api/v1/cases/:id/control-slip', '/api/v1/cases/:id/receipt'] as const;

/**
 * Records reads of dossiers: after a successful GET of a case (or of a page of cases, one record
 * per case listed), the record is committed before the answer leaves. If it cannot be saved,
 * the answer is withheld (503): a dossier is never shown unrecorded.
 */
function registerAccessHook(app: OpenAPIHono<Env>, access: AccessLog): void {
  const hook = (route: string, ids: (c: Context<Env>) => Promise<string[]>): MiddlewareHandler<Env> => async (c, next) => {
    await next();
    const actor = c.get('actor');
    if (c.req.method !== 'GET' || c.res.status !== 200 || !actor) return;
    try {
      const caseIds = await ids(c);
      if (caseIds.length > 0) await access.record(actor, caseIds, `GET ${route}`);
    } catch {
      c.res = problemResponse('unavailable', 'The read could not be recorded, so the dossier is not shown; retry in a moment.', {}, c.req.path);
    }
  };
  for (const path of RECORDED_READS) {
    app.use(path, hook(path.replace(':id', '{id}'), async (c) => [c.req.param('id') ?? '']));
  }
  app.use(
    '/api/v1/cases',
    hook('/api/v1/cases', async (c) => {
      const body = (await c.res.clone().json()) as { items?: { id?: unknown }[] };
      return (body.items ?? []).flatMap((i) => (typeof i.id === 'string' ? [i.id] : []));
    }),
  );
}
