// The rules of the Chrome trace-event JSON format that a viewer needs to
// draw a trace as written, checked over a parsed trace: known phases and
// fields, every begin ended and every end begun on its own track, slices
// nested, one order per track (no two records at one time), flow arrows
// paired (one start, at least one later end, bound to slices), each thread
// in one process, every track named. No trace processor can be installed
// from npm, so this is what the tests load traces with.

export interface TraceCheck {
  /** What breaks the rules; empty when the trace is well-formed. At most 50 are listed. */
  readonly problems: readonly string[];
  readonly events: number;
  readonly tracks: number;
  readonly slices: number;
  readonly marks: number;
  /** Flow ids, and the arrows they draw (a flow with several ends draws several). */
  readonly flows: number;
  readonly arrows: number;
}

interface Ev {
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly name?: string;
  readonly args?: Record<string, unknown>;
  readonly bind_id?: number;
  readonly flow_in?: boolean;
  readonly flow_out?: boolean;
  /** Its place in the file. */
  readonly at: number;
}

const PHASES = new Set(['M', 'B', 'E', 'X', 'C']);
const MAX_PROBLEMS = 50;

const isUint32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

export function checkTraceFormat(trace: unknown): TraceCheck {
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  const empty = { problems, events: 0, tracks: 0, slices: 0, marks: 0, flows: 0, arrows: 0 };
  if (!trace || typeof trace !== 'object' || !Array.isArray((trace as { traceEvents?: unknown }).traceEvents)) {
    problem('the trace is not an object with a traceEvents array');
    return empty;
  }
  const unit = (trace as { displayTimeUnit?: unknown }).displayTimeUnit;
  if (unit !== undefined && unit !== 'ms' && unit !== 'ns') problem(`displayTimeUnit must be "ms" or "ns", received ${JSON.stringify(unit)}`);
  const raw = (trace as { traceEvents: unknown[] }).traceEvents;

  const events: Ev[] = [];
  const processNamed = new Set<number>();
  const threadNamed = new Set<string>();
  const pidOfTid = new Map<number, number>();
  raw.forEach((r, at) => {
    const where = `event ${at}`;
    if (!r || typeof r !== 'object') return problem(`${where} is not an object`);
    const e = r as Record<string, unknown>;
    if (typeof e['ph'] !== 'string' || !PHASES.has(e['ph'])) return problem(`${where}: unknown phase ${JSON.stringify(e['ph'])}`);
    if (!isUint32(e['pid']) || !isUint32(e['tid'])) return problem(`${where}: pid and tid must be 32-bit unsigned integers, received ${JSON.stringify([e['pid'], e['tid']])}`);
    const pid = e['pid'];
    const tid = e['tid'];
    const owner = pidOfTid.get(tid);
    if (owner === undefined) pidOfTid.set(tid, pid);
    else if (owner !== pid) problem(`${where}: tid ${tid} is in pid ${pid}, but earlier in pid ${owner}`);
    if (e['args'] !== undefined && (typeof e['args'] !== 'object' || e['args'] === null || Array.isArray(e['args']))) problem(`${where}: args must be an object`);
    if (e['ph'] === 'M') {
      const name = (e['args'] as { name?: unknown } | undefined)?.name;
      if (e['name'] === 'process_name' && typeof name === 'string') processNamed.add(pid);
      else if (e['name'] === 'thread_name' && typeof name === 'string') threadNamed.add(`${pid}/${tid}`);
      else if (e['name'] !== 'thread_sort_index' && e['name'] !== 'process_sort_index') problem(`${where}: metadata ${JSON.stringify(e['name'])} without a name`);
      return;
    }
    if (typeof e['ts'] !== 'number' || !Number.isFinite(e['ts']) || e['ts'] < 0) return problem(`${where}: ts must be a finite number >= 0, received ${JSON.stringify(e['ts'])}`);
    if (e['ph'] !== 'E' && typeof e['name'] !== 'string') problem(`${where}: a ${e['ph']} record needs a name`);
    if (e['ph'] === 'X' && (typeof e['dur'] !== 'number' || !(e['dur'] >= 0))) problem(`${where}: a complete event needs dur >= 0, received ${JSON.stringify(e['dur'])}`);
    if (e['ph'] === 'C') {
      const values = Object.values((e['args'] as object | undefined) ?? {});
      if (values.length === 0 || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) problem(`${where}: a counter needs numeric args`);
    }
    if (e['bind_id'] !== undefined) {
      if (e['ph'] !== 'X' && e['ph'] !== 'B') problem(`${where}: a flow binds to a slice (B or X), not to ${e['ph']}`);
      if ((e['flow_in'] === true) === (e['flow_out'] === true)) problem(`${where}: a flow end is flow_in or flow_out`);
    }
    events.push({ ...(e as unknown as Ev), at });
  });

  // Each track in time order (the viewer sorts by ts; equal times would leave the order to chance).
  const tracks = new Map<string, Ev[]>();
  for (const e of events) {
    if (e.ph === 'C') continue;
    const k = `${e.pid}/${e.tid}`;
    let list = tracks.get(k);
    if (!list) tracks.set(k, (list = []));
    list.push(e);
  }
  let slices = 0;
  let marks = 0;
  for (const [k, list] of tracks) {
    if (!threadNamed.has(k)) problem(`track ${k} has no thread_name`);
    list.sort((a, b) => a.ts - b.ts || a.at - b.at);
    const stack: { ev: Ev; childEnd: number }[] = [];
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (i > 0 && list[i - 1]!.ts === e.ts) problem(`track ${k}: events ${list[i - 1]!.at} and ${e.at} are both at ts ${e.ts}`);
      const top = stack[stack.length - 1];
      if (e.ph === 'B') {
        stack.push({ ev: e, childEnd: e.ts });
        slices++;
      } else if (e.ph === 'E') {
        if (!top) {
          problem(`track ${k}: event ${e.at} ends a slice at ts ${e.ts} but none is open`);
          continue;
        }
        if (top.childEnd > e.ts) problem(`track ${k}: slice ${JSON.stringify(top.ev.name)} (event ${top.ev.at}) ends at ${e.ts}, before a slice inside it ends at ${top.childEnd}`);
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) parent.childEnd = Math.max(parent.childEnd, e.ts);
      } else if (e.ph === 'X') {
        if (e.dur === 0) marks++;
        else slices++;
        if (top) top.childEnd = Math.max(top.childEnd, e.ts + (e.dur ?? 0));
      }
    }
    for (const open of stack) problem(`track ${k}: slice ${JSON.stringify(open.ev.name)} (event ${open.ev.at}, ts ${open.ev.ts}) is never ended`);
  }
  const unnamed = new Set(events.map((e) => e.pid).filter((pid) => !processNamed.has(pid)));
  for (const pid of unnamed) problem(`pid ${pid} has no process_name`);

  // Flows: one start, then ends after it.
  const outs = new Map<number, Ev>();
  const ins = new Map<number, Ev[]>();
  for (const e of events) {
    if (e.bind_id === undefined) continue;
    if (e.flow_out) {
      if (outs.has(e.bind_id)) problem(`flow ${e.bind_id} starts twice (events ${outs.get(e.bind_id)!.at} and ${e.at})`);
      outs.set(e.bind_id, e);
    } else if (e.flow_in) {
      let list = ins.get(e.bind_id);
      if (!list) ins.set(e.bind_id, (list = []));
      list.push(e);
    }
  }
  let arrows = 0;
  for (const [id, out] of outs) {
    const ends = ins.get(id) ?? [];
    if (ends.length === 0) problem(`flow ${id} starts at event ${out.at} and never ends`);
    for (const end of ends) {
      if (end.ts <= out.ts) problem(`flow ${id} ends at event ${end.at} (ts ${end.ts}) before it starts (ts ${out.ts})`);
      arrows++;
    }
  }
  for (const [id, ends] of ins) if (!outs.has(id)) problem(`flow ${id} ends at event ${ends[0]!.at} but never starts`);

  // A counter has one value at a time.
  const counterTimes = new Set<string>();
  for (const e of events) {
    if (e.ph !== 'C') continue;
    const k = `${e.pid}/${e.name}/${e.ts}`;
    if (counterTimes.has(k)) problem(`counter ${JSON.stringify(e.name)} of pid ${e.pid} has two values at ts ${e.ts}`);
    counterTimes.add(k);
  }
  return { problems, events: raw.length, tracks: tracks.size, slices, marks, flows: outs.size, arrows };
}
