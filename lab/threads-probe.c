/* threads-probe: what Linux does with thread groups inside a PID namespace.
   Each case runs in its own process P forked by an ns init (so P is not
   protected as an init); PIDs printed are as the namespace sees them
   (the init mounts the namespace's own procfs in a private mount namespace).
   Build and run as root: cc -O2 -pthread -o /tmp/threads-probe lab/threads-probe.c && /tmp/threads-probe */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void msleep(int ms) { struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L }; while (nanosleep(&ts, &ts) == -1 && errno == EINTR) ; }
static const char *en(long rc) { return rc < 0 ? strerrorname_np(errno) : "0"; }
static pid_t tid(void) { return (pid_t)syscall(SYS_gettid); }
static long sys_tgkill(pid_t g, pid_t t, int s) { return syscall(SYS_tgkill, g, t, s); }
static long tkill(pid_t t, int s) { return syscall(SYS_tkill, t, s); }
static void sys_exit(int c) { syscall(SYS_exit, c); }

static void status_lines(const char *tag, const char *path, const char *keys) {
  char l[256]; FILE *f = fopen(path, "r");
  if (!f) { printf("%s: open %s: %s\n", tag, path, strerrorname_np(errno)); return; }
  while (fgets(l, sizeof l, f)) { char *c = strchr(l, ':'); if (!c) continue; *c = 0; if (strstr(keys, l)) printf("%s: %s:%s", tag, l, c + 1); }
  fclose(f);
}
static void list_dir(const char *tag, const char *path) {
  DIR *d = opendir(path); if (!d) { printf("%s: opendir %s: %s\n", tag, path, strerrorname_np(errno)); return; }
  int n[64], k = 0; struct dirent *e;
  while ((e = readdir(d)) && k < 64) if (e->d_name[0] >= '0' && e->d_name[0] <= '9') n[k++] = atoi(e->d_name);
  closedir(d);
  for (int i = 1; i < k; i++) for (int j = i; j > 0 && n[j - 1] > n[j]; j--) { int t = n[j]; n[j] = n[j - 1]; n[j - 1] = t; }
  printf("%s: ls %s ->", tag, path); for (int i = 0; i < k; i++) printf(" %d", n[i]); printf("\n");
}

static volatile pid_t t2; static volatile int go, stop;
static volatile pid_t handled_in; static volatile int handled_sig;
static void h(int s) { handled_in = tid(); handled_sig = s; }

static void *spin(void *a) { (void)a; t2 = tid(); while (!stop) msleep(5); return NULL; }
static pid_t start_thread(pthread_t *t) { t2 = 0; stop = 0; pthread_create(t, NULL, spin, NULL); while (!t2) msleep(1); return t2; }

/* 1: ids, /proc/PID/task, status lines, readdir of /proc */
static void case_ids(void) {
  pthread_t t; pid_t x = start_thread(&t);
  printf("ids: getpid=%d gettid=%d thread tid=%d getppid=%d\n", getpid(), tid(), x, getppid());
  char p[64]; snprintf(p, sizeof p, "/proc/%d/task", getpid()); list_dir("ids", p);
  snprintf(p, sizeof p, "/proc/%d/task/%d/status", getpid(), x); status_lines("ids thread status", p, "Pid Tgid NStgid NSpid PPid Threads");
  snprintf(p, sizeof p, "/proc/%d/status", getpid()); status_lines("ids leader status", p, "Pid Tgid NStgid NSpid PPid Threads");
  snprintf(p, sizeof p, "/proc/%d/status", x); status_lines("ids /proc/TID status", p, "Pid Tgid");
  DIR *d = opendir("/proc"); struct dirent *e; int seen = 0; while ((e = readdir(d))) if (atoi(e->d_name) == x) seen = 1; closedir(d);
  printf("ids: /proc readdir lists tid %d: %s\n", x, seen ? "yes" : "no");
  errno = 0; long r = waitpid(x, NULL, WNOHANG); printf("ids: waitpid(tid %d, WNOHANG) -> %ld %s\n", x, r, en(r));
  r = waitpid(-1, NULL, WNOHANG); printf("ids: waitpid(-1, WNOHANG) with only a thread -> %ld %s\n", r, en(r));
  stop = 1; pthread_join(t, NULL); exit(0);
}

