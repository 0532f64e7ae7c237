// What a trace keeps: one namespace subtree, a window of trace time, and the
// lanes a process gets when its slices overlap; and bad trace() options.

import { describe, expect, it } from 'vitest';
import { createKernel } from '../../src/index.js';
import { forkCascade, readTrace, stopContinueKill, traceFile, trackNames } from './trace-support.js';

async function traced(options: { namespace?: number; window?: { from: number; to: number } }) {
  const file = traceFile();
  const kernel = createKernel({ seed: 1 });
  const trace = kernel.trace({ file, ...options });
  const cascade = { kernel, ...(await forkCascade(kernel)) };
  await stopContinueKill(cascade);
  const summary = trace.close();
  await kernel.close();
  return { ...cascade, summary, events: readTrace(file) };
}

describe('a trace of one namespace subtree', () => {
  it('--trace-ns 2 keeps namespace #2 and the #3 nested in it, with the teardown arrows between them', async () => {
    const t = await traced({ namespace: 2 });
    expect([...new Set(t.events.map((e) => e.pid))].sort()).toEqual([4, 6]);
    expect([...trackNames(t.events).values()].map((n) => n.name).sort()).toEqual([
      'PID namespace #2 · level 1',
      'PID namespace #3 · level 2',
      `a · NSpid ${t.a.nspid.join(' ')}`,
      `b · NSpid ${t.b.nspid.join(' ')}`,
      `c · NSpid ${t.c.nspid.join(' ')}`,
      `d · NSpid ${t.d.nspid.join(' ')}`,
    ].sort());
    expect(t.events.filter((e) => e.flow_out && e.cat === 'signal').map((e) => e.name)).toEqual(['send SIGSTOP', 'send SIGCONT']);
    // The root's SIGKILL to a is drawn on a's track, without an arrow from the root, which is left out.
    expect(t.events.filter((e) => e.name === 'SIGKILL: terminate' && e.tid === 2 * t.a.key + 1)).toEqual([expect.not.objectContaining({ bind_id: expect.anything() })]);
    expect(t.events.filter((e) => e.cat === 'cascade').length).toBe(2);
  });

  it('--trace-ns 3 keeps only the innermost namespace: c and d', async () => {
    const t = await traced({ namespace: 3 });
    expect([...new Set(t.events.map((e) => e.pid))]).toEqual([6]);
    expect([...trackNames(t.events).keys()].sort((x, y) => x - y)).toEqual([6, 2 * t.c.key + 1, 2 * t.d.key + 1]);
  });
});

describe('a trace of a window of trace time', () => {
  it('keeps the records in the window; what is open at its edges begins and ends there, marked clipped', async () => {
    const full = await traced({});
    const stamps = full.events.filter((e) => e.ph !== 'M').map((e) => e.ts);
    // From the SIGSTOP to just after the root's kill: d is stopped and then continued inside it.
    const from = full.events.find((e) => e.name === 'send SIGSTOP')!.ts;
    const to = full.events.find((e) => e.name === 'kill' && e.tid === 2 * full.kernel.init.key + 1)!.ts + 3;
    const t = await traced({ window: { from, to } });
    const timed = t.events.filter((e) => e.ph !== 'M');
    for (const e of timed) {
      expect(e.ts).toBeGreaterThan(from - 0.011);
      expect(e.ts).toBeLessThan(to + 0.011);
    }
    const inside = new Set(stamps.filter((ts) => ts >= from && ts <= to));
    expect(new Set(timed.filter((e) => Number.isInteger(e.ts)).map((e) => e.ts))).toEqual(inside);
    const clippedBegins = timed.filter((e) => e.ph === 'B' && e.args?.['clipped'] === 'began before the window');
    // Every life then, the namespaces' lives, and b's kill syscall in flight.
    expect(clippedBegins.map((e) => e.name).sort()).toEqual(['PID namespace #1 · level 0 (root)', 'PID namespace #2 · level 1', 'PID namespace #3 · level 2', 'a', 'b', 'c', 'd', 'init', 'kill'].sort());
    expect(timed.filter((e) => e.ph === 'E' && e.args?.['clipped'] === 'ended after the window').length).toBeGreaterThan(0);
    expect(t.events.filter((e) => e.cat === 'cascade')).toEqual([]);
  });

  it('a window after the run writes an empty, valid trace', async () => {
    const t = await traced({ window: { from: 1e12, to: 2e12 } });
    expect(t.events).toEqual([]);
    expect(t.summary.records).toBe(0);
  });
});

describe('overlapping slices of one process', () => {
  it('a SIGSTOP in the middle of a blocked wait goes on an overlap lane of its own, so every track nests', async () => {
    const file = traceFile();
    const kernel = createKernel({ seed: 3 });
    const trace = kernel.trace({ file });
    const parent = await kernel.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    const waiting = parent.wait(child.pid);
    await kernel.init.kill(parent.pid, 'SIGSTOP');
    await kernel.init.kill(parent.pid, 'SIGCONT');
    await kernel.init.kill(child.pid, 'SIGKILL');
    expect((await waiting).change).toEqual({ kind: 'killed', signal: 9, core: false });
    const summary = trace.close();
    await kernel.close();
    const events = readTrace(file);
    expect(summary.overlapLanes).toBe(1);
    const lanes = [...trackNames(events).entries()].filter(([, n]) => n.name.startsWith('parent'));
    expect(lanes.map(([, n]) => n.name)).toEqual([`parent · NSpid ${parent.pid}`, `parent · NSpid ${parent.pid} · overlap 1`]);
    const overlap = lanes[1]![0];
    expect(events.filter((e) => e.tid === overlap && e.ph === 'B').map((e) => e.name)).toEqual(['stopped']);
  });
});

describe('trace() options', () => {
  const kernel = createKernel();
  it.each([
    [{ file: '' }, 'trace: option `file`: Too small: expected string to have >=1 characters; received ""'],
    [{ file: 'x.json', namespace: 0 }, 'trace: option `namespace`: Too small: expected number to be >=1; received 0'],
    [{ file: 'x.json', window: { from: 5, to: 1 } }, 'trace: option `window`: from must not be after to; received {"from":5,"to":1}'],
    [{ file: 'x.json', colour: 'red' }, 'trace: options: Unrecognized key: "colour" (`colour`); received {"file":"x.json","colour":"red"}'],
  ])('%j is refused: %s', (options, message) => {
    expect(() => kernel.trace(options as never)).toThrow(new TypeError(message));
  });
});
