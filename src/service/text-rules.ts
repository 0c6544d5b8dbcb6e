/**
 * Rules for text people type that others will read as typed: names on receipts and worklists,
 * the content of a complaint. Trimming alone let through names made only of invisible
 * characters, and text-direction overrides that make a name read differently on screen.
 */
import { z } from 'zod';

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what follows. */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
const CONTROLS = /\p{Cc}/u;
const CONTROLS_BUT_LINE_BREAKS = /(?![\n\r\t])\p{Cc}/u;

const HIDDEN = 'must not contain control characters or text-direction overrides (U+202A–U+202E, U+2066–U+2069); type the text as it should read';

const checked = (base: z.ZodString, controls: RegExp) =>
  base
    // An empty text is min(1)'s fault alone: one error per fault.
    .refine((s) => s === '' || LETTER_OR_DIGIT.test(s), { error: 'must contain letters or digits; only spaces or invisible characters were given' })
    .refine((s) => !controls.test(s) && !DIRECTION_CONTROLS.test(s), { error: HIDDEN });

/** A person's name: one line, with letters or digits, nothing hidden. */
export const nameText = (max: number) => checked(z.string().trim().min(1).max(max), CONTROLS);

/**
 * A note of several lines that may be only punctuation (a comment, a reason): line breaks and
 * tabs allowed, nothing else hidden.
 */
export const noteText = (base: z.ZodString) =>
  base.refine((s) => !CONTROLS_BUT_LINE_BREAKS.test(s) && !DIRECTION_CONTROLS.test(s), { error: HIDDEN });

/** A message of several lines (a complaint): line breaks and tabs allowed, nothing else hidden. */
export const messageText = (max: number) => checked(z.string().trim().min(1).max(max), CONTROLS_BUT_LINE_BREAKS);
