// Golden transcripts of the PID-namespace walkthrough (the article pidsim grew
// from, which examples/demo.sh replays), scene by scene, in `pidsim shell`.
// The article's PIDs (2616, 2724, 27, 14, 51 ...) depend on what its machine
// had running; here every session starts from a fresh kernel, so the
// numbers are smaller but deterministic. Where the article
// prints a number, the test says which one it was and checks the structure
// it shows (who is whose parent, how many levels, which rows have PPID 0).

import { describe, expect, it } from 'vitest';
import { psPids, psRows, pstreeLabels, replayer, type Replay } from './replay.js';

const start = replayer();

/** The number in `pid(N)` labels of a pstree chain, by position. */
function chainPids(pstree: string): number[] {
  return pstreeLabels(pstree).map((l) => Number(/\((\d+)\)/.exec(l)![1]));
}

describe('scene 1: a new PID namespace needs its own /proc', () => {
  it('unshare --pid --mount --fork: $$ is 1 but ps and /proc still show the old namespace until /proc is remounted', async () => {
    const r = await start(`
      readlink /proc/$$/ns/pid
      sudo unshare --pid --mount --fork /bin/bash
      echo $$
      readlink /proc/$$/ns/pid
      ps
      cat /proc/1/cmdline
    `);
    const hostNs = r.steps[0]!.output.split('\n')[0];
    expect(r.session.prompt()).toBe('[w1 $$=1]# ');
    expect(r.out('echo $$')).toBe('1\n');
    // The confusing part: /proc/1 is the host's init, so "our" namespace looks unchanged.
    expect(r.out('readlink /proc/$$/ns/pid')).toBe(`${hostNs}\n`);
    expect(r.out('cat /proc/1/cmdline')).toBe('/sbin/init');
    // ps lists the window's processes with the old namespace's numbers: no PID 1 among them.
    const ps = r.out('ps');
    expect(ps).toMatch(/^ {4}PID TTY {10}TIME CMD\n/);
    expect(ps).toContain(' sudo\n');
    expect(ps).toContain(' unshare\n');
    expect(psPids(ps)).not.toContain(1);
    expect(psPids(ps)).toContain(2);

    await r.run(`
      mount -t proc proc /proc
      readlink /proc/self/ns/pid
      ps -ef
    `);
    expect(r.out('mount -t proc proc /proc')).toBe('');
    expect(r.out('readlink /proc/self/ns/pid')).not.toBe(`${hostNs}\n`);
    const rows = psRows(r.out('ps -ef'));
    expect(rows.map((x) => [x.pid, x.ppid, x.cmd])).toEqual([
      [1, 0, '/bin/bash'],
      [rows[1]!.pid, 1, 'ps -ef'],
    ]);
  });

  it('unshare --mount-proc does both at once', async () => {
    const r = await start(`
      sudo unshare --pid --mount-proc --fork /bin/bash
      ps -ef
      ps
    `);
    expect(r.out('ps -ef')).toBe(
      'UID          PID    PPID  C STIME TTY          TIME CMD\n' +
        'root           1       0  0 00:00 pts/1    00:00:00 /bin/bash\n' +
        'root           2       1  0 00:00 pts/1    00:00:00 ps -ef\n',
    );
    expect(r.out('ps')).toBe('    PID TTY          TIME CMD\n      1 pts/1    00:00:00 bash\n      3 pts/1    00:00:00 ps\n');
  });
});