/* 2: exit of one thread vs exit_group */
static void *exit_one(void *a) { (void)a; t2 = tid(); sys_exit(7); return NULL; }
static void case_exit_thread(void) {
  pthread_t t; t2 = 0; pthread_create(&t, NULL, exit_one, NULL); while (!t2) msleep(1); msleep(50);
  char p[64]; snprintf(p, sizeof p, "/proc/%d/task", getpid()); list_dir("exit-thread: after thread SYS_exit(7)", p);
  errno = 0; long r = kill(t2, 0); printf("exit-thread: kill(old tid %d, 0) -> %ld %s\n", t2, r, en(r));
  exit(0);
}
static void *group_exit(void *a) { (void)a; msleep(20); syscall(SYS_exit_group, 9); return NULL; }
static void case_exit_group(void) { pthread_t t; pthread_create(&t, NULL, group_exit, NULL); for (;;) pause(); }

/* 3: the leader exits first: zombie until the last thread exits */
static void *late(void *a) { (void)a; t2 = tid(); while (!go) msleep(5); msleep(20); sys_exit(5); return NULL; }
static void case_leader_first(void) {
  pthread_t t; t2 = 0; go = 0; pthread_create(&t, NULL, late, NULL); while (!t2) msleep(1);
  signal(SIGUSR1, h);
  sys_exit(3);
}

/* 3b: the leader exits first with 3, the last thread exits with 5 */
static void *later(void *a) { (void)a; t2 = tid(); msleep(100); sys_exit(5); return NULL; }
static void case_leader_then_thread(void) {
  pthread_t t; t2 = 0; pthread_create(&t, NULL, later, NULL); while (!t2) msleep(1);
  sys_exit(3);
}

