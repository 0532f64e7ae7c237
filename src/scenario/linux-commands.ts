// The wire format between the linux backend and its C helper: how a syscall
// becomes a command line, and how the helper's answer becomes an observation
// (built with the same functions as the pidsim backend's).

import type { Syscall } from './scenario-backend.js';
import {
  caughtObservation,
  signalList,
  statusObservation,
  waitObservation,
  type ChildEvent,
  type Observation,
} from './observation.js';

const SIGACTION_LETTERS = { restart: 'r', nocldstop: 's', nocldwait: 'w', resethand: 'h' } as const;

/** The command line (without sequence number) that makes `s` in the helper. */
export function encodeCommand(s: Syscall): string {
  switch (s.op) {
    case 'fork':
      return `fork ${s.child} ${(s.newPid ? 'n' : '') + (s.parent ? 'p' : '') || '-'} ${s.setTid ? s.setTid.join(',') : '-'}`;
    case 'unshare':
      return 'unshare';
    case 'open_ns':
      return `openns ${s.handle} ${s.pid} ${s.which}`;
    case 'setns':
      return `setns ${s.handle}`;
    case 'setns_at':
      return `setnsat ${s.pid} ${s.which}`;
    case 'kill':
      return `kill ${s.pid} ${s.sig}`;
    case 'sigaction':
      return `sigaction ${s.sig} ${s.action} ${s.flags.map((f) => SIGACTION_LETTERS[f]).join('') || '-'}`;
    case 'sigprocmask':
      return `sigprocmask ${s.how} ${s.sigs.join(',') || '-'}`;
    case 'sigpending':
      return 'sigpending';
    case 'subreaper':
      return `subreaper ${s.on ? 1 : 0}`;
    case 'setpgid':
      return `setpgid ${s.pid} ${s.pgid}`;
    case 'setsid':
      return 'setsid';
    case 'getpgid':
      return `getpgid ${s.pid}`;
    case 'getsid':
      return `getsid ${s.pid}`;
    case 'getpid':
      return 'getpid';
    case 'getppid':
      return 'getppid';
    case 'exit':
      return `exit ${s.code}`;
    case 'reboot':
      return `reboot ${s.cmd}`;
    case 'wait':
      return `wait ${s.pid} ${(s.nohang ? 'n' : '') + (s.untraced ? 'u' : '') + (s.continued ? 'c' : '') + (s.nowait ? 'w' : '') || '-'}`;
    case 'status':
      return `status ${s.pid}`;
    case 'pids':
      return 'pids';
    case 'caught':
      return `caught ${s.sig}`;
    case 'sysctl':
      return s.value === null ? `sysctl ${s.name}` : `sysctl ${s.name} ${s.value}`;
    case 'drop_privileges':
      return 'drop-privileges';
  }
}

const numbers = (text: string): number[] => text.split(/\s+/).filter((t) => t !== '').map(Number);

const EVENT_KINDS: Readonly<Record<string, (n: number) => ChildEvent>> = {
  exited: (code) => ({ kind: 'exited', code }),
  killed: (signal) => ({ kind: 'killed', signal, core: false }),
  dumped: (signal) => ({ kind: 'killed', signal, core: true }),
  stopped: (signal) => ({ kind: 'stopped', signal }),
  continued: () => ({ kind: 'continued' }),
};

/** The observation for the helper's answer `line` ("ok ...", "err ENAME") to `s`. */
export function decodeReply(s: Syscall, line: string): Observation {
  const err = /^err (E[A-Z0-9]+)$/.exec(line);
  if (err) return err[1]!;
  if (line !== 'ok' && !line.startsWith('ok ')) throw new Error(`linux helper: ${line} (answering ${encodeCommand(s)})`);
  const body = line.slice(3);
  switch (s.op) {
    case 'unshare':
    case 'open_ns':
    case 'setns':
    case 'setns_at':
    case 'subreaper':
    case 'exit':
    case 'reboot':
    case 'drop_privileges':
      return 'ok';
    case 'sysctl':
      return s.value === null ? Number(body) : 'ok';
    case 'fork':
    case 'kill':
    case 'setpgid':
    case 'setsid':
    case 'getpgid':
    case 'getsid':
    case 'getpid':
    case 'getppid':
      return Number(body);
    case 'sigaction':
      return body;
    case 'sigprocmask':
    case 'sigpending':
      return signalList(numbers(body));
    case 'pids':
      return numbers(body);
    case 'wait': {
      const [pid, kind, n] = body.split(' ');
      if (Number(pid) === 0) return waitObservation(0, null);
      const make = EVENT_KINDS[kind ?? ''];
      if (!make) throw new Error(`linux helper: unknown wait result ${JSON.stringify(body)}`);
      return waitObservation(Number(pid), make(Number(n)));
    }
    case 'status': {
      const [state, ppid, nspid, nspgid, nssid] = body.split('|');
      return statusObservation(
        { state: state ?? '?', ppid: Number(ppid), nspid: numbers(nspid ?? ''), nspgid: numbers(nspgid ?? ''), nssid: numbers(nssid ?? '') },
        s.fields,
      );
    }
    case 'caught': {
      const [count, pid, code, status] = numbers(body);
      return caughtObservation(s.sig, count ?? 0, { pid: pid ?? 0, code: code ?? 0, status: status ?? 0 });
    }
  }
}
