import { describe, expect, it } from 'vitest';
import {
  decodeCalls,
  decodeReplies,
  encodeCall,
  encodeReply,
  encodeStatus,
  fail,
  ok,
  type CallMsg,
  type ChildChange,
  type NsId,
  type CallId,
  type ProcKey,
} from '../src/index.js';

const call = (op: CallMsg['op']): CallMsg => ({ type: 'call', id: 12345 as CallId, caller: 77 * 256 as ProcKey, op });
const ns = (65536 * 3 + 1) as NsId;

function roundTrip(msgs: CallMsg[]): { to: NsId; msg: CallMsg }[] {
  const out: number[] = [];
  for (const m of msgs) expect(encodeCall(ns, m, out)).toBe(true);
  const back: { to: NsId; msg: CallMsg }[] = [];
  decodeCalls(new Float64Array(out), (to, msg) => back.push({ to, msg }));
  return back;
}

describe('wire codec: hot calls as numeric records', () => {
  it('round-trips every hot call exactly', () => {
    const msgs = [
      call({ op: 'fork' }),
      call({ op: 'fork', program: { name: 'idle' } }),
      call({ op: 'fork', program: { name: 'reaper' } }),
      call({ op: 'fork', program: { name: 'exit', code: 3 } }),
      call({ op: 'exit', code: 7 }),
      call({ op: 'wait', pid: -1, options: {} }),
      call({ op: 'wait', pid: -42, options: { nohang: true, untraced: true, continued: true, nowait: true, exited: false } }),
      call({ op: 'kill', pid: -1, sig: 9 }),
      call({ op: 'getpid' }),
      call({ op: 'getppid' }),
    ];
    expect(roundTrip(msgs)).toEqual(msgs.map((msg) => ({ to: ns, msg })));
  });

  it('leaves everything else to the object path', () => {
    const out: number[] = [];
    expect(encodeCall(ns, call({ op: 'fork', newPid: true }), out)).toBe(false);
    expect(encodeCall(ns, call({ op: 'fork', program: { name: 'sleep', seconds: 1 } }), out)).toBe(false);
    expect(encodeCall(ns, call({ op: 'kill', pid: 2, sig: 34, value: 5 }), out)).toBe(false);
    expect(encodeCall(ns, call({ op: 'setsid' }), out)).toBe(false);
    expect(out).toEqual([]);
  });
});

describe('wire codec: plain replies as numeric records', () => {
  const changes: ChildChange[] = [
    { kind: 'exited', code: 0 },
    { kind: 'exited', code: 255 },
    { kind: 'killed', signal: 9, core: false },
    { kind: 'killed', signal: 6, core: true },
    { kind: 'stopped', signal: 19 },
    { kind: 'continued' },
  ];

  it('round-trips numbers, nothing, wait results and fork results', () => {
    const results = [
      ok(undefined),
      ok(0),
      ok(-1),
      ok({ pid: 0, status: 0, change: null, code: 0 }),
      ...changes.map((change, i) => ok({ pid: 10 + i, status: encodeStatus(change), change, code: i + 1 })),
      ok({ key: 513, nums: [300, 7, 1] }),
    ];
    const out: number[] = [];
    results.forEach((r, i) => expect(encodeReply((i + 1) as CallId, r, out)).toBe(true));
    const back: unknown[] = [];
    decodeReplies(new Float64Array(out), (id, r) => back.push([id, r]));
    expect(back).toEqual(results.map((r, i) => [i + 1, r]));
  });

  it('leaves errors and other values to the object path', () => {
    const out: number[] = [];
    expect(encodeReply(1 as CallId, fail('ESRCH', 'kill', 4), out)).toBe(false);
    expect(encodeReply(1 as CallId, ok({ key: 1, nums: [2], ns: {} }), out)).toBe(false);
    expect(encodeReply(1 as CallId, ok([1, 2]), out)).toBe(false);
    expect(encodeReply(1 as CallId, ok({ handler: 'default' }), out)).toBe(false);
    expect(out).toEqual([]);
  });
});
