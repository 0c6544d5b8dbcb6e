/**
 * CSV for spreadsheets (RFC 4180): comma-separated, CRLF line ends, a field quoted when it holds
 * a comma, a quote, CR or LF, quotes doubled inside. Text that a spreadsheet would run as a
 * formula (starting with = + - @ or a tab/CR) is prefixed with an apostrophe, so a unit name or
 * an officer's note can never execute in Excel (CSV injection); numbers are written as numbers.
 */
import { MotcuaError } from '../errors/index.js';
import type { ScorecardResult } from './scorecard.js';

/** A cell: text, a number, or empty (null/undefined). */
export type CsvCell = string | number | boolean | null | undefined;

/** Prepend to a CSV file served for download, so Excel reads the UTF-8 (Vietnamese) correctly. */
export const CSV_BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted when needed. */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  let text: string;
  if (typeof cell === 'number') text = Number.isFinite(cell) ? String(cell) : '';
  else if (typeof cell === 'boolean') text = cell ? 'true' : 'false';
  else text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows to CSV text; every line ends with CRLF (RFC 4180). */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/**
 * Parses RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks; CRLF or LF line
 * ends; a final line end is optional). Throws `badRequest` on a quote left open.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = text.startsWith(CSV_BOM) ? 1 : 0;
  let quoted = false;
  let atFieldStart = true;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (c === ',') {
      row.push(field);
      field = '';
      atFieldStart = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atFieldStart = true;
    } else {
      field += c;
      atFieldStart = false;
    }
  }
  if (quoted) throw new MotcuaError('badRequest', 'the CSV has a quoted field that is not closed; add the closing double quote');
  if (!atFieldStart || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The columns of {@link scorecardToCsv}, in order. */
export const SCORECARD_CSV_COLUMNS = [
  'unit_id',
  'unit_name',
  'parent_id',
  'phase',
  'total',
  'max_total',
  'rank',
  'siblings',
  'group_id',
  'group_title',
  'group_points',
  'group_max_points',
  'metric',
  'indicator_title',
  'value',
  'numerator',
  'denominator',
  'threshold',
  'worst',
  'points',
  'max_points',
] as const;

/** The scorecard as CSV, one row per unit and indicator, so every number sits beside what it was computed from. */
export function scorecardToCsv(result: ScorecardResult): string {
  const rows: CsvCell[][] = [[...SCORECARD_CSV_COLUMNS]];
  for (const u of result.units) {
    for (const g of u.groups) {
      for (const ind of g.indicators) {
        rows.push([
          u.unit_id,
          u.unit_name,
          u.parent_id,
          u.phase,
          u.total,
          u.max_total,
          u.rank,
          u.siblings,
          g.id,
          g.title,
          g.points,
          g.max_points,
          ind.metric,
          ind.title,
          ind.value === null ? null : Math.round(ind.value * 1e6) / 1e6,
          Math.round(ind.numerator * 1e6) / 1e6,
          ind.denominator,
          ind.threshold,
          ind.worst,
          ind.points,
          ind.max_points,
        ]);
      }
    }
  }
  return toCsv(rows);
}
