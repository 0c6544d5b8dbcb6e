/**
 * Durations as procedures and the API write them: "3 working days", "1 working day",
 * "0.5 working days", "½ working day", "1½ working days", "4 working hours".
 * Parsing is strict: anything else is an error with a message that shows the accepted forms.
 */
export type DurationUnit = 'working_days' | 'working_hours';

/** A parsed working-time duration. */
export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/** The pattern the JSON Schema gives editors; {@link parseDuration} is the authority. */
export const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?|\\d*½)\\s+working\\s+(day|days|hour|hours)\\s*$';

const DURATION_RE = /^\s*(\d+(?:\.\d+)?|\d*½)\s+working\s+(day|days|hour|hours)\s*$/;

/** Upper bounds keep arithmetic on the calendar finite: no procedure waits ten years. */
const MAX_DAYS = 2_000;
const MAX_HOURS = 2_000 * 24;

export const DURATION_HELP = 'write e.g. "3 working days", "1 working day", "½ working day", "0.5 working days" or "4 working hours"';

/** Parses a duration; returns an error message instead of throwing. */
export function parseDuration(text: string): { ok: true; value: Duration } | { ok: false; message: string } {
  if (typeof text !== 'string' || text.length > 64) {
    return { ok: false, message: `not a duration; ${DURATION_HELP}` };
  }
  const m = DURATION_RE.exec(text);
  if (!m) return { ok: false, message: `'${text}' is not a duration; ${DURATION_HELP}` };
  const [, num = '', word = ''] = m;
  const amount = num.endsWith('½') ? (num.length > 1 ? Number(num.slice(0, -1)) : 0) + 0.5 : Number(num);
  const unit: DurationUnit = word.startsWith('day') ? 'working_days' : 'working_hours';
  if (!Number.isFinite(amount) || amount <= 0) {
    return { ok: false, message: `'${text}': a duration must be greater than zero` };
  }
  if (amount > (unit === 'working_days' ? MAX_DAYS : MAX_HOURS)) {
    return { ok: false, message: `'${text}' is longer than any procedure allows` };
  }
  return { ok: true, value: { amount, unit } };
}

/** Formats a duration back into the language's words. */
export function formatDuration(d: Duration): string {
  const noun = d.unit === 'working_days' ? 'day' : 'hour';
  return `${d.amount} working ${noun}${d.amount === 1 ? '' : 's'}`;
}
