// Argument checks shared by the process and procfs handles: bad input throws
// a TypeError that names the call and the value, before anything is sent.

import { PROGRAM_NAMES, parseIdExtent, parseSignal, type IdExtent, type ProgramSpec } from '@pidsim/core';

/** A signal as a number or a name kill(1) accepts: 9, 'KILL', 'SIGKILL', 'RTMIN+1'. */
export type SignalLike = number | string;

/** What a new process runs: a program, or just its name for those without arguments. */
export type ProgramLike = ProgramSpec | 'idle' | 'reaper';

/** A value as an error message shows what was received: JSON where it can be, else what it is. */
export function shown(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return `a function ${v.name || '(anonymous)'}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object' && v !== null && v.constructor !== Object && v.constructor !== Array) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function toSignal(sig: SignalLike, where: string): number {
  if (typeof sig === 'number') {
    if (!Number.isInteger(sig)) throw new TypeError(`${where}: signal must be an integer or a name, received ${sig}`);
    return sig;
  }
  if (typeof sig !== 'string') throw new TypeError(`${where}: signal must be an integer or a name, received ${JSON.stringify(sig)}`);
  const n = parseSignal(sig);
  if (n === undefined) throw new TypeError(`${where}: unknown signal name ${JSON.stringify(sig)}`);
  return n;
}

export function toPid(pid: unknown, where: string): number {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < -2147483648 || pid > 2147483647) {
    throw new TypeError(`${where}: a PID must be a 32-bit integer, received ${JSON.stringify(pid)}`);
  }
  return pid;
}

/** A uid or gid: 0..4294967294 (uid_t; -1 is "unchanged" where `keep` allows it). */
export function toId(id: unknown, where: string, keep = false): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < (keep ? -1 : 0) || id > 0xfffffffe) {
    throw new TypeError(`${where}: an id must be an integer 0..4294967294${keep ? ' or -1 (unchanged)' : ''}, received ${JSON.stringify(id)}`);
  }
  return id;
}

/** A handler's steps (SigAction.steps): each names what it does, with arguments of the right kind. */
export function checkHandlerSteps(steps: unknown): void {
  if (!Array.isArray(steps)) throw new TypeError(`sigaction: steps must be a list, received ${JSON.stringify(steps)}`);
  steps.forEach((step: unknown, i) => {
    const s = step as Record<string, unknown>;
    const where = `sigaction: steps[${i}]`;
    switch (s?.['do']) {
      case 'exit':
        checkKeys(s, ['do', 'code'], where);
        if (!Number.isInteger(s['code'])) throw new TypeError(`${where}: code must be an integer, received ${JSON.stringify(s['code'])}`);
        return;
      case 'kill':
        checkKeys(s, ['do', 'pid', 'sig'], where);
        toPid(s['pid'], where);
        if (!Number.isInteger(s['sig'])) throw new TypeError(`${where}: sig must be a signal number, received ${JSON.stringify(s['sig'])}`);
        return;
      case 'sigprocmask':
        checkKeys(s, ['do', 'how', 'set'], where);
        if (!['block', 'unblock', 'setmask'].includes(s['how'] as string)) throw new TypeError(`${where}: how must be block, unblock or setmask, received ${JSON.stringify(s['how'])}`);
        if (!Array.isArray(s['set']) || !s['set'].every((n) => Number.isInteger(n))) throw new TypeError(`${where}: set must be a list of signal numbers, received ${JSON.stringify(s['set'])}`);
        return;
      case 'fork':
        checkKeys(s, ['do', 'name'], where);
        checkName(s['name'], where);
        return;
      default:
        throw new TypeError(`${where}: do must be exit, kill, sigprocmask or fork, received ${JSON.stringify(step)}`);
    }
  });
}

/** One uid_map/gid_map extent: "first lower count", or an object with those fields. */
export function toExtent(map: unknown, where: string): IdExtent {
  const text = typeof map === 'string' ? map : map && typeof map === 'object' ? `${(map as IdExtent).first} ${(map as IdExtent).lower} ${(map as IdExtent).count}` : '';
  const extent = parseIdExtent(text);
  if (!extent) throw new TypeError(`${where}: a map is one extent "first lower count" (count >= 1, ids below 2^32), received ${JSON.stringify(map)}`);
  return extent;
}

export function toProgram(program: unknown, where: string): ProgramSpec {
  if (program === 'idle' || program === 'reaper') return { name: program };
  if (program && typeof program === 'object' && 'name' in program) {
    const p = program as { name: unknown; seconds?: unknown; code?: unknown };
    if (p.name === 'idle' || p.name === 'reaper') return { name: p.name };
    if (p.name === 'sleep') {
      if (typeof p.seconds !== 'number' || !(p.seconds >= 0) || !Number.isFinite(p.seconds)) {
        throw new TypeError(`${where}: program 'sleep' needs \`seconds\` >= 0, received ${JSON.stringify(p.seconds)}`);
      }
      return { name: 'sleep', seconds: p.seconds };
    }
    if (p.name === 'exit') {
      if (typeof p.code !== 'number' || !Number.isInteger(p.code)) {
        throw new TypeError(`${where}: program 'exit' needs an integer \`code\`, received ${JSON.stringify(p.code)}`);
      }
      return { name: 'exit', code: p.code };
    }
    if (p.name === 'spawner') {
      const s = program as { count?: unknown; parallel?: unknown };
      for (const [field, v, min] of [['count', s.count, 0], ['parallel', s.parallel, 1]] as const) {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 1e12) {
          throw new TypeError(`${where}: program 'spawner' needs an integer \`${field}\` >= ${min}, received ${JSON.stringify(v)}`);
        }
      }
      const child = (program as { child?: unknown }).child;
      if (child === undefined) return { name: 'spawner', count: s.count as number, parallel: s.parallel as number };
      const c = toProgram(child, `${where}: program 'spawner' child`);
      if (c.name !== 'exit' && c.name !== 'sleep') throw new TypeError(`${where}: program 'spawner' child must be exit or sleep (a program that ends), received ${JSON.stringify(child)}`);
      return { name: 'spawner', count: s.count as number, parallel: s.parallel as number, child: c };
    }
  }
  throw new TypeError(`${where}: program must be one of ${PROGRAM_NAMES.join(', ')} (as {name: ...}), received ${JSON.stringify(program)}`);
}

