/**
 * The tables as Kysely sees them. One representation on both databases:
 * - instants are ISO-8601 UTC strings exactly as `Date.prototype.toISOString()` writes them
 *   (`timestamptz` on PostgreSQL, read back in the same form; text with a format CHECK on SQLite,
 *   so text order is time order);
 * - calendar days are `YYYY-MM-DD` text;
 * - JSON documents are JSON text (`jsonb` on PostgreSQL), parsed with zod at the boundary;
 * - 64-bit integers come back as JS numbers.
 * The DDL lives in src/storage/migrations/.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** An instant: `2025-11-28T09:30:00.000Z`. Write with {@link toDbTime}. */
export type IsoTime = string;
/** A calendar day: `2025-11-28`. */
export type IsoDate = string;
/** A JSON document as text. */
export type JsonText = string;

export interface UnitsTable {
  id: string;
  parent_id: string | null;
  name: string;
  level: string;
  /** Administrative code used in human case codes. */
  code: string;
  /** Materialised path of ids, `/ha-tinh/xa-cam-xuyen/`; a subtree is a path range ({@link subtreeBounds}). */
  path: string;
}

export interface UsersTable {
  id: string;
  name: string;
  unit_id: string;
  /** JSON array of role names. */
  roles: JsonText;
  disabled_at: IsoTime | null;
  created_at: IsoTime;
}

export interface ApiTokensTable {
  /** SHA-256 of the token, lower-case hex; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: IsoTime;
  revoked_at: IsoTime | null;
}

export interface ProcedureVersionsTable {
  procedure_id: string;
  version: number;
  /** The YAML as published. */
  source: string;
  definition: JsonText;
  effective_from: IsoDate | null;
  published_at: IsoTime;
  published_by: string;
  source_sha256: string;
}

export interface CasesTable {
  id: string;
  code: string;
  procedure_id: string;
  procedure_version: number;
  unit_id: string;
  unit_path: string;
  /** JSON array of active state ids (leaf or dotted paths). */
  state: JsonText;
  /** XState persisted snapshot. */
  snapshot: JsonText;
  status_code: number | null;
  version: number;
  applicant: JsonText;
  data: JsonText;
  channel: number;
  received_at: IsoTime;
  clock_started_at: IsoTime | null;
  due_at: IsoTime | null;
  paused_since: IsoTime | null;
  paused_ms: Generated<number>;
  supplement_count: Generated<number>;
  nearly_due_at: IsoTime | null;
  overdue_at: IsoTime | null;
  closed_at: IsoTime | null;
  outcome: string | null;
  flags: Generated<JsonText>;
  pin_hash: string | null;
  apology: JsonText | null;
  /** When the result was first ready (status 9 or 10); null while there is none. Migration 0003. */
  result_at: IsoTime | null;
  /** Working days from the clock start (or receipt) to `result_at`, on the unit's calendar; null without a result. */
  working_days_to_result: number | null;
  /** The scorecard flags of `flags` as bits (CASE_FLAG_BITS), kept in step by a trigger. */
  flag_bits: Generated<number>;
  /** The applicant's name, phone, ID number, e-mail and address folded for search (storage/search-text.ts). Migration 0007. */
  search_text: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: string;
  created_at: IsoTime;
  updated_at: IsoTime;
}

export interface CaseTransitionsTable {
  id: Generated<number>;
  case_id: string;
  /** 1, 2, …: the case's version after this transition. */
  seq: number;
  event: string;
  from_state: JsonText | null;
  to_state: JsonText;
  actor_id: string;
  actor_role: string | null;
  unit_id: string;
  input_digest: string | null;
  reason: string | null;
  comment: string | null;
  at: IsoTime;
  procedure_version: number;
  request_id: string | null;
}

export const TimerKinds = ['after', 'deadline.warning', 'deadline.due'] as const;
export type TimerKind = (typeof TimerKinds)[number];
export const TimerStatuses = ['pending', 'fired', 'cancelled'] as const;
export type TimerStatus = (typeof TimerStatuses)[number];

