// The scenario file format: named processes and the syscalls they make, one
// step at a time, each with an optional expected observation. This schema is
// the only validation; everything after the loader trusts its output.
// docs/scenarios.md describes the format for people.

import { z } from 'zod';
import { VARIANT_VALUES, parseSignal } from '../index.js';

/** A process or namespace-handle name: short, no spaces (it travels in the linux helper's command lines). */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,30}$/;

const name = z
  .string({ error: 'a name (a string)' })
  .regex(NAME_PATTERN, { error: 'a name: a letter or _, then up to 30 letters, digits, _ . or -' })
  .refine((s) => s !== 'self', { error: '"self" is reserved (it means the calling process)' });

/** A PID as the calling process sees it, or the name of a scenario process (translated for the caller). */
const pidArg = z.union([z.number().int().min(-2147483648).max(2147483647), name], {
  error: 'a PID as the caller sees it (an integer) or a process name',
});
const pidOrSelf = z.union([z.literal('self'), z.number().int().min(1).max(2147483647), name], {
  error: 'a PID (an integer > 0), a process name, or "self"',
});

const SIGNAL_HELP = 'a signal: a number (any 32-bit integer; outside 1..64 to see EINVAL) or a name like TERM, SIGUSR1, RTMIN+1';
const signal = z.union(
  [
    z.number().int().min(-2147483648).max(2147483647),
    z.string().refine((s) => parseSignal(s) !== undefined, { error: SIGNAL_HELP }),
  ],
  { error: SIGNAL_HELP },
);

/** A uid or gid: 0..4294967294, or -1 where a call keeps an id. */
const id = z.number().int().min(0).max(0xfffffffe, { error: 'an id: an integer 0..4294967294' });
const idOrKeep = z.number().int().min(-1).max(0xfffffffe, { error: 'an id: an integer 0..4294967294, or -1 (unchanged)' });

/** What a handler does when its signal is delivered (one key each, in order), as a C handler would. */
const handlerStep = z.union(
  [
    z.object({ exit: z.number().int().min(0).max(255) }).strict(),
    z.object({ kill: z.union([z.literal('self'), pidArg]), sig: signal }).strict(),
    z.object({ sigprocmask: z.enum(['block', 'unblock', 'setmask']), sigs: z.array(signal) }).strict(),
    z.object({ fork: name }).strict(),
  ],
  { error: 'a handler step: { exit: N }, { kill: PID or name or self, sig: S }, { sigprocmask: block|unblock|setmask, sigs: [...] } or { fork: NAME }' },
);
export type HandlerStepSpec = z.output<typeof handlerStep>;

/** A uid_map/gid_map line: "first lower count". */
const idMap = z.string().regex(/^\s*\d+\s+\d+\s+\d+\s*$/, { error: 'a map line "first lower count", e.g. "0 0 4294967295"' });

/** pidfd_open's flags by name, or the number the syscall takes (unknown bits: EINVAL). */
export const PIDFD_OPEN_FLAGS = ['nonblock', 'thread'] as const;
/** pidfd_send_signal's scope flags by name (several at once: EINVAL), or the number. */
export const PIDFD_SIGNAL_FLAGS = ['thread', 'thread_group', 'process_group'] as const;
const rawFlags = z.number().int().min(0).max(0xffffffff, { error: 'flags as a number: an unsigned 32-bit integer' });

/** /proc/PID/ns/{pid,pid_for_children} of a process (or self). */
const nsOf = { target: pidOrSelf.optional(), which: z.enum(['pid', 'pid_for_children']).optional() };

/** Any JSON value: what a step is expected to observe. */
const json: z.ZodType<Observation> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)], {
    error: 'a JSON value (number, string, list or mapping)',
  }),
);

/** What a step observed, as plain JSON: a return value, an errno name, 'blocked', 'dead', or a structured result. */
export type Observation = null | boolean | number | string | Observation[] | { [key: string]: Observation };

const expectation = {
  /** The observation this step must produce (mappings match when every given key matches). */
  expect: json.optional(),
  /** Several legal observations; any one of them passes. */
  expectOneOf: z.array(json).min(1).optional(),
};

/**
 * Where kernel builds differ (docs/deviations.md, "Kernel variants"): for a
 * variant's value, the expectation that replaces the step's own, e.g.
 * `variants: { orphanedPgrpSighup: { stopped-members: { expect: { count: 0 } } } }`.
 */
const variants = z
  .object(
    Object.fromEntries(
      Object.entries(VARIANT_VALUES).map(([name, values]) => [
        name,
        z.partialRecord(z.enum(values as [string, ...string[]]), z.object(expectation).strict()).optional(),
      ]),
    ),
  )
  .strict();

const common = {
  /** Free text shown in the output. */
  note: z.string().optional(),
  ...expectation,
  variants: variants.optional(),
};
const byProc = { by: name, ...common };

export const STATUS_FIELDS = ['state', 'ppid', 'nspid', 'nspgid', 'nssid', 'uid', 'gid'] as const;
export const SIGACTION_FLAGS = ['restart', 'nocldstop', 'nocldwait', 'resethand'] as const;
export const REBOOT_COMMANDS = ['restart', 'restart2', 'halt', 'power-off', 'cad-on', 'cad-off'] as const;

