// This file implements bash's job table for the emulated shell: every
// command it forks is a job while it runs (a foreground one too, so Ctrl-Z
// can stop it), `cmd &` prints `[1] PID`, a job that ends or stops is
// announced as `[1]+  Done                    cmd`, and `%1`, `%%`, `%-`,
// `%sleep`, `%?ee` name a job. The `+` (current) and `-` (previous) jobs
// follow bash's jobs.c exactly (set_current_job, reset_current): the newest
// stopped job is current if there is one, else the newest running one.

import type { ChildChange } from '../index.js';
import { jobStatusText } from './signal-descriptions.js';

/** 'running' (started, continued), 'stopped' (by a stop signal), 'done' (exited or killed, not yet announced). */
export type JobState = 'running' | 'stopped' | 'done';

export interface Job {
  readonly n: number;
  /** The job's process, as the shell's namespace numbers it; also its process group there (it called setpgid(0, 0)). */
  readonly pid: number;
  /** Its process group as the root namespace numbers it: what the terminal's foreground is set to. */
  readonly pgrp: number;
  readonly text: string;
  state: JobState;
  /** The shell waits for it (bash's J_FOREGROUND): no `Done` notice when it ends, only a signal's name. */
  foreground: boolean;
  /** Its latest state has been shown (bash's J_NOTIFIED): `jobs -n` leaves it out. */
  notified: boolean;
  change: ChildChange | null;
}

/** The outcome of a job spec: the job, none, or several matching a name (bash: "ambiguous job spec"). */
export type JobLookup = { readonly kind: 'job'; readonly job: Job } | { readonly kind: 'none' } | { readonly kind: 'ambiguous'; readonly name: string };

/** bash prints the state in a field this wide (jobs.c print_pipeline). */
const STATE_WIDTH = 24;

export class JobTable {
  /** By job number, in the order they were made. */
  readonly #jobs: Job[] = [];
  /** Number of the `+` job, 0 if none (bash's js.j_current). */
  #current = 0;
  /** Number of the `-` job, 0 if none (js.j_previous). */
  #previous = 0;

  get size(): number {
    return this.#jobs.length;
  }

  get all(): readonly Job[] {
    return this.#jobs;
  }

  /** A job started; a background one takes part in choosing `+` and `-` at once (stop_pipeline). */
  add(pid: number, pgrp: number, text: string, foreground: boolean): Job {
    // A new job goes after the newest one; numbers below it are not reused (jobs.c stop_pipeline).
    const n = this.#jobs.reduce((m, j) => Math.max(m, j.n), 0) + 1;
    const job: Job = { n, pid, pgrp, text, state: 'running', foreground, notified: false, change: null };
    this.#jobs.push(job);
    if (!foreground) this.resetCurrent();
    return job;
  }

  byPid(pid: number): Job | undefined {
    return this.#jobs.find((j) => j.pid === pid);
  }

  byNumber(n: number): Job | undefined {
    return this.#jobs.find((j) => j.n === n);
  }

  /** A wait reported a change of the job's process (waitchld + set_job_status_and_cleanup). */
  changed(job: Job, change: ChildChange): void {
    const was = job.state;
    job.change = change;
    job.notified = false;
    if (change.kind === 'exited' || change.kind === 'killed') {
      job.state = 'done';
    } else if (change.kind === 'stopped') {
      job.state = 'stopped';
      job.foreground = false;
      this.setCurrent(job.n);
    } else {
      job.state = 'running';
      if (was === 'stopped') this.resetCurrent();
    }
  }

  /** fg, bg or kill -CONT restarted a stopped job (set_job_running); the caller picks `+`. */
  continued(job: Job, foreground: boolean): void {
    job.state = 'running';
    job.change = { kind: 'continued' };
    job.foreground = foreground;
  }

