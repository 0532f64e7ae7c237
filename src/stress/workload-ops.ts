// The operations of a stress workload, as plain data (they cross into
// piscina workers and are replayed by index). An operation names processes by
// slot: a logical id the generator gives each process it plans to create
// (slot 0 is the root namespace's init). An operation whose slots never came
// to exist in a run (their fork failed, or shrinking removed it) is skipped.

/** A process as the workload names it; the runner maps it to a Process handle once its fork succeeds. */
export type Slot = number;

/** What a forked child runs: idle, reaps its children (tini), exits at once, or exits after a virtual sleep. */
export type ChildProgram = 'idle' | 'reaper' | 'exit' | 'sleep';

export type SignalHandlerChoice = 'catch' | 'ignore' | 'default';

export type StressOp =
  /** fork(), or clone(CLONE_NEWPID) when newPid: the child becomes init of a new namespace. */
  | { readonly kind: 'fork'; readonly by: Slot; readonly child: Slot; readonly program: ChildProgram; readonly newPid: boolean }
  /** A cascade: SIGKILL to a namespace's init from its parent namespace. */
  | { readonly kind: 'kill-init'; readonly by: Slot; readonly init: Slot }
  /** A cascade: a namespace's init calls exit(). */
  | { readonly kind: 'init-exit'; readonly init: Slot; readonly code: number }
  /** One signal of a storm: kill(pid, sig) with the target's PID as the sender sees it. */
  | { readonly kind: 'signal'; readonly by: Slot; readonly target: Slot; readonly sig: number }
  /** kill(-1, sig): everything the sender's namespace shows, but init and the sender. */
  | { readonly kind: 'kill-all'; readonly by: Slot; readonly sig: number }
  /** kill(0, sig) when leader is null, else kill(-pgid of leader, sig). */
  | { readonly kind: 'kill-group'; readonly by: Slot; readonly leader: Slot | null; readonly sig: number }
  | { readonly kind: 'exit'; readonly proc: Slot; readonly code: number }
  /** waitpid(-1, WNOHANG) until nothing is left to reap. */
  | { readonly kind: 'reap'; readonly by: Slot }
  /** SIGKILL to a child, then a blocking waitpid() on it: the death always ends the wait. */
  | { readonly kind: 'kill-wait'; readonly by: Slot; readonly child: Slot }
  /** by forks chain[0], which forks chain[1], ...; then every link but the last exits at once (orphans reparent). */
  | { readonly kind: 'orphan-chain'; readonly by: Slot; readonly chain: readonly Slot[] }
  /** by forks a reaper `joiner`, which opens the namespace of `init`, setns()es into it and forks `children` there. */
  | { readonly kind: 'setns-join'; readonly by: Slot; readonly joiner: Slot; readonly init: Slot; readonly children: readonly Slot[] }
  /** unshare(CLONE_NEWPID), then forks: the first child is init of the new namespace. */
  | { readonly kind: 'unshare-fork'; readonly proc: Slot; readonly children: readonly Slot[] }
  | { readonly kind: 'sigaction'; readonly proc: Slot; readonly sig: number; readonly handler: SignalHandlerChoice }
  | { readonly kind: 'sigprocmask'; readonly proc: Slot; readonly how: 'block' | 'unblock'; readonly sigs: readonly number[] }
  /** prctl(PR_SET_CHILD_SUBREAPER, 1). */
  | { readonly kind: 'subreaper'; readonly proc: Slot }
  | { readonly kind: 'setsid'; readonly proc: Slot }
  /** SIGSTOP to a process, then SIGCONT from the root init: its calls in between wait for the SIGCONT. */
  | { readonly kind: 'stop-cont'; readonly by: Slot; readonly target: Slot }
  /**
   * pidfd holders racing reaping (SEMANTICS 8.14): `by` forks `child` with CLONE_PIDFD, `holder`
   * opens a second pidfd on it, `by` kills it and reaps it through its pidfd, moves ns_last_pid
   * back and forks `reuser`, which may take the child's PID; both old pidfds are then ESRCH and
   * their signal never reaches the reuser (pidfd-reuse-op.ts).
   */
  | { readonly kind: 'pidfd-reuse'; readonly by: Slot; readonly holder: Slot; readonly child: Slot; readonly reuser: Slot }
  /**
   * Thread groups (SEMANTICS 8.19-8.21): `proc` creates `threads` threads, then its group ends by
   * exit_group from a thread, a SIGKILL tgkill'ed at one thread, exit_group racing an execve from
   * another thread (exactly one returns), or stays multi-threaded (thread-group-op.ts).
   */
  | { readonly kind: 'thread-group'; readonly proc: Slot; readonly threads: number; readonly ending: ThreadGroupEnding; readonly code: number };

