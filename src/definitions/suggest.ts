/**
 * "Did you mean …?" suggestions for misspelt names (states, roles, keys, events), by edit
 * distance. A suggestion is only offered when it is close enough to be a plausible typo.
 */
import { distance } from 'fastest-levenshtein';

/** The candidate closest to `word`, or undefined when none is a plausible typo of it. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    // Case-only differences (Status vs status) are the most likely typo of all.
    const d = candidate.toLowerCase() === lower ? 0.5 : distance(word, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `"; did you mean 'x'?"` when a close candidate exists, otherwise the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s === undefined ? '' : `; did you mean '${s}'?`;
}