describe('scene 2: only the forked child joins the new namespace', () => {
  it('readlink /proc/PID/ns/pid shows sudo and unshare in the old namespace, the bash in the new one', async () => {
    const r = await start(`
      sudo unshare --pid --mount-proc --fork /bin/bash
      window 2
      pstree -p 2
    `);
    const [login, sudo, unshare, bash] = chainPids(r.out('pstree -p 2'));
    expect(r.out('pstree -p 2')).toBe(`bash(${login})───sudo(${sudo})───unshare(${unshare})───bash(${bash})\n`);
    await r.run(`
      readlink /proc/${login}/ns/pid /proc/${sudo}/ns/pid /proc/${unshare}/ns/pid /proc/${bash}/ns/pid
      readlink /proc/${unshare}/ns/pid_for_children
    `);
    const links = r.out(`readlink /proc/${login}/ns/pid /proc/${sudo}/ns/pid /proc/${unshare}/ns/pid /proc/${bash}/ns/pid`).trim().split('\n');
    expect(links).toHaveLength(4);
    expect(links[1]).toBe(links[0]);
    expect(links[2]).toBe(links[0]);
    expect(links[3]).not.toBe(links[0]);
    expect(links[3]).toMatch(/^pid:\[\d+\]$/);
    // unshare(CLONE_NEWPID) changed only unshare's pid_for_children (SEMANTICS 2.2).
    expect(r.out(`readlink /proc/${unshare}/ns/pid_for_children`)).toBe(`${links[3]}\n`);
  });
});

/**
 * Scenes 3-7 share the article's setup: three nested namespaces made from
 * window 1, window 2 looking from the host.
 */
async function threeNamespaces(): Promise<{ r: Replay; chain: number[]; nspid: number[] }> {
  const r = await start(`
    sudo unshare --pid --mount-proc --fork /bin/bash
    sudo unshare --pid --mount-proc --fork /bin/bash
    sudo unshare --pid --mount-proc --fork /bin/bash
    window 2
    pstree -p 2
  `);
  const chain = chainPids(r.out('pstree -p 2'));
  const innermost = chain[9]!;
  await r.run(`grep pid /proc/${innermost}/status`);
  const line = r.out(`grep pid /proc/${innermost}/status`);
  const nspid = line.trim().split('\t').slice(1).map(Number);
  return { r, chain, nspid };
}

describe('scene 3: three nested namespaces', () => {
  it('pstree -p from another window shows the chain, and NSpid has one number per level, outermost first', async () => {
    const { r, chain, nspid } = await threeNamespaces();
    const names = pstreeLabels(r.out('pstree -p 2')).map((l) => l.replace(/\(\d+\)/, ''));
    expect(names).toEqual(['bash', 'sudo', 'unshare', 'bash', 'sudo', 'unshare', 'bash', 'sudo', 'unshare', 'bash']);
    expect(chain).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // `grep pid` matches only the NSpid line. The article shows `NSpid: 2724 27 14 1` (its
    // machine had thousands of PIDs in use); on a fresh kernel the innermost bash is
    // 11 on the host, 7 in the first namespace, 4 in the second, 1 in its own.
    expect(r.out(`grep pid /proc/${chain[9]}/status`)).toBe('NSpid:\t11\t7\t4\t1\n');
    expect(nspid).toHaveLength(4);
    expect(nspid[0]).toBe(chain[9]);
    expect(nspid[3]).toBe(1);
  });
});

describe('scene 4: entering a namespace with nsenter from another window', () => {
  it('pstree omits the nsenter-ed bash and ps -ef shows two processes with PPID 0; a third window sees three', async () => {
    const { r, chain, nspid } = await threeNamespaces();
    const [, , , ns1Init, , , ns2Init] = chain;
    await r.run(`
      sudo nsenter --mount --pid -t ${ns2Init} /bin/bash
      echo $$
      echo $PPID
      pstree -p
      ps -ef
    `);
    const w2bash = Number(r.out('echo $$').trim());
    expect(r.out('echo $PPID')).toBe('0\n'); // SEMANTICS 8.6: its parent, nsenter, is outside.
    // In the second namespace the innermost bash is bash(4) (the article's bash(14)).
    expect(r.out('pstree -p')).toBe(`bash(1)───sudo(2)───unshare(3)───bash(${nspid[2]})\n`);
    const ns2 = psRows(r.out('ps -ef'));
    expect(ns2.filter((x) => x.ppid === 0).map((x) => x.pid)).toEqual([1, w2bash]);
    expect(ns2.find((x) => x.pid === w2bash)!.tty).toBe('pts/2');

    await r.run(`
      window 3
      sudo nsenter --mount --pid -t ${ns1Init} /bin/bash
      pstree -p
      ps -ef
    `);
    // In the first namespace: the article's bash(14) (second ns init) and bash(27) (third).
    const ns1Tree = r.out('pstree -p', 3);
    expect(pstreeLabels(ns1Tree)).toEqual(['bash(1)', 'sudo(2)', 'unshare(3)', 'bash(4)', 'sudo(5)', 'unshare(6)', `bash(${nspid[1]})`]);
    const ns1 = psRows(r.out('ps -ef', 3));
    const ppid0 = ns1.filter((x) => x.ppid === 0);
    // The namespace's init and the two nsenter-ed shells (the article's 51 and 66).
    expect(ppid0.map((x) => x.tty)).toEqual(['pts/1', 'pts/2', 'pts/3']);
    expect(ppid0[0]!.pid).toBe(1);
  });
});

