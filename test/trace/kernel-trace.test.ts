// kernel.trace(): what a trace of a run shows, checked record by record on a
// cascade (docs/trace.md), on three inline seeds.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createKernel } from '../../src/index.js';
import { forkCascade, readTrace, stopContinueKill, traceFile, trackNames, type TraceEvent } from './trace-support.js';

const SEEDS = [1, 7, 424242];
const tidOf = (p: { key: number }): number => 2 * p.key + 1;
const pidOfNs = (p: { ns: { id: number } }): number => 2 * p.ns.id;

/** The cascade, traced from the kernel's boot into `file`. */
async function tracedCascadeInto(file: string, seed = 7) {
  const kernel = createKernel({ seed });
  const trace = kernel.trace({ file });
  const cascade = { kernel, ...(await forkCascade(kernel)) };
  await stopContinueKill(cascade);
  const summary = trace.close();
  await kernel.close();
  return { ...cascade, file, summary };
}

async function tracedCascade(seed: number) {
  const t = await tracedCascadeInto(traceFile(), seed);
  return { ...t, events: readTrace(t.file) };
}

describe.each(SEEDS)('a traced cascade, seed %i', (seed) => {
  it('one track per process, in its namespace, named with its name and NSpid', async () => {
    const t = await tracedCascade(seed);
    const names = trackNames(t.events);
    expect(names.get(tidOf(t.a))).toEqual({ pid: pidOfNs(t.a), name: `a · NSpid ${t.a.nspid.join(' ')}` });
    expect(names.get(tidOf(t.b))).toEqual({ pid: pidOfNs(t.b), name: `b · NSpid ${t.b.nspid.join(' ')}` });
    expect(names.get(tidOf(t.c))).toEqual({ pid: pidOfNs(t.c), name: `c · NSpid ${t.c.nspid.join(' ')}` });
    expect(names.get(tidOf(t.d))).toEqual({ pid: pidOfNs(t.d), name: 'd · NSpid 5 4 2' });
    const processNames = t.events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!['name']);
    expect(processNames).toEqual(['PID namespace #1 · level 0 (root)', 'PID namespace #2 · level 1', 'PID namespace #3 · level 2']);
  });

  it('each process lives, is a zombie from its exit to its reaping, and its syscalls are slices ending with their result', async () => {
    const t = await tracedCascade(seed);
    const on = (p: { key: number }): TraceEvent[] => t.events.filter((e) => e.tid === tidOf(p) && e.ph !== 'M');
    const d = on(t.d);
    expect(d.filter((e) => e.ph === 'B').map((e) => e.name)).toEqual(['d', 'stopped', 'zombie']);
    expect(d.filter((e) => e.ph === 'X' && e.cat === 'process').map((e) => e.name)).toEqual(['killed by SIGKILL']);
    const zombieEnd = d.filter((e) => e.ph === 'E').at(-1)!;
    expect(zombieEnd.args).toEqual({ reapedBy: `NSpid ${t.c.nspid.join(' ')}`, auto: true });
    const b = on(t.b);
    const forkB = b.find((e) => e.ph === 'B' && e.name === 'fork')!;
    expect(forkB.args).toEqual({ newPid: true, program: { name: 'reaper' }, name: 'c' });
    const afterFork = b.filter((e) => e.ts > forkB.ts && (e.ph === 'B' || e.ph === 'E'))[0]!;
    expect(afterFork).toMatchObject({ ph: 'E', args: { child: `NSpid ${t.c.nspid.join(' ')}` } });
    expect(b.filter((e) => e.ph === 'B' && e.name === 'kill').length).toBe(2);
  });

  it('signals: a mark where one is sent, one where it lands, and an arrow from the first to the second', async () => {
    const t = await tracedCascade(seed);
    const out = t.events.filter((e) => e.flow_out && e.cat === 'signal');
    const arrows = out.map((o) => [o.name, o.tid, t.events.find((e) => e.flow_in && e.bind_id === o.bind_id)!] as const);
    expect(arrows.map(([name, from, to]) => [name, from, to.name, to.tid])).toEqual([
      ['send SIGSTOP', tidOf(t.b), 'SIGSTOP: stop', tidOf(t.d)],
      ['send SIGCONT', tidOf(t.b), 'SIGCONT: continue', tidOf(t.d)],
      ['send SIGKILL', tidOf(t.kernel.init), 'SIGKILL: terminate', tidOf(t.a)],
    ]);
    expect(t.summary.signalFlows).toBe(3);
  });

  it('the teardown: an arrow from the dying init to every process its namespace kills, from the innermost exiting namespace', async () => {
    const t = await tracedCascade(seed);
    const sources = t.events.filter((e) => e.cat === 'cascade');
    expect(sources.map((e) => [e.tid, e.args])).toEqual([
      [tidOf(t.a), { namespace: '#2' }],
      [tidOf(t.c), { namespace: '#3' }],
    ]);
    const victims = new Map<number, number[]>();
    for (const s of sources) {
      for (const e of t.events) if (e.flow_in && e.bind_id === s.bind_id) victims.set(e.tid, [...(victims.get(e.tid) ?? []), s.tid]);
    }
    // b and c are a's namespace's; d is in c's, nested: whichever teardown's SIGKILL was sent to it first.
    expect(victims.get(tidOf(t.b))).toEqual([tidOf(t.a)]);
    expect(victims.get(tidOf(t.c))).toEqual([tidOf(t.a)]);
    expect([[tidOf(t.a)], [tidOf(t.c)]]).toContainEqual(victims.get(tidOf(t.d)));
    expect(victims.size).toBe(3);
    expect(t.summary.cascadeFlows).toBe(3);
  });

  it('counters of running and zombie processes per namespace follow forks, exits and reapings', async () => {
    const t = await tracedCascade(seed);
    const series = (ns: { id: number }) => t.events.filter((e) => e.ph === 'C' && e.pid === 2 * ns.id).map((e) => e.args);
    expect(series(t.c.ns)[0]).toEqual({ running: 1, zombie: 0 });
    expect(series(t.c.ns)).toContainEqual({ running: 2, zombie: 0 });
    expect(series(t.c.ns).at(-1)).toEqual({ running: 0, zombie: 0 });
    expect(series(t.a.ns).at(-1)).toEqual({ running: 0, zombie: 0 });
    expect(series(t.kernel.init.ns).at(-1)).toEqual({ running: 1, zombie: 0 });
  });

  it('timestamps: 1000 × virtual ms + the record index, so they are distinct and ordered in the order things happened', async () => {
    const t = await tracedCascade(seed);
    const timed = t.events.filter((e) => e.ph !== 'M');
    const kill = timed.find((e) => e.name === 'kill' && e.tid === tidOf(t.kernel.init))!;
    // The root's kill comes after advance(1000): virtual time 1000 ms.
    expect(Math.floor(kill.ts / 1000)).toBe(1000);
    const stamps = [...new Set(timed.filter((e) => e.ph !== 'C').map((e) => e.ts))];
    expect(stamps.length).toBe(timed.filter((e) => e.ph !== 'C').length);
    // Written as it happened: in file order, except the marks whose arrow waited for its other end.
    const unordered = timed.filter((e, i) => i > 0 && e.ts < timed[i - 1]!.ts && !(e.ph === 'X' && (e.flow_out || e.flow_in)));
    expect(unordered.filter((e) => e.ph !== 'X')).toEqual([]);
  });
});

