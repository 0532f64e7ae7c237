/* leader-exit-children-probe: who adopts the children of a thread group
   whose leader exits (SYS_exit, not exit_group) while another thread lives
   (SEMANTICS 5.6 (a): find_new_reaper() -> find_alive_thread()).
   In a new PID namespace, init I (PID 1) forks P (PID 2). P forks K (runs,
   exits later with 6) and Z (exits at once with 4: a zombie before the
   leader goes), starts a thread T, and P's leader calls SYS_exit(3).
   Then: K's getppid(), whether I may wait for K or Z (it would, had they
   been reparented to it), and whether T reaps them. PIDs are as the
   namespace sees them.
   Build and run as root: cc -O2 -pthread -o /tmp/leader-exit-children-probe lab/leader-exit-children-probe.c && /tmp/leader-exit-children-probe */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void msleep(int ms) { struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L }; while (nanosleep(&ts, &ts) == -1 && errno == EINTR) ; }
static const char *en(long rc) { return rc < 0 ? strerrorname_np(errno) : "ok"; }
static void status(const char *who, long r, int st) {
  if (r <= 0) printf("%s -> %ld %s\n", who, r, en(r));
  else if (WIFEXITED(st)) printf("%s -> %ld exited %d\n", who, r, WEXITSTATUS(st));
  else printf("%s -> %ld raw 0x%x\n", who, r, st);
}

static pid_t k, z;

/* T: after the leader has exited, reaps Z (a zombie already), then K once it exits; then ends the group with SYS_exit(5). */
static void *thread_main(void *a) {
  (void)a;
  msleep(200);
  int st = 0;
  long r = waitpid(z, &st, WNOHANG);
  status("T: waitpid(Z, WNOHANG) (Z exited before the leader)", r, st);
  r = waitpid(k, &st, 0);
  status("T: waitpid(K) (K forked by the leader, exits after it)", r, st);
  r = waitpid(-1, &st, WNOHANG);
  status("T: waitpid(-1, WNOHANG) with no children left", r, st);
  syscall(SYS_exit, 5);
  return NULL;
}

static void p_main(void) {
  k = fork();
  if (k == 0) {
    msleep(100);
    printf("K: getppid after P's leader exited -> %d\n", getppid());
    msleep(200);
    _exit(6);
  }
  z = fork();
  if (z == 0) _exit(4);
  msleep(30);
  pthread_t t;
  if (pthread_create(&t, NULL, thread_main, NULL) != 0) { printf("P: pthread_create failed\n"); _exit(1); }
  printf("P: K=%d Z=%d; the leader calls SYS_exit(3)\n", k, z);
  fflush(stdout);
  syscall(SYS_exit, 3);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (unshare(CLONE_NEWPID) < 0) { printf("unshare: %s\n", strerror(errno)); return 1; }
  pid_t i = fork();
  if (i < 0) { printf("fork: %s\n", strerror(errno)); return 1; }
  if (i > 0) { waitpid(i, NULL, 0); return 0; }
  /* I, PID 1 of the new namespace. */
  pid_t p = fork();
  if (p == 0) { p_main(); for (;;) pause(); }
  msleep(150);
  int st = 0;
  long r = waitpid(p, &st, WNOHANG);
  status("I: waitpid(P, WNOHANG) after P's leader exited", r, st);
  r = waitpid(3, &st, WNOHANG | __WALL);
  status("I: waitpid(3 = K, WNOHANG) (K would be I's child had it been reparented)", r, st);
  r = waitpid(4, &st, WNOHANG | __WALL);
  status("I: waitpid(4 = Z, WNOHANG)", r, st);
  r = waitpid(p, &st, 0);
  status("I: waitpid(P) (the last thread, T, exited with 5)", r, st);
  return 0;
}
