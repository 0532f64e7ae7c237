// The wire format between the linux backend and its C helper: how a syscall
// becomes a command line, and how the helper's answer becomes an observation
// (built with the same functions as the pidsim backend's).

import type { HandlerStep, Syscall } from './scenario-backend.js';
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

const SIGACTION_LETTERS = { restart: 'r', nocldstop: 's', nocldwait: 'w', resethand: 'h' } as const;

/** The command line (without sequence number) that makes `s` in the helper. */
export function encodeCommand(s: Syscall): string {
  switch (s.op) {
    case 'fork':
      return `fork ${s.child} ${(s.newPid ? 'n' : '') + (s.newUser ? 'u' : '') + (s.parent ? 'p' : '') + (s.thread ? 't' : '') || '-'} ${s.setTid ? s.setTid.join(',') : '-'} ${s.pidfd ?? '-'}`;
    case 'unshare':
      return `unshare ${(s.pid ? 'p' : '') + (s.user ? 'u' : '')}`;
    case 'open_ns':
      return `openns ${s.handle} ${s.pid} ${s.which}`;
    case 'setns':
      return `setns ${s.handle}`;
    case 'setns_at':
      return `setnsat ${s.pid} ${s.which}`;
    case 'kill':
      return `${s.report ? 'killr' : 'kill'} ${s.pid} ${s.sig}`;
    case 'sigaction':
      return `sigaction ${s.sig} ${s.action} ${s.flags.map((f) => SIGACTION_LETTERS[f]).join('') || '-'} ${encodeSteps(s.steps)}`;
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
    case 'exec':
      return 'exec';
    case 'exit_group':
      return `exitgroup ${s.code}`;
    case 'gettid':
      return 'gettid';
    case 'tgkill':
      return s.tgid === null ? `tkill ${s.tid} ${s.sig}` : `tgkill ${s.tgid} ${s.tid} ${s.sig}`;
    case 'tasks':
      return `tasks ${s.pid}`;
    case 'delivered':
      return 'delivered';
    case 'setid':
      return `set${s.kind} ${s.id}`;
    case 'setresid':
      return `setres${s.kind} ${s.ids.join(' ')}`;
    case 'getresid':
      return `getres${s.kind}`;
    case 'id_map':
      return `idmap ${s.kind} ${s.pid} ${s.map.join(' ')}`;
    case 'ns_id':
      return `nsino ${s.pid} ${s.which}`;
    case 'ns_parent':
      return `nsparent ${s.pid} ${s.which}`;
    case 'ns_pid':
      return `nspid ${s.dir} ${s.pid} ${s.which} ${s.nr}`;
    case 'pidfd_open':
      return `pidfdopen ${s.handle} ${s.pid} ${s.flags}`;
    case 'pidfd_send_signal':
      return `pidfdsend ${s.handle} ${s.sig} ${s.flags} ${s.report ? 'r' : '-'}`;
    case 'waitid':
      return `waitidfd ${s.handle} ${(s.exited ? 'e' : '') + (s.nohang ? 'n' : '') + (s.untraced ? 'u' : '') + (s.continued ? 'c' : '') + (s.nowait ? 'w' : '') || '-'}`;
    case 'fdinfo':
      return `fdinfo ${s.handle}`;
    case 'poll':
      return `pollfd ${s.handle}`;
  }
}

/** A handler's steps for the helper: "x3;k5:12;mb10,12;fNAME", or "-" for none. */
function encodeSteps(steps: readonly HandlerStep[]): string {
  if (steps.length === 0) return '-';
  return steps
    .map((d) => {
      switch (d.do) {
        case 'exit':
          return `x${d.code}`;
        case 'kill':
          return `k${d.pid}:${d.sig}`;
        case 'sigprocmask':
          return `m${d.how[0]}${d.sigs.join(',')}`;
        case 'fork':
          return `f${d.child}`;
      }
    })
    .join(';');
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
    case 'exit_group':
    case 'reboot':
    case 'drop_privileges':
    case 'exec':
    case 'id_map':
    case 'pidfd_open':
      return 'ok';
    case 'gettid':
    case 'tgkill':
    case 'setid':
    case 'setresid':
    case 'ns_id':
    case 'ns_parent':
    case 'ns_pid':
      return Number(body);
    case 'getresid':
      return numbers(body);
    case 'delivered':
      return deliveryList(numbers(body));
    case 'sysctl':
      return s.value === null ? Number(body) : 'ok';
    case 'kill':
    case 'pidfd_send_signal': {
      if (!s.report) return Number(body);
      const handled: Record<number, number> = {};
      for (const pair of body.split(' ').slice(1)) {
        const [sig, n] = pair.split(':').map(Number);
        handled[sig!] = n!;
      }
      return killReportObservation(handled);
    }
    case 'fork':
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
    case 'tasks':
      return numbers(body);
    case 'wait':
    case 'waitid': {
      const [pid, kind, n] = body.split(' ');
      if (Number(pid) === 0) return waitObservation(0, null);
      const make = EVENT_KINDS[kind ?? ''];
      if (!make) throw new Error(`linux helper: unknown wait result ${JSON.stringify(body)}`);
      return waitObservation(Number(pid), make(Number(n)));
    }
    case 'status': {
      const [state, ppid, nspid, nspgid, nssid, uid, gid] = body.split('|');
      return statusObservation(
        {
          state: state ?? '?',
          ppid: Number(ppid),
          nspid: numbers(nspid ?? ''),
          nspgid: numbers(nspgid ?? ''),
          nssid: numbers(nssid ?? ''),
          uid: numbers(uid ?? ''),
          gid: numbers(gid ?? ''),
        },
        s.fields,
      );
    }
    case 'caught': {
      const [count, pid, code, status] = numbers(body);
      return caughtObservation(s.sig, count ?? 0, { pid: pid ?? 0, code: code ?? 0, status: status ?? 0 });
    }
    case 'fdinfo': {
      const [pid, nspid, flags] = body.split('|');
      return fdinfoObservation(Number(pid), numbers(nspid ?? ''), (flags ?? '').trim());
    }
    case 'poll': {
      const events = body.split(' ');
      return pollObservation(events.includes('IN'), events.includes('HUP'));
    }
  }
}