/** Scenes 5-7 start with windows 2 and 3 entered into the second and first namespaces. */
async function threeWindows(): Promise<{ r: Replay; chain: number[]; nspid: number[]; w2InNs1: number; w3bash: number }> {
  const { r, chain, nspid } = await threeNamespaces();
  await r.run(`
    sudo nsenter --mount --pid -t ${chain[6]} /bin/bash
    window 3
    sudo nsenter --mount --pid -t ${chain[3]} /bin/bash
    ps -ef
  `);
  const rows = psRows(r.out('ps -ef', 3));
  const w2InNs1 = rows.find((x) => x.ppid === 0 && x.tty === 'pts/2')!.pid;
  const w3bash = rows.find((x) => x.ppid === 0 && x.tty === 'pts/3')!.pid;
  return { r, chain, nspid, w2InNs1, w3bash };
}

describe('scene 5: kill from a parent namespace', () => {
  it('a shell in the first namespace kills the bash of window 2 (second namespace); window 2 falls back to its login shell', async () => {
    const { r, w2InNs1 } = await threeWindows();
    await r.run(`
      kill ${w2InNs1}
      ps -ef
    `);
    // Interactive bash ignores SIGTERM (bash(1) SIGNALS): the article's plain `kill 51` could not
    // have ended an interactive shell; SIGKILL does.
    expect(r.out(`kill ${w2InNs1}`)).toBe('');
    expect(psRows(r.out('ps -ef', 3)).some((x) => x.pid === w2InNs1)).toBe(true);
    await r.run(`
      kill -9 ${w2InNs1}
      echo $?
      window 2
    `);
    expect(r.out(`kill -9 ${w2InNs1}`)).toBe('');
    expect(r.out('echo $?')).toBe('0\n');
    // nsenter and sudo die of the same signal, so window 2's login bash reports it.
    expect(r.out('window 2')).toBe('Killed\n');
    expect(r.session.prompt()).toBe('[w2 $$=12]# ');
  });
});

