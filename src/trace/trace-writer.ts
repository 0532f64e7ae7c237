// Writing a trace's records on its tracks, through its filters: each record
// is stamped (trace-clock.ts), kept or not by the namespace filter (a
// track's `kept`) and the time window, and preceded the first time by the
// names of its process and thread. When the window opens, what is open then
// begins just before its first record; when it closes, what is still open
// ends just after its last; both marked clipped. Marks whose flow arrow
// waits for its other end are stamped now and written later.

import { TraceClock } from './trace-clock.js';
import { begin, counter2, end, mark, processName, threadName, type ArgsJson, type FlowEnd } from './trace-event-json.js';
import type { TraceWindow } from './trace-options.js';
import type { Lane, OpenSlice, SliceKind, Track } from './trace-tracks.js';

export interface RecordSink {
  write(record: string): void;
}

/** A mark whose record waits for the other end of its arrow. */
export interface PendingMark {
  readonly track: Track;
  readonly ts: number;
  readonly name: string;
  readonly cat: string;
  readonly args: ArgsJson;
}

/** What the writer asks of the one who draws: the tracks alive, and what to do as the window opens and closes. */
export interface WindowHooks {
  tracks(): Iterable<Track>;
  /** The window opened at `ts` (counters start there). */
  opened(ts: number): void;
  /** The window is about to close: write what waits for an arrow, without it. */
  closing(): void;
}

export class TraceWriter {
  /** Records written. */
  records = 0;
  readonly #sink: RecordSink;
  readonly #clock = new TraceClock();
  readonly #window: TraceWindow | undefined;
  #hooks: WindowHooks | null = null;
  /** Where trace time stands against the window (always 'inside' without one). */
  #phase: 'before' | 'inside' | 'after';
  /** The last timestamp given inside the window. */
  #lastInside = 0;
  /** Virtual time now, in ms. */
  #vms = 0;
  /** The names of trace processes (PID namespaces), written before their first record. */
  readonly #processNames = new Map<number, string>();
  readonly #namedPids = new Set<number>();

  constructor(sink: RecordSink, window: TraceWindow | undefined) {
    this.#sink = sink;
    this.#window = window;
    this.#phase = window ? 'before' : 'inside';
  }

  setHooks(hooks: WindowHooks): void {
    this.#hooks = hooks;
  }

  /** True once the window has passed: nothing more will be written. */
  get done(): boolean {
    return this.#phase === 'after';
  }

  /** The last timestamp given. */
  get lastStamp(): number {
    return this.#clock.last;
  }

  /** Virtual time of what comes next. */
  at(virtualMs: number): void {
    this.#vms = virtualMs;
  }

  nameProcess(pid: number, name: string): void {
    this.#processNames.set(pid, name);
  }

  stamp(): number {
    const ts = this.#clock.stamp(this.#vms);
    if (this.#phase === 'before' && ts >= this.#window!.from) this.#openWindow(ts);
    if (this.#phase === 'inside') {
      if (this.#window && ts > this.#window.to) this.#closeWindow();
      else this.#lastInside = ts;
    }
    return ts;
  }

  #inWindow(ts: number): boolean {
    return this.#phase !== 'after' && (!this.#window || (ts >= this.#window.from && ts <= this.#window.to));
  }

  #write(track: Track, lane: Lane | null, record: string): void {
    const pid = track.pid;
    if (!this.#namedPids.has(pid)) {
      this.#namedPids.add(pid);
      this.#out(processName(pid, this.#processNames.get(pid) ?? `PID namespace #${pid / 2}`));
    }
    if (lane && !lane.named) {
      lane.named = true;
      this.#out(threadName(pid, lane.tid, track.laneName(lane)));
    }
    this.#out(record);
  }

