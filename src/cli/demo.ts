// `pidsim demo` (what `npm start` runs): builds three nested PID namespaces
// the way the article does, shows one process under a different PID from
// every namespace, then kills the middle namespace's init and shows the
// cascade and the ENOMEM that follows.

import { createKernel, KernelError, type Process, type TimedEvent } from '../index.js';
import { signalName } from '@pidsim/core';
import type { TraceOptions } from '../trace/index.js';
import { runCommand, type CommandIo } from './command-entry.js';
import { defineCommand } from './command-spec.js';
import { TRACE_OPTIONS, traceOptionsOf } from './output-options.js';

export const DEMO_COMMAND = defineCommand({
  name: 'demo',
  synopsis: ['[--trace FILE [--trace-ns N] [--trace-window A:B]]'],
  about: `Builds three nested PID namespaces the way the article does, shows one process
under a different PID from every namespace, then kills the middle namespace's
init and shows the cascade and the ENOMEM that follows. What npm start runs.`,
  options: TRACE_OPTIONS,
  footer: 'exit status: 0 every invariant held at the end, 1 otherwise, 2 bad usage.',
});

/** `pidsim demo ARGS`: resolves the exit status. */
export function runDemoCli(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(DEMO_COMMAND, args, io, (p) => runDemo({ out: io.stdout, trace: traceOptionsOf(p.options) }));
}

export interface DemoIo {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Write the demo's run as a trace (docs/trace.md). */
  readonly trace?: TraceOptions | undefined;
}

export async function runDemo(io: DemoIo): Promise<number> {
  const bold = io.out.isTTY ? (s: string) => `\x1b[1m${s}\x1b[0m` : (s: string) => s;
  const say = (s = ''): void => void io.out.write(`${s}\n`);
  const heading = (s: string): void => say(`\n${bold(`== ${s}`)}`);
  const k = createKernel({ seed: 1 });
  const trace = io.trace ? k.trace(io.trace) : undefined;

  heading('Boot: the root namespace and its init');
  const bash = await k.init.fork({ program: 'reaper', name: 'bash', argv: ['/bin/bash'] });
  await bash.setsid();
  say(`init is PID ${k.init.pid}; a login shell (bash) is PID ${bash.pid}`);

  heading('Three nested PID namespaces (sudo unshare --pid --fork /bin/bash, three times)');
  let shell = bash;
  const inits: Process[] = [];
  const unshares: Process[] = [];
  for (let i = 1; i <= 3; i++) {
    const sudo = await shell.fork({ program: 'reaper', name: 'sudo', argv: ['sudo', 'unshare', '--pid', '--fork', '/bin/bash'] });
    const unshare = await sudo.fork({ program: 'reaper', name: 'unshare', argv: ['unshare', '--pid', '--fork', '/bin/bash'] });
    await unshare.unshare({ newPid: true });
    shell = await unshare.fork({ program: 'reaper', name: 'bash', argv: ['/bin/bash'] });
    unshares.push(unshare);
    inits.push(shell);
    say(`namespace ${i}: bash is PID ${shell.pid} inside, NSpid ${shell.nspid.join(' ')} (root first)`);
  }
  const sleep = await shell.fork({ program: { name: 'sleep', seconds: 3600 }, name: 'sleep', argv: ['sleep', '3600'] });

  heading('pstree -p, from the root namespace');
  io.out.write(await k.procfs(k.init.ns).pstree());

  heading('The same sleep process, seen from each namespace');
  const views = [k.init.ns, ...inits.map((p) => p.ns)];
  for (const [i, ns] of views.entries()) {
    const status = await k.procfs(ns).status(sleep.pidIn(ns));
    say(`${i === 0 ? 'root       ' : `namespace ${i}`}  Pid ${String(status.pid).padStart(3)}  PPid ${String(status.ppid).padStart(3)}  NSpid ${status.nspid.join(' ')}`);
  }

  heading('ps -ef inside namespace 2 (its init has PPID 0: its parent is outside)');
  io.out.write(await k.procfs(inits[1]!.ns).psEf());

  heading(`kill -SIGKILL ${inits[1]!.nspid[0]} from the root: namespace 2's init dies`);
  const events: TimedEvent[] = [];
  const stop = k.subscribe((e) => events.push(e));
  await k.init.kill(inits[1]!.nspid[0]!, 'SIGKILL');
  await k.settled();
  stop();
  for (const e of events) {
    if (e.type === 'exit') {
      const how = e.change.kind === 'killed' ? `killed by ${signalName(e.change.signal)}` : `exited ${JSON.stringify(e.change)}`;
      say(`  exit         NSpid ${e.nspid.join(' ').padEnd(12)} ${how}`);
    } else if (e.type === 'ns-exiting' || e.type === 'ns-destroyed') {
      say(`  ${e.type.padEnd(12)} namespace at level ${e.level}`);
    } else if (e.type === 'reap') {
      say(`  reap         NSpid ${e.nspid.join(' ')}${e.auto ? ' (automatic: the dying init ignores SIGCHLD)' : ''}`);
    }
  }

  heading('pstree -p after the cascade: namespaces 2 and 3 are gone');
  io.out.write(await k.procfs(k.init.ns).pstree());

  heading("A fork into the dead namespace (by namespace 1's unshare, whose pid_for_children still names it)");
  try {
    await unshares[1]!.fork();
    say('unexpected: the fork succeeded');
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    say(`fork() -> ${e.message}`);
  }

  heading('Invariants');
  const violations = await k.checkInvariants();
  say(violations.length === 0 ? 'all 7 invariants of docs/architecture.md hold' : violations.map((v) => `invariant ${v.invariant}: ${v.message}`).join('\n'));
  if (trace) {
    const t = trace.close();
    say(`\ntrace: ${t.file} (${t.records} records; open it in Perfetto UI, docs/trace.md)`);
  }
  await k.close();
  return violations.length === 0 ? 0 : 1;
}
