// The real-Linux side of the pidfd-signal suite: a C program (kept as a
// string, compiled at run time like the main baseline) that signals
// processes catching SIGUSR1 through pidfd_open + pidfd_send_signal + close,
// or with kill(), from outside the namespaces they live in.

import { BASELINE_C_PRELUDE } from './baseline-c-prelude.js';
import { compileC } from '../linux/compile-c.js';

export const PIDFD_BASELINE_SOURCE = String.raw`/*
 * pidsim-bench-pidfd: "MODE DEPTH MS" signals TARGETS processes that catch
 * SIGUSR1, round robin, for MS ms, and prints "ok SIGNALS MS" (timed with
 * CLOCK_MONOTONIC) or "error WHAT: STRERROR". MODE pidfd: pidfd_open +
 * pidfd_send_signal + close per signal; MODE kill: kill(). The targets live
 * DEPTH PID namespaces below this program (0: beside it); they tell their
 * PIDs as this program sees them (the first NSpid of /proc/self/status).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#define TARGETS 16

${BASELINE_C_PRELUDE}

static void on_usr1(int sig) { (void)sig; }

/* This process's PID in the namespace of the mounted /proc (this program's). */
static pid_t outer_pid(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  pid_t pid = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "NSpid:", 6) == 0) pid = (pid_t)atol(line + 6);
  if (f) fclose(f);
  return pid;
}

/* DEPTH namespaces down (clone(CLONE_NEWPID) per level, each level waiting forever), then the targets. */
static void descend(int wfd, int depth) {
  for (; depth > 0; depth--) {
    long c = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
    if (c < 0) fail("clone(CLONE_NEWPID)");
    if (c != 0)
      for (;;) pause();
  }
  for (int i = 0; i < TARGETS; i++) {
    pid_t t = fork();
    if (t < 0) fail("fork");
    if (t == 0) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_handler = on_usr1;
      sigaction(SIGUSR1, &sa, NULL);
      pid_t me = outer_pid();
      if (write(wfd, &me, sizeof me) != (ssize_t)sizeof me) _exit(3);
      for (;;) pause();
    }
  }
  for (;;) pause();
}

int main(int argc, char **argv) {
  if (argc != 4) return printf("usage: %s pidfd|kill DEPTH MS\n", argv[0]), 64;
  int pidfd = strcmp(argv[1], "pidfd") == 0, depth = atoi(argv[2]);
  double ms = atof(argv[3]);
  /* The targets at depth 0 are orphaned when their holder dies: this program reaps them. */
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int p[2];
  if (pipe(p) < 0) fail("pipe");
  pid_t holder = fork();
  if (holder < 0) fail("fork");
  if (holder == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    close(p[0]);
    descend(p[1], depth);
  }
  setpgid(holder, holder);
  close(p[1]);
  pid_t targets[TARGETS];
  for (int i = 0; i < TARGETS; i++)
    if (read(p[0], &targets[i], sizeof targets[i]) != (ssize_t)sizeof targets[i]) fail("read a target's PID");
  long n = 0;
  double t0 = now_ms(), t1 = t0;
  while (t1 - t0 < ms) {
    for (int i = 0; i < 64; i++, n++) {
      pid_t t = targets[n % TARGETS];
      if (pidfd) {
        int fd = (int)syscall(SYS_pidfd_open, t, 0);
        if (fd < 0) fail("pidfd_open");
        if (syscall(SYS_pidfd_send_signal, fd, SIGUSR1, NULL, 0) < 0) fail("pidfd_send_signal");
        close(fd);
      } else if (kill(t, SIGUSR1) < 0) {
        fail("kill");
      }
    }
    t1 = now_ms();
  }
  printf("ok %ld %.3f\n", n, t1 - t0);
  fflush(stdout);
  /* The holder's group: the targets at depth 0, else the top namespace's init, whose death takes the rest. */
  kill(-holder, SIGKILL);
  while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {}
  return 0;
}
`;

/** The compiled program's path, compiled once per source version and compiler. */
export function buildPidfdBaseline(): Promise<string> {
  return compileC({ name: 'bench-pidfd', source: PIDFD_BASELINE_SOURCE, optimize: '-O2' });
}
