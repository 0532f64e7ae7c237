// The pidsim backend: a scenario's processes are emulated processes of one
// kernel, each running the passive 'idle' program so that it does only what
// the scenario tells it. The kernel comes from a factory, so any transport
// (inline with a seed, threads) runs the same scenario.
//
// Mapping: the emulated root namespace's init (PID 1, `kernel.init`) plays the
// host. The scenario's root is a fresh namespace created below it at
// `rootLevel` (1 by default), exactly where the linux backend's is, so that
// the scenario's root process is a namespace init on both (SEMANTICS 7.4,
// 2.10 and 1.8 treat the global init and the root level specially).

import {
  createKernel,
  describeVariant,
  KernelError,
  NsHandle,
  PidFd,
  Process,
  UPSTREAM_VARIANT,
  commOf,
  type HandlerStep,
  type KernelVariant,
  type NsRef,
  type Kernel,
  type SigAction,
  type WorkerPool,
} from '../index.js';
import {
  BackendUnavailableError,
  type BackendFactory,
  type ProcIdentity,
  type ScenarioBackend,
  type Syscall,
} from './scenario-backend.js';
import {
  caughtObservation,
  deliveryList,
  fdinfoObservation,
  pollObservation,
  killReportObservation,
  signalList,
  statusObservation,
  waitObservation,
  type ChildEvent,
  type Observation,
} from './observation.js';

/** Makes the kernel of one run. May be async (a threaded kernel starts workers). */
export type KernelFactory = (seed: number) => Kernel | Promise<Kernel>;

export interface PidsimBackendOptions {
  /** Shown in output, e.g. `inline seed 7`. */
  readonly name: string;
  readonly kernel: KernelFactory;
  readonly seed: number;
  /** The absolute level of the scenario's root namespace (default 1, as on a Linux host). */
  readonly rootLevel?: number;
}

/** How pidsim is set up for a scenario run, beyond transport and seed. */
export interface PidsimSetup {
  /** The absolute level of the scenario's root namespace (default 1, as on a Linux host). */
  readonly rootLevel?: number;
  /** Which kernel build to behave like where builds differ (default upstream). */
  readonly variant?: KernelVariant;
  /** threads: how many workers, and where namespaces go. */
  readonly workers?: number;
  readonly placement?: 'co-locate' | 'spread';
  /** threads: a worker pool the scenario kernels share (the caller closes it); without one each kernel starts its own. */
  readonly pool?: WorkerPool;
  /** Called with each kernel as it is made (before the scenario's first step): `pidsim run --trace` starts its trace here. */
  readonly onKernel?: (kernel: Kernel) => void;
}

/** A backend factory for pidsim on `transport`. */
export function pidsimBackend(transport: 'inline' | 'threads', seed: number, setup: PidsimSetup = {}): BackendFactory {
  const variant = setup.variant ?? UPSTREAM_VARIANT;
  const shown = [
    `${transport} seed ${seed}`,
    transport === 'threads' && setup.workers !== undefined ? `W=${setup.workers}` : '',
    transport === 'threads' && setup.placement !== undefined ? setup.placement : '',
    describeVariant(variant) === 'upstream' ? '' : `(${describeVariant(variant)})`,
  ];
  const name = shown.filter(Boolean).join(' ');
  const kernel: KernelFactory = (s) => {
    let made: Kernel;
    try {
      made = createKernel({
        transport,
        seed: s,
        variant,
        ...(transport === 'threads' ? { workers: setup.workers, placement: setup.placement, ...(setup.pool ? { pool: setup.pool } : {}) } : {}),
      });
    } catch (e) {
      throw new Error(`createKernel({ transport: '${transport}' }) refused: ${(e as Error).message}`);
    }
    setup.onKernel?.(made);
    return made;
  };
  return {
    name,
    open: (rootName) => PidsimBackend.open({ name, kernel, seed, rootLevel: setup.rootLevel ?? 1 }, rootName),
    variant: () => Promise.resolve(variant),
  };
}

interface Pending {
  readonly syscall: Syscall;
  done: boolean;
  value: Observation | undefined;
  error: unknown;
}