/* 4: tgkill/tkill errors and targets */
static void case_tgkill(void) {
  signal(SIGUSR1, h);
  pthread_t t; pid_t x = start_thread(&t); pid_t me = getpid();
  long r;
  r = sys_tgkill(0, x, 0); printf("tgkill: sys_tgkill(0, %d, 0) -> %ld %s\n", x, r, en(r));
  r = sys_tgkill(-1, x, 0); printf("tgkill: sys_tgkill(-1, %d, 0) -> %ld %s\n", x, r, en(r));
  r = sys_tgkill(me, 0, 0); printf("tgkill: sys_tgkill(%d, 0, 0) -> %ld %s\n", me, r, en(r));
  r = sys_tgkill(me, -5, 0); printf("tgkill: sys_tgkill(%d, -5, 0) -> %ld %s\n", me, r, en(r));
  r = sys_tgkill(1, x, 0); printf("tgkill: sys_tgkill(1, %d, 0) (tid not in tgid 1) -> %ld %s\n", x, r, en(r));
  r = sys_tgkill(me, 999, 0); printf("tgkill: sys_tgkill(%d, 999, 0) -> %ld %s\n", me, r, en(r));
  r = sys_tgkill(me, x, 65); printf("tgkill: sys_tgkill(%d, %d, 65) -> %ld %s\n", me, x, r, en(r));
  r = sys_tgkill(x, x, 0); printf("tgkill: sys_tgkill(%d (a tid, not a tgid), %d, 0) -> %ld %s\n", x, x, r, en(r));
  r = tkill(0, 0); printf("tgkill: tkill(0, 0) -> %ld %s\n", r, en(r));
  r = tkill(-1, 0); printf("tgkill: tkill(-1, 0) -> %ld %s\n", r, en(r));
  r = tkill(999, 0); printf("tgkill: tkill(999, 0) -> %ld %s\n", r, en(r));
  r = syscall(SYS_pidfd_open, x, 0); printf("tgkill: pidfd_open(tid %d, 0) -> %s\n", x, r < 0 ? strerrorname_np(errno) : "a pidfd");
  r = syscall(SYS_pidfd_open, x, O_EXCL); printf("tgkill: pidfd_open(tid %d, PIDFD_THREAD) -> %s\n", x, r < 0 ? strerrorname_np(errno) : "a pidfd");
  sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR1); pthread_sigmask(SIG_BLOCK, &s, NULL);
  handled_in = 0; r = sys_tgkill(me, x, SIGUSR1); msleep(50); printf("tgkill: sys_tgkill(%d, %d, SIGUSR1) -> %ld; handler ran in tid %d\n", me, x, r, handled_in);
  handled_in = 0; r = tkill(x, SIGUSR1); msleep(50); printf("tgkill: tkill(%d, SIGUSR1) -> %ld; handler ran in tid %d\n", x, r, handled_in);
  handled_in = 0; r = kill(me, SIGUSR1); msleep(50); printf("tgkill: leader blocks SIGUSR1; kill(%d, SIGUSR1) -> %ld; handler ran in tid %d\n", me, r, handled_in);
  handled_in = 0; r = kill(x, SIGUSR1); msleep(50); printf("tgkill: kill(tid %d, SIGUSR1) -> %ld; handler ran in tid %d\n", x, r, handled_in);
  handled_in = 0; r = sys_tgkill(me, me, SIGUSR1); msleep(50);
  sigset_t pend; sigpending(&pend); printf("tgkill: sys_tgkill(%d, %d (leader, blocking), SIGUSR1) -> %ld; handler ran in tid %d; leader sigpending has SIGUSR1: %d\n", me, me, r, handled_in, sigismember(&pend, SIGUSR1));
  stop = 1; pthread_join(t, NULL); exit(0);
}

/* 5: shared vs per-thread pending */
static volatile int pend_thread_done;
static void *pend_thread(void *a) { (void)a; sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR2); sigaddset(&s, SIGUSR1); pthread_sigmask(SIG_BLOCK, &s, NULL); t2 = tid();
  while (!go) msleep(2);
  sigset_t p; sigpending(&p); printf("pending: thread %d sigpending: SIGUSR1=%d SIGUSR2=%d\n", tid(), sigismember(&p, SIGUSR1), sigismember(&p, SIGUSR2));
  pend_thread_done = 1; while (!stop) msleep(5); return NULL; }
static void case_pending(void) {
  sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR2); sigaddset(&s, SIGUSR1); sigprocmask(SIG_BLOCK, &s, NULL);
  pthread_t t; t2 = 0; go = 0; stop = 0; pthread_create(&t, NULL, pend_thread, NULL); while (!t2) msleep(1);
  kill(getpid(), SIGUSR1); tkill(tid(), SIGUSR2);
  sigset_t p; sigpending(&p); printf("pending: after kill(self, SIGUSR1) and tkill(leader, SIGUSR2), leader sigpending: SIGUSR1=%d SIGUSR2=%d\n", sigismember(&p, SIGUSR1), sigismember(&p, SIGUSR2));
  go = 1; while (!pend_thread_done) msleep(2);
  char path[64]; snprintf(path, sizeof path, "/proc/%d/task/%d/status", getpid(), t2); status_lines("pending thread status", path, "SigPnd ShdPnd SigBlk");
  snprintf(path, sizeof path, "/proc/%d/status", getpid()); status_lines("pending leader status", path, "SigPnd ShdPnd SigBlk");
  stop = 1; pthread_join(t, NULL); exit(0);
}

/* 6: a fatal signal to one thread kills the group */
static void case_fatal(void) { pthread_t t; pid_t x = start_thread(&t); sys_tgkill(getpid(), x, SIGTERM); for (;;) pause(); }

