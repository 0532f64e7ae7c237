// signals.ts: x86-64 signal numbers, names as kill -l prints them, parsing as
// kill(1) accepts them, default actions (man7/signal.7), standard vs
// realtime, and the 64-bit signal sets the engine keeps masks and pending
// signals in.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NSIG,
  SIGCHLD,
  SIGCONT,
  SIGKILL,
  SIGRTMAX,
  SIGRTMIN,
  SIGSTOP,
  SIGUSR1,
  copySigSet,
  defaultAction,
  emptySigSet,
  isKernelOnly,
  isRealtime,
  isStopSignal,
  isValidSignal,
  parseSignal,
  sigAdd,
  sigDel,
  sigHas,
  sigIsEmpty,
  sigMembers,
  sigSetOf,
  signalName,
  type SigSet,
} from '../src/index.js';

/** man7/signal.7 "Standard signals", x86-64: number, name, default action. */
const STANDARD: readonly [number, string, string][] = [
  [1, 'SIGHUP', 'terminate'],
  [2, 'SIGINT', 'terminate'],
  [3, 'SIGQUIT', 'core'],
  [4, 'SIGILL', 'core'],
  [5, 'SIGTRAP', 'core'],
  [6, 'SIGABRT', 'core'],
  [7, 'SIGBUS', 'core'],
  [8, 'SIGFPE', 'core'],
  [9, 'SIGKILL', 'terminate'],
  [10, 'SIGUSR1', 'terminate'],
  [11, 'SIGSEGV', 'core'],
  [12, 'SIGUSR2', 'terminate'],
  [13, 'SIGPIPE', 'terminate'],
  [14, 'SIGALRM', 'terminate'],
  [15, 'SIGTERM', 'terminate'],
  [16, 'SIGSTKFLT', 'terminate'],
  [17, 'SIGCHLD', 'ignore'],
  [18, 'SIGCONT', 'continue'],
  [19, 'SIGSTOP', 'stop'],
  [20, 'SIGTSTP', 'stop'],
  [21, 'SIGTTIN', 'stop'],
  [22, 'SIGTTOU', 'stop'],
  [23, 'SIGURG', 'ignore'],
  [24, 'SIGXCPU', 'core'],
  [25, 'SIGXFSZ', 'core'],
  [26, 'SIGVTALRM', 'terminate'],
  [27, 'SIGPROF', 'terminate'],
  [28, 'SIGWINCH', 'ignore'],
  [29, 'SIGIO', 'terminate'],
  [30, 'SIGPWR', 'terminate'],
  [31, 'SIGSYS', 'core'],
];

const ALL = Array.from({ length: NSIG }, (_, i) => i + 1);
const signal = fc.integer({ min: 1, max: NSIG });

describe('signal numbers, names and classes', () => {
  it('numbers and names are those of x86-64 (signal.7)', () => {
    expect(STANDARD.map(([sig]) => signalName(sig))).toEqual(STANDARD.map(([, name]) => name));
    expect([SIGKILL, SIGUSR1, SIGCHLD, SIGCONT, SIGSTOP, SIGRTMIN, SIGRTMAX, NSIG]).toEqual([9, 10, 17, 18, 19, 34, 64, 64]);
  });

  it('realtime signals are named as kill -l names them: SIG32 and SIG33 (glibc\'s), SIGRTMIN, SIGRTMIN+1..15, SIGRTMAX-14..1, SIGRTMAX', () => {
    expect(ALL.slice(31).map(signalName)).toEqual([
      'SIG32',
      'SIG33',
      'SIGRTMIN',
      ...Array.from({ length: 15 }, (_, i) => `SIGRTMIN+${i + 1}`),
      ...Array.from({ length: 14 }, (_, i) => `SIGRTMAX-${14 - i}`),
      'SIGRTMAX',
    ]);
  });

  it('the default action of each standard signal is signal.7\'s; every realtime signal terminates', () => {
    expect(STANDARD.map(([sig]) => defaultAction(sig))).toEqual(STANDARD.map(([, , action]) => action));
    for (let sig = 32; sig <= 64; sig++) expect(defaultAction(sig), signalName(sig)).toBe('terminate');
  });

  it('32..64 are realtime, 1..31 standard; only SIGKILL and SIGSTOP are the kernel\'s; four signals stop', () => {
    expect(ALL.filter(isRealtime)).toEqual(ALL.slice(31));
    expect([0, 65].map(isRealtime)).toEqual([false, false]);
    expect(ALL.filter(isKernelOnly)).toEqual([9, 19]);
    expect(ALL.filter(isStopSignal)).toEqual([19, 20, 21, 22]);
  });

  it('a valid signal is an integer in 1..64', () => {
    expect(ALL.every(isValidSignal)).toBe(true);
    expect([0, -1, 65, 1.5, Number.NaN].map(isValidSignal)).toEqual([false, false, false, false, false]);
  });
});