interface Entry {
  readonly name: string;
  readonly proc: Process;
  /** Replaced when a thread's execve() gives it its process's PID. */
  id: ProcIdentity;
  /** Namespace handles and pidfds this process holds (opened, or inherited at fork). */
  readonly handles: Map<string, NsHandle | PidFd>;
  pending: Pending | null;
}

export class PidsimBackend implements ScenarioBackend {
  readonly name: string;
  readonly rootLevel: number;
  readonly #kernel: Kernel;
  /** Scenario processes by name. */
  readonly #procs = new Map<string, Entry>();
  /** Children a handler forks, by name, with the process whose handler forks them. */
  readonly #handlerForks = new Map<string, Entry>();
  /** How many processes hold each open handle (an fd inherited at fork is one more holder). */
  readonly #holders = new Map<NsHandle | PidFd, number>();
  #closed = false;

  private constructor(name: string, kernel: Kernel, rootLevel: number) {
    this.name = name;
    this.#kernel = kernel;
    this.rootLevel = rootLevel;
  }

  static async open(options: PidsimBackendOptions, rootName: string): Promise<PidsimBackend> {
    const rootLevel = options.rootLevel ?? 1;
    let kernel: Kernel;
    try {
      kernel = await options.kernel(options.seed);
    } catch (e) {
      throw new BackendUnavailableError(options.name, (e as Error).message);
    }
    const b = new PidsimBackend(options.name, kernel, rootLevel);
    try {
      // The host side: namespaces above the scenario's root, each init a reaper.
      let host: Process = kernel.init;
      for (let level = 1; level < rootLevel; level++) host = await host.fork({ newPid: true, program: 'reaper', name: `host-level-${level}` });
      const root = await host.fork({ newPid: true, program: 'idle', name: rootName });
      b.#register(rootName, root, new Map());
      await kernel.settled();
    } catch (e) {
      await kernel.close();
      throw e;
    }
    return b;
  }

  identity(proc: string): ProcIdentity | undefined {
    return this.#procs.get(proc)?.id;
  }

  hasPending(proc: string): boolean {
    return this.#procs.get(proc)?.pending != null;
  }

  async reaped(proc: string): Promise<boolean> {
    const e = this.#procs.get(proc);
    if (!e) return false;
    try {
      // info() answers for a zombie too; it fails only once the record is gone: reaped (release_task()).
      await e.proc.info();
      return false;
    } catch (err) {
      if (err instanceof KernelError && err.code === 'ESRCH') return true;
      throw err;
    }
  }

  async call(proc: string, syscall: Syscall): Promise<Observation> {
    const e = this.#entry(proc);
    if ((await this.#life(e)) === 'dead') return 'dead';
    const pending: Pending = { syscall, done: false, value: undefined, error: undefined };
    e.pending = pending;
    this.#perform(e, syscall).then(
      (v) => {
        pending.done = true;
        pending.value = v;
      },
      (err: unknown) => {
        pending.done = true;
        pending.error = err;
      },
    );
    return this.#conclude(e);
  }

  async join(proc: string): Promise<Observation> {
    return this.#conclude(this.#entry(proc));
  }

  async sleep(ms: number): Promise<void> {
    await this.#kernel.advance(ms);
    await this.#settle(null);
    await this.#adoptHandlerForks();
  }

  /** Children forked by handlers since the last look: found by name among their parent's children. */
  async #adoptHandlerForks(): Promise<void> {
    if (this.#handlerForks.size === 0) return;
    const snap = await this.#kernel.snapshot();
    for (const [name, parent] of this.#handlerForks) {
      for (const actor of snap.namespaces) {
        const child = actor.procs.find((c) => c.parent === parent.proc.key && c.name === commOf(name));
        if (!child) continue;
        const ns: NsRef = { id: actor.ns.id, level: actor.ns.level, chain: actor.ns.chain, inode: actor.ns.inode, userNs: parent.proc.ns.userNs };
        this.#register(name, new Process(this.#kernel, child.key, ns, child.nums), this.#inherit(parent));
        this.#handlerForks.delete(name);
        break;
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#kernel.close();
  }

  #handle(e: Entry, name: string): NsHandle | PidFd {
    const h = e.handles.get(name);
    if (!h) throw new Error(`pidsim backend: ${name} is not a handle of ${e.name}`);
    return h;
  }

  #entry(proc: string): Entry {
    const e = this.#procs.get(proc);
    if (!e) throw new Error(`pidsim backend: no process named ${JSON.stringify(proc)}`);
    return e;
  }

  /**
   * A forked child's copy of its parent's fd table: the same open files,
   * each closed for good only when its last holder closes it (an exec).
   */
  #inherit(parent: Entry): Map<string, NsHandle | PidFd> {
    for (const h of parent.handles.values()) this.#holders.set(h, this.#holders.get(h)! + 1);
    return new Map(parent.handles);
  }

