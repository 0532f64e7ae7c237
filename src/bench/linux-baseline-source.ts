// The C program of the real-Linux baseline, kept as a string so that both
// the src/ and the dist/ builds carry it; linux-baseline-build.ts compiles
// it at run time with the system compiler. Only libc and Linux headers.

import { BASELINE_C_PRELUDE } from './baseline-c-prelude.js';

export const BASELINE_SOURCE = String.raw`/*
 * pidsim-bench-linux: what the real kernel does on this machine, for the
 * ratios of pidsim bench. Each command prints one line, "ok UNITS MS" (the
 * work done and the milliseconds it took, timed here with CLOCK_MONOTONIC)
 * or "error WHAT: STRERROR".
 *
 *   fork-cycle DEPTH MS   fork + _exit + waitpid for MS ms, by the init of a
 *                         PID namespace nested DEPTH levels below this one
 *                         (unshare(CLONE_NEWPID) + fork per level; 0: here)
 *   ns-cycle MS           clone(CLONE_NEWPID) + _exit + waitpid for MS ms:
 *                         a namespace created and destroyed per cycle
 *   teardown MEMBERS      a namespace whose init has MEMBERS sleeping children
 *                         is torn down by SIGKILLing its init; the time runs
 *                         from the kill until waitpid reaps the init, which
 *                         the kernel allows only once every member is gone
 *                         (zap_pid_ns_processes())
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

${BASELINE_C_PRELUDE}

/* fork() with clone flags; a zero stack means the child runs on a copy of ours, as fork does. */
static pid_t raw_clone(unsigned long flags) {
  return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
}

static int reap(pid_t pid) {
  int st = 0;
  while (waitpid(pid, &st, 0) < 0) {
    if (errno != EINTR) fail("waitpid");
  }
  return st;
}

/*
 * Become the init of a PID namespace nested depth levels below this one.
 * Every ancestor waits for its child and exits with its status; a child
 * dies with its parent (PR_SET_PDEATHSIG), so nothing outlives the runner.
 */
static void descend(int depth) {
  for (int i = 0; i < depth; i++) {
    if (unshare(CLONE_NEWPID) != 0) fail("unshare(CLONE_NEWPID)");
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid > 0) {
      int st = reap(pid);
      _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 3);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
  }
}

static int fork_cycle(int depth, double ms) {
  descend(depth);
  long cycles = 0;
  double t0 = now_ms(), end = t0 + ms, t;
  do {
    for (int i = 0; i < 16; i++) {
      pid_t c = fork();
      if (c < 0) fail("fork");
      if (c == 0) _exit(0);
      reap(c);
      cycles++;
    }
    t = now_ms();
  } while (t < end);
  printf("ok %ld %.6f\n", cycles, t - t0);
  return 0;
}

static int ns_cycle(double ms) {
  long cycles = 0;
  double t0 = now_ms(), end = t0 + ms, t;
  do {
    for (int i = 0; i < 4; i++) {
      pid_t c = raw_clone(CLONE_NEWPID);
      if (c < 0) fail("clone(CLONE_NEWPID)");
      if (c == 0) _exit(0);
      reap(c);
      cycles++;
    }
    t = now_ms();
  } while (t < end);
  printf("ok %ld %.6f\n", cycles, t - t0);
  return 0;
}

static int teardown(long members) {
  int ready[2];
  if (pipe(ready) != 0) fail("pipe");
  pid_t init = raw_clone(CLONE_NEWPID);
  if (init < 0) fail("clone(CLONE_NEWPID)");
  if (init == 0) {
    /* PID 1 of the new namespace: fork the members, say so, then sleep. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(ready[0]);
    char answer = 'R';
    for (long i = 0; i < members; i++) {
      pid_t c = fork();
      if (c < 0) {
        answer = 'E';
        break;
      }
      if (c == 0) {
        for (;;) pause();
      }
    }
    if (write(ready[1], &answer, 1) != 1) _exit(4);
    for (;;) pause();
  }
  close(ready[1]);
  char answer = 0;
  if (read(ready[0], &answer, 1) != 1 || answer != 'R') {
    kill(init, SIGKILL);
    reap(init);
    errno = EAGAIN;
    fail("forking the members");
  }
  double t0 = now_ms();
  if (kill(init, SIGKILL) != 0) fail("kill");
  reap(init);
  double t = now_ms();
  printf("ok %ld %.6f\n", members, t - t0);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 4 && strcmp(argv[1], "fork-cycle") == 0) return fork_cycle(atoi(argv[2]), atof(argv[3]));
  if (argc == 3 && strcmp(argv[1], "ns-cycle") == 0) return ns_cycle(atof(argv[2]));
  if (argc == 3 && strcmp(argv[1], "teardown") == 0) return teardown(atol(argv[2]));
  fprintf(stderr, "usage: %s fork-cycle DEPTH MS | ns-cycle MS | teardown MEMBERS\n", argv[0]);
  return 64;
}
`;
