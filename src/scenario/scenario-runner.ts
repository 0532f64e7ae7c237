// Runs a validated scenario on one backend: turns each step into a syscall
// (process names become PIDs as the caller sees them), records what it
// observed, and checks the step's expectation. The same code drives every
// backend, so two runs of one scenario can be compared step by step.

import { describeVariant, parseSignal, signalName, type KernelVariant } from '../index.js';
import {
  ScenarioRunError,
  type BackendFactory,
  type ProcIdentity,
  type HandlerStep,
  type ScenarioBackend,
  type StatusField,
  type Syscall,
} from './scenario-backend.js';
import { explainMismatch, isErrnoName, matchesExpectation, renderObservation, type Observation } from './observation.js';
import type { Scenario, Step } from './scenario-schema.js';

/** One step as it ran. */
export interface StepRecord {
  /** 1-based, as messages and docs/deviations.md count. */
  readonly step: number;
  readonly by: string | null;
  /** The call with PIDs resolved: `kill(3 [c], SIGTERM)`. */
  readonly call: string;
  readonly observed: Observation;
  /** What the step accepts (one value, or several), absent when it states nothing. */
  readonly expected?: readonly Observation[];
  /** null when the step states no expectation. */
  readonly pass: boolean | null;
  readonly note?: string;
}

/** passed: every expectation held; failed: one did not; error: the scenario could not go on; skipped: it did not run. */
export type RunStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface ScenarioRun {
  readonly scenario: string;
  readonly source: string;
  readonly backend: string;
  readonly status: RunStatus;
  readonly steps: readonly StepRecord[];
  /** One line per failed expectation: which step and why. */
  readonly failures: readonly string[];
  /** Why the run stopped (status 'error') or did not start (status 'skipped'). */
  readonly reason?: string;
  /** The backend's kernel variant, when a step's expectation depended on it (`upstream` or `name=value,...`). */
  readonly variant?: string;
}

/**
 * Runs `scenario` on a backend opened from `factory`, and always closes it.
 * A backend that cannot run here rejects with BackendUnavailableError.
 */
export async function runScenario(scenario: Scenario, factory: BackendFactory): Promise<ScenarioRun> {
  // Only a scenario whose expectations depend on the kernel build asks which build the backend has.
  const variant = scenario.steps.some((s) => s.variants !== undefined) ? await factory.variant() : null;
  const backend = await factory.open(scenario.root);
  const steps: StepRecord[] = [];
  const failures: string[] = [];
  const base = { scenario: scenario.name, source: scenario.source, backend: backend.name, ...(variant ? { variant: describeVariant(variant) } : {}) };
  try {
    const wanted = scenario.requires?.rootLevel;
    if (wanted !== undefined && backend.rootLevel !== wanted) {
      const have = backend.rootLevel === null ? 'cannot be known here (a container hides the levels above it)' : `is ${backend.rootLevel}`;
      return { ...base, status: 'skipped', steps, failures, reason: `the scenario needs its root namespace at level ${wanted}; on ${backend.name} it ${have}` };
    }
    const run = new Run(scenario, backend, variant);
    for (let i = 0; i < scenario.steps.length; i++) {
      const step = scenario.steps[i]!;
      let record: StepRecord;
      try {
        record = await run.step(step, i + 1);
      } catch (e) {
        if (!(e instanceof ScenarioRunError)) throw e;
        const where = step.op === 'sleep' ? `step ${i + 1}` : `step ${i + 1} (${step.by}: ${step.op})`;
        return { ...base, status: 'error', steps, failures, reason: `${where}: ${e.message}` };
      }
      steps.push(record);
      if (record.pass === false) failures.push(`step ${record.step} (${record.by ?? '-'}: ${record.call}): ${explainMismatch(record.expected!, record.observed)}`);
    }
    return { ...base, status: failures.length > 0 ? 'failed' : 'passed', steps, failures };
  } finally {
    await backend.close();
  }
}

/** The state of one run: handles held, failed forks, blocked calls, namespace names. */
class Run {
  readonly #backend: ScenarioBackend;
  /** Handles each process holds (opened, or inherited when forked), by name: namespace files and pidfds. */
  readonly #handles = new Map<string, Map<string, HandleKind>>();
  /** Children whose fork failed, with the step that tried. */
  readonly #failedForks = new Map<string, string>();
  /** Calls that have not returned, by process: for messages and join. */
  readonly #blocked = new Map<string, { step: number; call: string }>();
  /** Namespace inodes as the run names them (ns1, ns2, ... in order of first sight), so both backends compare. */
  readonly #nsNames = new Map<number, string>();
  /** Children a handler will fork, with the process whose handler it is. */
  readonly #handlerForks = new Map<string, string>();
  /** The backend's kernel variant; null when no step depends on it. */
  readonly #variant: KernelVariant | null;

