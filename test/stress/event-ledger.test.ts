// The stress event ledger counts live processes from the kernel's events. On
// threads the events of two workers arrive out of causal order: the reap of a
// process (batched on the worker of its parent) may arrive after the fork that
// reuses its root PID (on another worker). The ledger must not count both as
// live at once - a threads run once reported 32,807 live processes at peak
// under pid_max 32768 (at most 32,767 PIDs) that way.

import { describe, expect, it } from 'vitest';
import { asNsId, asProcKey } from '@pidsim/core';
import type { Kernel, TimedEvent } from '../../src/index.js';
import { EventLedger } from '../../src/stress/event-ledger.js';

const ROOT_NS = 1;
const ROOT_INIT = 100;

/** A kernel as the ledger sees it: the root init, and a subscription the test feeds by hand. */
function fakeKernel(): { kernel: Kernel; emit: (e: TimedEvent) => void } {
  let listener: ((e: TimedEvent) => void) | undefined;
  const kernel = {
    init: { key: ROOT_INIT, ns: { id: ROOT_NS } },
    subscribe(l: (e: TimedEvent) => void) {
      listener = l;
      return () => (listener = undefined);
    },
  } as unknown as Kernel;
  return { kernel, emit: (e) => listener!(e) };
}

const fork = (key: number, pid: number): TimedEvent => ({
  type: 'fork',
  key: asProcKey(key),
  nspid: [pid],
  ns: asNsId(ROOT_NS),
  parent: asProcKey(ROOT_INIT),
  name: `p${key}`,
  time: 0,
});
const reap = (key: number, pid: number): TimedEvent => ({
  type: 'reap',
  key: asProcKey(key),
  nspid: [pid],
  ns: asNsId(ROOT_NS),
  by: asProcKey(ROOT_INIT),
  auto: false,
  time: 0,
});

describe('stress event ledger: live processes', () => {
  it('threads: a fork reusing a root PID whose reap has not arrived yet counts that reap at once, and not again when it arrives', () => {
    const { kernel, emit } = fakeKernel();
    const ledger = new EventLedger(kernel, false, () => {});
    emit(fork(1, 2)); // root init + 1
    emit(fork(2, 3)); // + 2
    emit(fork(3, 2)); // PID 2 again: process 1 was reaped (its event is late)
    expect(ledger.liveProcesses).toBe(3);
    expect(ledger.counts.peakLiveProcesses).toBe(3);
    emit(reap(1, 2)); // the late reap: already counted
    expect(ledger.liveProcesses).toBe(3);
    emit(reap(3, 2)); // the new holder of PID 2
    emit(reap(2, 3));
    expect(ledger.liveProcesses).toBe(1);
    expect(ledger.counts).toMatchObject({ processesCreated: 3, processesReaped: 3, peakLiveProcesses: 3 });
    ledger.dispose();
  });

  it('threads: with every PID below a pid_max in use and reaps arriving late, the peak never exceeds the PIDs there are', () => {
    const { kernel, emit } = fakeKernel();
    const ledger = new EventLedger(kernel, false, () => {});
    const pidMax = 64; // PIDs 1..63; the root init holds 1
    let key = 1;
    const holder = new Map<number, number>();
    for (let pid = 2; pid < pidMax; pid++) {
      holder.set(pid, key);
      emit(fork(key++, pid));
    }
    // Each PID is freed and forked again; the reaps arrive in one late batch, as from another worker.
    const late: TimedEvent[] = [];
    for (let pid = 2; pid < pidMax; pid++) {
      late.push(reap(holder.get(pid)!, pid));
      holder.set(pid, key);
      emit(fork(key++, pid));
    }
    for (const e of late) emit(e);
    expect(ledger.counts.peakLiveProcesses).toBe(pidMax - 1);
    expect(ledger.liveProcesses).toBe(pidMax - 1);
    ledger.dispose();
  });

  it('inline: events arrive in causal order, and a fork of a PID still held is invariant 1, not a reap', () => {
    const { kernel, emit } = fakeKernel();
    const seen: (number | null)[] = [];
    const ledger = new EventLedger(kernel, true, (v) => seen.push(v.invariant));
    emit(fork(1, 2));
    emit(fork(2, 2));
    expect(seen).toEqual([1]);
    expect(ledger.liveProcesses).toBe(3);
    ledger.dispose();
  });
});