/* 7: exec from a non-leader thread */
static char *self_exe;
static void *exec_thread(void *a) { (void)a; char b[32]; snprintf(b, sizeof b, "%d", tid()); char *argv[] = { self_exe, "after-exec", b, NULL }; execv("/proc/self/exe", argv); printf("exec failed %s\n", strerrorname_np(errno)); return NULL; }
static void case_exec(void) {
  pthread_t t; pthread_t t3; pid_t x = start_thread(&t); (void)x; (void)t3;
  pthread_create(&t3, NULL, exec_thread, NULL); for (;;) pause();
}
static int after_exec(char *old) {
  printf("exec: after exec by thread (old tid %s): getpid=%d gettid=%d getppid=%d\n", old, getpid(), tid(), getppid());
  char p[64]; snprintf(p, sizeof p, "/proc/%d/task", getpid()); list_dir("exec", p);
  errno = 0; long r = kill(atoi(old), 0); printf("exec: kill(old tid %s, 0) -> %ld %s\n", old, r, en(r));
  return 4;
}

/* 8: clone flag rules */
static int fn(void *a) { (void)a; return 0; }
static void case_flags(void) {
  static char stack[65536]; long r;
  r = clone(fn, stack + sizeof stack, CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_NEWPID, NULL); printf("flags: CLONE_THREAD|CLONE_SIGHAND|CLONE_VM|CLONE_NEWPID -> %ld %s\n", r, en(r));
  r = clone(fn, stack + sizeof stack, CLONE_THREAD | CLONE_VM, NULL); printf("flags: CLONE_THREAD|CLONE_VM (no CLONE_SIGHAND) -> %ld %s\n", r, en(r));
  r = clone(fn, stack + sizeof stack, CLONE_THREAD | CLONE_SIGHAND, NULL); printf("flags: CLONE_THREAD|CLONE_SIGHAND (no CLONE_VM) -> %ld %s\n", r, en(r));
  exit(0);
}

/* 9: unshare(CLONE_NEWPID) and setns in a multi-threaded process */
static void *unshare_thread(void *a) { (void)a; long r = unshare(CLONE_NEWPID); printf("unshare: thread %d unshare(CLONE_NEWPID) -> %ld %s\n", tid(), r, en(r));
  pid_t c = fork(); if (c == 0) { printf("unshare: child of thread after unshare: getpid=%d getppid=%d\n", getpid(), getppid()); _exit(0); }
  printf("unshare: thread's fork -> %d\n", c); waitpid(c, NULL, 0);
  pthread_t t; int e = pthread_create(&t, NULL, spin, NULL); printf("unshare: thread's pthread_create after unshare -> %s\n", e ? strerrorname_np(e) : "0");
  t2 = 1; return NULL; }
static void case_unshare(void) {
  pthread_t t; t2 = 0; pthread_create(&t, NULL, unshare_thread, NULL); pthread_join(t, NULL);
  pthread_t t3; stop = 0; t2 = 0; int e = pthread_create(&t3, NULL, spin, NULL); printf("unshare: leader's pthread_create after the thread unshared -> %s\n", e ? strerrorname_np(e) : "0");
  if (!e) { while (!t2) msleep(1); stop = 1; pthread_join(t3, NULL); }
  pid_t c = fork(); if (c == 0) { printf("unshare: leader's child: getpid=%d\n", getpid()); _exit(0); } waitpid(c, NULL, 0);
  exit(0);
}

/* 10: children of threads: getppid, wait by another thread, thread exit */
static volatile pid_t kid;
static void *forker(void *a) { (void)a; kid = fork(); if (kid == 0) { msleep(100); printf("children: child of a thread: getppid=%d\n", getppid()); _exit(6); } sys_exit(0); return NULL; }
static void case_children(void) {
  pthread_t t; kid = 0; pthread_create(&t, NULL, forker, NULL); while (!kid) msleep(1); msleep(20);
  int st; long r = waitpid(kid, &st, 0); printf("children: leader waitpid(%d) for a child its thread forked (thread exited) -> %ld exit=%d\n", kid, r, WEXITSTATUS(st));
  exit(0);
}