  /** Forget a job (announced as done, or a foreground job that ended): delete_job. */
  remove(job: Job): void {
    const i = this.#jobs.indexOf(job);
    if (i < 0) return;
    this.#jobs.splice(i, 1);
    if (job.n === this.#current || job.n === this.#previous) this.resetCurrent();
  }

  /** `+`, `-` or a space: how a job line marks the job. */
  mark(job: Job): string {
    return job.n === this.#current ? '+' : job.n === this.#previous ? '-' : ' ';
  }

  /** The current job (`%%`), if any. */
  get current(): Job | undefined {
    return this.byNumber(this.#current);
  }

  /** `[1]+  Stopped                 sleep 100` (jobs, and every notice); a running job ends with ` &`. */
  line(job: Job): string {
    return `[${job.n}]${this.mark(job)}  ${this.#status(job)}`;
  }

  /** `jobs -l`: `[1]+ 26977 Stopped                 sleep 100`, the PID right-aligned in 5 columns. */
  longLine(job: Job): string {
    return `[${job.n}]${this.mark(job)} ${String(job.pid).padStart(5)} ${this.#status(job)}`;
  }

  /** What `bg` prints: `[1]+ sleep 100 &` (one space; a plain job gets `[2] sleep 200 &`). */
  bgLine(job: Job): string {
    const mark = this.mark(job);
    return `[${job.n}]${mark === ' ' ? ' ' : `${mark} `}${job.text} &`;
  }

  /**
   * A job spec as fg, bg, jobs and kill take it (jobs.c get_job_spec): `%%`,
   * `%+`, `%` (current), `%-` (previous), `%N` or `N` (number; `N` only
   * where `bareNumbers`), `%?text` (command contains), `%text` (starts with).
   */
  lookup(spec: string, bareNumbers: boolean): JobLookup {
    const body = spec.startsWith('%') ? spec.slice(1) : bareNumbers ? spec : undefined;
    if (body === undefined) return { kind: 'none' };
    const found = (job: Job | undefined): JobLookup => (job ? { kind: 'job', job } : { kind: 'none' });
    if (body === '' || body === '%' || body === '+') return found(this.byNumber(this.#current));
    if (body === '-') return found(this.byNumber(this.#previous));
    if (/^\d+$/.test(body)) return found(this.byNumber(Number(body)));
    const contains = body.startsWith('?');
    const name = contains ? body.slice(1) : body;
    const matching = this.#jobs.filter((j) => (contains ? j.text.includes(name) : j.text.startsWith(name)));
    if (matching.length > 1) return { kind: 'ambiguous', name };
    return found(matching[0]);
  }

  /** set_current_job(): JOB becomes `+`; the old `+` becomes `-` if it is stopped, else a better `-` is found. */
  setCurrent(n: number): void {
    if (this.#current !== n) {
      this.#previous = this.#current;
      this.#current = n;
    }
    const previous = this.byNumber(this.#previous);
    if (this.#previous !== this.#current && previous?.state === 'stopped') return;
    const current = this.byNumber(this.#current);
    if (current?.state === 'stopped') {
      const older = this.#newest('stopped', this.#current);
      if (older) {
        this.#previous = older;
        return;
      }
    }
    const candidate = current?.state === 'running' ? this.#newest('running', this.#current) : this.#newest('running', Infinity);
    // A single job is both `+` and `-`.
    this.#previous = candidate || this.#current;
  }

  /** reset_current(): keep a stopped `+`, else prefer the `-` if stopped, the newest stopped, the newest running. */
  resetCurrent(): void {
    let candidate = 0;
    if (this.byNumber(this.#current)?.state === 'stopped') candidate = this.#current;
    else {
      if (this.byNumber(this.#previous)?.state === 'stopped') candidate = this.#previous;
      if (!candidate) candidate = this.#newest('stopped', Infinity);
      if (!candidate) candidate = this.#newest('running', Infinity);
    }
    if (candidate) this.setCurrent(candidate);
    else this.#current = this.#previous = 0;
  }

  /** most_recent_job_in_state(): the newest job numbered below `below` in that state, 0 if none. */
  #newest(state: JobState, below: number): number {
    for (let i = this.#jobs.length - 1; i >= 0; i--) {
      const j = this.#jobs[i]!;
      if (j.n < below && j.state === state) return j.n;
    }
    return 0;
  }

  #status(job: Job): string {
    if (job.state === 'running') return `${'Running'.padEnd(STATE_WIDTH)}${job.text}${job.foreground ? '' : ' &'}`;
    const status = job.change ? jobStatusText(job.change) : 'Running';
    return `${status.padEnd(STATE_WIDTH)}${job.text}`;
  }
}
