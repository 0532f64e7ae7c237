// Signal numbers (x86-64), names, default actions and 64-bit signal sets.
// man7/signal.7 is the table; kernel/signal.c `sig_kernel_*` are the classes.

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGABRT = 6;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGSEGV = 11;
export const SIGUSR2 = 12;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGSTKFLT = 16;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGTTIN = 21;
export const SIGTTOU = 22;
export const SIGURG = 23;
export const SIGXCPU = 24;
export const SIGXFSZ = 25;
export const SIGVTALRM = 26;
export const SIGPROF = 27;
export const SIGWINCH = 28;
export const SIGIO = 29;
export const SIGPWR = 30;
export const SIGSYS = 31;
/** The kernel's first real-time signal; glibc keeps 32 and 33 for itself and calls 34 SIGRTMIN. */
export const SIGRTMIN_KERNEL = 32;
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;
export const NSIG = 64;

const NAMES: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL',
  'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT',
  'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF',
  'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** What SIG_DFL does with a signal (man7/signal.7 "Standard signals"). */
export type DefaultAction = 'terminate' | 'core' | 'stop' | 'continue' | 'ignore';

const CORE = new Set([SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS]);
const STOP = new Set([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);
const IGNORE = new Set([SIGCHLD, SIGURG, SIGWINCH]);

export function defaultAction(sig: number): DefaultAction {
  if (CORE.has(sig)) return 'core';
  if (STOP.has(sig)) return 'stop';
  if (sig === SIGCONT) return 'continue';
  if (IGNORE.has(sig)) return 'ignore';
  return 'terminate';
}

/** sig_kernel_only(): SIGKILL and SIGSTOP cannot be caught, blocked or ignored. */
export function isKernelOnly(sig: number): boolean {
  return sig === SIGKILL || sig === SIGSTOP;
}

export function isStopSignal(sig: number): boolean {
  return STOP.has(sig);
}

export function isRealtime(sig: number): boolean {
  return sig >= SIGRTMIN_KERNEL && sig <= SIGRTMAX;
}

export function isValidSignal(sig: number): boolean {
  return Number.isInteger(sig) && sig >= 1 && sig <= NSIG;
}

/** `SIGTERM`, `SIGRTMIN+3`, `SIGRTMAX-1`, or `SIG42` for glibc's private 32 and 33. */
export function signalName(sig: number): string {
  if (sig >= 1 && sig <= 31) return NAMES[sig]!;
  if (sig === SIGRTMIN) return 'SIGRTMIN';
  if (sig === SIGRTMAX) return 'SIGRTMAX';
  if (sig > SIGRTMIN && sig <= SIGRTMIN + 15) return `SIGRTMIN+${sig - SIGRTMIN}`;
  if (sig > SIGRTMIN + 15 && sig < SIGRTMAX) return `SIGRTMAX-${SIGRTMAX - sig}`;
  return `SIG${sig}`;
}

/**
 * Parses a signal as kill(1) accepts it: a number, `TERM`, `SIGTERM`, `sigterm`,
 * `RTMIN+2`. Returns undefined when it names no signal.
 */
export function parseSignal(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n >= 0 && n <= NSIG ? n : undefined;
  }
  let name = t.toUpperCase();
  if (!name.startsWith('SIG')) name = `SIG${name}`;
  if (name === 'SIGPOLL') return SIGIO;
  if (name === 'SIGIOT') return SIGABRT;
  if (name === 'SIGCLD') return SIGCHLD;
  const idx = NAMES.indexOf(name);
  if (idx > 0) return idx;
  const rt = /^SIGRT(MIN|MAX)(?:([+-])(\d+))?$/.exec(name);
  if (rt) {
    const base = rt[1] === 'MIN' ? SIGRTMIN : SIGRTMAX;
    const off = rt[3] === undefined ? 0 : Number(rt[3]) * (rt[2] === '-' ? -1 : 1);
    const sig = base + off;
    return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : undefined;
  }
  return undefined;
}

// --- 64-bit signal sets, as two 32-bit words (bit sig-1) ---------------------

/** A set of signals 1..64. Plain data: survives postMessage. */
export interface SigSet {
  lo: number;
  hi: number;
}

export function emptySigSet(): SigSet {
  return { lo: 0, hi: 0 };
}

export function sigSetOf(sigs: Iterable<number>): SigSet {
  const s = emptySigSet();
  for (const sig of sigs) sigAdd(s, sig);
  return s;
}

export function sigHas(s: SigSet, sig: number): boolean {
  return sig <= 32 ? (s.lo & (1 << (sig - 1))) !== 0 : (s.hi & (1 << (sig - 33))) !== 0;
}

export function sigAdd(s: SigSet, sig: number): void {
  if (sig <= 32) s.lo = (s.lo | (1 << (sig - 1))) >>> 0;
  else s.hi = (s.hi | (1 << (sig - 33))) >>> 0;
}

export function sigDel(s: SigSet, sig: number): void {
  if (sig <= 32) s.lo = (s.lo & ~(1 << (sig - 1))) >>> 0;
  else s.hi = (s.hi & ~(1 << (sig - 33))) >>> 0;
}

export function sigIsEmpty(s: SigSet): boolean {
  return s.lo === 0 && s.hi === 0;
}

export function sigMembers(s: SigSet): number[] {
  const out: number[] = [];
  for (let sig = 1; sig <= NSIG; sig++) if (sigHas(s, sig)) out.push(sig);
  return out;
}

export function copySigSet(s: SigSet): SigSet {
  return { lo: s.lo, hi: s.hi };
}