describe('scene 6: orphans are adopted by the init of their own namespace', () => {
  it('killing `unshare --fork nohup sleep 3600 &` hands sleep to bash(1) of the namespace', async () => {
    const { r } = await threeWindows();
    await r.run(`
      window 1
      bash
      bash
      unshare --fork nohup sleep 3600 &
      pstree -p
    `);
    expect(r.out('unshare --fork nohup sleep 3600 &')).toBe("[1] 4\nnohup: ignoring input and appending output to 'nohup.out'\n");
    expect(r.out('pstree -p')).toBe('bash(1)───bash(2)───bash(3)─┬─pstree(6)\n                            └─unshare(4)───sleep(5)\n');
    // util-linux 2.38 blocks SIGTERM in unshare while it waits (2.27, the article's, did not):
    // `kill 4` leaves it pending, SIGKILL is needed.
    await r.run(`
      kill 4
      ps -ef
      kill -9 4
      pstree -p
      ps -ef
    `);
    expect(r.out('kill 4')).toBe('');
    expect(psRows(r.steps[r.steps.length - 4]!.output).some((x) => x.cmd.startsWith('unshare'))).toBe(true);
    expect(r.steps[r.steps.length - 4]!.line).toBe('ps -ef');
    expect(r.out('kill -9 4')).toBe('[1]+  Killed                  unshare --fork nohup sleep 3600\n');
    expect(r.out('pstree -p')).toBe('bash(1)─┬─bash(2)───bash(3)───pstree(8)\n        └─sleep(5)\n');
    const sleep = psRows(r.steps[r.steps.length - 1]!.output).find((x) => x.cmd === 'sleep 3600')!;
    expect(sleep).toMatchObject({ pid: 5, ppid: 1 });
  });

  it('seen from the first namespace, the orphan goes to the third namespace init (bash 7 there), not to bash(1)', async () => {
    const { r, nspid } = await threeWindows();
    await r.run(`
      window 1
      bash
      bash
      unshare --fork nohup sleep 3600 &
      window 3
      ps -ef
    `);
    const before = psRows(r.steps[r.steps.length - 1]!.output);
    const unshare = before.find((x) => x.cmd === 'unshare --fork nohup sleep 3600')!;
    const sleep = before.find((x) => x.cmd === 'sleep 3600')!;
    expect(sleep.ppid).toBe(unshare.pid);
    await r.run(`
      kill -9 ${unshare.pid}
      pstree -p
      ps -ef
    `);
    // The article: sleep(106) adopted by bash(27), the third namespace's init as the first sees it.
    const ns3InitInNs1 = nspid[1]!;
    const after = psRows(r.steps[r.steps.length - 1]!.output);
    expect(after.find((x) => x.pid === sleep.pid)!.ppid).toBe(ns3InitInNs1);
    expect(after.find((x) => x.pid === sleep.pid)!.ppid).not.toBe(1);
    expect(r.steps[r.steps.length - 2]!.output).toContain(`bash(${ns3InitInNs1})─┬─bash(`);
    expect(r.steps[r.steps.length - 2]!.output).toContain(`└─sleep(${sleep.pid})`);
  });
});

describe('scene 7: SIGKILL to the second namespace init', () => {
  it('everything in the second and third namespaces is gone; windows 1 and 2 fall back', async () => {
    const { r, chain } = await threeWindows();
    await r.run(`
      window 1
      unshare --fork nohup sleep 3600 &
      window 2
      window 3
      kill -SIGKILL 4
      pstree -p
      ps -ef
    `);
    // The article's `kill -SIGKILL 14`: bash(4) here is the second namespace's init seen from the first.
    expect(r.out('kill -SIGKILL 4')).toBe('');
    expect(r.out('pstree -p', 3)).toBe('bash(1)\n');
    const ns1 = psRows(r.out('ps -ef', 3));
    expect(ns1.map((x) => [x.pid, x.ppid, x.tty])).toEqual([
      [1, 0, 'pts/1'],
      [ns1[1]!.pid, 0, 'pts/3'],
      [ns1[2]!.pid, ns1[1]!.pid, 'pts/3'],
    ]);
    // Window 1 was inside the third namespace: unshare (in the first) saw its child SIGKILLed
    // (SEMANTICS 8.9), sudo exited 1, and bash(1) of the first namespace prompts again.
    await r.run(`
      window 1
      echo $?
    `);
    expect(r.out('window 1')).toBe('unshare: sigprocmask unblock failed: Invalid argument\n');
    expect(r.out('echo $?')).toBe('1\n');
    expect(r.session.prompt()).toBe('[w1 $$=1]# ');
    // Window 2 was inside the second namespace: back to its login shell on the host.
    await r.run(`
      window 2
      ps -ef
    `);
    expect(r.out('window 2')).toBe('Killed\n');
    expect(r.session.prompt()).toBe('[w2 $$=12]# ');
    // On the host: window 1's login bash, sudo, unshare and the first namespace's init remain;
    // the first namespace's sudo and unshare have exited, the rest was torn down.
    const host = psRows(r.out('ps -ef', 2)).map((x) => x.pid);
    expect(host).toEqual(expect.arrayContaining(chain.slice(0, 4)));
    for (const pid of chain.slice(4)) expect(host).not.toContain(pid);
  });
});
