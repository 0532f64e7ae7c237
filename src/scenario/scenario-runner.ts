// Runs a validated scenario on one backend: turns each step into a syscall
// (process names become PIDs as the caller sees them), records what it
// observed, and checks the step's expectation. The same code drives every
// backend, so two runs of one scenario can be compared step by step.

import { describeVariant, parseSignal, signalName, type KernelVariant } from '../index.js';
import {
  ScenarioRunError,
  type BackendFactory,
  type ProcIdentity,
  type ScenarioBackend,
  type Syscall,
} from './scenario-backend.js';
import { matchesExpectation, renderObservation, type Observation } from './observation.js';
import { STATUS_FIELDS, type Scenario, type Step } from './scenario-schema.js';

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
      if (record.pass === false) {
        const want = record.expected!.length === 1 ? renderObservation(record.expected![0]!) : `one of ${record.expected!.map(renderObservation).join(' | ')}`;
        failures.push(`step ${record.step} (${record.by ?? '-'}: ${record.call}): expected ${want}, observed ${renderObservation(record.observed)}`);
      }
    }
    return { ...base, status: failures.length > 0 ? 'failed' : 'passed', steps, failures };
  } finally {
    await backend.close();
  }
}

/** The state of one run: handles held, failed forks, blocked calls. */
class Run {
  readonly #backend: ScenarioBackend;
  /** Namespace handles each process holds (opened, or inherited when forked). */
  readonly #handles = new Map<string, Set<string>>();
  /** Children whose fork failed, with the step that tried. */
  readonly #failedForks = new Map<string, string>();
  /** Calls that have not returned, by process: for messages and join. */
  readonly #blocked = new Map<string, { step: number; call: string }>();
  /** The backend's kernel variant; null when no step depends on it. */
  readonly #variant: KernelVariant | null;

  constructor(scenario: Scenario, backend: ScenarioBackend, variant: KernelVariant | null) {
    this.#backend = backend;
    this.#variant = variant;
    this.#handles.set(scenario.root, new Set());
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
    const { syscall, call } = this.#syscall(step, by, me);
    const observed = await this.#backend.call(by, syscall);
    if (observed === 'blocked') this.#blocked.set(by, { step: n, call });
    if (step.op === 'fork') {
      if (typeof observed === 'number') this.#handles.set(step.as, new Set(this.#handles.get(by)));
      else this.#failedForks.set(step.as, `its fork in step ${n} observed ${renderObservation(observed)}`);
    }
    if (step.op === 'open_ns' && observed === 'ok') this.#handles.get(by)!.add(step.as);
    return finish(by, call, observed);
  }

