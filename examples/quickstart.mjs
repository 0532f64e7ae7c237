// node examples/quickstart.mjs   (after `npm run build`)
import { createKernel, KernelError } from 'pidsim';

const kernel = createKernel({ seed: 42 });

// A container: clone(CLONE_NEWPID) makes the child PID 1 of a new namespace.
const runtime = await kernel.init.fork({ program: 'idle', name: 'runtime' }); // waits for its containers itself
const container = await runtime.fork({ newPid: true, program: 'reaper', name: 'tini' });
const app = await container.fork({ program: { name: 'sleep', seconds: 3600 }, name: 'app' });
console.log(`tini is PID ${container.pid} inside, NSpid ${container.nspid.join(' ')}`);
console.log(`app  is PID ${app.pid} inside, NSpid ${app.nspid.join(' ')}`);

// The same process, seen from the host's /proc and from the container's.
console.log('host view:', (await kernel.procfs(kernel.init.ns).status(app.nspid[0])).nspid.join(' '));
console.log('container view:', (await container.procfs().status(app.pid)).nspid.join(' '));

// `docker exec`: setns into the container's namespace, then fork.
const exec = await kernel.init.fork({ program: 'idle', name: 'exec' });
await exec.setns(await kernel.init.openNs(container.nspid[0]));
const shell = await exec.fork({ program: 'idle', name: 'sh' });
console.log(`exec'd shell is PID ${shell.pid} inside, and its parent is invisible there: getppid() = ${await shell.getppid()}`);

// `docker stop`: SIGTERM to an init without a handler is dropped (SEMANTICS 4.3)...
await runtime.kill(container.pidIn(runtime.ns), 'SIGTERM');
await kernel.settled();
console.log(`after SIGTERM, tini is ${(await container.info()).state}`);

// ...so SIGKILL: the whole namespace is torn down.
await runtime.kill(container.pidIn(runtime.ns), 'SIGKILL');
await kernel.settled();
console.log('shell (its parent is outside) died with', (await exec.wait(shell.nspid[0])).change);
console.log('tini reaped by runtime:', (await runtime.wait(container.pidIn(runtime.ns))).change);
try {
  await exec.fork();
} catch (e) {
  if (e instanceof KernelError) console.log(`a fork into the dead namespace: ${e.code} (${e.message})`);
}
console.log('invariants:', (await kernel.checkInvariants()).length === 0 ? 'all hold' : 'VIOLATED');
await kernel.close();
