/**
 * The text of a JSON body, checked before any route reads it. These faults would otherwise pass
 * silently, or fail deep inside a write, and end up in records that can never be corrected (a
 * transition's reason, the audit log):
 * - bytes that are not UTF-8, which the platform's decoder turns into U+FFFD;
 * - lone surrogates (`"\ud800"`), which JSON can spell but which are not characters: they cannot
 *   be written as canonical JSON, so they failed deep inside a command with an answer about
 *   the audit log;
 * - a `__proto__` key, which schemas drop without a word (a citizen's rating was recorded
 *   without the scores sent that way);
 * - a NUL character, which PostgreSQL cannot store (it would fail inside the write).
 * The checked text is left in Hono's body cache, so the route's own `json()` parses it without
 * reading the body again.
 */
import type { MiddlewareHandler } from 'hono';
import { problemResponse } from './problem.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const SURROGATE_MESSAGE = 'holds a lone surrogate (an unpaired \\uD800–\\uDFFF escape), which is not a character; send valid Unicode text';
const PROTO_MESSAGE = "is not a field of any motcua body ('__proto__' names an object's prototype in JavaScript, and would be dropped unseen); remove it";
const NUL_MESSAGE = 'holds a NUL character (\\u0000), which no text here may hold (PostgreSQL cannot store it); remove it';

/** The fault of one string, if any. */
function textFault(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return SURROGATE_MESSAGE;
  if (text.includes('\u0000')) return NUL_MESSAGE;
  return undefined;
}

/**
 * The first fault of a parsed body, as a JSON pointer and a message, if any. Walked with a
 * stack of its own, not by recursion: a body nested thousands deep must not exhaust the call
 * stack (the route's schema then refuses its shape).
 */
export function bodyFault(value: unknown): { path: string; message: string } | undefined {
  const todo: [unknown, string][] = [[value, '']];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    const [item, path] = next;
    if (typeof item === 'string') {
      const message = textFault(item);
      if (message !== undefined) return { path: path || '/', message };
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    // Pushed in reverse, so the first fault in reading order is found first.
    const entries = Object.entries(item);
    for (let k = entries.length - 1; k >= 0; k--) {
      const [key, child] = entries[k]!;
      const at = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (key === '__proto__') return { path: at, message: PROTO_MESSAGE };
      const message = textFault(key);
      if (message !== undefined) return { path: at, message };
      todo.push([child, at]);
    }
  }
  return undefined;
}

/** Checks the JSON bodies of requests that carry one. */
export function checkedJsonText(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) return next();
    let text: string;
    try {
      text = strictUtf8.decode(await c.req.arrayBuffer());
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      return problemResponse('badRequest', 'The request body is not valid UTF-8; send the JSON encoded as UTF-8.', {}, c.req.path);
    }
    // A surrogate or a NUL can only come from a \u escape, and such a key is spelt out or
    // escaped: most bodies have neither and are not parsed here.
    if (text.includes('\\u') || text.includes('__proto__')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined; // Not JSON: the route's own parsing answers that.
      }
      const fault = bodyFault(parsed);
      if (fault !== undefined) {
        return problemResponse('validationFailed', `The request body is invalid: ${fault.path} ${fault.message}`, { errors: [fault] }, c.req.path);
      }
    }
    // Hono keeps promises in its body cache (its type names the settled values).
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    return next();
  };
}
