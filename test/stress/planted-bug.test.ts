// Stress finds a planted bug, names it and shrinks it. The bug is planted from
// here, never in the shipped engine: NamespaceActor.prototype.handle is wrapped
// (in-process, inline transport) so that one kind of message is lost.
//   - teardown: the SIGKILL a dying namespace init sends to processes living
//     in other actors (nested namespaces) never arrives, so they outlive their
//     namespace - invariant 3;
//   - kill(): the signal to a process of another namespace is delivered but
//     its acknowledgement is lost, so the kill() call never returns - a hang.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NamespaceActor } from '@pidsim/actors';
import type { ActorMsg } from '@pidsim/core';
import { runStress, runStressCli, shrinkFailure } from '../../src/stress/index.js';
import { capturedIo } from '../support/captured-io.js';

const original = NamespaceActor.prototype.handle;
afterEach(() => {
  NamespaceActor.prototype.handle = original;
});

/** Wraps every actor's entry point: messages `lose` matches are dropped. */
function plant(lose: (msg: ActorMsg) => boolean): void {
  NamespaceActor.prototype.handle = function (this: NamespaceActor, msg: ActorMsg): void {
    if (lose(msg)) return;
    original.call(this, msg);
  };
}

const lostTeardownKill = (msg: ActorMsg): boolean => msg.type === 'signal' && msg.sender.kind === 'kernel' && msg.sig === 9;
const lostKillAck = (msg: ActorMsg): boolean => msg.type === 'signal' && msg.sender.kind === 'process' && msg.ack.kind === 'reply' && msg.targets.length === 1;

const shape = { depth: 3, fanout: 3, processes: 600, concurrency: 32 };

describe('a planted bug', () => {
  it('teardown that misses nested namespaces: found, named invariant 3, shrunk to fewer operations and fewer choices', async () => {
    plant(lostTeardownKill);
    const run = await runStress({ ...shape, seed: 2, transport: 'inline' });
    expect(run.passed).toBe(false);
    const f = run.failure!;
    expect(f.kind).toBe('invariant');
    expect(f.invariant).toBe(3);
    expect(f.violations[0]!.message).toMatch(/is running in namespace \d+ \(level \d+\) whose init has exited/);
    expect(f.violations[0]!.processes[0]).toMatch(/^process \d+ \(NSpid [\d ]+, s\d+, running\)$/);

    const s = await shrinkFailure({ seed: 2, shape, failure: f, budgetMs: 30_000 });
    expect(s.reproduced).toBe(true);
    expect(s.failure?.invariant).toBe(3);
    expect(s.ops.length).toBeLessThan(run.opsSelected);
    expect(s.ops.length).toBeLessThanOrEqual(8);
    expect(s.choices).toBeLessThan(run.choices!);

    // The reproducer replays; without the bug the same operations pass.
    const replay = { ...shape, seed: 2, transport: 'inline' as const, chaos: s.chaos ?? undefined, ops: new Set(s.ops) };
    expect((await runStress(replay)).failure?.invariant).toBe(3);
    NamespaceActor.prototype.handle = original;
    expect((await runStress(replay)).passed).toBe(true);
  });

  it('the CLI prints the seed, the invariant, the processes involved and the replay command, then the shrunk reproducer, and exits 1', async () => {
    plant(lostTeardownKill);
    const dir = mkdtempSync(join(tmpdir(), 'pidsim-stress-'));
    const report = join(dir, 'report.json');
    const io = capturedIo();
    const args = ['--seed', '2', '--depth', '3', '--fanout', '3', '--processes', '600', '--concurrency', '32', '--shrink-time', '30', '--report', report];
    expect(await runStressCli(args, io)).toBe(1);
    const out = io.out();
    expect(out).toMatch(/^FAILED seed 2: invariant 3 broken \(round \d+ of \d+, after [\d,]+ operations\)$/m);
    expect(out).toContain('invariant 3: No live process remains in a namespace whose init has exited.');
    expect(out).toMatch(/processes involved:\n {4}process \d+ \(NSpid [\d ]+, s\d+, running\)/);
    expect(out).toContain('  replay: pidsim stress --seed 2 --depth 3 --fanout 3 --processes 600 --concurrency 32\n');
    expect(out).toMatch(/minimal reproducer: \d operations \(of [\d,]+\), \d+ scheduling choices \(of [\d,]+\)/);
    expect(out).toMatch(/ {2}replay: pidsim stress --seed 2 --depth 3 --fanout 3 --processes 600 --concurrency 32 --chaos \d+ --ops [\d,-]+\n/);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ tool: 'pidsim stress', result: 'failed', seed: 2, failure: { kind: 'invariant', invariant: 3 } });
    expect(json.shrunk.operations).toBeLessThan(json.shrunk.originalOperations);
    expect(json.shrunk.choices).toBeLessThan(json.shrunk.originalChoices);
  });

  it('a kill() whose answer is lost: reported as a hang naming the pending call and its process, and shrunk', async () => {
    plant(lostKillAck);
    const run = await runStress({ ...shape, seed: 2, transport: 'inline' });
    expect(run.passed).toBe(false);
    const f = run.failure!;
    expect(f.kind).toBe('hang');
    expect(f.invariant).toBe(6);
    expect(f.pending.length).toBeGreaterThan(0);
    expect(f.pending[0]).toMatchObject({ syscall: 'kill' });
    expect(f.pending[0]!.process).toMatch(/^process \d+ \(NSpid [\d ]+, (s\d+|init), \w+\)/);

    const s = await shrinkFailure({ seed: 2, shape, failure: f, budgetMs: 30_000 });
    expect(s.reproduced).toBe(true);
    expect(s.failure?.kind).toBe('hang');
    expect(s.ops.length).toBeLessThanOrEqual(8);
  });
});
