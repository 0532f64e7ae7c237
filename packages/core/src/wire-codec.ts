// Flat numeric records for the hot path between threads: the syscalls a
// load generator issues by the million (fork, exit, wait, kill, getpid,
// getppid) and their plain answers travel as Float64Array batches instead of
// arrays of objects, which postMessage copies several times faster. Anything
// else (other syscalls, options, errors, events) stays an object.

import { Call, type CallMsg, type WaitResult } from './protocol.js';
import type { CallId, NsId, ProcKey } from './ids.js';
import type { Result } from './errno.js';
import { ok } from './errno.js';
import { WIFEXITED, WEXITSTATUS, WIFCONTINUED, WIFSTOPPED, WSTOPSIG, WTERMSIG, WCOREDUMP, type ChildChange } from './wait-status.js';

/** A call record: [to, id, caller, opcode, a, b]. */
export const CALL_SLOTS = 6;

const FORK = 1;
const FORK_IDLE = 2;
const FORK_REAPER = 3;
const FORK_EXIT = 4;
const EXIT = 5;
const WAIT = 6;
const KILL = 7;
const GETPID = 8;
const GETPPID = 9;

const W_NOHANG = 1;
const W_UNTRACED = 2;
const W_CONTINUED = 4;
const W_NOWAIT = 8;
const W_NO_EXITED = 16;

function onlyKeys(o: object, keys: readonly string[]): boolean {
  for (const k in o) if (!keys.includes(k)) return false;
  return true;
}

/** Appends `msg` for namespace `to` as a call record; false when it is not one of the hot calls. */
export function encodeCall(to: NsId, msg: CallMsg, out: number[]): boolean {
  const op = msg.op;
  let code: number;
  let a = 0;
  let b = 0;
  switch (op.op) {
    case 'fork': {
      if (!onlyKeys(op, ['op', 'program'])) return false;
      const p = 'program' in op ? op.program : undefined;
      if (p === undefined) code = FORK;
      else if (p.name === 'idle') code = FORK_IDLE;
      else if (p.name === 'reaper') code = FORK_REAPER;
      else if (p.name === 'exit') {
        code = FORK_EXIT;
        a = p.code;
      } else return false;
      break;
    }
    case 'exit':
      code = EXIT;
      a = op.code;
      break;
    case 'wait': {
      const o = op.options;
      if (!onlyKeys(o, ['nohang', 'untraced', 'continued', 'exited', 'nowait'])) return false;
      code = WAIT;
      a = op.pid;
      b = (o.nohang ? W_NOHANG : 0) | (o.untraced ? W_UNTRACED : 0) | (o.continued ? W_CONTINUED : 0) | (o.nowait ? W_NOWAIT : 0) | (o.exited === false ? W_NO_EXITED : 0);
      break;
    }
    case 'kill':
      if (op.value !== undefined || op.report) return false;
      code = KILL;
      a = op.pid;
      b = op.sig;
      break;
    case 'getpid':
      code = GETPID;
      break;
    case 'getppid':
      code = GETPPID;
      break;
    default:
      return false;
  }
  out.push(to, msg.id, msg.caller, code, a, b);
  return true;
}

