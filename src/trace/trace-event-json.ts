// The records of the Chrome trace-event JSON format that a pidsim trace uses,
// written as JSON text directly (a big run writes millions): metadata names
// (M), slices begun and ended on a thread track (B/E), zero-length marks (X
// with dur 0) that flow arrows bind to, and counters (C). The format:
// "Trace Event Format" (Google), as Perfetto's JSON importer reads it.

/** Arguments of a record, already JSON text (`{"pid":5}`), or null for none. */
export type ArgsJson = string | null;

/** A flow arrow's end on a mark: v2 flows (bind_id), which Perfetto binds to the mark itself. */
export interface FlowEnd {
  readonly id: number;
  readonly dir: 'out' | 'in';
}

/** µs with at most nanosecond digits: clipped records sit a few ns apart. */
function time(ts: number): string {
  return Number.isInteger(ts) ? String(ts) : String(Math.round(ts * 1000) / 1000);
}

export function processName(pid: number, name: string): string {
  return `{"ph":"M","name":"process_name","pid":${pid},"tid":${pid},"args":{"name":${JSON.stringify(name)}}}`;
}

export function threadName(pid: number, tid: number, name: string): string {
  return `{"ph":"M","name":"thread_name","pid":${pid},"tid":${tid},"args":{"name":${JSON.stringify(name)}}}`;
}

/** Orders tracks in viewers that read it (chrome://tracing); Perfetto orders by its own rules. */
export function threadSortIndex(pid: number, tid: number, index: number): string {
  return `{"ph":"M","name":"thread_sort_index","pid":${pid},"tid":${tid},"args":{"sort_index":${index}}}`;
}

export function begin(pid: number, tid: number, ts: number, name: string, cat: string, args: ArgsJson): string {
  return `{"ph":"B","pid":${pid},"tid":${tid},"ts":${time(ts)},"name":${JSON.stringify(name)},"cat":"${cat}"${args === null ? '' : `,"args":${args}`}}`;
}

export function end(pid: number, tid: number, ts: number, args: ArgsJson): string {
  return `{"ph":"E","pid":${pid},"tid":${tid},"ts":${time(ts)}${args === null ? '' : `,"args":${args}`}}`;
}

export function mark(pid: number, tid: number, ts: number, name: string, cat: string, args: ArgsJson, flow: FlowEnd | null): string {
  const f = flow === null ? '' : `,"bind_id":${flow.id},"flow_${flow.dir}":true`;
  return `{"ph":"X","pid":${pid},"tid":${tid},"ts":${time(ts)},"dur":0,"name":${JSON.stringify(name)},"cat":"${cat}"${args === null ? '' : `,"args":${args}`}${f}}`;
}

/** A counter with two series (Perfetto names their tracks "<name> <series>"). */
export function counter2(pid: number, ts: number, name: string, a: string, av: number, b: string, bv: number): string {
  return `{"ph":"C","pid":${pid},"tid":${pid},"ts":${time(ts)},"name":"${name}","args":{"${a}":${av},"${b}":${bv}}}`;
}