  /** `e` holds `h` as `name`; a handle it held under that name is closed (as the helper's open does). */
  #hold(e: Entry, name: string, h: NsHandle | PidFd): void {
    const old = e.handles.get(name);
    if (old) this.#drop(old);
    e.handles.set(name, h);
    this.#holders.set(h, (this.#holders.get(h) ?? 0) + 1);
  }

  #drop(h: NsHandle | PidFd): void {
    const n = this.#holders.get(h)! - 1;
    if (n > 0) return void this.#holders.set(h, n);
    this.#holders.delete(h);
    h.close();
  }

  #reidentify(e: Entry): void {
    e.id = { nspid: e.proc.nspid.slice(this.rootLevel), chain: e.id.chain };
  }

  #register(name: string, proc: Process, handles: Map<string, NsHandle | PidFd>): void {
    const id: ProcIdentity = {
      nspid: proc.nspid.slice(this.rootLevel),
      chain: proc.ns.chain.slice(this.rootLevel).map((ns) => `ns${ns}`),
    };
    this.#procs.set(name, { name, proc, id, handles, pending: null });
  }

  /**
   * Waits until no message is in flight and the promise continuations have
   * run (a step may make several calls in a row, e.g. open, setns, close).
   * On worker threads a reply may still be crossing to this thread after the
   * workers went quiet, so a call is declared blocked only after several
   * quiet rounds.
   */
  async #settle(p: Pending | null): Promise<void> {
    const rounds = this.#kernel.options.transport === 'inline' ? 4 : 12;
    for (let round = 0; round < rounds; round++) {
      await this.#kernel.settled();
      if (round < 4) await new Promise<void>((resolve) => setImmediate(resolve));
      else await new Promise<void>((resolve) => setTimeout(resolve, 2));
      if (p?.done) return;
    }
  }

  /** 'dead': exited (a zombie, or an init waiting for its namespace to drain) or reaped. */
  async #life(e: Entry): Promise<'dead' | 'stopped' | 'running'> {
    try {
      const state = (await e.proc.info()).state;
      return state === 'zombie' || state === 'exiting' ? 'dead' : state === 'stopped' ? 'stopped' : 'running';
    } catch (err) {
      if (err instanceof KernelError) return 'dead';
      throw err;
    }
  }

  /**
   * Settles the kernel, then reads the pending call's outcome as the process
   * itself would: a process that died of its call never sees it return
   * ('dead'; 'ok' for exit and a successful reboot), and a stopped process
   * has not returned to user space yet ('blocked').
   */
  async #conclude(e: Entry): Promise<Observation> {
    const p = e.pending;
    if (!p) throw new Error('pidsim backend: nothing to join');
    await this.#settle(p);
    await this.#adoptHandlerForks();
    const life = await this.#life(e);
    if (life === 'dead') {
      e.pending = null;
      return p.syscall.op === 'exit' || p.syscall.op === 'exit_group' || p.syscall.op === 'reboot' ? 'ok' : 'dead';
    }
    if (life === 'stopped' || !p.done) return 'blocked';
    e.pending = null;
    if (p.error === undefined) return p.value!;
    return errnoOf(p.error);
  }

  async #perform(e: Entry, s: Syscall): Promise<Observation> {
    const p = e.proc;
    switch (s.op) {
      case 'fork': {
        if (s.thread) {
          const thread = await p.fork({ thread: true, name: s.child });
          // Threads share their process's fd table: here, a copy taken when the thread starts.
          this.#register(s.child, thread, this.#inherit(e));
          return thread.tidIn(p.ns);
        }
        const child = await p.fork({
          ...(s.newPid ? { newPid: true } : {}),
          ...(s.newUser ? { newUser: true } : {}),
          ...(s.parent ? { parent: true } : {}),
          ...(s.setTid ? { setTid: s.setTid } : {}),
          ...(s.pidfd ? { pidfd: true } : {}),
          program: 'idle',
          name: s.child,
        });
        // The child's table is copied before CLONE_PIDFD installs the pidfd in the caller's.
        this.#register(s.child, child, this.#inherit(e));
        if (s.pidfd) this.#hold(e, s.pidfd, child.clonePidfd!);
        return child.tidIn(p.ns);
      }
      case 'unshare':
        await p.unshare({ newPid: s.pid, newUser: s.user });
        return 'ok';
      case 'open_ns':
        this.#hold(e, s.handle, await p.openNs(s.pid, s.which));
        return 'ok';
      case 'setns': {
        const h = e.handles.get(s.handle);
        if (!(h instanceof NsHandle)) throw new Error(`pidsim backend: ${s.handle} is not a namespace handle of this process`);
        await p.setns(h);
        return 'ok';
      }
      case 'setns_at': {
        const h = await p.openNs(s.pid, s.which);
        try {
          await p.setns(h);
        } finally {
          h.close();
        }
        return 'ok';
      }
      case 'kill':
        if (!s.report) return p.kill(s.pid, s.sig);
        return killReportObservation((await p.kill(s.pid, s.sig, { report: true })).handled);
      case 'sigaction': {
        const steps: HandlerStep[] = s.steps.map((d) => (d.do === 'fork' ? { do: 'fork', name: d.child } : d.do === 'sigprocmask' ? { do: 'sigprocmask', how: d.how, set: d.sigs } : d));
        for (const d of s.steps) if (d.do === 'fork') this.#handlerForks.set(d.child, e);
        const action: SigAction = {
          handler: s.action,
          ...(steps.length > 0 ? { steps } : {}),
          ...(s.flags.includes('restart') ? { restart: true } : {}),
          ...(s.flags.includes('nocldstop') ? { noCldStop: true } : {}),
          ...(s.flags.includes('nocldwait') ? { noCldWait: true } : {}),
          ...(s.flags.includes('resethand') ? { resetHand: true } : {}),
        };
        return (await p.sigaction(s.sig, action)).handler;
      }
      case 'sigprocmask':
        return signalList(await p.sigprocmask(s.how, s.sigs));
      case 'sigpending':
        return signalList(await p.sigpending());
      case 'subreaper':
        await p.setChildSubreaper(s.on);
        return 'ok';
      case 'setpgid':
        return p.setpgid(s.pid, s.pgid);
      case 'setsid':
        return p.setsid();
      case 'getpgid':
        return p.getpgid(s.pid);
      case 'getsid':
        return p.getsid(s.pid);
      case 'getpid':
        return p.getpid();
      case 'getppid':
        return p.getppid();
      case 'exit':
        await p.exit(s.code);
        return 'ok';
      case 'exit_group':
        await p.exitGroup(s.code);
        return 'ok';
      case 'gettid':
        return p.gettid();
      case 'tgkill':
        return s.tgid === null ? p.tkill(s.tid, s.sig) : p.tgkill(s.tgid, s.tid, s.sig);
      case 'tasks':
        return this.#kernel.procfs(p.ns, p).tids(s.pid);
      case 'reboot':
        await p.reboot(s.cmd);
        return 'ok';
      case 'wait': {
        const r = await p.wait(s.pid, { nohang: s.nohang, untraced: s.untraced, continued: s.continued, nowait: s.nowait });
        return waitObservation(r.pid, r.change as ChildEvent | null);
      }
      case 'status': {
        const st = await this.#kernel.procfs(p.ns, p).status(s.pid);
        // A process reading its own status is running (R); others idle in a syscall (S).
        const self = st.key === p.key;
        const state = st.state === 'stopped' ? 'T' : st.state === 'zombie' ? 'Z' : self ? 'R' : 'S';
        const fs = (ids: readonly number[]): number[] => [...ids, ids[1]!];
        return statusObservation({ state, ppid: st.ppid, nspid: st.nspid, nspgid: st.nspgid, nssid: st.nssid, uid: fs(st.uids), gid: fs(st.gids) }, s.fields);
      }
      case 'pids':
        return (await p.procfs().pids()).sort((a, b) => a - b);
      case 'caught': {
        const info = await p.info();
        const count = info.handled[s.sig] ?? 0;
        const si = info.siginfo[s.sig];
        return caughtObservation(s.sig, count, si ? { pid: si.pid, code: si.code, status: si.status ?? 0 } : null);
      }
      case 'sysctl':
        if (s.value === null) return p.readSysctl(s.name);
        await p.writeSysctl(s.name, s.value);
        return 'ok';
      case 'drop_privileges':
        await p.dropPrivileges();
        return 'ok';
      case 'exec':
        await p.exec('idle', { name: e.name });
        // From a thread, the handle now stands for the process: its TID became the leader's (SEMANTICS 8.21).
        this.#reidentify(e);
        // The helper's handles are opened close-on-exec, and pidfds always are.
        for (const h of e.handles.values()) this.#drop(h);
        e.handles.clear();
        return 'ok';
      case 'delivered':
        return deliveryList((await p.info()).delivered);
      case 'setid':
        await (s.kind === 'uid' ? p.setuid(s.id) : p.setgid(s.id));
        return 0;
      case 'setresid':
        await (s.kind === 'uid' ? p.setresuid(...s.ids) : p.setresgid(...s.ids));
        return 0;
      case 'getresid':
        return [...(await (s.kind === 'uid' ? p.getresuid() : p.getresgid()))];
      case 'id_map': {
        const map = s.map.join(' ');
        await (s.kind === 'uid' ? p.writeUidMap(s.pid, map) : p.writeGidMap(s.pid, map));
        return 'ok';
      }
      case 'pidfd_open':
        this.#hold(e, s.handle, await p.pidfdOpen(s.pid, s.flags));
        return 'ok';
      case 'pidfd_send_signal': {
        const h = this.#handle(e, s.handle);
        if (!s.report) return p.pidfdSendSignal(h, s.sig, { flags: s.flags });
        return killReportObservation((await p.pidfdSendSignal(h, s.sig, { flags: s.flags, report: true })).handled);
      }
      case 'waitid': {
        const r = await p.waitPidfd(this.#handle(e, s.handle), { nohang: s.nohang, untraced: s.untraced, continued: s.continued, nowait: s.nowait, exited: s.exited });
        return waitObservation(r.pid, r.change as ChildEvent | null);
      }
      case 'fdinfo': {
        const h = this.#handle(e, s.handle);
        // /proc/self/fdinfo of a namespace file has no Pid line: not a pidfd step.
        if (!(h instanceof PidFd)) throw new Error(`pidsim backend: fdinfo of ${s.handle}, which is not a pidfd`);
        const info = await this.#kernel.procfs(p.ns, p).fdinfo(h);
        return fdinfoObservation(info.pid, info.nspid, info.flags);
      }
      case 'poll': {
        const h = this.#handle(e, s.handle);
        if (!(h instanceof PidFd)) throw new Error(`pidsim backend: poll of ${s.handle}, which is not a pidfd`);
        const r = await h.poll();
        return pollObservation(r.readable, r.hangup);
      }
      case 'ns_id':
      case 'ns_parent':
      case 'ns_pid': {
        const h = await p.openNs(s.pid, s.which);
        try {
          if (s.op === 'ns_id') return h.inode;
          if (s.op === 'ns_pid') return await (s.dir === 'from' ? p.pidFromNs(h, s.nr) : p.pidInNs(h, s.nr));
          const parent = await p.nsParent(h);
          parent.close();
          return parent.inode;
        } finally {
          h.close();
        }
      }
    }
  }
}

function errnoOf(err: unknown): Observation {
  if (err instanceof KernelError) return err.code;
  throw err;
}
