/**
 * What citizens do without logging in: look a dossier up with its code and PIN, rate it once it
 * is finished, and send a complaint or recommendation (phản ánh, kiến nghị).
 *
 * A wrong code and a wrong PIN give the same answer after the same work (one keyed hash and
 * one constant-time comparison either way), so neither the body nor the time tells whether a
 * code exists. Every try costs a token of the caller's address (public-rate-limit.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../auth/policy.js';
import { isMotcuaError, MotcuaError } from '../errors/index.js';
import { RATING_LABELS, type RatingLevel } from '../reports/index.js';
import { isUniqueViolation, toDbTime, type CaseRow, type Tx } from '../storage/index.js';
import { appendAudit } from './audit-append.js';
import { openCaseCommand, pinHash } from './case-commands.js';
import { STATUS_LABELS } from './case-view.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import type { FeedbackInput, RatingInput } from './public-input.js';
import { createRateLimiter, PIN_FAILURES_PER_CODE, PUBLIC_RATE_LIMIT, type RateLimiter } from './public-rate-limit.js';
import { FEEDBACK_PROCEDURE } from './report-counters-sql.js';

/**
 * The actor public feedback is opened as. It holds the receiving role only so that the one
 * procedure it is ever used for (phan-anh-kien-nghi, fixed in {@link PublicService.feedback})
 * can be opened through the same command as every case.
 */
export const PUBLIC_ACTOR: Actor = { id: 'public', name: 'Cổng tiếp nhận công khai', unitId: '', unitPath: '/', roles: ['receiver'] };

/** What the public lookup shows: the dossier's progress, nothing about the person. */
export interface PublicCaseView {
  code: string;
  procedure: { title: string };
  status_code: number | null;
  status_label: string | null;
  received_at: string;
  due_at: string | null;
  overdue: boolean;
  apology: { reason: string; new_due_at: string } | null;
  result_ready: boolean;
  delivered: boolean;
  /** The dossier reached a final state (delivered, refused, withdrawn, stopped): it can be rated. */
  finished: boolean;
  rated: boolean;
}

export interface RatingReceipt {
  code: string;
  level: RatingLevel;
  label: string;
  criteria: Record<string, number>;
  at: string;
}

/** The caller of a public route: the client address the rate limit counts by. */
export interface PublicCaller {
  address: string;
}

export interface PublicService {
  lookup(caller: PublicCaller, code: string, pin: string): Promise<PublicCaseView>;
  rate(caller: PublicCaller, code: string, body: RatingInput, meta: RequestMeta): Promise<RatingReceipt>;
  feedback(caller: PublicCaller, body: FeedbackInput, meta: RequestMeta): Promise<{ code: string; pin: string; received_at: string }>;
  /** The units feedback may be addressed to. */
  units(): { id: string; name: string; parent_id: string | null }[];
}

export interface PublicServiceOptions {
  /** Criterion ids a rating may score (config/scorecard.yaml `rating_criteria`). */
  ratingCriteria: readonly string[];
  /** Tries per address for lookups and ratings together (they both confirm a PIN). */
  pinLimit?: { capacity: number; windowMs: number };
  /** Feedback sent per address. */
  feedbackLimit?: { capacity: number; windowMs: number };
  /** Wrong PINs per dossier code, whatever the address. */
  codeLimit?: { capacity: number; windowMs: number };
}

/** A stand-in hash compared when the code does not exist, so that path does the same work. */
const ABSENT_HASH = Buffer.alloc(32);

/** The one answer for a wrong code or a wrong PIN. */
function notFound(): MotcuaError {
  return new MotcuaError('caseNotFound', 'No dossier matches this code and PIN; check both on your receipt (giấy tiếp nhận và hẹn trả kết quả).');
}

function tooMany(retryAfterSeconds: number): MotcuaError {
  return new MotcuaError('tooManyRequests', `Too many tries from your address; wait ${retryAfterSeconds} s and try again.`, { retry_after: retryAfterSeconds });
}

function tooManyForCode(retryAfterSeconds: number): MotcuaError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new MotcuaError('tooManyRequests', `Too many wrong PINs for this dossier code; try again in ${minutes} min, or ask the desk that received the dossier.`, { retry_after: retryAfterSeconds });
}