export interface TimersTable {
  id: string;
  case_id: string;
  kind: TimerKind;
  event: string;
  /** The state that armed the timer; once the case left it, firing does nothing. */
  state: string;
  due_at: IsoTime;
  status: TimerStatus;
  /** A sweeper's lease: nobody else claims the row before this instant. */
  claimed_until: IsoTime | null;
  attempts: Generated<number>;
  created_at: IsoTime;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  status: 'in_flight' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: IsoTime;
}

export interface AuditEntriesTable {
  /** 1, 2, …, gap-free; assigned by the appender under {@link withAuditLock}. */
  seq: number;
  /** The exact canonical JSON (RFC 8785) that was hashed. */
  bytes: string;
  leaf_hash: string;
  chain_hash: string;
  created_at: IsoTime;
  /** Copies of fields inside `bytes`, for the auditor's filters; not hashed separately. */
  case_id: string | null;
  actor_id: string | null;
  unit_id: string | null;
  event: string | null;
}

export interface AuditCheckpointsTable {
  size: number;
  /** The signed note, byte for byte. */
  note: string;
  created_at: IsoTime;
  /** JSON array of the Merkle frontier at `size` (hex subtree roots, largest first). Migration 0005. */
  frontier: JsonText | null;
  /** Id of the key that signed `note`. Migration 0005. */
  key_id: string | null;
}

/** Every key that signed the log's checkpoints, in the order they came into use. Migration 0005. */
export interface AuditKeysTable {
  id: Generated<number>;
  key_id: string;
  origin: string;
  /** SPKI PEM of the Ed25519 public key. */
  public_key: string;
  added_at: IsoTime;
}

export interface AccessRecordsTable {
  id: Generated<number>;
  actor_id: string;
  case_id: string | null;
  route: string;
  at: IsoTime;
}

export interface CodeCountersTable {
  unit_id: string;
  /** The counting period, e.g. `2025-11-28`. */
  day: string;
  /** Last number handed out. */
  last: number;
}

export interface WebSessionsTable {
  /** SHA-256 of the session id (lower-case hex); the id itself lives only in the browser's cookie. */
  id_hash: string;
  user_id: string;
  /** Synchronizer token every form of the session carries in a hidden field. */
  csrf_token: string;
  created_at: IsoTime;
  expires_at: IsoTime;
}

/** The citizen's one rating of a case. */
export interface RatingsTable {
  case_id: string;
  level: 'rat_hai_long' | 'hai_long' | 'khong_hai_long';
  /** JSON object: criterion id (config/scorecard.yaml `rating_criteria`) → score. */
  criteria: Generated<JsonText>;
  /** The citizen's words; may hold personal data, so never copied into the audit log. */
  comment: string | null;
  at: IsoTime;
}

/** A complaint (a case of the phan-anh-kien-nghi procedure) about a dossier. */
export interface CaseComplaintsTable {
  /** The complaint's own case id. */
  complaint_id: string;
  /** The dossier complained about. */
  case_id: string;
  at: IsoTime;
}

/** Every table of motcua. */
export interface Database {
  units: UnitsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  procedure_versions: ProcedureVersionsTable;
  cases: CasesTable;
  case_transitions: CaseTransitionsTable;
  timers: TimersTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_entries: AuditEntriesTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_keys: AuditKeysTable;
  access_records: AccessRecordsTable;
  code_counters: CodeCountersTable;
  ratings: RatingsTable;
  case_complaints: CaseComplaintsTable;
  web_sessions: WebSessionsTable;
}

export type UnitRow = Selectable<UnitsTable>;
export type UserRow = Selectable<UsersTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type ProcedureVersionRow = Selectable<ProcedureVersionsTable>;
export type CaseRow = Selectable<CasesTable>;
export type NewCase = Insertable<CasesTable>;
export type CaseUpdate = Updateable<CasesTable>;
export type CaseTransitionRow = Selectable<CaseTransitionsTable>;
export type NewCaseTransition = Insertable<CaseTransitionsTable>;
export type TimerRow = Selectable<TimersTable>;
export type NewTimer = Insertable<TimersTable>;
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
export type AuditEntryRow = Selectable<AuditEntriesTable>;
export type AuditCheckpointRow = Selectable<AuditCheckpointsTable>;
export type AccessRecordRow = Selectable<AccessRecordsTable>;
export type RatingRow = Selectable<RatingsTable>;
export type WebSessionRow = Selectable<WebSessionsTable>;