const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

const stepSchemas = [
  strict({
    op: z.literal('fork'),
    ...byProc,
    /** The child's name in the scenario. */
    as: name,
    /** CLONE_NEWPID: the child is PID 1 of a new namespace. */
    newPid: z.boolean().optional(),
    /** CLONE_PARENT: the child's parent is the caller's parent. */
    parent: z.boolean().optional(),
    /** CLONE_NEWUSER: the child gets a new user namespace (without uid/gid maps until one is written). */
    newUser: z.boolean().optional(),
    /** clone3 set_tid: PIDs innermost first. */
    setTid: z.array(z.number().int()).min(1).max(32).optional(),
    /** clone3 CLONE_PIDFD: the caller gets a pidfd of the child under this name (the child does not). */
    pidfd: name.optional(),
    /** CLONE_THREAD|CLONE_SIGHAND|CLONE_VM: `as` names a new thread of the caller's process; its steps are made by that thread. */
    thread: z.boolean().optional(),
  }),
  strict({
    op: z.literal('unshare'),
    ...byProc,
    /** CLONE_NEWPID (default true). */
    pid: z.boolean().optional(),
    /** CLONE_NEWUSER. */
    user: z.boolean().optional(),
  }),
  strict({
    op: z.literal('open_ns'),
    ...byProc,
    target: pidOrSelf,
    which: z.enum(['pid', 'pid_for_children']).optional(),
    /** The handle's name; children forked later inherit it, as they inherit the fd. */
    as: name,
  }),
  strict({
    op: z.literal('setns'),
    ...byProc,
    /** A handle opened earlier by this process or inherited from an ancestor... */
    ns: name.optional(),
    /** ...or a process whose /proc/PID/ns/{which} is opened, joined and closed. */
    target: pidOrSelf.optional(),
    which: z.enum(['pid', 'pid_for_children']).optional(),
  }),
  strict({
    op: z.literal('kill'),
    ...byProc,
    pid: pidArg,
    /** kill(-pgid): signal the process group whose id is `pid`. */
    group: z.boolean().optional(),
    sig: signal,
    /** Observe which of the caller's handlers had run when kill returned: `{ result: 0, caught: { SIGUSR1: 1 } }`. */
    report: z.boolean().optional(),
  }),
  strict({
    op: z.literal('sigaction'),
    ...byProc,
    sig: signal,
    action: z.enum(['default', 'ignore', 'catch']),
    flags: z.array(z.enum(SIGACTION_FLAGS)).optional(),
    /** For `catch`: what the handler does, in order, besides counting. */
    do: z.array(handlerStep).min(1).optional(),
  }),
  strict({
    op: z.literal('sigprocmask'),
    ...byProc,
    how: z.enum(['block', 'unblock', 'setmask']),
    sigs: z.array(signal).optional(),
  }),
  strict({ op: z.literal('sigpending'), ...byProc }),
  strict({ op: z.literal('subreaper'), ...byProc, on: z.boolean().optional() }),
  strict({ op: z.literal('setpgid'), ...byProc, pid: pidArg.optional(), pgid: pidArg.optional() }),
  strict({ op: z.literal('setsid'), ...byProc }),
  strict({ op: z.literal('getpgid'), ...byProc, pid: pidArg.optional() }),
  strict({ op: z.literal('getsid'), ...byProc, pid: pidArg.optional() }),
  strict({ op: z.literal('getpid'), ...byProc }),
  strict({ op: z.literal('getppid'), ...byProc }),
  strict({ op: z.literal('exit'), ...byProc, code: z.number().int().min(0).max(255).optional() }),
  /** exit_group(2): every thread of the caller's process ends. */
  strict({ op: z.literal('exit_group'), ...byProc, code: z.number().int().min(0).max(255).optional() }),
  strict({ op: z.literal('gettid'), ...byProc }),
  /** tgkill(tgid, tid, sig): PIDs or names (a thread's name is its TID). */
  strict({ op: z.literal('tgkill'), ...byProc, tgid: pidArg, tid: pidArg, sig: signal }),
  strict({ op: z.literal('tkill'), ...byProc, tid: pidArg, sig: signal }),
  /** ls /proc/PID/task through the caller's procfs: the TIDs of the process's threads. */
  strict({ op: z.literal('tasks'), ...byProc, target: pidOrSelf.optional() }),
  strict({ op: z.literal('reboot'), ...byProc, cmd: z.enum(REBOOT_COMMANDS) }),
  strict({
    op: z.literal('wait'),
    ...byProc,
    /** -1 any child (default), > 0 one child, 0 own group, or a process name. */
    pid: pidArg.optional(),
    /** wait for the process group whose id is `pid` (waitpid(-pgid)). */
    group: z.boolean().optional(),
    nohang: z.boolean().optional(),
    untraced: z.boolean().optional(),
    continued: z.boolean().optional(),
    nowait: z.boolean().optional(),
  }),
  strict({ op: z.literal('join'), ...byProc }),
  strict({
    op: z.literal('status'),
    ...byProc,
    target: pidOrSelf.optional(),
    fields: z.array(z.enum(STATUS_FIELDS)).min(1).optional(),
  }),
  strict({ op: z.literal('pids'), ...byProc }),
  strict({ op: z.literal('caught'), ...byProc, sig: signal }),
  strict({
    op: z.literal('sysctl'),
    ...byProc,
    name: z.enum(['ns_last_pid', 'pid_max', 'max_pid_namespaces']),
    value: z.number().int().optional(),
  }),
  strict({ op: z.literal('drop_privileges'), ...byProc }),
  strict({ op: z.literal('exec'), ...byProc }),
  strict({ op: z.literal('delivered'), ...byProc }),
  strict({ op: z.literal('setuid'), ...byProc, uid: id }),
  strict({ op: z.literal('setgid'), ...byProc, gid: id }),
  strict({ op: z.literal('setresuid'), ...byProc, ids: z.tuple([idOrKeep, idOrKeep, idOrKeep]) }),
  strict({ op: z.literal('setresgid'), ...byProc, ids: z.tuple([idOrKeep, idOrKeep, idOrKeep]) }),
  strict({ op: z.literal('getuid'), ...byProc }),
  strict({ op: z.literal('geteuid'), ...byProc }),
  strict({ op: z.literal('getresuid'), ...byProc }),
  strict({ op: z.literal('getresgid'), ...byProc }),
  strict({ op: z.literal('uid_map'), ...byProc, target: pidArg, map: idMap }),
  strict({ op: z.literal('gid_map'), ...byProc, target: pidArg, map: idMap }),
  strict({ op: z.literal('ns_id'), ...byProc, ...nsOf }),
  strict({ op: z.literal('ns_parent'), ...byProc, ...nsOf }),
  strict({ op: z.literal('pid_from_ns'), ...byProc, ...nsOf, pid: z.number().int() }),
  strict({ op: z.literal('pid_in_ns'), ...byProc, ...nsOf, pid: pidArg }),
  strict({
    op: z.literal('pidfd_open'),
    ...byProc,
    /** The process (a name, a PID as the caller sees it, or self). */
    pid: z.union([z.literal('self'), pidArg], { error: 'a PID as the caller sees it, a process name, or "self"' }),
    flags: z.union([z.array(z.enum(PIDFD_OPEN_FLAGS)), rawFlags]).optional(),
    /** The pidfd's name; children forked later inherit it, execve closes it (O_CLOEXEC). */
    as: name,
  }),
  strict({
    op: z.literal('pidfd_send_signal'),
    ...byProc,
    /** A pidfd this process holds (a namespace handle's name sees EBADF). */
    fd: name,
    sig: signal,
    flags: z.union([z.array(z.enum(PIDFD_SIGNAL_FLAGS)), rawFlags]).optional(),
    /** As kill's: which of the caller's handlers had run when it returned. */
    report: z.boolean().optional(),
  }),
  strict({
    op: z.literal('waitid'),
    ...byProc,
    /** waitid(P_PIDFD, fd): the child this pidfd names. */
    pidfd: name,
    nohang: z.boolean().optional(),
    untraced: z.boolean().optional(),
    continued: z.boolean().optional(),
    nowait: z.boolean().optional(),
    /** WEXITED (default true): false leaves it out. */
    exited: z.boolean().optional(),
  }),
  strict({ op: z.literal('fdinfo'), ...byProc, fd: name }),
  strict({ op: z.literal('poll'), ...byProc, fd: name }),
  strict({ op: z.literal('sleep'), ...common, ms: z.number().int().min(0).max(60_000) }),
] as const;

