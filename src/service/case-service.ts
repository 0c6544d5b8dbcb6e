/**
 * The case service: what officers do all day, as commands (one transaction each) and queries.
 * HTTP, the web pages and the CLI call this; nothing else touches case rows.
 */
import { canActOnUnit, type Actor } from '../auth/policy.js';
import { openText, purposeKey, sealText } from '../auth/secret-box.js';
import { availableEvents, type EngineSnapshot } from '../engine/index.js';
import type { CaseRow, Tx } from '../storage/index.js';
import type { OpenCaseInput, SendEventInput } from './case-input.js';
import { openCaseCommand, openingDataErrors, sendEventCommand, type CaseChange } from './case-commands.js';
import { caseHistory, listCaseRows, listReadsFar, visibleCase, type CaseListQuery } from './case-queries.js';
import { caseView, type CaseView } from './case-view.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { definitionOf, ensureDefinitions } from './procedure-sync.js';
import { idempotentWrite, type IdempotencyScope, type StoredForm, type StoredResponse } from './idempotency.js';

export interface TransitionView {
  seq: number;
  event: string;
  from: string[] | null;
  to: string[];
  actor_id: string;
  role: string | null;
  at: string;
  reason: string | null;
  comment?: string | null;
  /** In the history: the case's unit, the procedure version, and the SHA-256 of the input with personal fields masked. */
  unit?: string;
  procedure_version?: number;
  input_digest?: string | null;
}

export interface CaseService {
  open(actor: Actor, body: OpenCaseInput, meta: RequestMeta & { idempotency?: IdempotencyScope | null }): Promise<StoredResponse>;
  send(actor: Actor, id: string, body: SendEventInput, meta: RequestMeta & { ifMatch?: number | readonly number[] | undefined; idempotency?: IdempotencyScope | null }): Promise<StoredResponse>;
  get(actor: Actor, id: string): Promise<CaseView>;
  list(actor: Actor, query: CaseListQuery): Promise<{ items: CaseView[]; next_cursor: string | null }>;
  history(actor: Actor, id: string): Promise<TransitionView[]>;
  events(actor: Actor, id: string): Promise<{ type: string; title: string | null; to: string | null; input_schema: Record<string, unknown> }[]>;
  /** Where an opening's `data` would not fit `procedure` (in force today), paths under `/data`; none for an unknown procedure. */
  openingDataErrors(procedure: unknown, data: unknown): { path: string; message: string }[];
}

/** Creates the case service over the wired parts. */
export function createCaseService(deps: ServiceDeps): CaseService {
  const unitName = (id: string) => deps.units.get(id)?.name ?? id;
  const leaves = new Set(deps.units.all().filter((u) => deps.units.childrenOf(u.id).length === 0).map((u) => u.path));
  const isLeafPath = (path: string) => leaves.has(path);
  const view = (row: CaseRow, actor: Actor | null): CaseView => {
    const def = deps.registry.get(row.procedure_id, row.procedure_version).definition;
    return caseView(row, def, unitName(row.unit_id), actor, deps.clock.now());
  };
  const changeBody = (change: CaseChange, actor: Actor) => ({ case: view(change.row, actor), transition: change.transition });
  // A retried opening must give the desk its PIN again, but the database never holds a PIN
  // as it is (a copied file would give them away): the remembered answer keeps it encrypted.
  const pinKey = purposeKey(deps.auditKey, 'idempotent answers: PIN');
  const pinSealed: StoredForm = {
    toStored: (body) => {
      const { pin, ...rest } = body as { pin: string };
      return { ...rest, pin_sealed: sealText(pinKey, pin) };
    },
    fromStored: (stored) => {
      // Answers remembered before PINs were sealed hold it as it is (housekeeping deletes them within a day).
      const { pin_sealed: sealed, ...rest } = stored as { pin_sealed?: string; pin?: string };
      return { ...rest, pin: sealed === undefined ? (rest.pin ?? null) : openText(pinKey, sealed) };
    },
  };

  return {
    async open(actor, body, meta) {
      return idempotentWrite(
        deps.store,
        deps.clock,
        meta.idempotency ?? null,
        async (tx) => {
          const change = await openCaseCommand(tx, deps, actor, body, meta);
          // The PIN is shown once, here, for the printed receipt; only its keyed hash is stored.
          return { status: 201, body: { ...view(change.row, actor), pin: change.pin } };
        },
        pinSealed,
      );
    },

    async send(actor, id, body, meta) {
      return idempotentWrite(deps.store, deps.clock, meta.idempotency ?? null, async (tx) => {
        const change = await sendEventCommand(tx, deps, actor, id, body, meta);
        return { status: 200, body: changeBody(change, actor) };
      });
    },

    async get(actor, id) {
      const row = await deps.store.read((tx) => visibleCase(tx, actor, id));
      await ensureDefinitions(deps, [row]);
      return view(row, actor);
    },

    async list(actor, query) {
      const unitPath = (u: string) => deps.units.get(u)?.path;
      const page = (tx: Tx) => listCaseRows(tx, actor, query, unitPath, deps.clock.now(), isLeafPath);
      // A search that may read far does so on the long-read connection, not the serving thread.
      const { rows, next } = await (listReadsFar(query) ? deps.store.readLong(page) : deps.store.read(page));
      await ensureDefinitions(deps, rows);
      return { items: rows.map((r) => view(r, actor)), next_cursor: next };
    },

    async history(actor, id) {
      const rows = await deps.store.read(async (tx) => {
        await visibleCase(tx, actor, id);
        return caseHistory(tx, id);
      });
      return rows.map((t) => ({
        seq: t.seq,
        event: t.event,
        from: t.from_state === null ? null : (JSON.parse(t.from_state) as string[]),
        to: JSON.parse(t.to_state) as string[],
        actor_id: t.actor_id,
        role: t.actor_role,
        at: t.at,
        reason: t.reason,
        comment: t.comment,
        unit: t.unit_id,
        procedure_version: t.procedure_version,
        input_digest: t.input_digest,
      }));
    },

    openingDataErrors: (procedure, data) => openingDataErrors(deps, procedure, data),

    async events(actor, id) {
      const row = await deps.store.read((tx) => visibleCase(tx, actor, id));
      if (row.closed_at !== null || !canActOnUnit(actor, row.unit_path)) return [];
      const def = await definitionOf(deps, row);
      const list = availableEvents(def, JSON.parse(row.snapshot) as EngineSnapshot, { id: actor.id, roles: actor.roles });
      return list.map((e) => ({ type: e.type, title: e.title, to: e.to, input_schema: e.inputSchema }));
    },
  };
}
