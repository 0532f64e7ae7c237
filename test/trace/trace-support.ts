// Helpers the trace tests share: a temporary trace file, reading a trace
// back, and the cascade every test draws (three nested namespaces, a stop
// and a continue, then the outer init killed).

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Kernel, Process } from '../../src/index.js';
import { checkTraceFormat } from '../../src/trace/index.js';

export interface TraceEvent {
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly name?: string;
  readonly cat?: string;
  readonly args?: Record<string, unknown>;
  readonly bind_id?: number;
  readonly flow_in?: boolean;
  readonly flow_out?: boolean;
}

export function traceFile(name = 'trace.json'): string {
  return join(mkdtempSync(join(tmpdir(), 'pidsim-trace-')), name);
}

/** Reads a trace, requires it to follow the format's rules, and returns its events. */
export function readTrace(file: string): TraceEvent[] {
  const trace = JSON.parse(readFileSync(file, 'utf8'));
  expect(checkTraceFormat(trace).problems).toEqual([]);
  return trace.traceEvents as TraceEvent[];
}

/** The thread_name of every track: tid -> [pid, name]. */
export function trackNames(events: readonly TraceEvent[]): Map<number, { pid: number; name: string }> {
  const out = new Map<number, { pid: number; name: string }>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') out.set(e.tid, { pid: e.pid, name: String(e.args!['name']) });
  return out;
}

export interface Cascade {
  readonly kernel: Kernel;
  readonly a: Process;
  readonly b: Process;
  readonly c: Process;
  readonly d: Process;
}

/** Three nested namespaces: a is init of #2, b in #2, c init of #3 inside it, d in #3. */
export async function forkCascade(kernel: Kernel): Promise<Omit<Cascade, 'kernel'>> {
  const a = await kernel.init.fork({ newPid: true, program: 'reaper', name: 'a' });
  const b = await a.fork({ program: 'idle', name: 'b' });
  const c = await b.fork({ newPid: true, program: 'reaper', name: 'c' });
  const d = await c.fork({ program: { name: 'sleep', seconds: 5 }, name: 'd' });
  return { a, b, c, d };
}

export async function stopContinueKill(k: Cascade): Promise<void> {
  await k.b.kill(k.d.pidIn(k.b.ns), 'SIGSTOP');
  await k.b.kill(k.d.pidIn(k.b.ns), 'SIGCONT');
  await k.kernel.advance(1000);
  await k.kernel.init.kill(k.a.nspid[0]!, 'SIGKILL');
  await k.kernel.settled();
}
