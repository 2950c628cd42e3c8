/** Hand-drawn SVG line charts for the self-contained HTML report (no scripts, no external files). */

export interface Series { name: string; color: string; points: Array<[number, number | null]>; dashed?: boolean }
export interface ChartSpec {
  title: string; xLabel: string; yLabel: string; series: Series[];
  width?: number; height?: number; yMin?: number; yMax?: number;
  /** Horizontal reference line (a target), with its label. */
  limit?: { y: number; label: string };
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

export function lineChart(c: ChartSpec): string {
  const W = c.width ?? 640;
  const H = c.height ?? 280;
  const m = { l: 56, r: 16, t: 44, b: 40 };
  const pts = c.series.flatMap((s) => s.points.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1])));
  if (pts.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="8" y="30" font-size="13">${esc(c.title)}: no data</text></svg>`;
  }
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  if (c.limit) ys.push(c.limit.y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const y0 = c.yMin ?? Math.min(0, ...ys);
  const y1raw = c.yMax ?? Math.max(...ys);
  const y1 = y1raw === y0 ? y0 + 1 : y1raw * (c.yMax === undefined ? 1.05 : 1);
  const sx = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (y: number): number => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<text x="${m.l}" y="16" font-size="13" font-weight="bold">${esc(c.title)}</text>`);
  for (const t of ticks(y0, y1)) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${m.l - 4}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (const t of ticks(x0, x1, 6)) {
    parts.push(`<text x="${sx(t)}" y="${H - m.b + 14}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#888"/>`);
  parts.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#888"/>`);
  parts.push(`<text x="${(W + m.l) / 2}" y="${H - 6}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  parts.push(`<text transform="translate(12 ${(H + m.t - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`);
  if (c.limit) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${sy(c.limit.y)}" y2="${sy(c.limit.y)}" stroke="#c00" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${W - m.r - 2}" y="${sy(c.limit.y) - 4}" text-anchor="end" fill="#c00">${esc(c.limit.label)}</text>`);
  }
  let lx = m.l;
  for (const s of c.series) {
    const segs: string[] = [];
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null || !Number.isFinite(y)) { pen = false; continue; }
      segs.push(`${pen ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`);
      pen = true;
    }
    parts.push(`<path d="${segs.join('')}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
    if (s.points.length < 40) {
      for (const [x, y] of s.points) if (y !== null && Number.isFinite(y)) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    }
    parts.push(`<rect x="${lx}" y="24" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="33">${esc(s.name)}</text>`);
    lx += 24 + s.name.length * 6.5;
  }
  parts.push('</svg>');
  return parts.join('');
}
