// The page script that draws a TraceDigest as tracks with Chart.js: slices
// as floating bars (nested ones thinner, over their parent), marks as
// points, flow arrows as line segments from sender to receiver.

export const TRACE_CHART_SCRIPT = `
const SLICE_COLORS = { process: '#9ecae1', state: '#bdbdbd', syscall: '#fd8d3c', namespace: '#a1d99b', signal: '#756bb1' };
const MARK_STYLE = { signal: ['triangle', '#6a51a3', 6], process: ['rectRot', '#08519c', 6], cascade: ['star', '#cb181d', 10] };
function sliceColor(cat, name) {
  if (name === 'zombie') return '#969696';
  if (name === 'stopped') return '#dadaeb';
  if (cat === 'namespace' && name.startsWith('exiting')) return '#fc9272';
  return SLICE_COLORS[cat] || '#c7e9c0';
}
function drawTrace(id, d) {
  const depths = [0, 1, 2, 3];
  const datasets = depths.map((depth) => {
    const s = d.slices.filter((x) => Math.min(x[3], 3) === depth);
    return {
      type: 'bar', label: depth === 0 ? 'slices' : 'slices inside slices', grouped: false, barPercentage: [0.95, 0.6, 0.35, 0.2][depth], categoryPercentage: 1,
      data: s.map((x) => ({ x: [x[1], x[2]], y: d.rows[x[0]], name: x[5] })),
      backgroundColor: s.map((x) => sliceColor(x[4], x[5])), borderColor: '#555', borderWidth: 0.5, order: 10 - depth,
    };
  }).filter((ds) => ds.data.length > 0);
  for (const cat of Object.keys(MARK_STYLE)) {
    const m = d.marks.filter((x) => x[2] === cat);
    if (m.length === 0) continue;
    const [style, color, radius] = MARK_STYLE[cat];
    datasets.push({ type: 'scatter', label: cat + ' marks', data: m.map((x) => ({ x: x[1], y: d.rows[x[0]], name: x[3] })), pointStyle: style, backgroundColor: color, borderColor: color, pointRadius: radius, order: 1 });
  }
  for (const [cat, color] of [['signal', 'rgba(106,81,163,0.8)'], ['cascade', 'rgba(203,24,29,0.75)']]) {
    const f = d.flows.filter((x) => x[4] === cat);
    if (f.length === 0) continue;
    const pts = [];
    for (const x of f) pts.push({ x: x[1], y: d.rows[x[0]] }, { x: x[3], y: d.rows[x[2]] }, { x: null, y: null });
    datasets.push({ type: 'line', label: (cat === 'cascade' ? 'teardown' : 'signal') + ' arrows', data: pts, borderColor: color, borderWidth: 1.5, pointRadius: 0, spanGaps: false, order: 0 });
  }
  return chart(id, {
    type: 'bar',
    data: { labels: d.rows, datasets },
    options: {
      indexAxis: 'y',
      parsing: true,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'trace time (µs): 1000 × virtual ms + record index' } },
        y: { type: 'category', labels: d.rows, ticks: { autoSkip: false, font: { size: 11 } } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => (c.raw && c.raw.name ? c.raw.name + ' ' : '') + (Array.isArray(c.raw && c.raw.x) ? c.raw.x[0] + '–' + c.raw.x[1] + ' µs' : c.raw ? c.raw.x + ' µs' : '') } },
      },
    },
  });
}
`;