export function checkKeys(o: object, allowed: readonly string[], where: string): void {
  if (o === null || typeof o !== 'object') throw new TypeError(`${where}: options must be an object, received ${JSON.stringify(o)}`);
  for (const k in o) {
    if (!allowed.includes(k)) throw new TypeError(`${where}: unknown option \`${k}\` (expected one of ${allowed.join(', ')})`);
  }
}

export function checkSetTid(setTid: unknown): readonly number[] {
  if (!Array.isArray(setTid) || !setTid.every((n) => Number.isInteger(n))) {
    throw new TypeError(`fork: setTid must be an array of integers, received ${JSON.stringify(setTid)}`);
  }
  return setTid;
}

export function checkName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${where}: name must be a non-empty string, received ${JSON.stringify(name)}`);
  return name;
}

export function checkArgv(argv: unknown, where: string): readonly string[] {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((s) => typeof s === 'string')) {
    throw new TypeError(`${where}: argv must be a non-empty array of strings, received ${JSON.stringify(argv)}`);
  }
  return argv;
}

export function checkSysctl(name: unknown): void {
  if (name !== 'ns_last_pid' && name !== 'pid_max' && name !== 'max_pid_namespaces') {
    throw new TypeError(`sysctl: name must be 'ns_last_pid', 'pid_max' or 'max_pid_namespaces', received ${JSON.stringify(name)}`);
  }
}

/** The namespace kinds /proc/PID/ns/ has in pidsim. */
export type NsKind = 'pid' | 'pid_for_children';

/**
 * /proc/PID/ns/KIND: only `pid` and `pid_for_children` are emulated. Linux
 * would open net, mnt, user and the rest, so no errno is a faithful answer
 * (ENOENT would say Linux has no such file), and a PID-namespace handle under
 * another name would make setns() join the wrong kind: a TypeError, at once.
 */
export function checkNsKind(which: unknown, where: string): NsKind {
  if (which === 'pid' || which === 'pid_for_children') return which;
  throw new TypeError(
    `${where}: namespace kind must be 'pid' or 'pid_for_children' (pidsim emulates PID namespaces only), received ${JSON.stringify(which)}`,
  );
}

/** Options that are all flags: only the keys allowed, each true, false or absent (one pass: wait() takes these on a hot path). */
export function checkFlags(o: object, allowed: readonly string[], where: string): void {
  if (o === null || typeof o !== 'object') throw new TypeError(`${where}: options must be an object, received ${shown(o)}`);
  for (const k in o) {
    if (!allowed.includes(k)) throw new TypeError(`${where}: unknown option \`${k}\` (expected one of ${allowed.join(', ')})`);
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${where}: option \`${k}\` must be true or false, received ${shown(v)}`);
  }
}