/** Reads every call record of `buf`, in order. */
export function decodeCalls(buf: Float64Array, each: (to: NsId, msg: CallMsg) => void): void {
  for (let i = 0; i < buf.length; i += CALL_SLOTS) {
    const to = buf[i]! as NsId;
    const id = buf[i + 1]! as CallId;
    const caller = buf[i + 2]! as ProcKey;
    const a = buf[i + 4]!;
    const b = buf[i + 5]!;
    let op: CallMsg['op'];
    switch (buf[i + 3]) {
      case FORK:
        op = { op: 'fork' };
        break;
      case FORK_IDLE:
        op = { op: 'fork', program: { name: 'idle' } };
        break;
      case FORK_REAPER:
        op = { op: 'fork', program: { name: 'reaper' } };
        break;
      case FORK_EXIT:
        op = { op: 'fork', program: { name: 'exit', code: a } };
        break;
      case EXIT:
        op = { op: 'exit', code: a };
        break;
      case WAIT:
        op = {
          op: 'wait',
          pid: a,
          options: {
            ...(b & W_NOHANG ? { nohang: true } : {}),
            ...(b & W_UNTRACED ? { untraced: true } : {}),
            ...(b & W_CONTINUED ? { continued: true } : {}),
            ...(b & W_NOWAIT ? { nowait: true } : {}),
            ...(b & W_NO_EXITED ? { exited: false } : {}),
          },
        };
        break;
      case KILL:
        op = { op: 'kill', pid: a, sig: b };
        break;
      case GETPID:
        op = { op: 'getpid' };
        break;
      case GETPPID:
        op = { op: 'getppid' };
        break;
      default:
        throw new Error(`wire: unknown call opcode ${buf[i + 3]}`);
    }
    each(to, new Call(id, caller, op));
  }
}

// Reply records: [id, kind, ...]
const R_UNDEFINED = 1; // [id, 1]
const R_NUMBER = 2; // [id, 2, value]
const R_WAIT = 3; // [id, 3, pid, status, code]
const R_FORK = 4; // [id, 4, key, levels, nums...]

/** Appends a successful plain answer as a reply record; false when it must travel as an object. */
export function encodeReply(id: CallId, result: Result<unknown>, out: number[]): boolean {
  if (!result.ok) return false;
  const v = result.value;
  if (v === undefined) {
    out.push(id, R_UNDEFINED);
    return true;
  }
  if (typeof v === 'number') {
    out.push(id, R_NUMBER, v);
    return true;
  }
  if (typeof v !== 'object' || v === null) return false;
  if ('status' in v && 'change' in v && onlyKeys(v, ['pid', 'status', 'change', 'code'])) {
    const w = v as WaitResult;
    out.push(id, R_WAIT, w.pid, w.status, w.code);
    return true;
  }
  if ('nums' in v && onlyKeys(v, ['key', 'nums'])) {
    const f = v as { key: number; nums: readonly number[] };
    out.push(id, R_FORK, f.key, f.nums.length, ...f.nums);
    return true;
  }
  return false;
}

/** The child change a wait status encodes (the inverse of encodeStatus). */
function changeOf(pid: number, status: number): ChildChange | null {
  if (pid === 0) return null;
  if (WIFCONTINUED(status)) return { kind: 'continued' };
  if (WIFSTOPPED(status)) return { kind: 'stopped', signal: WSTOPSIG(status) };
  if (WIFEXITED(status)) return { kind: 'exited', code: WEXITSTATUS(status) };
  return { kind: 'killed', signal: WTERMSIG(status), core: WCOREDUMP(status) };
}

/** Reads every reply record of `buf`, in order. */
export function decodeReplies(buf: Float64Array, each: (id: CallId, result: Result<unknown>) => void): void {
  let i = 0;
  while (i < buf.length) {
    const id = buf[i]! as CallId;
    switch (buf[i + 1]) {
      case R_UNDEFINED:
        each(id, ok(undefined));
        i += 2;
        break;
      case R_NUMBER:
        each(id, ok(buf[i + 2]));
        i += 3;
        break;
      case R_WAIT: {
        const pid = buf[i + 2]!;
        const status = buf[i + 3]!;
        each(id, ok({ pid, status, change: changeOf(pid, status), code: buf[i + 4]! }));
        i += 5;
        break;
      }
      case R_FORK: {
        const levels = buf[i + 3]!;
        each(id, ok({ key: buf[i + 2]!, nums: Array.from(buf.subarray(i + 4, i + 4 + levels)) }));
        i += 4 + levels;
        break;
      }
      default:
        throw new Error(`wire: unknown reply kind ${buf[i + 1]}`);
    }
  }
}
