// This file implements bash's job table for the emulated shell: `cmd &`
// prints `[1] PID`, a job that ends or stops is announced before the next
// prompt as `[1]+  Done                    cmd`, `jobs` lists the table, and
// `%1`, `%%`, `%+`, `%-` name a job for kill. The `+` job is the current one
// (the last started or stopped), `-` the previous.

import type { ChildChange } from '../index.js';
import { jobStatusText } from './signal-descriptions.js';

/** 'running' (started with &, or continued), 'stopped' (SIGSTOP/SIGTSTP), 'done' (exited or killed, not yet announced). */
export type JobState = 'running' | 'stopped' | 'done';

export interface Job {
  readonly n: number;
  /** The job's process, as the shell's namespace numbers it; also its process group (the child calls setpgid(0, 0)). */
  readonly pid: number;
  readonly text: string;
  state: JobState;
  change: ChildChange | null;
}

/** bash prints the state in a field this wide (jobs.c pretty_print_job). */
const STATE_WIDTH = 24;

export class JobTable {
  readonly #jobs: Job[] = [];
  /** Number of the `+` job, 0 if none. */
  #current = 0;
  /** Number of the `-` job, 0 if none. */
  #previous = 0;

  /** A background job started: bash prints `[n] pid`. */
  add(pid: number, text: string, state: JobState = 'running'): Job {
    const n = this.#jobs.reduce((m, j) => Math.max(m, j.n), 0) + 1;
    const job: Job = { n, pid, text, state, change: null };
    this.#jobs.push(job);
    this.#makeCurrent(n);
    return job;
  }

  byPid(pid: number): Job | undefined {
    return this.#jobs.find((j) => j.pid === pid);
  }

  get size(): number {
    return this.#jobs.length;
  }

  /** A wait reported a change of the job's process. */
  changed(job: Job, change: ChildChange): void {
    job.change = change;
    if (change.kind === 'exited' || change.kind === 'killed') job.state = 'done';
    else if (change.kind === 'stopped') {
      job.state = 'stopped';
      this.#makeCurrent(job.n);
    } else job.state = 'running';
  }

  /** The line announcing a job's change: `[1]+  Killed                  unshare --fork nohup sleep 3600`. */
  notice(job: Job): string {
    const status = job.change ? jobStatusText(job.change) : 'Running';
    return `[${job.n}]${this.#mark(job.n)}  ${status.padEnd(STATE_WIDTH)}${job.text}`;
  }

  /** Forget a job (announced as done). */
  remove(job: Job): void {
    const i = this.#jobs.indexOf(job);
    if (i < 0) return;
    this.#jobs.splice(i, 1);
    if (this.#current === job.n) {
      this.#current = this.#previous;
      this.#previous = 0;
    } else if (this.#previous === job.n) {
      this.#previous = 0;
    }
    if (this.#previous === 0) {
      const other = [...this.#jobs].reverse().find((j) => j.n !== this.#current);
      this.#previous = other ? other.n : 0;
    }
    if (this.#current === 0 && this.#jobs.length > 0) this.#current = this.#jobs[this.#jobs.length - 1]!.n;
  }

  /** What `jobs` prints. */
  listing(): string[] {
    return this.#jobs.map((j) => {
      if (j.state === 'running') return `[${j.n}]${this.#mark(j.n)}  ${'Running'.padEnd(STATE_WIDTH)}${j.text} &`;
      return this.notice(j);
    });
  }

  /** `%1`, `%%`, `%+`, `%-`: the job, or undefined. */
  resolve(spec: string): Job | undefined {
    const body = spec.slice(1);
    if (body === '' || body === '%' || body === '+') return this.#jobs.find((j) => j.n === this.#current);
    if (body === '-') return this.#jobs.find((j) => j.n === this.#previous);
    if (/^\d+$/.test(body)) return this.#jobs.find((j) => j.n === Number(body));
    return this.#jobs.find((j) => j.text.startsWith(body));
  }

  #makeCurrent(n: number): void {
    if (this.#current === n) return;
    this.#previous = this.#current;
    this.#current = n;
  }

  #mark(n: number): string {
    return n === this.#current ? '+' : n === this.#previous ? '-' : ' ';
  }
}
