/* pidfd-thread-probe: pidfd_send_signal's scope with a real second thread
   (SEMANTICS 4.17, 8.4). A process P with a thread T (its leader L catches
   SIGUSR1 with SA_SIGINFO) signals itself through a PIDFD_THREAD pidfd of T
   and a pidfd of P, with each scope flag, and prints which thread ran the
   handler, with what si_code, or where the signal stayed pending.
   Build and run: cc -O2 -pthread -o /tmp/pidfd-thread-probe lab/pidfd-thread-probe.c && /tmp/pidfd-thread-probe */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#define PIDFD_THREAD O_EXCL
#define PIDFD_SIGNAL_THREAD (1UL << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1)

static void msleep(int ms) { struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L }; while (nanosleep(&ts, &ts) == -1 && errno == EINTR) ; }
static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }
static long psend(int fd, int sig, unsigned long flags) { return syscall(SYS_pidfd_send_signal, fd, sig, NULL, flags); }

static volatile pid_t t_tid, handled_in;
static volatile int handled_code, t_block, t_acked, stop;
static void h(int s, siginfo_t *si, void *u) { (void)s; (void)u; handled_in = gettid_(); handled_code = si->si_code; }

static void *t_main(void *a) {
  (void)a;
  t_tid = gettid_();
  int blocked = 0;
  while (!stop) {
    if (t_block != blocked) {
      sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR1);
      pthread_sigmask(t_block ? SIG_BLOCK : SIG_UNBLOCK, &s, NULL);
      blocked = t_block; t_acked = blocked;
    }
    msleep(2);
  }
  return NULL;
}

static const char *who(pid_t tid, pid_t leader) { return tid == 0 ? "nobody" : tid == leader ? "L" : tid == t_tid ? "T" : "?"; }
static const char *code(int c) { return c == SI_USER ? "SI_USER" : c == SI_TKILL ? "SI_TKILL" : "other"; }

/* Which thread takes the signal `what` sends: its handler's thread and si_code after 50 ms. */
static void report(const char *what, long r) {
  msleep(50);
  printf("%s -> %s; handler ran in %s, si_code %s\n", what, r < 0 ? strerrorname_np(errno) : "0", who(handled_in, getpid()), handled_in ? code(handled_code) : "-");
  handled_in = 0;
}

static int pending_in(const char *path) {
  char l[256]; FILE *f = fopen(path, "r"); unsigned long long v = 0;
  while (f && fgets(l, sizeof l, f)) if (!strncmp(l, "SigPnd:", 7)) v = strtoull(l + 7, NULL, 16);
  if (f) fclose(f);
  return (v >> (SIGUSR1 - 1)) & 1;
}

static void p_main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = h; sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  pthread_t t; pthread_create(&t, NULL, t_main, NULL);
  while (!t_tid) msleep(1);
  int fdt = (int)syscall(SYS_pidfd_open, t_tid, PIDFD_THREAD), fdp = (int)syscall(SYS_pidfd_open, getpid(), 0);
  if (fdt < 0 || fdp < 0) { printf("pidfd_open: %s\n", strerrorname_np(errno)); _exit(1); }
  report("psend(T's PIDFD_THREAD pidfd, USR1, 0)", psend(fdt, SIGUSR1, 0));
  report("psend(T's PIDFD_THREAD pidfd, USR1, PIDFD_SIGNAL_THREAD_GROUP), nobody blocks", psend(fdt, SIGUSR1, PIDFD_SIGNAL_THREAD_GROUP));
  report("psend(P's pidfd, USR1, PIDFD_SIGNAL_THREAD) (L sends it)", psend(fdp, SIGUSR1, PIDFD_SIGNAL_THREAD));
  t_block = 1; while (!t_acked) msleep(1);
  report("T blocks USR1; psend(T's PIDFD_THREAD pidfd, USR1, PIDFD_SIGNAL_THREAD_GROUP)", psend(fdt, SIGUSR1, PIDFD_SIGNAL_THREAD_GROUP));
  report("T blocks USR1; psend(T's PIDFD_THREAD pidfd, USR1, 0)", psend(fdt, SIGUSR1, 0));
  char path[64]; snprintf(path, sizeof path, "/proc/self/task/%d/status", t_tid);
  sigset_t s; sigpending(&s);
  printf("pending: T SigPnd has USR1: %d; L sigpending() has USR1: %d\n", pending_in(path), sigismember(&s, SIGUSR1));
  t_block = 0; while (t_acked) msleep(1);
  report("T unblocks USR1", 0);
  stop = 1; pthread_join(t, NULL);
  msleep(10);
  report("after T's exit: psend(T's PIDFD_THREAD pidfd, USR1, 0)", psend(fdt, SIGUSR1, 0));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t p = fork();
  if (p == 0) { p_main(); _exit(0); }
  waitpid(p, NULL, 0);
  return 0;
}