/** Creates the public service. */
export function createPublicService(deps: ServiceDeps, options: PublicServiceOptions): PublicService {
  const pinTries: RateLimiter = createRateLimiter({ ...(options.pinLimit ?? PUBLIC_RATE_LIMIT), clock: deps.clock });
  const feedbackTries: RateLimiter = createRateLimiter({ ...(options.feedbackLimit ?? PUBLIC_RATE_LIMIT), clock: deps.clock });
  const codeLimit = options.codeLimit ?? PIN_FAILURES_PER_CODE;
  const codeFailures: RateLimiter = createRateLimiter({ ...codeLimit, clock: deps.clock });
  const criteria = new Set(options.ratingCriteria);

  const take = (limiter: RateLimiter, caller: PublicCaller): void => {
    const decision = limiter.take(caller.address);
    if (!decision.ok) throw tooMany(decision.retryAfterSeconds);
  };

  /**
   * Runs `attempt`, which confirms the PIN of `code`, within the code's budget of wrong PINs. A
   * try is taken before the check and given back unless the PIN (or code) was wrong, so tries
   * running at the same moment cannot all pass on one remaining token. A code that does not
   * exist has a budget like any other, so the answers tell nothing apart.
   */
  async function withinCodeBudget<T>(code: string, attempt: () => Promise<T>): Promise<T> {
    const budget = codeFailures.take(code);
    if (!budget.ok) throw tooManyForCode(budget.retryAfterSeconds);
    let wrong = false;
    try {
      return await attempt();
    } catch (e) {
      wrong = isMotcuaError(e, 'caseNotFound');
      // Operators see a dossier being guessed at; its citizen may call the desk.
      if (wrong && !codeFailures.check(code).ok) deps.log(`public: ${await heldCodeLabel(code)} is held after ${codeLimit.capacity} wrong PINs; it opens again one try per ${Math.round(codeLimit.windowMs / codeLimit.capacity / 60_000)} min`);
      throw e;
    } finally {
      if (!wrong) codeFailures.give(code);
    }
  }

  /**
   * How the operator log names a held code: a dossier's code as it is; anything else only by a
   * keyed hash, since citizens type their ID or phone number into the code box, and text from
   * strangers must never become a line of the log.
   */
  async function heldCodeLabel(code: string): Promise<string> {
    const known = await deps.store.read((tx) => tx.db.selectFrom('cases').select('id').where('code', '=', code).executeTakeFirst());
    if (known !== undefined) return `dossier code ${code}`;
    return `a code that names no dossier (keyed hash ${createHmac('sha256', deps.auditKey).update(code).digest('hex').slice(0, 12)})`;
  }

  /** The case with this code if the PIN matches; the same `notFound` otherwise. */
  async function unlock(tx: Tx, code: string, pin: string): Promise<CaseRow> {
    const row = await tx.db.selectFrom('cases').selectAll().where('code', '=', code).executeTakeFirst();
    const expected = row?.pin_hash ? Buffer.from(row.pin_hash, 'hex') : ABSENT_HASH;
    const given = Buffer.from(pinHash(deps.auditKey, row?.id ?? 'absent', pin), 'hex');
    const match = expected.length === given.length && timingSafeEqual(expected, given);
    if (row === undefined || !match) throw notFound();
    return row;
  }

  function view(row: CaseRow, rated: boolean): PublicCaseView {
    const now = deps.clock.now();
    const title = deps.registry.find(row.procedure_id, row.procedure_version)?.definition.title ?? row.procedure_id;
    const apology = row.apology === null ? null : (JSON.parse(row.apology) as { reason?: unknown; new_due_at?: unknown });
    const open = row.closed_at === null;
    return {
      code: row.code,
      procedure: { title },
      status_code: row.status_code,
      status_label: row.status_code === null ? null : (STATUS_LABELS[row.status_code] ?? null),
      received_at: row.received_at,
      due_at: row.due_at,
      // As officers see it (case-view.ts): marked overdue, or past due while running and not waiting for the citizen.
      overdue: row.overdue_at !== null || (row.due_at !== null && open && row.paused_since === null && new Date(row.due_at) <= now),
      apology: apology === null ? null : { reason: String(apology.reason ?? ''), new_due_at: String(apology.new_due_at ?? '') },
      result_ready: row.result_at !== null,
      delivered: row.status_code === 10,
      finished: !open,
      rated,
    };
  }

  return {
    async lookup(caller, code, pin) {
      take(pinTries, caller);
      return withinCodeBudget(code, () =>
        deps.store.read(async (tx) => {
          const row = await unlock(tx, code, pin);
          const rating = await tx.db.selectFrom('ratings').select('case_id').where('case_id', '=', row.id).executeTakeFirst();
          return view(row, rating !== undefined);
        }),
      );
    },

    async rate(caller, code, body, meta) {
      take(pinTries, caller);
      const unknown = Object.keys(body.criteria ?? {}).filter((k) => !criteria.has(k));
      if (unknown.length > 0) {
        throw new MotcuaError('validationFailed', `Unknown rating criteria ${unknown.join(', ')}; the criteria are ${[...criteria].join(', ')}.`, {
          errors: unknown.map((k) => ({ path: `/criteria/${k}`, message: 'unknown criterion' })),
        });
      }
      try {
        return await withinCodeBudget(code, () => deps.store.write(async (tx) => {
          const row = await unlock(tx, code, body.pin);
          if (row.closed_at === null) {
            const status = row.status_code === null ? '' : ` (now: ${STATUS_LABELS[row.status_code] ?? row.status_code})`;
            throw new MotcuaError('conflict', `The dossier can be rated once it is finished: result handed over, refused or withdrawn${status}.`);
          }
          const existing = await tx.db.selectFrom('ratings').select('case_id').where('case_id', '=', row.id).executeTakeFirst();
          if (existing !== undefined) throw alreadyRated();
          const at = toDbTime(deps.clock.now());
          const scores = body.criteria ?? {};
          await tx.db.insertInto('ratings').values({ case_id: row.id, level: body.level, criteria: JSON.stringify(scores), comment: body.comment ?? null, at }).execute();
          // Level and scores only: the comment may name people, and hashed bytes can never be erased.
          await appendAudit(tx, {
            time: at,
            actor: { id: PUBLIC_ACTOR.id, role: 'citizen' },
            unit: row.unit_id,
            case_id: row.id,
            procedure: `${row.procedure_id}@${row.procedure_version}`,
            event: 'rating.recorded',
            from: null,
            to: null,
            reason: null,
            request_id: meta.requestId,
            input_digest: null,
            kind: 'rating.recorded',
            details: { level: body.level, criteria: scores },
          });
          return { code: row.code, level: body.level, label: RATING_LABELS[body.level], criteria: scores, at };
        }));
      } catch (e) {
        // Two ratings of the same dossier at the same moment: the database keeps one.
        if (isUniqueViolation(e)) throw alreadyRated();
        throw e;
      }
    },

    async feedback(caller, body, meta) {
      take(feedbackTries, caller);
      const unit = deps.units.get(body.unit);
      if (unit === undefined) {
        throw new MotcuaError('validationFailed', `No unit '${body.unit}'; GET /api/v1/public/units lists the units.`, { errors: [{ path: '/unit', message: 'unknown unit' }] });
      }
      // A complaint about a dossier counts against its unit's scorecard, so only the citizen who
      // holds the receipt may name it: the code with its PIN, within the PIN budgets.
      const about = body.case_code;
      if (about !== undefined && body.case_pin === undefined) {
        throw new MotcuaError('validationFailed', 'To name your dossier, give its PIN too (both are on the receipt); or leave the code out and write it in the content.', {
          errors: [{ path: '/case_pin', message: 'is required with case_code' }],
        });
      }
      if (about !== undefined) take(pinTries, caller);
      const data: Record<string, unknown> = { content: body.content, channel: 'truc_tuyen' };
      if (body.contact !== undefined) data.contact = body.contact;
      if (body.case_code !== undefined) data.case_code = body.case_code;
      const send = () => deps.store.write(async (tx) => {
        // Confirmed first: a wrong code or PIN leaves no complaint behind.
        const target = about === undefined ? undefined : await unlock(tx, about, body.case_pin ?? '');
        // The same command as any dossier: the engine runs the complaint like every case.
        const opened = await openCaseCommand(
          tx,
          deps,
          PUBLIC_ACTOR,
          {
            procedure: FEEDBACK_PROCEDURE,
            unit: unit.id,
            applicant: { name: body.contact?.name ?? 'Ẩn danh', ...(body.contact ? { phone: body.contact.phone } : {}) },
            data,
            channel: 2,
          },
          meta,
        );
        // A complaint about another complaint is kept in its data only.
        if (target !== undefined && target.procedure_id !== FEEDBACK_PROCEDURE) {
          await tx.db.insertInto('case_complaints').values({ complaint_id: opened.row.id, case_id: target.id, at: opened.row.received_at }).execute();
        }
        return { code: opened.row.code, pin: opened.pin, received_at: opened.row.received_at };
      });
      return about === undefined ? send() : withinCodeBudget(about, send);
    },

    units() {
      return deps.units.all().map((u) => ({ id: u.id, name: u.name, parent_id: u.parentId }));
    },
  };
}

function alreadyRated(): MotcuaError {
  return new MotcuaError('alreadyExists', 'This dossier has already been rated; a dossier is rated once.');
}
