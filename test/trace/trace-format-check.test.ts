// The format checker the trace tests rely on finds each kind of broken trace
// (so a trace that passes it is one a viewer draws as written).

import { describe, expect, it } from 'vitest';
import { checkTraceFormat } from '../../src/trace/index.js';

const names = [
  { ph: 'M', name: 'process_name', pid: 2, tid: 2, args: { name: 'ns' } },
  { ph: 'M', name: 'thread_name', pid: 2, tid: 3, args: { name: 'p' } },
  { ph: 'M', name: 'thread_name', pid: 2, tid: 5, args: { name: 'q' } },
];
const trace = (...events: object[]) => ({ displayTimeUnit: 'ms', traceEvents: [...names, ...events] });

describe('checkTraceFormat', () => {
  it('accepts nested slices, marks inside them, a flow with two ends, and counters', () => {
    const c = checkTraceFormat(
      trace(
        { ph: 'B', pid: 2, tid: 3, ts: 1, name: 'life' },
        { ph: 'X', pid: 2, tid: 3, ts: 2, dur: 0, name: 'send', bind_id: 1, flow_out: true },
        { ph: 'B', pid: 2, tid: 5, ts: 3, name: 'life' },
        { ph: 'X', pid: 2, tid: 5, ts: 4, dur: 0, name: 'got', bind_id: 1, flow_in: true },
        { ph: 'X', pid: 2, tid: 3, ts: 5, dur: 0, name: 'got too', bind_id: 1, flow_in: true },
        { ph: 'C', pid: 2, tid: 2, ts: 5, name: 'processes', args: { running: 2 } },
        { ph: 'E', pid: 2, tid: 5, ts: 6 },
        { ph: 'E', pid: 2, tid: 3, ts: 7 },
      ),
    );
    expect(c).toEqual({ problems: [], events: 11, tracks: 2, slices: 2, marks: 3, flows: 1, arrows: 2 });
  });

  it.each([
    ['a begin never ended', [{ ph: 'B', pid: 2, tid: 3, ts: 1, name: 'life' }], 'track 2/3: slice "life" (event 3, ts 1) is never ended'],
    ['an end with nothing open', [{ ph: 'E', pid: 2, tid: 3, ts: 1 }], 'track 2/3: event 3 ends a slice at ts 1 but none is open'],
    ['two records at one time on a track', [{ ph: 'X', pid: 2, tid: 3, ts: 1, dur: 0, name: 'a' }, { ph: 'X', pid: 2, tid: 3, ts: 1, dur: 0, name: 'b' }], 'track 2/3: events 3 and 4 are both at ts 1'],
    ['a flow that never ends', [{ ph: 'X', pid: 2, tid: 3, ts: 1, dur: 0, name: 'a', bind_id: 9, flow_out: true }], 'flow 9 starts at event 3 and never ends'],
    ['a flow that never starts', [{ ph: 'X', pid: 2, tid: 3, ts: 1, dur: 0, name: 'a', bind_id: 9, flow_in: true }], 'flow 9 ends at event 3 but never starts'],
    [
      'a flow that ends before it starts',
      [{ ph: 'X', pid: 2, tid: 3, ts: 5, dur: 0, name: 'a', bind_id: 9, flow_out: true }, { ph: 'X', pid: 2, tid: 5, ts: 4, dur: 0, name: 'b', bind_id: 9, flow_in: true }],
      'flow 9 ends at event 4 (ts 4) before it starts (ts 5)',
    ],
    ['one thread in two processes', [{ ph: 'X', pid: 4, tid: 3, ts: 1, dur: 0, name: 'a' }], 'event 3: tid 3 is in pid 4, but earlier in pid 2'],
    ['a track without a name', [{ ph: 'X', pid: 2, tid: 7, ts: 1, dur: 0, name: 'a' }], 'track 2/7 has no thread_name'],
    [
      'a slice ending before one inside it',
      [{ ph: 'B', pid: 2, tid: 3, ts: 1, name: 'outer' }, { ph: 'X', pid: 2, tid: 3, ts: 2, dur: 5, name: 'inner' }, { ph: 'E', pid: 2, tid: 3, ts: 3 }],
      'track 2/3: slice "outer" (event 3) ends at 3, before a slice inside it ends at 7',
    ],
    ['an unknown phase', [{ ph: 'Q', pid: 2, tid: 3, ts: 1 }], 'event 3: unknown phase "Q"'],
    ['a counter without numbers', [{ ph: 'C', pid: 2, tid: 2, ts: 1, name: 'n', args: { x: 'many' } }], 'event 3: a counter needs numeric args'],
  ])('finds %s', (_what, events, problem) => {
    expect(checkTraceFormat(trace(...events)).problems).toContain(problem);
  });

  it('refuses what is not a trace', () => {
    expect(checkTraceFormat([1, 2]).problems).toEqual(['the trace is not an object with a traceEvents array']);
  });
});