  constructor(scenario: Scenario, backend: ScenarioBackend, variant: KernelVariant | null) {
    this.#backend = backend;
    this.#variant = variant;
    this.#handles.set(scenario.root, new Map());
  }

  /** The step's expectation, or the one its `variants` give for this backend's kernel variant. */
  #expected(step: Step): readonly Observation[] | undefined {
    let chosen: { expect?: Observation | undefined; expectOneOf?: Observation[] | undefined } = step;
    for (const [name, byValue] of Object.entries(step.variants ?? {})) {
      const override = this.#variant && byValue ? byValue[this.#variant[name as keyof KernelVariant]] : undefined;
      if (override) chosen = override;
    }
    return chosen.expect !== undefined ? [chosen.expect] : chosen.expectOneOf;
  }

  async step(step: Step, n: number): Promise<StepRecord> {
    const expected = this.#expected(step);
    const finish = (by: string | null, call: string, observed: Observation): StepRecord => ({
      step: n,
      by,
      call,
      observed,
      ...(expected ? { expected } : {}),
      pass: expected ? expected.some((e) => matchesExpectation(e, observed)) : null,
      ...(step.note ? { note: step.note } : {}),
    });
    if (step.op === 'sleep') {
      await this.#backend.sleep(step.ms);
      return finish(null, `sleep(${step.ms} ms)`, 'ok');
    }
    const by = step.by;
    const me = this.#identity(by);
    const blocked = this.#blocked.get(by);
    if (step.op === 'join') {
      if (!blocked) throw new ScenarioRunError(`${by} has no blocked call to join`);
      const observed = await this.#backend.join(by);
      if (observed !== 'blocked') this.#blocked.delete(by);
      return finish(by, `join step ${blocked.step}: ${blocked.call}`, observed);
    }
    if (blocked) throw new ScenarioRunError(`${by} is still blocked in step ${blocked.step} (${blocked.call}); add a join step before its next call`);
    const { syscall, call } = await this.#syscall(step, by, me);
    let observed = await this.#backend.call(by, syscall);
    if (observed === 'blocked') this.#blocked.set(by, { step: n, call });
    if (step.op === 'fork') {
      if (typeof observed === 'number') {
        this.#handles.set(step.as, new Map(this.#handles.get(by)));
        // CLONE_PIDFD: installed in the caller's fd table after the child's copy was made.
        if (step.pidfd) this.#handles.get(by)!.set(step.pidfd, 'pidfd');
      } else this.#failedForks.set(step.as, `its fork in step ${n} observed ${renderObservation(observed)}`);
    }
    if (step.op === 'sigaction' && observed !== 'blocked' && !isErrnoName(observed)) {
      for (const s of step.do ?? []) if ('fork' in s) this.#handlerForks.set(s.fork, by);
    }
    if (step.op === 'open_ns' && observed === 'ok') this.#handles.get(by)!.set(step.as, 'ns');
    if (step.op === 'pidfd_open' && observed === 'ok') this.#handles.get(by)!.set(step.as, 'pidfd');
    // execve(): the helper's namespace handles are close-on-exec, and a pidfd always is (SEMANTICS 8.17).
    if (step.op === 'exec' && observed === 'ok') this.#handles.get(by)!.clear();
    if ((step.op === 'ns_id' || step.op === 'ns_parent') && typeof observed === 'number') observed = this.#nsName(observed);
    // getuid() and geteuid() are two of getresuid()'s three.
    if ((step.op === 'getuid' || step.op === 'geteuid') && Array.isArray(observed)) observed = observed[step.op === 'getuid' ? 0 : 1]!;
    return finish(by, call, observed);
  }

  #nsName(inode: number): string {
    let name = this.#nsNames.get(inode);
    if (!name) this.#nsNames.set(inode, (name = `ns${this.#nsNames.size + 1}`));
    return name;
  }

  #identity(name: string): ProcIdentity {
    const id = this.#backend.identity(name);
    if (id) return id;
    const why = this.#failedForks.get(name);
    const handler = this.#handlerForks.get(name);
    const hint = why ? `: ${why}` : handler ? ` (yet): ${handler}'s handler forks it when its signal is delivered` : '';
    throw new ScenarioRunError(`there is no process ${name}${hint}`);
  }

  /**
   * `target`'s PID as `viewer` sees it (SEMANTICS 3.1). An invisible target
   * is a scenario error, and so is a reaped one: its PID may name another
   * process by now (write the number to use it anyway).
   */
  async #pidOf(target: string, viewerName: string, viewer: ProcIdentity): Promise<number> {
    const t = this.#identity(target);
    const level = viewer.chain.length - 1;
    if (t.chain.length <= level || t.chain[level] !== viewer.chain[level]) {
      throw new ScenarioRunError(`${target} is not visible in the namespace of ${viewerName}; to see what an invisible PID does, write the number`);
    }
    if (await this.#backend.reaped(target)) {
      throw new ScenarioRunError(`${target} was reaped: its PID ${t.nspid[level]} may name another process now; write the number to use it anyway`);
    }
    return t.nspid[level]!;
  }

  async #syscall(step: Exclude<Step, { op: 'sleep' | 'join' }>, by: string, me: ProcIdentity): Promise<{ syscall: Syscall; call: string }> {
    const pid = async (v: number | string): Promise<[number, string]> => {
      if (typeof v === 'number') return [v, String(v)];
      const n = await this.#pidOf(v, by, me);
      return [n, `${n} [${v}]`];
    };
    const pidOrSelf = async (v: number | string | undefined): Promise<[number | 'self', string]> => (v === undefined || v === 'self' ? ['self', 'self'] : pid(v));
    const group = async (v: number | string, g: boolean | undefined): Promise<[number, string]> => {
      const [n, text] = await pid(v);
      return g ? [-n, typeof v === 'string' ? `-${n} [group of ${v}]` : `-${n}`] : [n, text];
    };
    const sig = (s: number | string): number => (typeof s === 'number' ? s : parseSignal(s)!);
    switch (step.op) {
      case 'fork': {
        const flags = [step.thread ? 'CLONE_THREAD|CLONE_SIGHAND|CLONE_VM' : '', step.newPid ? 'newPid' : '', step.newUser ? 'newUser' : '', step.parent ? 'parent' : '', step.setTid ? `setTid=[${step.setTid.join(',')}]` : ''].filter(Boolean);
        if (step.pidfd) {
          flags.push(`CLONE_PIDFD -> ${step.pidfd}`);
          if (step.pidfd === step.as) throw new ScenarioRunError(`the pidfd and the child cannot both be named ${step.as}`);
        }
        return {
          syscall: {
            op: 'fork',
            child: step.as,
            newPid: step.newPid === true,
            newUser: step.newUser === true,
            parent: step.parent === true,
            setTid: step.setTid ?? null,
            pidfd: step.pidfd ?? null,
            thread: step.thread === true,
          },
          call: `${step.thread ? 'clone' : 'fork'}(${flags.join(', ')}) as ${step.as}`,
        };
      }
      case 'unshare': {
        const newPid = step.pid ?? true;
        const newUser = step.user === true;
        if (!newPid && !newUser) throw new ScenarioRunError('an unshare step needs pid or user (or both)');
        const flags = [newUser ? 'CLONE_NEWUSER' : '', newPid ? 'CLONE_NEWPID' : ''].filter(Boolean).join('|');
        return { syscall: { op: 'unshare', pid: newPid, user: newUser }, call: `unshare(${flags})` };
      }
      case 'open_ns': {
        const [p, text] = await pidOrSelf(step.target);
        const which = step.which ?? 'pid';
        return { syscall: { op: 'open_ns', handle: step.as, pid: p, which }, call: `open(/proc/${text}/ns/${which}) as ${step.as}` };
      }
      case 'setns': {
        if (step.ns !== undefined) {
          const kind = this.#handles.get(by)?.get(step.ns);
          if (kind === undefined) {
            throw new ScenarioRunError(`${by} holds no namespace handle ${step.ns}: a handle belongs to the process that opened it and to the children it forks afterwards (execve closes it)`);
          }
          if (kind === 'pidfd') throw new ScenarioRunError(`${step.ns} is a pidfd: setns(2) with a pidfd (Linux 5.8) is not emulated`);
          return { syscall: { op: 'setns', handle: step.ns }, call: `setns(${step.ns})` };
        }
        const [p, text] = await pidOrSelf(step.target);
        const which = step.which ?? 'pid';
        return { syscall: { op: 'setns_at', pid: p, which }, call: `setns(/proc/${text}/ns/${which})` };
      }
      case 'kill': {
        const [p, text] = await group(step.pid, step.group);
        return {
          syscall: { op: 'kill', pid: p, sig: sig(step.sig), report: step.report === true },
          call: `kill(${text}, ${sigText(sig(step.sig))})${step.report ? ' and what had run' : ''}`,
        };
      }
      case 'sigaction': {
        const flags = step.flags ?? [];
        if (step.do && step.action !== 'catch') throw new ScenarioRunError(`a handler's steps (do) need action catch, not ${step.action}`);
        const steps: HandlerStep[] = [];
        const texts: string[] = [];
        for (const d of step.do ?? []) {
          if ('exit' in d) {
            steps.push({ do: 'exit', code: d.exit });
            texts.push(`_exit(${d.exit})`);
          } else if ('kill' in d) {
            const [p, text] = d.kill === 'self' ? [me.nspid[me.nspid.length - 1]!, 'self'] : await pid(d.kill);
            steps.push({ do: 'kill', pid: p, sig: sig(d.sig) });
            texts.push(`kill(${text}, ${sigText(sig(d.sig))})`);
          } else if ('sigprocmask' in d) {
            const sigs = d.sigs.map(sig);
            steps.push({ do: 'sigprocmask', how: d.sigprocmask, sigs });
            texts.push(`sigprocmask(${d.sigprocmask}, [${sigs.map(sigText).join(' ')}])`);
          } else {
            if (this.#backend.identity(d.fork) || this.#handlerForks.has(d.fork)) throw new ScenarioRunError(`the name ${d.fork} is already taken`);
            steps.push({ do: 'fork', child: d.fork });
            texts.push(`fork() as ${d.fork}`);
          }
        }
        const handler = texts.length > 0 ? ` { ${texts.join('; ')} }` : '';
        return {
          syscall: { op: 'sigaction', sig: sig(step.sig), action: step.action, flags, steps },
          call: `sigaction(${sigText(sig(step.sig))}, ${step.action}${flags.length ? ` ${flags.join('|')}` : ''}${handler})`,
        };
      }
      case 'sigprocmask': {
        const sigs = (step.sigs ?? []).map(sig);
        return { syscall: { op: 'sigprocmask', how: step.how, sigs }, call: `sigprocmask(${step.how}, [${sigs.map(sigText).join(' ')}])` };
      }
      case 'sigpending':
        return { syscall: { op: 'sigpending' }, call: 'sigpending()' };
      case 'subreaper':
        return { syscall: { op: 'subreaper', on: step.on ?? true }, call: `prctl(PR_SET_CHILD_SUBREAPER, ${step.on ?? true ? 1 : 0})` };
      case 'setpgid': {
        const [p, pt] = step.pid === undefined ? [0, '0'] : await pid(step.pid);
        const [g, gt] = step.pgid === undefined ? [0, '0'] : await pid(step.pgid);
        return { syscall: { op: 'setpgid', pid: p, pgid: g }, call: `setpgid(${pt}, ${gt})` };
      }
      case 'setsid':
        return { syscall: { op: 'setsid' }, call: 'setsid()' };
      case 'getpgid':
      case 'getsid': {
        const [p, text] = step.pid === undefined ? [0, '0'] : await pid(step.pid);
        return { syscall: { op: step.op, pid: p }, call: `${step.op}(${text})` };
      }
      case 'getpid':
      case 'getppid':
        return { syscall: { op: step.op }, call: `${step.op}()` };
      case 'exit':
        return { syscall: { op: 'exit', code: step.code ?? 0 }, call: `exit(${step.code ?? 0})` };
      case 'exit_group':
        return { syscall: { op: 'exit_group', code: step.code ?? 0 }, call: `exit_group(${step.code ?? 0})` };
      case 'gettid':
        return { syscall: { op: 'gettid' }, call: 'gettid()' };
      case 'tgkill': {
        const [g, gt] = await pid(step.tgid);
        const [t, tt] = await pid(step.tid);
        return { syscall: { op: 'tgkill', tgid: g, tid: t, sig: sig(step.sig) }, call: `tgkill(${gt}, ${tt}, ${sigText(sig(step.sig))})` };
      }
      case 'tkill': {
        const [t, tt] = await pid(step.tid);
        return { syscall: { op: 'tgkill', tgid: null, tid: t, sig: sig(step.sig) }, call: `tkill(${tt}, ${sigText(sig(step.sig))})` };
      }
      case 'tasks': {
        const [p, text] = await pidOrSelf(step.target);
        return { syscall: { op: 'tasks', pid: p }, call: `ls /proc/${text}/task` };
      }
      case 'reboot':
        return { syscall: { op: 'reboot', cmd: step.cmd }, call: `reboot(${step.cmd})` };
      case 'wait': {
        const [p, text] = step.pid === undefined ? [-1, '-1'] : await group(step.pid, step.group);
        const opts = (['nohang', 'untraced', 'continued', 'nowait'] as const).filter((o) => step[o] === true);
        return {
          syscall: { op: 'wait', pid: p, nohang: step.nohang === true, untraced: step.untraced === true, continued: step.continued === true, nowait: step.nowait === true },
          call: `wait(${[text, ...opts].join(', ')})`,
        };
      }
      case 'status': {
        const [p, text] = await pidOrSelf(step.target);
        const fields = step.fields ?? DEFAULT_STATUS_FIELDS;
        return { syscall: { op: 'status', pid: p, fields }, call: `/proc/${text}/status` };
      }
      case 'pids':
        return { syscall: { op: 'pids' }, call: 'ls /proc' };
      case 'caught':
        return { syscall: { op: 'caught', sig: sig(step.sig) }, call: `caught(${sigText(sig(step.sig))})` };
      case 'delivered':
        return { syscall: { op: 'delivered' }, call: 'handlers run, in order' };
      case 'sysctl':
        return {
          syscall: { op: 'sysctl', name: step.name, value: step.value ?? null },
          call: step.value === undefined ? `read ${step.name}` : `write ${step.name}=${step.value}`,
        };
      case 'drop_privileges':
        return { syscall: { op: 'drop_privileges' }, call: 'setresuid(65534, 65534, 65534)' };
      case 'exec':
        return { syscall: { op: 'exec' }, call: 'execve(itself)' };
      case 'setuid':
        return { syscall: { op: 'setid', kind: 'uid', id: step.uid }, call: `setuid(${step.uid})` };
      case 'setgid':
        return { syscall: { op: 'setid', kind: 'gid', id: step.gid }, call: `setgid(${step.gid})` };
      case 'setresuid':
      case 'setresgid': {
        const kind = step.op === 'setresuid' ? 'uid' : 'gid';
        return { syscall: { op: 'setresid', kind, ids: step.ids }, call: `${step.op}(${step.ids.join(', ')})` };
      }
      case 'getuid':
      case 'geteuid':
      case 'getresuid':
        return { syscall: { op: 'getresid', kind: 'uid' }, call: `${step.op}()` };
      case 'getresgid':
        return { syscall: { op: 'getresid', kind: 'gid' }, call: 'getresgid()' };
      case 'uid_map':
      case 'gid_map': {
        const [p, text] = await pid(step.target);
        const map = step.map.trim().split(/\s+/).map(Number) as [number, number, number];
        return { syscall: { op: 'id_map', kind: step.op === 'uid_map' ? 'uid' : 'gid', pid: p, map }, call: `write /proc/${text}/${step.op} "${map.join(' ')}"` };
      }
      case 'ns_id':
      case 'ns_parent': {
        const [p, text] = await pidOrSelf(step.target);
        const which = step.which ?? 'pid';
        return {
          syscall: { op: step.op, pid: p, which },
          call: step.op === 'ns_id' ? `inode of /proc/${text}/ns/${which}` : `ioctl(/proc/${text}/ns/${which}, NS_GET_PARENT)`,
        };
      }
      case 'pid_from_ns': {
        const [p, text] = await pidOrSelf(step.target);
        const which = step.which ?? 'pid';
        return { syscall: { op: 'ns_pid', dir: 'from', pid: p, which, nr: step.pid }, call: `ioctl(/proc/${text}/ns/${which}, NS_GET_PID_FROM_PIDNS, ${step.pid})` };
      }
      case 'pid_in_ns': {
        const [p, text] = await pidOrSelf(step.target);
        const which = step.which ?? 'pid';
        const [nr, nrText] = await pid(step.pid);
        return { syscall: { op: 'ns_pid', dir: 'in', pid: p, which, nr }, call: `ioctl(/proc/${text}/ns/${which}, NS_GET_PID_IN_PIDNS, ${nrText})` };
      }
      case 'pidfd_open': {
        const [p, text] = step.pid === 'self' ? [me.nspid[me.nspid.length - 1]!, 'self'] : await pid(step.pid);
        const flags = flagsOf(step.flags, OPEN_FLAG_BITS);
        return { syscall: { op: 'pidfd_open', handle: step.as, pid: p, flags: flags.value }, call: `pidfd_open(${text}, ${flags.text}) as ${step.as}` };
      }
      case 'pidfd_send_signal': {
        this.#held(by, step.fd);
        const flags = flagsOf(step.flags, SIGNAL_FLAG_BITS);
        return {
          syscall: { op: 'pidfd_send_signal', handle: step.fd, sig: sig(step.sig), flags: flags.value, report: step.report === true },
          call: `pidfd_send_signal(${step.fd}, ${sigText(sig(step.sig))}, ${flags.text})${step.report ? ' and what had run' : ''}`,
        };
      }
      case 'waitid': {
        this.#held(by, step.pidfd);
        const exited = step.exited ?? true;
        const opts = [exited ? 'WEXITED' : '', step.untraced ? 'WSTOPPED' : '', step.continued ? 'WCONTINUED' : '', step.nohang ? 'WNOHANG' : '', step.nowait ? 'WNOWAIT' : ''].filter(Boolean);
        return {
          syscall: {
            op: 'waitid',
            handle: step.pidfd,
            nohang: step.nohang === true,
            untraced: step.untraced === true,
            continued: step.continued === true,
            nowait: step.nowait === true,
            exited,
          },
          call: `waitid(P_PIDFD, ${step.pidfd}, ${opts.join('|') || '0'})`,
        };
      }
      case 'fdinfo':
        this.#held(by, step.fd, 'pidfd');
        return { syscall: { op: 'fdinfo', handle: step.fd }, call: `/proc/self/fdinfo/[${step.fd}]` };
      case 'poll':
        this.#held(by, step.fd, 'pidfd');
        return { syscall: { op: 'poll', handle: step.fd }, call: `poll(${step.fd}, POLLIN, 0)` };
    }
  }

  /**
   * A handle the caller must hold to use it (checked here, so both backends
   * see the same calls). A syscall that takes a pidfd takes any fd (another
   * file is EBADF); fdinfo and poll read what only a pidfd has.
   */
  #held(by: string, handle: string, kind?: HandleKind): void {
    const held = this.#handles.get(by)?.get(handle);
    if (held === undefined) {
      throw new ScenarioRunError(`${by} holds no handle ${handle}: a handle belongs to the process that opened it and to the children it forks afterwards (execve closes it)`);
    }
    if (kind !== undefined && held !== kind) throw new ScenarioRunError(`${handle} is a namespace handle, not a pidfd`);
  }
}