  #out(record: string): void {
    this.records++;
    this.#sink.write(record);
  }

  /** A thread_name record now, for a track that was renamed (if its old name was written). */
  rename(track: Track): void {
    if (track.main.named && track.kept && this.#phase === 'inside') this.#out(threadName(track.pid, track.main.tid, track.name));
  }

  begin(track: Track, lane: Lane, kind: SliceKind, name: string, cat: string, args: ArgsJson): OpenSlice {
    const ts = this.stamp();
    const slice: OpenSlice = { kind, name, cat, args, emitted: false };
    lane.stack.push(slice);
    if (track.kept && this.#inWindow(ts)) {
      slice.emitted = true;
      this.#write(track, lane, begin(track.pid, lane.tid, ts, name, cat, args));
    }
    return slice;
  }

  /** Ends the slice on top of `lane`. */
  end(track: Track, lane: Lane, args: ArgsJson): void {
    // Stamp first: if this record opens or closes the window, the slice is still on its lane to be clipped.
    const ts = this.stamp();
    const slice = lane.stack.pop()!;
    if (slice.emitted && this.#inWindow(ts)) this.#write(track, lane, end(track.pid, lane.tid, ts, args));
  }

  /** A mark now on `track`'s lane 0. */
  markNow(track: Track, name: string, cat: string, args: ArgsJson): void {
    const ts = this.stamp();
    if (track.kept && this.#inWindow(ts)) this.#write(track, track.main, mark(track.pid, track.main.tid, ts, name, cat, args, null));
  }

  /** A mark stamped now on `track`'s lane 0, whose record waits for its arrow's other end. */
  pendingMark(track: Track, name: string, cat: string, args: ArgsJson): PendingMark {
    return { track, ts: this.stamp(), name, cat, args };
  }

  /** Whether a mark would be written (its track kept, its time in the window, the window not passed). */
  writable(m: PendingMark): boolean {
    return m.track.kept && this.#inWindow(m.ts);
  }

  writeMark(m: PendingMark, flow: FlowEnd | null): void {
    this.#write(m.track, m.track.main, mark(m.track.pid, m.track.main.tid, m.ts, m.name, m.cat, m.args, flow));
  }

  /** Writes a waiting mark without an arrow (its other end never came, or was filtered out). */
  flushMark(m: PendingMark): void {
    if (this.writable(m)) this.writeMark(m, null);
  }

  /** Counters on a namespace's track, at `ts` (the record that changed them). */
  counter(track: Track, ts: number, running: number, zombie: number): void {
    if (track.kept && this.#inWindow(ts)) this.#write(track, null, counter2(track.pid, ts, 'processes', 'running', running, 'zombie', zombie));
  }

  /** The window opens at the record stamped `ts`: what is open then begins just before it (clipped). */
  #openWindow(ts: number): void {
    this.#phase = 'inside';
    for (const track of this.#hooks!.tracks()) {
      if (!track.kept) continue;
      for (const lane of track.lanes) {
        lane.stack.forEach((s, depth) => {
          s.emitted = true;
          const args = `{"clipped":"began before the window"${s.args === null ? '' : `,"at":${s.args}`}}`;
          this.#write(track, lane, begin(track.pid, lane.tid, ts - 0.01 + 0.001 * depth, s.name, s.cat, args));
        });
      }
    }
    this.#hooks!.opened(ts - 0.01);
  }

  /** The window has passed: what is open ends just after its last record, waiting marks are written without arrows. */
  #closeWindow(): void {
    const last = this.#lastInside;
    for (const track of this.#hooks!.tracks()) {
      for (const lane of track.lanes) {
        for (let i = lane.stack.length - 1, k = 1; i >= 0; i--, k++) {
          const s = lane.stack[i]!;
          if (!s.emitted) continue;
          s.emitted = false;
          this.#out(end(track.pid, lane.tid, last + 0.001 * k, '{"clipped":"ended after the window"}'));
        }
      }
    }
    this.#hooks!.closing();
    this.#phase = 'after';
  }

  /** The run ended before the window opened: nothing more to write. */
  endBeforeWindow(): void {
    if (this.#phase === 'before') this.#phase = 'after';
  }
}
