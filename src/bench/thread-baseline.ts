// The real-Linux side of the thread-cycle suite: a C program (kept as a
// string, compiled at run time with -pthread like the main baseline) that
// creates a thread and waits for its exit, or forks a child and reaps it,
// in a loop, in the root namespace or as the init of a namespace nested
// DEPTH levels down.

import { BASELINE_C_PRELUDE } from './baseline-c-prelude.js';
import { compileC } from '../linux/compile-c.js';

export const THREAD_BASELINE_SOURCE = String.raw`/*
 * pidsim-bench-thread: "MODE DEPTH MS" runs cycles for MS ms and prints
 * "ok CYCLES MS" (timed with CLOCK_MONOTONIC) or "error WHAT: STRERROR".
 * MODE thread: pthread_create + pthread_join of a thread that returns at
 * once - clone(CLONE_THREAD|CLONE_SIGHAND|CLONE_VM...), the thread's exit(2)
 * (not exit_group), and the wait on the futex the kernel clears at its exit
 * (CLONE_CHILD_CLEARTID). MODE fork: fork + _exit(0) + waitpid. The cycles
 * run in this process (DEPTH 0) or in the init of a PID namespace nested
 * DEPTH levels below (unshare(CLONE_NEWPID) + fork per level: glibc's fork
 * keeps its own idea of the thread's TID right, which a raw clone would not,
 * and pthread_create runs in that process), so each TID or PID is allocated
 * at DEPTH+1 levels.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

${BASELINE_C_PRELUDE}

static int reap(pid_t pid) {
  int st = 0;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) fail("waitpid");
  return st;
}

/* Become the init of a PID namespace nested depth levels below; every ancestor waits for its child and exits with its status. */
static void descend(int depth) {
  for (; depth > 0; depth--) {
    if (unshare(CLONE_NEWPID) != 0) fail("unshare(CLONE_NEWPID)");
    fflush(stdout);
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c > 0) {
      int st = reap(c);
      _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 3);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  }
}

static void *returns(void *arg) { return arg; }

static void one_thread(void) {
  pthread_t t;
  int e = pthread_create(&t, NULL, returns, NULL);
  if (e != 0) errno = e, fail("pthread_create");
  e = pthread_join(t, NULL);
  if (e != 0) errno = e, fail("pthread_join");
}

static void one_fork(void) {
  pid_t c = fork();
  if (c < 0) fail("fork");
  if (c == 0) _exit(0);
  reap(c);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc != 4 || (strcmp(argv[1], "thread") != 0 && strcmp(argv[1], "fork") != 0)) return printf("usage: %s thread|fork DEPTH MS\n", argv[0]), 64;
  void (*cycle)(void) = strcmp(argv[1], "thread") == 0 ? one_thread : one_fork;
  int depth = atoi(argv[2]);
  double ms = atof(argv[3]);
  descend(depth);
  long n = 0;
  double t0 = now_ms(), t1 = t0;
  while (t1 - t0 < ms) {
    for (int i = 0; i < 16; i++, n++) cycle();
    t1 = now_ms();
  }
  printf("ok %ld %.3f\n", n, t1 - t0);
  return 0;
}
`;

/** The compiled program's path, compiled once per source version and compiler. */
export function buildThreadBaseline(): Promise<string> {
  return compileC({ name: 'bench-thread', source: THREAD_BASELINE_SOURCE, optimize: '-O2', flags: ['-pthread'] });
}