  #identity(name: string): ProcIdentity {
    const id = this.#backend.identity(name);
    if (id) return id;
    const why = this.#failedForks.get(name);
    throw new ScenarioRunError(`there is no process ${name}${why ? `: ${why}` : ''}`);
  }

  /** `target`'s PID as `viewer` sees it (SEMANTICS 3.1); an invisible target is a scenario error. */
  #pidOf(target: string, viewerName: string, viewer: ProcIdentity): number {
    const t = this.#identity(target);
    const level = viewer.chain.length - 1;
    if (t.chain.length <= level || t.chain[level] !== viewer.chain[level]) {
      throw new ScenarioRunError(`${target} is not visible in the namespace of ${viewerName}; to see what an invisible PID does, write the number`);
    }
    return t.nspid[level]!;
  }

  #syscall(step: Exclude<Step, { op: 'sleep' | 'join' }>, by: string, me: ProcIdentity): { syscall: Syscall; call: string } {
    const pid = (v: number | string): [number, string] => {
      if (typeof v === 'number') return [v, String(v)];
      const n = this.#pidOf(v, by, me);
      return [n, `${n} [${v}]`];
    };
    const pidOrSelf = (v: number | string | undefined): [number | 'self', string] => (v === undefined || v === 'self' ? ['self', 'self'] : pid(v));
    const group = (v: number | string, g: boolean | undefined): [number, string] => {
      const [n, text] = pid(v);
      return g ? [-n, typeof v === 'string' ? `-${n} [group of ${v}]` : `-${n}`] : [n, text];
    };
    const sig = (s: number | string): number => (typeof s === 'number' ? s : parseSignal(s)!);
    switch (step.op) {
      case 'fork': {
        const flags = [step.newPid ? 'newPid' : '', step.parent ? 'parent' : '', step.setTid ? `setTid=[${step.setTid.join(',')}]` : ''].filter(Boolean);
        return {
          syscall: { op: 'fork', child: step.as, newPid: step.newPid === true, parent: step.parent === true, setTid: step.setTid ?? null },
          call: `fork(${flags.join(', ')}) as ${step.as}`,
        };
      }
      case 'unshare':
        return { syscall: { op: 'unshare' }, call: 'unshare(CLONE_NEWPID)' };
      case 'open_ns': {
        const [p, text] = pidOrSelf(step.target);
        const which = step.which ?? 'pid';
        return { syscall: { op: 'open_ns', handle: step.as, pid: p, which }, call: `open(/proc/${text}/ns/${which}) as ${step.as}` };
      }
      case 'setns': {
        if (step.ns !== undefined) {
          if (!this.#handles.get(by)?.has(step.ns)) {
            throw new ScenarioRunError(`${by} holds no namespace handle ${step.ns}: a handle belongs to the process that opened it and to the children it forks afterwards`);
          }
          return { syscall: { op: 'setns', handle: step.ns }, call: `setns(${step.ns})` };
        }
        const [p, text] = pidOrSelf(step.target);
        const which = step.which ?? 'pid';
        return { syscall: { op: 'setns_at', pid: p, which }, call: `setns(/proc/${text}/ns/${which})` };
      }
      case 'kill': {
        const [p, text] = group(step.pid, step.group);
        return { syscall: { op: 'kill', pid: p, sig: sig(step.sig) }, call: `kill(${text}, ${sigText(sig(step.sig))})` };
      }
      case 'sigaction': {
        const flags = step.flags ?? [];
        return {
          syscall: { op: 'sigaction', sig: sig(step.sig), action: step.action, flags },
          call: `sigaction(${sigText(sig(step.sig))}, ${step.action}${flags.length ? ` ${flags.join('|')}` : ''})`,
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
        const [p, pt] = step.pid === undefined ? [0, '0'] : pid(step.pid);
        const [g, gt] = step.pgid === undefined ? [0, '0'] : pid(step.pgid);
        return { syscall: { op: 'setpgid', pid: p, pgid: g }, call: `setpgid(${pt}, ${gt})` };
      }
      case 'setsid':
        return { syscall: { op: 'setsid' }, call: 'setsid()' };
      case 'getpgid':
      case 'getsid': {
        const [p, text] = step.pid === undefined ? [0, '0'] : pid(step.pid);
        return { syscall: { op: step.op, pid: p }, call: `${step.op}(${text})` };
      }
      case 'getpid':
      case 'getppid':
        return { syscall: { op: step.op }, call: `${step.op}()` };
      case 'exit':
        return { syscall: { op: 'exit', code: step.code ?? 0 }, call: `exit(${step.code ?? 0})` };
      case 'reboot':
        return { syscall: { op: 'reboot', cmd: step.cmd }, call: `reboot(${step.cmd})` };
      case 'wait': {
        const [p, text] = step.pid === undefined ? [-1, '-1'] : group(step.pid, step.group);
        const opts = (['nohang', 'untraced', 'continued', 'nowait'] as const).filter((o) => step[o] === true);
        return {
          syscall: { op: 'wait', pid: p, nohang: step.nohang === true, untraced: step.untraced === true, continued: step.continued === true, nowait: step.nowait === true },
          call: `wait(${[text, ...opts].join(', ')})`,
        };
      }
      case 'status': {
        const [p, text] = pidOrSelf(step.target);
        const fields = step.fields ?? [...STATUS_FIELDS];
        return { syscall: { op: 'status', pid: p, fields }, call: `/proc/${text}/status` };
      }
      case 'pids':
        return { syscall: { op: 'pids' }, call: 'ls /proc' };
      case 'caught':
        return { syscall: { op: 'caught', sig: sig(step.sig) }, call: `caught(${sigText(sig(step.sig))})` };
      case 'sysctl':
        return {
          syscall: { op: 'sysctl', name: step.name, value: step.value ?? null },
          call: step.value === undefined ? `read ${step.name}` : `write ${step.name}=${step.value}`,
        };
      case 'drop_privileges':
        return { syscall: { op: 'drop_privileges' }, call: 'setuid(65534)' };
    }
  }
}

function sigText(sig: number): string {
  return sig === 0 ? '0' : signalName(sig);
}