/** What a process may hold by name: an open /proc/PID/ns file, or a pidfd. */
type HandleKind = 'ns' | 'pidfd';

const OPEN_FLAG_BITS: Readonly<Record<string, readonly [number, string]>> = { nonblock: [0o4000, 'PIDFD_NONBLOCK'], thread: [0o200, 'PIDFD_THREAD'] };
const SIGNAL_FLAG_BITS: Readonly<Record<string, readonly [number, string]>> = {
  thread: [1, 'PIDFD_SIGNAL_THREAD'],
  thread_group: [2, 'PIDFD_SIGNAL_THREAD_GROUP'],
  process_group: [4, 'PIDFD_SIGNAL_PROCESS_GROUP'],
};

/** Flags given by name or as a number: their value and how the call reads. */
function flagsOf(flags: readonly string[] | number | undefined, bits: Readonly<Record<string, readonly [number, string]>>): { value: number; text: string } {
  if (flags === undefined) return { value: 0, text: '0' };
  if (typeof flags === 'number') return { value: flags, text: `0x${flags.toString(16)}` };
  let value = 0;
  for (const f of flags) value |= bits[f]![0];
  return { value, text: flags.map((f) => bits[f]![1]).join('|') || '0' };
}

/** What a `status` step reads by default: the fields that existed before credentials (uid, gid: ask for them). */
const DEFAULT_STATUS_FIELDS: readonly StatusField[] = ['state', 'ppid', 'nspid', 'nspgid', 'nssid'];

function sigText(sig: number): string {
  return sig >= 1 && sig <= 64 ? signalName(sig) : String(sig);
}
