// How the tables and the chart write figures: three significant digits,
// thousands separated, millions as "1.23 M", so columns read at a glance.

/** 1234567 -> '1.23 M', 29569 -> '29,600', 123.4 -> '123', 1.234 -> '1.23'. */
export function formatFigure(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  if (abs >= 1e6) return `${(x / 1e6).toPrecision(3)} M`;
  if (abs >= 1000) return Math.round(Number(x.toPrecision(3))).toLocaleString('en-US');
  if (abs >= 100) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

/** A ratio: '0.42x', '31.5x', '1,230x'. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  return `${formatFigure(r)}x`;
}