/* 11: init's thread group */
static void *init_thread(void *a) { (void)a; t2 = tid(); msleep(50);
  char l[256]; FILE *f = fopen("/proc/1/status", "r"); while (fgets(l, sizeof l, f)) if (!strncmp(l, "State", 5)) printf("init-group: after init's leader SYS_exit, /proc/1 %s", l); fclose(f);
  pid_t c = fork(); if (c == 0) { printf("init-group: fork after leader exit: getpid=%d getppid=%d\n", getpid(), getppid()); _exit(0); }
  waitpid(c, NULL, 0);
  pid_t o = fork(); if (o == 0) { for (;;) pause(); }
  printf("init-group: thread forked %d, now exit_group(2)\n", o);
  syscall(SYS_exit_group, 2); return NULL; }

static void run(const char *name, void (*f)(void)) {
  pid_t p = fork(); if (p == 0) { f(); exit(0); }
  msleep(20);
  if (!strcmp(name, "leader-first")) {
    long r = waitpid(p, NULL, WNOHANG); printf("leader-first: P=%d: parent waitpid(WNOHANG) after leader SYS_exit(3) -> %ld\n", p, r);
    char path[64]; snprintf(path, sizeof path, "/proc/%d/status", p); status_lines("leader-first", path, "State Threads");
    snprintf(path, sizeof path, "/proc/%d/task", p); list_dir("leader-first", path);
    r = kill(p, 0); printf("leader-first: kill(P, 0) -> %ld\n", r);
    r = kill(p, SIGUSR1); printf("leader-first: kill(P, SIGUSR1) (the live thread has a handler) -> %ld\n", r); msleep(20);
    snprintf(path, sizeof path, "/proc/%d/task", p); list_dir("leader-first after SIGUSR1", path);
    r = kill(p, SIGTERM); printf("leader-first: kill(P, SIGTERM) -> %ld\n", r);
  }
  int st; long r = waitpid(p, &st, 0);
  printf("%s: P=%d reaped: waitpid -> %ld exited=%d code=%d signaled=%d sig=%d\n", name, p, r, WIFEXITED(st), WEXITSTATUS(st), WIFSIGNALED(st), WTERMSIG(st));
}

static void *leader_first_probe(void *a) { (void)a; return NULL; }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  self_exe = argv[0];
  if (argc == 3 && !strcmp(argv[1], "after-exec")) return after_exec(argv[2]);
  (void)leader_first_probe;
  if (unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) { perror("unshare"); return 1; }
  pid_t init = fork();
  if (init == 0) {
    /* a procfs of this namespace, in a private mount namespace */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) || mount("proc", "/proc", "proc", 0, NULL)) { perror("mount"); exit(1); }
    run("ids", case_ids);
    run("exit-thread", case_exit_thread);
    run("exit-group", case_exit_group);
    run("leader-first", case_leader_first);
    run("leader-then-thread", case_leader_then_thread);
    run("tgkill", case_tgkill);
    run("pending", case_pending);
    run("fatal", case_fatal);
    run("exec", case_exec);
    run("flags", case_flags);
    run("unshare", case_unshare);
    run("children", case_children);
    while (waitpid(-1, NULL, WNOHANG) > 0) ;
    /* init's own thread group: the leader exits, a thread lives on and forks, then exit_group */
    pthread_t t; t2 = 0; pthread_create(&t, NULL, init_thread, NULL); while (!t2) msleep(1);
    sys_exit(0);
  }
  int st; waitpid(init, &st, 0);
  printf("host: ns init reaped: exited=%d code=%d signaled=%d sig=%d\n", WIFEXITED(st), WEXITSTATUS(st), WIFSIGNALED(st), WTERMSIG(st));
  return 0;
}