/** How a `thread-group` operation's process ends. */
export type ThreadGroupEnding = 'stay' | 'exit-group' | 'fatal-tgkill' | 'exec-race';

export type StressOpKind = StressOp['kind'];

export const OP_KINDS: readonly StressOpKind[] = [
  'fork',
  'kill-init',
  'init-exit',
  'signal',
  'kill-all',
  'kill-group',
  'exit',
  'reap',
  'kill-wait',
  'orphan-chain',
  'setns-join',
  'unshare-fork',
  'sigaction',
  'sigprocmask',
  'subreaper',
  'setsid',
  'stop-cont',
  'pidfd-reuse',
  'thread-group',
];

/** How many processes an operation means to create. */
export function forksOf(op: StressOp): number {
  switch (op.kind) {
    case 'fork':
      return 1;
    case 'orphan-chain':
      return op.chain.length;
    case 'setns-join':
      return 1 + op.children.length;
    case 'unshare-fork':
      return op.children.length;
    case 'pidfd-reuse':
      return 2;
    default:
      return 0;
  }
}

const s = (slot: Slot): string => (slot === 0 ? 's0 (root init)' : `s${slot}`);

/** One line for a reproducer listing; process names in a run are the slots (`s12`). */
export function describeOp(op: StressOp): string {
  switch (op.kind) {
    case 'fork':
      return `${s(op.by)} forks ${s(op.child)}${op.newPid ? ' into a new PID namespace' : ''}, running ${op.program}`;
    case 'kill-init':
      return `${s(op.by)} sends SIGKILL to namespace init ${s(op.init)} (cascade)`;
    case 'init-exit':
      return `namespace init ${s(op.init)} exits with ${op.code} (cascade)`;
    case 'signal':
      return `${s(op.by)} sends signal ${op.sig} to ${s(op.target)}`;
    case 'kill-all':
      return `${s(op.by)} calls kill(-1, ${op.sig})`;
    case 'kill-group':
      return op.leader === null ? `${s(op.by)} calls kill(0, ${op.sig})` : `${s(op.by)} signals the group of ${s(op.leader)} with ${op.sig}`;
    case 'exit':
      return `${s(op.proc)} exits with ${op.code}`;
    case 'reap':
      return `${s(op.by)} reaps with waitpid(-1, WNOHANG) until nothing is left`;
    case 'kill-wait':
      return `${s(op.by)} sends SIGKILL to its child ${s(op.child)} and waits for it`;
    case 'orphan-chain':
      return `${s(op.by)} forks the chain ${op.chain.map(s).join(' -> ')}; all but the last exit at once`;
    case 'setns-join':
      return `${s(op.by)} forks joiner ${s(op.joiner)}, which setns()es into the namespace of ${s(op.init)} and forks ${op.children.map(s).join(', ')}`;
    case 'unshare-fork':
      return `${s(op.proc)} unshares a PID namespace and forks ${op.children.map(s).join(', ')} (the first is its init)`;
    case 'sigaction':
      return `${s(op.proc)} sets signal ${op.sig} to ${op.handler}`;
    case 'sigprocmask':
      return `${s(op.proc)} ${op.how}s signals ${op.sigs.join(', ')}`;
    case 'subreaper':
      return `${s(op.proc)} becomes a child subreaper`;
    case 'setsid':
      return `${s(op.proc)} calls setsid()`;
    case 'stop-cont':
      return `${s(op.by)} sends SIGSTOP to ${s(op.target)}, then the root init sends it SIGCONT`;
    case 'thread-group':
      return `${s(op.proc)} creates ${op.threads} threads, then ${op.ending === 'stay' ? 'keeps them' : op.ending === 'exit-group' ? `a thread calls exit_group(${op.code})` : op.ending === 'fatal-tgkill' ? 'SIGKILLs one of them with tgkill' : `one thread execs while another calls exit_group(${op.code})`}`;
    case 'pidfd-reuse':
      return `${s(op.by)} forks ${s(op.child)} with a pidfd (${s(op.holder)} opens another), kills and reaps it through it, forks ${s(op.reuser)} on its PID, and signals both old pidfds`;
  }
}
