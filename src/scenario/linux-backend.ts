// The linux backend: the same scenario, performed by real processes on the
// real kernel, which is the oracle. One helper process per scenario process,
// each obeying commands over its own socket and making the real syscalls.
//
// Mapping: the launcher (a child of this Node process) creates a fresh PID
// namespace whose init is the scenario's root process, so every PID a
// scenario sees is namespace-local and deterministic; no host PID ever
// reaches an observation. Cleanup: the launcher and the init die with their
// parent (PR_SET_PDEATHSIG), the init's death tears down every scenario
// process (they all live in its namespace or below), and close() checks
// that every real process it created is gone, killing stragglers by PID.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BackendUnavailableError,
  type BackendFactory,
  type ProcIdentity,
  type ScenarioBackend,
  type Syscall,
} from './scenario-backend.js';
import type { Observation } from './observation.js';
import { LineChannel, type Hello } from './linux-channel.js';
import { decodeReply, encodeCommand } from './linux-commands.js';
import { linuxAvailability } from './linux-helper-build.js';
import { hostFingerprint } from './kernel-fingerprint.js';
import { currentSyscall, lifeOf, readStat, waitForQuiescence, type HostProcess } from './linux-quiescence.js';

export function linuxBackend(): BackendFactory {
  const factory: BackendFactory = {
    name: 'linux',
    open: (rootName) => LinuxBackend.open(rootName),
    // The host's kernel build, probed once per boot with this same backend.
    variant: () => hostFingerprint(factory).then((f) => f.variant),
  };
  return factory;
}

interface RealProc extends HostProcess {
  readonly name: string;
  /** A thread that execve()s takes its process's PID (SEMANTICS 8.21): its host TID, start time and identity change. */
  hostPid: number;
  startTime: string;
  id: ProcIdentity;
  /** Replaced when the helper execve()s itself and says hello again. */
  channel: LineChannel;
  readonly readSyscall: number;
  pending: { readonly seq: number; readonly syscall: Syscall } | null;
}

const STARTUP_MS = 10_000;

