/**
 * A procedure's states as a layered SVG drawn on the server (no CDN, no script): each state in
 * the column of its distance from the initial state, forward moves as curves to the right,
 * moves back (returns, supplements) as arcs below. Events are labelled by name; the page lists
 * their titles and roles in a table beside it.
 */
import type { ProcedureDefinition } from '../definitions/schema.js';
import { allStates } from './procedure-info.js';

const NODE_W = 180;
const NODE_H = 58;
const COL_GAP = 90;
const ROW_GAP = 34;
const PAD = 24;

interface Edge {
  from: string;
  to: string;
  events: string[];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Splits a title into at most two lines of about `width` characters. */
function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if ((line + ' ' + w).trim().length > width && line !== '') {
      lines.push(line);
      line = w;
    } else line = (line + ' ' + w).trim();
  }
  if (line) lines.push(line);
  if (lines.length > 2) return [lines[0]!, lines.slice(1).join(' ').slice(0, width - 1) + '…'];
  return lines;
}

/** The edges of the graph, one per (source, target) with the events merged. */
export function stateEdges(def: ProcedureDefinition): Edge[] {
  const byPair = new Map<string, Edge>();
  const add = (from: string, to: string, event: string) => {
    const key = `${from}\u0000${to}`;
    const e = byPair.get(key) ?? { from, to, events: [] };
    if (!e.events.includes(event)) e.events.push(event);
    byPair.set(key, e);
  };
  for (const s of allStates(def)) {
    for (const [event, t] of Object.entries(s.node.on ?? {})) for (const alt of Array.isArray(t) ? t : [t]) add(s.name, alt.to ?? s.name, event);
    if (s.node.done) add(s.name, s.node.done, 'done');
    if (s.node.states) {
      const first = s.node.initial ?? Object.keys(s.node.states)[0];
      if (first && s.node.type !== 'parallel') add(s.name, first, 'start');
      if (s.node.type === 'parallel') for (const child of Object.keys(s.node.states)) add(s.name, child, 'start');
    }
  }
  return [...byPair.values()];
}

/** Column of each state: its distance from the initial state (unreachable states go last). */
export function stateLayers(def: ProcedureDefinition, edges: Edge[]): Map<string, number> {
  const layer = new Map<string, number>([[def.initial, 0]]);
  const queue = [def.initial];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const e of edges) {
      if (e.from !== at || layer.has(e.to)) continue;
      layer.set(e.to, layer.get(at)! + 1);
      queue.push(e.to);
    }
  }
  const last = Math.max(0, ...layer.values()) + 1;
  for (const s of allStates(def)) if (!layer.has(s.name)) layer.set(s.name, last);
  return layer;
}

/** The diagram as SVG text. */
export function stateDiagramSvg(def: ProcedureDefinition): string {
  const states = allStates(def);
  const edges = stateEdges(def);
  const layers = stateLayers(def, edges);
  const columns = new Map<number, string[]>();
  for (const s of states) {
    const l = layers.get(s.name)!;
    columns.set(l, [...(columns.get(l) ?? []), s.name]);
  }
  const maxRows = Math.max(1, ...[...columns.values()].map((c) => c.length));
  const colCount = Math.max(1, ...columns.keys()) + 1;
  const backEdges = edges.filter((e) => (layers.get(e.to) ?? 0) <= (layers.get(e.from) ?? 0) && e.from !== e.to);
  const contentH = maxRows * NODE_H + (maxRows - 1) * ROW_GAP;
  const width = PAD * 2 + colCount * NODE_W + (colCount - 1) * COL_GAP;
  const height = PAD * 2 + contentH + 40 + backEdges.length * 14;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [l, names] of columns) {
    const colH = names.length * NODE_H + (names.length - 1) * ROW_GAP;
    names.forEach((n, i) => pos.set(n, { x: PAD + l * (NODE_W + COL_GAP), y: PAD + (contentH - colH) / 2 + i * (NODE_H + ROW_GAP) }));
  }
  const byName = new Map(states.map((s) => [s.name, s]));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="diagram-title" font-family="Segoe UI, Roboto, Noto Sans, Arial, sans-serif">`);
  parts.push(`<title id="diagram-title">Sơ đồ trạng thái: ${escapeXml(def.title)}</title>`);
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#52606d"/></marker></defs>');

  let below = 0;
  for (const e of edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const label = escapeXml(e.events.join(', '));
    if (e.from === e.to) {
      const x = a.x + NODE_W - 30;
      parts.push(`<path d="M${x} ${a.y} c 0 -26 40 -26 30 0" fill="none" stroke="#52606d" stroke-width="1.4" marker-end="url(#arrow)"/>`);
      parts.push(`<text x="${x + 18}" y="${a.y - 22}" font-size="10" text-anchor="middle" fill="#1f2933">${label}</text>`);
      continue;
    }
    const forward = (layers.get(e.to) ?? 0) > (layers.get(e.from) ?? 0);
    if (forward) {
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      parts.push(`<path d="M${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2 - 2} ${y2}" fill="none" stroke="#52606d" stroke-width="1.4" marker-end="url(#arrow)"/>`);
      const lx = x1 + (x2 - x1) * 0.5;
      const ly = y1 + (y2 - y1) * 0.5 - 4;
      parts.push(`<text x="${lx}" y="${ly}" font-size="10" text-anchor="middle" fill="#1f2933" stroke="#fff" stroke-width="3" paint-order="stroke">${label}</text>`);
    } else {
      below++;
      const x1 = a.x + NODE_W / 2 + 12;
      const x2 = b.x + NODE_W / 2 - 12;
      const y1 = a.y + NODE_H;
      const y2 = b.y + NODE_H;
      const depth = PAD + contentH + 14 + below * 14;
      parts.push(`<path d="M${x1} ${y1} C ${x1} ${depth}, ${x2} ${depth}, ${x2} ${y2 + 2}" fill="none" stroke="#8a4b00" stroke-width="1.2" stroke-dasharray="5 3" marker-end="url(#arrow)"/>`);
      parts.push(`<text x="${(x1 + x2) / 2}" y="${depth - 2}" font-size="10" text-anchor="middle" fill="#8a4b00" stroke="#fff" stroke-width="3" paint-order="stroke">${label}</text>`);
    }
  }

  for (const [name, p] of pos) {
    const s = byName.get(name)!;
    const initial = name === def.initial;
    const final = s.node.final === true;
    const stroke = initial ? '#1e6b34' : final ? '#52606d' : '#0b4f8a';
    const fill = final ? '#eef2f6' : initial ? '#e3f5e8' : '#fff';
    // The full title as the node's own title: a tooltip, and what a screen reader says.
    parts.push(`<g><title>${escapeXml(s.node.title ?? name)}</title><rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="8" fill="${fill}" stroke="${stroke}" stroke-width="${final ? 3 : 1.6}"/>`);
    const lines = wrap(s.node.title ?? name, 26);
    lines.forEach((line, i) => parts.push(`<text x="${p.x + NODE_W / 2}" y="${p.y + 18 + i * 14}" font-size="12" font-weight="600" text-anchor="middle" fill="#1f2933">${escapeXml(line)}</text>`));
    const sub = `${name}${s.node.status !== undefined ? ` · mã ${s.node.status}` : ''}${s.node.clock === 'paused' ? ' · dừng đếm' : ''}`;
    parts.push(`<text x="${p.x + NODE_W / 2}" y="${p.y + NODE_H - 8}" font-size="10" text-anchor="middle" fill="#52606d">${escapeXml(sub)}</text></g>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
