/**
 * Small SVG charts drawn on the server: horizontal bars (a value out of a maximum) and stacked
 * bars (shares that add up). No script, no inline style (the page's CSP forbids both); text is
 * escaped, and each chart carries a title for screen readers next to the table it illustrates.
 */
import { numberVn } from './format.js';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

const LABEL_W = 210;
const BAR_W = 420;
const ROW_H = 26;

/** One bar per row: `value` out of `max`, the value written after the bar. */
export function barChartSvg(title: string, rows: { label: string; value: number; max: number }[], digits = 1): string {
  const height = 20 + rows.length * ROW_H + 10;
  const width = LABEL_W + BAR_W + 80;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}" font-family="Segoe UI, Roboto, Noto Sans, Arial, sans-serif" font-size="12">`];
  out.push(`<title>${esc(title)}</title>`);
  rows.forEach((r, i) => {
    const y = 20 + i * ROW_H;
    const share = r.max > 0 ? Math.max(0, Math.min(1, r.value / r.max)) : 0;
    const w = Math.round(share * BAR_W);
    const color = share >= 0.9 ? '#1e6b34' : share >= 0.6 ? '#0b4f8a' : share >= 0.4 ? '#b7791f' : '#a61b1b';
    out.push(`<text x="${LABEL_W - 8}" y="${y + 13}" text-anchor="end" fill="#1f2933">${esc(clip(r.label, 32))}</text>`);
    out.push(`<rect x="${LABEL_W}" y="${y + 2}" width="${BAR_W}" height="16" fill="#eef2f6"/>`);
    out.push(`<rect x="${LABEL_W}" y="${y + 2}" width="${w}" height="16" fill="${color}"/>`);
    out.push(`<text x="${LABEL_W + BAR_W + 6}" y="${y + 14}" fill="#1f2933">${esc(`${numberVn(r.value, digits)}/${numberVn(r.max, 0)}`)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

/** One stacked bar per row; each part a count drawn as its share of the row's total. */
export function stackedBarSvg(title: string, legend: { name: string; color: string }[], rows: { label: string; parts: number[] }[]): string {
  const height = 44 + rows.length * ROW_H;
  const width = LABEL_W + BAR_W + 80;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}" font-family="Segoe UI, Roboto, Noto Sans, Arial, sans-serif" font-size="12">`];
  out.push(`<title>${esc(title)}</title>`);
  let lx = LABEL_W;
  for (const l of legend) {
    out.push(`<rect x="${lx}" y="4" width="12" height="12" fill="${l.color}"/><text x="${lx + 16}" y="14" fill="#1f2933">${esc(l.name)}</text>`);
    lx += 24 + l.name.length * 7;
  }
  rows.forEach((r, i) => {
    const y = 28 + i * ROW_H;
    const total = r.parts.reduce((a, b) => a + b, 0);
    out.push(`<text x="${LABEL_W - 8}" y="${y + 13}" text-anchor="end" fill="#1f2933">${esc(clip(r.label, 32))}</text>`);
    out.push(`<rect x="${LABEL_W}" y="${y + 2}" width="${BAR_W}" height="16" fill="#eef2f6"/>`);
    let x = LABEL_W;
    r.parts.forEach((v, j) => {
      if (total === 0 || v === 0) return;
      const w = (v / total) * BAR_W;
      out.push(`<rect x="${x.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="16" fill="${legend[j]?.color ?? '#999'}"/>`);
      x += w;
    });
    out.push(`<text x="${LABEL_W + BAR_W + 6}" y="${y + 14}" fill="#1f2933">${esc(numberVn(total))}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