describe('kernel.trace() replays', () => {
  it('the same seed writes the same trace, byte for byte', async () => {
    const files = [traceFile(), traceFile()];
    for (const file of files) await tracedCascadeInto(file);
    expect(readFileSync(files[0]!, 'utf8')).toBe(readFileSync(files[1]!, 'utf8'));
  });
});

describe('kernel.trace() on worker threads', () => {
  it('writes a valid trace of the same processes and signal arrows (events in the order they reach the main thread)', async () => {
    const file = traceFile();
    const kernel = createKernel({ transport: 'threads', workers: 2 });
    try {
      const trace = kernel.trace({ file });
      const cascade = { kernel, ...(await forkCascade(kernel)) };
      await stopContinueKill(cascade);
      const summary = trace.close();
      expect(summary.signalFlows).toBe(3);
      // Each of b, c and d gets one teardown arrow, whichever namespace's SIGKILL reached it first.
      expect(summary.cascadeFlows).toBe(3);
      const names = [...trackNames(readTrace(file)).values()].map((n) => n.name);
      expect(names.filter((n) => !n.startsWith('PID namespace')).sort()).toEqual(
        ['init · NSpid 1', ...[cascade.a, cascade.b, cascade.c, cascade.d].map((p, i) => `${'abcd'[i]} · NSpid ${p.nspid.join(' ')}`)].sort(),
      );
    } finally {
      await kernel.close();
    }
  });
});
