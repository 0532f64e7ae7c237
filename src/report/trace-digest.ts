// A trace (Chrome trace-event JSON as src/trace writes it) reduced to what a
// picture of its tracks needs: one row per track in namespace order, its
// slices with their nesting depth, its marks, and the flow arrows between
// marks. Used by the trace view page and the stress report.

export interface TraceDigest {
  /** Row labels, top to bottom: each namespace's own track, then its processes' lanes. */
  readonly rows: readonly string[];
  /** [row, start µs, end µs, depth, category, name] */
  readonly slices: readonly (readonly [number, number, number, number, string, string])[];
  /** [row, ts µs, category, name] */
  readonly marks: readonly (readonly [number, number, string, string])[];
  /** [from row, from ts, to row, to ts, category of the start] */
  readonly flows: readonly (readonly [number, number, number, number, string])[];
  /** Records left out past `limit` slices and marks (0 when all are drawn). */
  readonly omitted: number;
}

interface Raw {
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  name?: string;
  cat?: string;
  args?: { name?: unknown };
  bind_id?: number;
  flow_in?: boolean;
  flow_out?: boolean;
}

export function digestTrace(trace: { readonly traceEvents: readonly unknown[] }, limit = 20_000): TraceDigest {
  const events = trace.traceEvents as Raw[];
  const names = new Map<string, string>();
  const first = new Map<string, number>();
  for (const e of events) {
    const k = `${e.pid}/${e.tid}`;
    if (e.ph === 'M' && e.name === 'thread_name') names.set(k, String(e.args?.name));
    else if (e.ph !== 'M' && e.ph !== 'C' && e.ts !== undefined && !first.has(k)) first.set(k, e.ts);
  }
  // Namespaces in order, each one's own track first, then its tracks by first appearance.
  const keys = [...first.keys()].sort((a, b) => {
    const [pa, ta] = a.split('/').map(Number) as [number, number];
    const [pb, tb] = b.split('/').map(Number) as [number, number];
    if (pa !== pb) return pa - pb;
    if ((ta === pa) !== (tb === pb)) return ta === pa ? -1 : 1;
    return first.get(a)! - first.get(b)!;
  });
  const row = new Map(keys.map((k, i) => [k, i]));
  const timed = events.filter((e) => e.ph === 'B' || e.ph === 'E' || e.ph === 'X').sort((a, b) => a.ts! - b.ts!);
  const stacks = new Map<number, { ts: number; name: string; cat: string }[]>();
  const slices: [number, number, number, number, string, string][] = [];
  const marks: [number, number, string, string][] = [];
  const at = new Map<string, [number, number]>();
  const outs = new Map<number, [number, number, string]>();
  const ins: [number, number, number][] = [];
  let omitted = 0;
  for (const e of timed) {
    const r = row.get(`${e.pid}/${e.tid}`)!;
    let stack = stacks.get(r);
    if (!stack) stacks.set(r, (stack = []));
    if (e.ph === 'B') stack.push({ ts: e.ts!, name: e.name ?? '', cat: e.cat ?? '' });
    else if (e.ph === 'E') {
      const open = stack.pop();
      if (!open) continue;
      if (slices.length + marks.length < limit) slices.push([r, open.ts, e.ts!, stack.length, open.cat, open.name]);
      else omitted++;
    } else {
      if (e.dur && e.dur > 0) slices.push([r, e.ts!, e.ts! + e.dur, stack.length, e.cat ?? '', e.name ?? '']);
      else if (slices.length + marks.length < limit) marks.push([r, e.ts!, e.cat ?? '', e.name ?? '']);
      else omitted++;
      at.set(`${r}/${e.ts}`, [r, e.ts!]);
      if (e.bind_id !== undefined && e.flow_out) outs.set(e.bind_id, [r, e.ts!, e.cat ?? '']);
      if (e.bind_id !== undefined && e.flow_in) ins.push([e.bind_id, r, e.ts!]);
    }
  }
  const flows = ins.flatMap(([id, r, ts]) => {
    const o = outs.get(id);
    return o ? [[o[0], o[1], r, ts, o[2]] as const] : [];
  });
  return { rows: keys.map((k) => names.get(k) ?? k), slices, marks, flows, omitted };
}