export const STEP_OPS = stepSchemas.map((s) => s.shape.op.value);

export const stepSchema = z.discriminatedUnion('op', [...stepSchemas], {
  error: `an op: one of ${stepSchemas.map((s) => s.shape.op.value).join(', ')}`,
});

export const scenarioSchema = z
  .object({
    /** A unique, readable name (kebab-case by convention). */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'a kebab-case name: lowercase letters, digits and -' }),
    description: z.string().optional(),
    /** The docs/semantics.md items this scenario covers, e.g. ["4.2", "4.3"]; the loader checks they exist. */
    semantics: z.array(z.string().regex(/^\d+\.\d+$/, { error: 'a SEMANTICS item like "4.2"' })).min(1).optional(),
    /** The name of the scenario's first process: PID 1 of the scenario's root namespace. */
    root: name.optional(),
    requires: z
      .object({
        /** The absolute level of the scenario's root namespace (the linux backend's depends on the machine). */
        rootLevel: z.number().int().min(1).max(32).optional(),
      })
      .strict()
      .optional(),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

/** A validated scenario; `root` defaults to "init", `source` is where it was read from. */
export type Scenario = Omit<z.output<typeof scenarioSchema>, 'root'> & { readonly root: string; readonly source: string };
export type Step = z.output<typeof stepSchema>;
export type StepOp = Step['op'];
export type StepOf<O extends StepOp> = Extract<Step, { op: O }>;