export class LinuxBackend implements ScenarioBackend {
  readonly name = 'linux';
  #rootLevel: number | null = null;
  readonly #dir: string;
  readonly #server: Server = createServer();
  /** Every connection, attended or not, so that close() can end them. */
  readonly #sockets = new Set<Socket>();
  #launcher: ChildProcess | null = null;
  /** Scenario processes by name, from their hello on. */
  readonly #procs = new Map<string, RealProc>();
  /** Forks in flight: child name -> the caller's name. */
  readonly #forks = new Map<string, string>();
  /** Namespace chains by the inode of their innermost namespace. */
  readonly #chains = new Map<string, readonly string[]>();
  #hostOffset = -1;
  #seq = 0;
  #fault: Error | null = null;
  #wake: (() => void)[] = [];
  #closed = false;
  readonly #onExit = (): void => {
    this.#launcher?.kill('SIGKILL');
  };

  private constructor(dir: string) {
    this.#dir = dir;
    process.once('exit', this.#onExit);
  }

  get rootLevel(): number | null {
    return this.#rootLevel;
  }

  static async open(rootName: string): Promise<LinuxBackend> {
    const available = await linuxAvailability();
    if (!available.ok) throw new BackendUnavailableError('linux', available.reason);
    const dir = await mkdtemp(join(tmpdir(), 'pidsim-run-'));
    const b = new LinuxBackend(dir);
    try {
      await b.#start(available.helper, available.hostLevel, rootName);
      return b;
    } catch (e) {
      await b.close().catch(() => undefined);
      throw e;
    }
  }

  /** Listens, starts the launcher (whose init says hello as `rootName`), and waits for that hello. */
  async #start(helper: string, hostLevel: number | null, rootName: string): Promise<void> {
    const sock = join(this.#dir, 'sock');
    const view = join(this.#dir, 'view');
    await mkdir(view);
    // Listen for helpers before any can exist: a connection nobody listens to is lost.
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      new LineChannel(socket, (h, ch) => this.#onHello(h, ch), (e) => (this.#fault ??= e));
    });
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(sock, resolve);
    });
    // Helpers that dropped their privileges (setuid 65534) still connect for their children.
    await chmod(this.#dir, 0o755);
    await chmod(sock, 0o777);
    const launcher = spawn(helper, ['launch', sock, view, rootName], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#launcher = launcher;
    const started = await firstLine(launcher);
    const m = /^started (\d+) (\d+|\?)$/.exec(started);
    if (!m) throw new Error(`linux backend: the launcher said ${JSON.stringify(started)}`);
    const level = hostLevel ?? (m[2] === '?' ? null : Number(m[2]));
    this.#rootLevel = level === null ? null : level + 1;
    await this.#waitForProc(rootName);
    await this.#settle();
  }

  identity(proc: string): ProcIdentity | undefined {
    return this.#procs.get(proc)?.id;
  }

  hasPending(proc: string): boolean {
    return this.#procs.get(proc)?.pending != null;
  }

  async reaped(proc: string): Promise<boolean> {
    const p = this.#procs.get(proc);
    return p !== undefined && lifeOf(p) === 'gone';
  }

  async call(proc: string, syscall: Syscall): Promise<Observation> {
    const p = this.#proc(proc);
    if (isDead(p)) return 'dead';
    const seq = ++this.#seq;
    p.pending = { seq, syscall };
    if (syscall.op === 'fork') this.#forks.set(syscall.child, proc);
    // A handler may fork later: its child says hello as the name it was given.
    if (syscall.op === 'sigaction') for (const d of syscall.steps) if (d.do === 'fork') this.#forks.set(d.child, proc);
    const before = p.channel;
    p.channel.send(`${seq} ${encodeCommand(syscall)}`);
    // execve(): the new image answers on a new connection, once it has said hello.
    if (syscall.op === 'exec') await this.#until(() => p.channel !== before || isDead(p), `${proc} to say hello after execve`);
    return this.#conclude(p);
  }

  join(proc: string): Promise<Observation> {
    return this.#conclude(this.#proc(proc));
  }

  async sleep(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    await this.#settle();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    process.off('exit', this.#onExit);
    const launcher = this.#launcher;
    if (launcher) {
      // Closing its stdin makes the launcher SIGKILL the namespace init: teardown ends everything below.
      launcher.stdin?.end();
      if (!(await exited(launcher, 5000))) {
        launcher.kill('SIGKILL');
        await exited(launcher, 2000);
      }
    }
    const leftovers = await gone([...this.#procs.values()], 3000);
    for (const p of leftovers) {
      try {
        process.kill(p.hostPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const stubborn = await gone(leftovers, 2000);
    for (const socket of this.#sockets) socket.destroy();
    if (this.#server.listening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await rm(this.#dir, { recursive: true, force: true });
    if (stubborn.length > 0) {
      throw new Error(`linux backend: real processes survived cleanup: ${stubborn.map((p) => `${p.name} (pid ${p.hostPid})`).join(', ')}`);
    }
  }

  #proc(name: string): RealProc {
    if (this.#fault) throw this.#fault;
    const p = this.#procs.get(name);
    if (!p) throw new Error(`linux backend: no process named ${JSON.stringify(name)}`);
    return p;
  }

  #settle(): Promise<void> {
    return waitForQuiescence(() => [...this.#procs.values()]);
  }

  /** Settles, then reads the pending call's outcome (mirrors PidsimBackend's). */
  async #conclude(p: RealProc): Promise<Observation> {
    const pending = p.pending;
    if (!pending) throw new Error('linux backend: nothing to join');
    let observed = await this.#outcome(p, pending);
    if (observed === 'blocked') {
      // A busy machine can make a call look blocked a moment too early: look again before saying so.
      await new Promise((r) => setTimeout(r, 25));
      observed = await this.#outcome(p, pending);
    }
    if (observed === 'blocked') return observed;
    p.pending = null;
    if (pending.syscall.op === 'fork' && typeof observed === 'number') {
      await this.#waitForProc(pending.syscall.child);
      await this.#settle();
    }
    return observed;
  }

  async #outcome(p: RealProc, pending: NonNullable<RealProc['pending']>): Promise<Observation> {
    await this.#settle();
    const op = pending.syscall.op;
    if (isDead(p)) {
      // exit(2) never returns; reboot(2) returns only to fail. Any other call
      // did not return to a process that died of it (e.g. kill(0, SIGKILL)).
      return op === 'exit' || op === 'exit_group' || op === 'reboot' ? 'ok' : 'dead';
    }
    // A stopped process has not returned to user space: whatever its call did, it has not seen it yet.
    if (lifeOf(p) === 'stopped') return 'blocked';
    let line = p.channel.take(pending.seq);
    if (line === undefined) {
      // Asleep reading its socket again: the answer is written and on its way.
      if (currentSyscall(p.hostPid) === p.readSyscall) line = await p.channel.waitFor(pending.seq, 5000);
      if (line === undefined) return 'blocked';
    }
    return decodeReply(pending.syscall, line);
  }

  #onHello(h: Hello, channel: LineChannel): void {
    const known = this.#procs.get(h.name);
    if (known && (known.hostPid === h.hostPid || known.pending?.syscall.op === 'exec')) {
      // The same process after execve(): a new image, a new connection. A
      // thread that execve()d now has its process's PID, which it reports.
      if (known.hostPid !== h.hostPid) {
        const stat = readStat(h.hostPid);
        const status = readFileSync(`/proc/${h.hostPid}/status`, 'utf8');
        const hostNspid = (/^NSpid:\s+(.*)$/m.exec(status)?.[1] ?? '').trim().split(/\s+/).map(Number);
        known.hostPid = h.hostPid;
        known.startTime = stat?.startTime ?? '';
        known.id = { nspid: hostNspid.slice(this.#hostOffset), chain: known.id.chain };
      }
      known.channel = channel;
      const w = this.#wake;
      this.#wake = [];
      for (const f of w) f();
      return;
    }
    try {
      const stat = readStat(h.hostPid);
      if (!stat) throw new Error(`linux backend: ${h.name} (pid ${h.hostPid}) vanished before it could be identified`);
      const status = readFileSync(`/proc/${h.hostPid}/status`, 'utf8');
      const hostNspid = (/^NSpid:\s+(.*)$/m.exec(status)?.[1] ?? '').trim().split(/\s+/).map(Number);
      const inode = readlinkSync(`/proc/${h.hostPid}/ns/pid`);
      let chain: readonly string[];
      if (this.#procs.size === 0) {
        this.#hostOffset = hostNspid.length - 1;
        chain = [inode];
      } else {
        const caller = this.#procs.get(this.#forks.get(h.name) ?? '');
        if (!caller) throw new Error(`linux backend: a helper named ${JSON.stringify(h.name)} said hello, but no fork made it`);
        this.#forks.delete(h.name);
        chain = this.#chainOf(caller.id, hostNspid.slice(this.#hostOffset), inode);
      }
      this.#chains.set(inode, chain);
      const id: ProcIdentity = { nspid: hostNspid.slice(this.#hostOffset), chain };
      this.#procs.set(h.name, { name: h.name, hostPid: h.hostPid, startTime: stat.startTime, id, channel, readSyscall: h.readSyscall, pending: null });
    } catch (e) {
      this.#fault ??= e as Error;
    }
    const w = this.#wake;
    this.#wake = [];
    for (const f of w) f();
  }

  /**
   * The namespaces of a new child, from the caller's: the same namespace, a
   * new one below the caller's (its PID there is 1), or the existing one the
   * caller joined with setns (known by its inode).
   */
  #chainOf(caller: ProcIdentity, nspid: readonly number[], inode: string): readonly string[] {
    const level = nspid.length - 1;
    if (level === caller.chain.length - 1) return caller.chain;
    const known = this.#chains.get(inode);
    if (nspid[level] !== 1 && known) return known;
    return [...caller.chain, inode];
  }

  async #waitForProc(name: string): Promise<void> {
    await this.#until(() => this.#procs.has(name), `${JSON.stringify(name)} to report for duty`);
  }

  /** Waits for a hello (or anything else `done` watches), up to STARTUP_MS. */
  async #until(done: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + STARTUP_MS;
    while (!done()) {
      if (this.#fault) throw this.#fault;
      if (Date.now() > deadline) throw new Error(`linux backend: waited ${STARTUP_MS / 1000} s for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.#wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

function isDead(p: HostProcess): boolean {
  const life = lifeOf(p);
  return life === 'zombie' || life === 'gone' || life === 'exiting';
}

/** The launcher's first line on stdout ("started PID LEVEL" or "error ..."). */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => finish(new Error(`linux backend: the launcher did not start within ${STARTUP_MS / 1000} s`)), STARTUP_MS);
    const finish = (e: Error | null, line?: string): void => {
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      if (e) reject(e);
      else resolve(line!);
    };
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) finish(null, out.slice(0, nl));
    });
    child.once('exit', (code, signal) =>
      finish(new Error(`linux backend: the launcher exited (${signal ?? `status ${code}`}) before starting: ${(out + err).trim() || 'no output'}`)),
    );
    child.once('error', (e) => finish(e));
  });
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Waits up to `ms` for every process to be gone; returns those that are not. */
async function gone<T extends HostProcess>(procs: readonly T[], ms: number): Promise<T[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = procs.filter((p) => lifeOf(p) !== 'gone');
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 10));
  }
}
