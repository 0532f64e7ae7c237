// A service manager that holds its services by pidfd, as systemd does:
// clone3(CLONE_PIDFD), readiness, pidfd_send_signal, waitid(P_PIDFD), and
// why a pidfd beats a PID: after the service is reaped and its PID reused,
// the old pidfd reaches nobody. Run it with `node examples/pidfd-supervisor.mjs`
// after `npm run build`.

import { createKernel, KernelError } from 'pidsim';

const kernel = createKernel({ seed: 1 });
const manager = await kernel.init.fork({ program: 'idle', name: 'manager' });

// A container: its init comes with a pidfd (CLONE_PIDFD), which the manager holds.
const tini = await manager.fork({ newPid: true, program: 'idle', name: 'tini', pidfd: true });
const tiniFd = tini.clonePidfd;
console.log(`tini: ${tiniFd}, fdinfo through the manager's /proc:`, await manager.procfs().fdinfo(tiniFd));

// Readiness: the manager learns of the exit without polling its children.
tiniFd.exited().then(() => console.log('tini exited (its pidfd is readable)'));

// From the parent namespace, SIGTERM to an init without a handler is dropped; SIGKILL is not (SEMANTICS 4.3, 4.15).
await manager.pidfdSendSignal(tiniFd, 'TERM');
await kernel.settled();
console.log(`after SIGTERM through the pidfd, tini is ${(await tini.info()).state}`);
await manager.pidfdSendSignal(tiniFd, 'KILL');
console.log('waitid(P_PIDFD):', (await manager.waitPidfd(tiniFd)).change);

// A service in the manager's own namespace: reaped, then its PID goes to a new process.
const svc = await manager.fork({ program: 'idle', name: 'svc', pidfd: true });
await svc.exit(0);
await manager.waitPidfd(svc.clonePidfd);
await kernel.init.writeSysctl('ns_last_pid', svc.pid - 1);
const other = await manager.fork({ program: 'idle', name: 'other' });
console.log(`the old service had PID ${svc.pid}; a new process got PID ${other.pid}`);
const sent = await manager.pidfdSendSignal(svc.clonePidfd, 'KILL').catch((e) => (e instanceof KernelError ? e.code : e));
console.log(`SIGKILL through the old pidfd: ${sent}; the new process is ${(await other.info()).state}`);

tiniFd.close();
svc.clonePidfd.close();
await kernel.settled();
const violations = await kernel.checkInvariants();
console.log(violations.length === 0 ? 'invariants: all hold' : violations);
await kernel.close();
