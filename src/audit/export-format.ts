/**
 * The audit export: JSON Lines, one line per entry or checkpoint, in log order.
 *
 *   {"format":"motcua-audit-export/1","origin":"motcua.example/audit"}        optional first line
 *   {"seq":1,"leaf":"<hex>","chain":"<hex>","entry":{…the exact hashed bytes…}}
 *   {"checkpoint":"<signed note text>"}                        right after the entry seq = size
 *
 * An entry line carries the hashed bytes verbatim as its last member, so the line stays plain
 * JSON that tools can read, while the verifier takes the bytes from the text itself, never from a
 * re-serialization. Anything that rewrites the lines (a pretty-printer, jq without -c) breaks them.
 */

/** The format name written in the header line. */
export const EXPORT_FORMAT = 'motcua-audit-export/1';

/** One line of an export, taken apart. */
export type ExportLine =
  | { type: 'blank' }
  | { type: 'header'; format: string; origin?: string }
  /** `offset`: where the entry starts in the line; the prefix is ASCII, so in bytes too. */
  | { type: 'entry'; seq: number; leaf: string; chain: string; text: string; offset: number }
  | { type: 'checkpoint'; note: string }
  | { type: 'invalid'; problem: string };

const SEQ_KEY = '{"seq":';
const LEAF_KEY = ',"leaf":"';
const CHAIN_KEY = '","chain":"';
const ENTRY_KEY = '","entry":';
const HEX64 = /^[0-9a-f]{64}$/;

/** True for a hash written as 64 lowercase hex digits, as the export writes them. */
export function isHashHex(text: string): boolean {
  return HEX64.test(text);
}

/** The header line. */
export function formatHeaderLine(origin: string): string {
  return JSON.stringify({ format: EXPORT_FORMAT, origin });
}

/** An entry line; `text` is the entry's canonical JSON exactly as hashed. */
export function formatEntryLine(seq: number, text: string, leaf: Uint8Array, chain: Uint8Array): string {
  return `{"seq":${seq},"leaf":"${Buffer.from(leaf).toString('hex')}","chain":"${Buffer.from(chain).toString('hex')}","entry":${text}}`;
}

/** A checkpoint line carrying a signed note. */
export function formatCheckpointLine(note: string): string {
  return JSON.stringify({ checkpoint: note });
}

/** Takes one export line apart (without its newline); never throws. */
export function parseExportLine(line: string): ExportLine {
  const entry = parseEntryPrefix(line);
  if (entry) return entry;
  if (line.trim() === '') return { type: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { type: 'invalid', problem: 'line is not JSON' };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (typeof record.checkpoint === 'string' && Object.keys(record).length === 1) return { type: 'checkpoint', note: record.checkpoint };
    if (typeof record.format === 'string') {
      return typeof record.origin === 'string' ? { type: 'header', format: record.format, origin: record.origin } : { type: 'header', format: record.format };
    }
    if ('seq' in record) {
      return { type: 'invalid', problem: 'entry line is not in the export layout {"seq":…,"leaf":"<hex>","chain":"<hex>","entry":{…}} (was it re-serialized?)' };
    }
  }
  return { type: 'invalid', problem: 'line is neither an entry, a checkpoint nor the header' };
}

/**
 * The fixed layout {"seq":N,"leaf":"<64 hex>","chain":"<64 hex>","entry":…}, read by position:
 * a regular expression here was 5% of verifying a million entries.
 */
function parseEntryPrefix(line: string): ExportLine | undefined {
  if (!line.startsWith(SEQ_KEY)) return undefined;
  let i = SEQ_KEY.length;
  const digitsStart = i;
  while (i < line.length && i - digitsStart <= 16) {
    const c = line.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i += 1;
  }
  const digits = line.slice(digitsStart, i);
  if (digits.length === 0 || digits.length > 16 || (digits.length > 1 && digits.startsWith('0'))) return undefined;
  if (!line.startsWith(LEAF_KEY, i)) return undefined;
  const leaf = line.slice(i + LEAF_KEY.length, i + LEAF_KEY.length + 64);
  i += LEAF_KEY.length + 64;
  if (!line.startsWith(CHAIN_KEY, i)) return undefined;
  const chain = line.slice(i + CHAIN_KEY.length, i + CHAIN_KEY.length + 64);
  i += CHAIN_KEY.length + 64;
  // The hex digits are not checked here: the verifier compares them with hashes it computes
  // (lowercase hex), so anything else fails there, and it names the problem (isHashHex).
  if (!line.startsWith(ENTRY_KEY, i)) return undefined;
  const offset = i + ENTRY_KEY.length;
  if (!line.endsWith('}') || line.length < offset + 1) return { type: 'invalid', problem: "entry line does not end with '}'" };
  return { type: 'entry', seq: Number(digits), leaf, chain, text: line.slice(offset, -1), offset };
}