describe('parsing a signal as kill(1) does', () => {
  it('takes a number 0..64 (0 is kill -0), a name with or without SIG, in any case, trimmed', () => {
    expect(['0', '9', '64', '65', '-9', '1.5', ''].map(parseSignal)).toEqual([0, 9, 64, undefined, undefined, undefined, undefined]);
    expect(['TERM', 'SIGTERM', 'sigterm', 'Term', ' KILL '].map(parseSignal)).toEqual([15, 15, 15, 15, 9]);
    expect(['SIGFOO', 'SIG', 'SIGSIGTERM', 'TERM9'].map(parseSignal)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('knows the aliases POLL, IOT and CLD', () => {
    expect(['POLL', 'SIGIOT', 'cld'].map(parseSignal)).toEqual([29, 6, 17]);
  });

  it('takes RTMIN+n and RTMAX-n inside 34..64 only', () => {
    expect(['RTMIN', 'SIGRTMIN+2', 'rtmax-1', 'RTMAX', 'RTMIN+30', 'RTMAX-30'].map(parseSignal)).toEqual([34, 36, 63, 64, 64, 34]);
    expect(['RTMIN-1', 'RTMAX+1', 'RTMIN+31', 'RTMAX-31'].map(parseSignal)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads back every name it gives, except glibc\'s private SIG32 and SIG33', () => {
    const named = ALL.filter((sig) => sig !== 32 && sig !== 33);
    expect(named.map((sig) => parseSignal(signalName(sig)))).toEqual(named);
    expect([parseSignal('SIG32'), parseSignal('SIG33')]).toEqual([undefined, undefined]);
  });
});

describe('signal sets', () => {
  it('an empty set has no member, and each emptySigSet() is a new one', () => {
    const a = emptySigSet();
    expect(sigIsEmpty(a)).toBe(true);
    expect(ALL.filter((sig) => sigHas(a, sig))).toEqual([]);
    sigAdd(a, SIGUSR1);
    expect(sigIsEmpty(emptySigSet())).toBe(true);
  });

  it('adding one signal makes it, and only it, a member; removing it empties the set again (every signal 1..64)', () => {
    for (const sig of ALL) {
      const s = emptySigSet();
      sigAdd(s, sig);
      expect(sigMembers(s), signalName(sig)).toEqual([sig]);
      expect(sigIsEmpty(s)).toBe(false);
      sigAdd(s, sig);
      expect(sigMembers(s)).toEqual([sig]);
      sigDel(s, sig);
      expect(sigIsEmpty(s), signalName(sig)).toBe(true);
      sigDel(s, sig);
      expect(sigIsEmpty(s)).toBe(true);
    }
  });

  it('behaves as a set of 1..64 under any adds and removes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), signal), { maxLength: 80 }), (ops) => {
        const s = emptySigSet();
        const model = new Set<number>();
        for (const [add, sig] of ops) {
          if (add) {
            sigAdd(s, sig);
            model.add(sig);
          } else {
            sigDel(s, sig);
            model.delete(sig);
          }
        }
        const expected = [...model].sort((x, y) => x - y);
        expect(sigMembers(s)).toEqual(expected);
        expect(ALL.filter((sig) => sigHas(s, sig))).toEqual(expected);
        expect(sigIsEmpty(s)).toBe(model.size === 0);
        expect(sigSetOf(model)).toEqual(s);
      }),
    );
  });

  it('holds signal n in bit n-1 of two unsigned 32-bit words, lo for 1..32, hi for 33..64', () => {
    // task-signals.ts computes pending & ~blocked and the lowest signal from these words directly.
    expect(sigSetOf([1])).toEqual({ lo: 1, hi: 0 });
    expect(sigSetOf([9, 19])).toEqual({ lo: (1 << 8) | (1 << 18), hi: 0 });
    expect(sigSetOf([32])).toEqual({ lo: 0x80000000, hi: 0 });
    expect(sigSetOf([33])).toEqual({ lo: 0, hi: 1 });
    expect(sigSetOf([64])).toEqual({ lo: 0, hi: 0x80000000 });
    const full = sigSetOf(ALL);
    expect(full).toEqual({ lo: 0xffffffff, hi: 0xffffffff });
    for (const sig of ALL) sigDel(full, sig);
    expect(full).toEqual({ lo: 0, hi: 0 });
  });

  it('word-wise AND and AND-NOT are intersection and difference (pending & blocked, pending & ~blocked)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(signal), fc.uniqueArray(signal), (xs, ys) => {
        const [a, b] = [sigSetOf(xs), sigSetOf(ys)];
        const both: SigSet = { lo: (a.lo & b.lo) >>> 0, hi: (a.hi & b.hi) >>> 0 };
        const aNotB: SigSet = { lo: (a.lo & ~b.lo) >>> 0, hi: (a.hi & ~b.hi) >>> 0 };
        expect(sigMembers(both)).toEqual(xs.filter((x) => ys.includes(x)).sort((x, y) => x - y));
        expect(sigMembers(aNotB)).toEqual(xs.filter((x) => !ys.includes(x)).sort((x, y) => x - y));
      }),
    );
  });

  it('a copy is independent of its original (a fork copies its parent\'s mask)', () => {
    const parent = sigSetOf([SIGUSR1, 40]);
    const child = copySigSet(parent);
    expect(child).toEqual(parent);
    sigAdd(child, SIGCHLD);
    sigDel(child, 40);
    expect(sigMembers(parent)).toEqual([SIGUSR1, 40]);
    expect(sigMembers(child)).toEqual([SIGUSR1, SIGCHLD]);
  });

  it('is plain data: it survives structured cloning (postMessage) and JSON', () => {
    const s = sigSetOf([1, 17, 32, 33, 64]);
    expect(sigMembers(structuredClone(s))).toEqual([1, 17, 32, 33, 64]);
    expect(sigMembers(JSON.parse(JSON.stringify(s)) as SigSet)).toEqual([1, 17, 32, 33, 64]);
  });
});
