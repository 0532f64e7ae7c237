// The C helper of the linux backend, kept as a string so that both the src/
// and the dist/ builds carry it; linux-helper-build.ts compiles it at run
// time with the system compiler. Only libc and Linux headers. The protocol
// it speaks is described in linux-commands.ts and docs/scenarios.md.

export const HELPER_SOURCE = String.raw`/*
 * pidsim-linux-helper: the real-kernel side of pidsim's scenario runner.
 *
 * One real task per scenario process or thread. Each one connects to the runner's
 * Unix socket, says hello, then obeys one-line commands ("<seq> <op> args")
 * by making the real system call and answering "<seq> ok ..." or
 * "<seq> err ENAME". Nothing here decides semantics: the kernel does.
 *
 *   helper probe VIEWDIR                 can this machine run scenarios? prints "ok LEVEL" or "error WHY"
 *   helper launch SOCK VIEWDIR ROOTNAME  creates a fresh PID namespace whose init obeys commands;
 *                                        SIGKILLs it (and so everything below it) when stdin closes
 *   helper resume SOCK VIEWDIR NAME SEQ LAUNCHERNS VIEWNS
 *                                        what a helper execve()s itself into (the "exec" command):
 *                                        it says hello again as NAME and answers command SEQ
 *
 * Only libc and Linux headers. Cleanup: the launcher and the namespace init
 * die with their parent (PR_SET_PDEATHSIG); every scenario process lives in
 * the init's namespace or below it, so the init's death tears all of them
 * down (pid_namespaces(7)).
 *
 * A thread ("fork NAME t") is a pthread of its process with its own
 * connection, name, handler counts and command loop (thread-local state);
 * dispositions and the handle table are its process's, as the kernel's are.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/reboot.h>
#include <setjmp.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef NS_GET_PARENT
#define NS_GET_PARENT _IO(0xb7, 0x2)
#endif
#ifndef NS_GET_PID_FROM_PIDNS
#define NS_GET_PID_FROM_PIDNS _IOR(0xb7, 0x6, int)
#define NS_GET_PID_IN_PIDNS _IOR(0xb7, 0x8, int)
#endif
#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif
#ifndef CLONE_NEWPID
#define CLONE_NEWPID 0x20000000
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
/* PROC_PID_INIT_INO: the inode of the initial PID namespace (include/linux/proc_ns.h). */
#define INITIAL_PID_NS_INO 0xEFFFFFFCUL

struct clone3_args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static const char *sock_path;
static const char *view_dir;
/* Per task (thread-local): its name, its connection to the runner. */
static __thread char my_name[64];
static __thread int sock = -1;
/* The PID namespace the launcher runs in: reboot(2) is refused there. */
static unsigned long launcher_ns;
/* Which PID namespace the procfs mounted on view_dir belongs to (0: none mounted by us). */
static unsigned long view_ns;

/* Handler bookkeeping, per signal: deliveries and the last siginfo; and every handler run, in order.
 * Per thread: a handler runs in the thread that took the signal, and counts there. */
static __thread volatile unsigned long caught_count[65];
static __thread volatile int caught_pid[65], caught_code[65], caught_status[65];
#define MAX_LOG 512
static __thread volatile int delivered_log[MAX_LOG];
static __thread volatile int ndelivered;

/* What each signal's handler does besides counting ("do" steps), in order. */
#define MAX_STEPS 8
struct hstep { char kind; long a, b; int how; sigset_t set; char name[64]; };
static struct hstep hsteps[65][MAX_STEPS];
static int nhsteps[65];
/* Where a child forked by a handler goes on: a fresh command loop, not the interrupted one. */
static __thread sigjmp_buf serve_env;
static __thread int serve_ready;

#define MAX_HANDLES 64
static struct { char name[64]; int fd; } handles[MAX_HANDLES];
static int nhandles;
/* Bumped when a forked child opens its own connection. */
static __thread int conn_gen;

static const struct { int no; const char *name; } ERRNAMES[] = {
  {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINTR, "EINTR"}, {ECHILD, "ECHILD"},
  {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"}, {EBUSY, "EBUSY"}, {EEXIST, "EEXIST"},
  {EINVAL, "EINVAL"}, {ENOSPC, "ENOSPC"}, {ENOSYS, "ENOSYS"}, {EUSERS, "EUSERS"}, {EBADF, "EBADF"},
};

static const char *errname(int e) {
  static char buf[16];
  for (size_t i = 0; i < sizeof ERRNAMES / sizeof ERRNAMES[0]; i++)
    if (ERRNAMES[i].no == e) return ERRNAMES[i].name;
  snprintf(buf, sizeof buf, "E%d", e);
  return buf;
}

static void write_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
    if (w < 0 && errno == ENOTSOCK) w = write(fd, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      _exit(120);
    }
    s += w;
    n -= (size_t)w;
  }
}

static void reply(const char *seq, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(const char *seq, const char *fmt, ...) {
  char line[8192];
  int n = snprintf(line, sizeof line, "%s ", seq);
  va_list ap;
  va_start(ap, fmt);
  n += vsnprintf(line + n, sizeof line - (size_t)n - 2, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  write_all(sock, line, (size_t)n);
}

static void reply_err(const char *seq, int e) { reply(seq, "err %s", errname(e)); }

static void child_starts(const char *name);

/* The handler: count, log, then the scenario's steps (each an async-signal-safe call). The
 * kernel blocks sig while it runs and restores the mask on return, sigprocmask steps included. */
static void on_signal(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  if (sig < 1 || sig > 64) return;
  caught_count[sig]++;
  caught_pid[sig] = si->si_pid;
  caught_code[sig] = si->si_code;
  caught_status[sig] = si->si_status;
  if (ndelivered < MAX_LOG) delivered_log[ndelivered++] = sig;
  for (int i = 0; i < nhsteps[sig]; i++) {
    struct hstep *h = &hsteps[sig][i];
    if (h->kind == 'x') _exit((int)h->a);
    if (h->kind == 'k') kill((pid_t)h->a, (int)h->b);
    if (h->kind == 'm') syscall(SYS_rt_sigprocmask, h->how, &h->set, NULL, 8);
    if (h->kind == 'f') {
      long r = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
      if (r == 0) {
        /* The child keeps the mask it was forked with and starts over as a fresh helper. */
        child_starts(h->name);
        if (serve_ready) siglongjmp(serve_env, 1);
        _exit(123);
      }
    }
  }
}

static unsigned long ns_inode(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return 0;
  return (unsigned long)st.st_ino;
}

/* Mounts a procfs for this process's PID namespace on view_dir, in a private mount namespace. */
static int ensure_view(void) {
  unsigned long mine = ns_inode("/proc/self/ns/pid");
  if (mine != 0 && mine == view_ns) return 0;
  if (unshare(CLONE_NEWNS) < 0) return -1;
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return -1;
  if (mount("proc", view_dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) return -1;
  view_ns = mine;
  return 0;
}

static int connect_runner(void) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strncpy(a.sun_path, sock_path, sizeof a.sun_path - 1);
  while (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
    if (errno == EINTR) continue;
    close(s);
    return -1;
  }
  return s;
}

/* The TID of this task as the runner's /proc shows it ("TGID/task/TID"; the PID for a process's leader). */
static long host_pid(void) {
  char buf[64];
  ssize_t n = readlink("/proc/thread-self", buf, sizeof buf - 1);
  if (n <= 0) return -1;
  buf[n] = 0;
  const char *t = strrchr(buf, '/');
  return strtol(t ? t + 1 : buf, NULL, 10);
}

static void hello(void) {
  sock = connect_runner();
  if (sock < 0) _exit(121);
  char line[256];
  int n = snprintf(line, sizeof line, "hello %s %ld %ld\n", my_name, host_pid(), (long)SYS_read);
  write_all(sock, line, (size_t)n);
}

static int sig_list(const char *text, sigset_t *set) {
  sigemptyset(set);
  if (strcmp(text, "-") == 0) return 0;
  char buf[512];
  strncpy(buf, text, sizeof buf - 1);
  buf[sizeof buf - 1] = 0;
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    int s = atoi(tok);
    if (s < 1 || s > 64) return -1;
    sigaddset(set, s);
  }
  return 0;
}

static void format_set(const sigset_t *set, char *out, size_t size) {
  size_t n = 0;
  out[0] = 0;
  for (int s = 1; s <= 64; s++) {
    if (sigismember(set, s) == 1) n += (size_t)snprintf(out + n, size - n, "%s%d", n ? " " : "", s);
    if (n >= size) break;
  }
}

static int find_handle(const char *name) {
  for (int i = 0; i < nhandles; i++)
    if (strcmp(handles[i].name, name) == 0) return i;
  return -1;
}

/* Keeps fd under name (a pidfd, or a namespace file): the fd it replaces is closed. Fails only when the table is full. */
static int set_handle(const char *name, int fd) {
  int i = find_handle(name);
  if (i >= 0) close(handles[i].fd);
  else if (nhandles >= MAX_HANDLES) return -1;
  else i = nhandles++;
  strncpy(handles[i].name, name, sizeof handles[i].name - 1);
  handles[i].fd = fd;
  return 0;
}

static int open_ns(const char *pid, const char *which) {
  if (ensure_view() < 0) return -1;
  char path[512];
  snprintf(path, sizeof path, "%s/%s/ns/%s", view_dir, pid, which);
  return open(path, O_RDONLY | O_CLOEXEC);
}

/* Copies the value of "Key:" from a /proc status text into out, tabs turned into spaces. */
static void status_field(const char *text, const char *key, char *out, size_t size) {
  size_t klen = strlen(key);
  out[0] = 0;
  for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (strncmp(l, key, klen) == 0 && l[klen] == ':') {
      const char *v = l + klen + 1;
      while (*v == ' ' || *v == '\t') v++;
      size_t i = 0;
      while (v[i] && v[i] != '\n' && i + 1 < size) {
        out[i] = v[i] == '\t' ? ' ' : v[i];
        i++;
      }
      out[i] = 0;
      return;
    }
  }
}

static void do_status(const char *seq, const char *pid) {
  if (ensure_view() < 0) return reply_err(seq, errno);
  char path[512], text[4096];
  snprintf(path, sizeof path, "%s/%s/status", view_dir, pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return reply_err(seq, errno);
  ssize_t n = read(fd, text, sizeof text - 1);
  int e = errno;
  close(fd);
  if (n < 0) return reply_err(seq, e);
  text[n] = 0;
  char state[64], ppid[32], nspid[256], nspgid[256], nssid[256], uid[128], gid[128];
  status_field(text, "State", state, sizeof state);
  status_field(text, "PPid", ppid, sizeof ppid);
  status_field(text, "NSpid", nspid, sizeof nspid);
  status_field(text, "NSpgid", nspgid, sizeof nspgid);
  status_field(text, "NSsid", nssid, sizeof nssid);
  status_field(text, "Uid", uid, sizeof uid);
  status_field(text, "Gid", gid, sizeof gid);
  reply(seq, "ok %c|%s|%s|%s|%s|%s|%s", state[0] ? state[0] : '?', ppid, nspid, nspgid, nssid, uid, gid);
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static void do_pids(const char *seq) {
  if (ensure_view() < 0) return reply_err(seq, errno);
  DIR *d = opendir(view_dir);
  if (!d) return reply_err(seq, errno);
  int pids[4096], n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 4096) {
    char *end;
    long v = strtol(e->d_name, &end, 10);
    if (*end == 0 && v > 0) pids[n++] = (int)v;
  }
  closedir(d);
  qsort(pids, (size_t)n, sizeof pids[0], cmp_int);
  char out[8000];
  size_t len = 0;
  out[0] = 0;
  for (int i = 0; i < n && len < sizeof out - 16; i++) len += (size_t)snprintf(out + len, sizeof out - len, " %d", pids[i]);
  reply(seq, "ok%s", out);
}

/* ls VIEW/PID/task: the TIDs of the process's threads, ascending. */
static void do_tasks(const char *seq, const char *pid) {
  if (ensure_view() < 0) return reply_err(seq, errno);
  char path[512];
  snprintf(path, sizeof path, "%s/%s/task", view_dir, pid);
  DIR *d = opendir(path);
  if (!d) return reply_err(seq, errno);
  int tids[1024], n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 1024) {
    char *end;
    long v = strtol(e->d_name, &end, 10);
    if (*end == 0 && v > 0) tids[n++] = (int)v;
  }
  closedir(d);
  qsort(tids, (size_t)n, sizeof tids[0], cmp_int);
  char out[8000];
  size_t len = 0;
  out[0] = 0;
  for (int i = 0; i < n && len < sizeof out - 16; i++) len += (size_t)snprintf(out + len, sizeof out - len, " %d", tids[i]);
  reply(seq, "ok%s", out);
}

static void child_starts(const char *name) {
  /* A fresh process: its own bookkeeping, its own connection. */
  if (sock >= 0) close(sock);
  for (int s = 0; s <= 64; s++) caught_count[s] = 0, caught_pid[s] = caught_code[s] = caught_status[s] = 0;
  ndelivered = 0;
  strncpy(my_name, name, sizeof my_name - 1);
  conn_gen++;
  hello();
}

static void serve(void);

/* A new thread: a name and a connection of its own, then commands (pthread_create inherits the creator's mask). */
static char thread_name[64];
static volatile long thread_tid;
static void *thread_main(void *arg) {
  (void)arg;
  strncpy(my_name, thread_name, sizeof my_name - 1);
  thread_tid = syscall(SYS_gettid);
  hello();
  serve();
  return NULL;
}

/* clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|...) through pthread_create: "ok TID". */
static void do_thread(const char *seq, const char *name) {
  /* unshare(CLONE_NEWNS) fails once the fs is shared with a thread: mount the /proc view first. */
  ensure_view();
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  strncpy(thread_name, name, sizeof thread_name - 1);
  thread_tid = 0;
  int e = pthread_create(&t, &attr, thread_main, NULL);
  pthread_attr_destroy(&attr);
  if (e != 0) return reply_err(seq, e);
  while (thread_tid == 0) sched_yield();
  reply(seq, "ok %ld", thread_tid);
}

static void do_fork(const char *seq, const char *name, const char *flags, const char *settid, const char *pidfd_name) {
  unsigned long f = 0;
  if (strchr(flags, 't')) return do_thread(seq, name);
  /* CLONE_PIDFD: clone3 writes the pidfd here, in the caller only; the child's fd table was copied before. */
  int want_pidfd = pidfd_name[0] != 0 && strcmp(pidfd_name, "-") != 0, pidfd = -1;
  if (want_pidfd && nhandles >= MAX_HANDLES && find_handle(pidfd_name) < 0) return reply_err(seq, EMFILE);
  if (strchr(flags, 'n')) f |= CLONE_NEWPID;
  if (strchr(flags, 'p')) f |= CLONE_PARENT;
  if (strchr(flags, 'u')) {
    f |= CLONE_NEWUSER;
    /* Mount the /proc view while still privileged here: the child of a new user namespace may not. */
    ensure_view();
  }
  long r;
  if (strcmp(settid, "-") != 0 || want_pidfd) {
    pid_t tids[40];
    int n = 0;
    char buf[512];
    strncpy(buf, strcmp(settid, "-") != 0 ? settid : "", sizeof buf - 1);
    buf[sizeof buf - 1] = 0;
    for (char *tok = strtok(buf, ","); tok && n < 40; tok = strtok(NULL, ",")) tids[n++] = atoi(tok);
    struct clone3_args a;
    memset(&a, 0, sizeof a);
    a.flags = f | (want_pidfd ? CLONE_PIDFD : 0);
    a.pidfd = want_pidfd ? (uint64_t)(uintptr_t)&pidfd : 0;
    a.exit_signal = SIGCHLD;
    if (n > 0) {
      a.set_tid = (uint64_t)(uintptr_t)tids;
      a.set_tid_size = (uint64_t)n;
    }
    r = syscall(SYS_clone3, &a, sizeof a);
  } else {
    r = syscall(SYS_clone, f | SIGCHLD, NULL, NULL, NULL, NULL);
  }
  if (r == 0) {
    child_starts(name);
    return;
  }
  if (r < 0) return reply_err(seq, errno);
  if (want_pidfd) set_handle(pidfd_name, pidfd);
  reply(seq, "ok %ld", r);
}

/* A waitid() result: "ok 0" for WNOHANG with nothing to report, else "ok PID KIND STATUS". */
static void reply_siginfo(const char *seq, const siginfo_t *si) {
  if (si->si_pid == 0) return reply(seq, "ok 0");
  const char *kind = si->si_code == CLD_EXITED ? "exited" : si->si_code == CLD_KILLED ? "killed" : si->si_code == CLD_DUMPED ? "dumped"
                   : si->si_code == CLD_STOPPED ? "stopped" : si->si_code == CLD_CONTINUED ? "continued" : "unknown";
  reply(seq, "ok %d %s %d", si->si_pid, kind, si->si_status);
}

/* The handlers that had run so far: " SIG:COUNT..." after "ok 0" (kill and pidfd_send_signal with report). */
static void reply_handled(const char *seq) {
  char out[1024];
  size_t n = 0;
  out[0] = 0;
  for (int s = 1; s <= 64 && n < sizeof out - 32; s++)
    if (caught_count[s]) n += (size_t)snprintf(out + n, sizeof out - n, " %d:%lu", s, caught_count[s]);
  reply(seq, "ok 0%s", out);
}

/* Pid, NSpid and flags of /proc/self/fdinfo/FD, read through the procfs of this process's own namespace. */
static void do_fdinfo(const char *seq, int fd) {
  if (ensure_view() < 0) return reply_err(seq, errno);
  char path[512], text[4096];
  snprintf(path, sizeof path, "%s/self/fdinfo/%d", view_dir, fd);
  int f = open(path, O_RDONLY | O_CLOEXEC);
  if (f < 0) return reply_err(seq, errno);
  ssize_t n = read(f, text, sizeof text - 1);
  int e = errno;
  close(f);
  if (n < 0) return reply_err(seq, e);
  text[n] = 0;
  char pid[32], nspid[256], flags[32];
  status_field(text, "Pid", pid, sizeof pid);
  status_field(text, "NSpid", nspid, sizeof nspid);
  status_field(text, "flags", flags, sizeof flags);
  reply(seq, "ok %s|%s|%s", pid, nspid, flags);
}

static void do_wait(const char *seq, long pid, const char *flags) {
  int nohang = strchr(flags, 'n') != NULL, untraced = strchr(flags, 'u') != NULL;
  int continued = strchr(flags, 'c') != NULL, nowait = strchr(flags, 'w') != NULL;
  if (nowait) {
    idtype_t type = pid > 0 ? P_PID : pid == -1 ? P_ALL : P_PGID;
    id_t id = pid > 0 ? (id_t)pid : pid < -1 ? (id_t)-pid : 0;
    int opts = WEXITED | WNOWAIT | (nohang ? WNOHANG : 0) | (untraced ? WSTOPPED : 0) | (continued ? WCONTINUED : 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(type, id, &si, opts) < 0) return reply_err(seq, errno);
    if (si.si_pid == 0) return reply(seq, "ok 0");
    const char *kind = si.si_code == CLD_EXITED ? "exited" : si.si_code == CLD_KILLED ? "killed" : si.si_code == CLD_DUMPED ? "dumped"
                     : si.si_code == CLD_STOPPED ? "stopped" : si.si_code == CLD_CONTINUED ? "continued" : "unknown";
    return reply(seq, "ok %d %s %d", si.si_pid, kind, si.si_status);
  }
  int st = 0;
  pid_t r = waitpid((pid_t)pid, &st, (nohang ? WNOHANG : 0) | (untraced ? WUNTRACED : 0) | (continued ? WCONTINUED : 0));
  if (r < 0) return reply_err(seq, errno);
  if (r == 0) return reply(seq, "ok 0");
  if (WIFEXITED(st)) return reply(seq, "ok %d exited %d", r, WEXITSTATUS(st));
  if (WIFSIGNALED(st)) return reply(seq, "ok %d %s %d", r, WCOREDUMP(st) ? "dumped" : "killed", WTERMSIG(st));
  if (WIFSTOPPED(st)) return reply(seq, "ok %d stopped %d", r, WSTOPSIG(st));
  if (WIFCONTINUED(st)) return reply(seq, "ok %d continued 18", r);
  reply(seq, "ok %d unknown %d", r, st);
}

static void do_sysctl(const char *seq, const char *name, const char *value) {
  char path[256];
  snprintf(path, sizeof path, "/proc/sys/%s/%s", strcmp(name, "max_pid_namespaces") == 0 ? "user" : "kernel", name);
  if (value) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return reply_err(seq, errno);
    ssize_t w = write(fd, value, strlen(value));
    int e = errno;
    close(fd);
    if (w < 0) return reply_err(seq, e);
    return reply(seq, "ok");
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return reply_err(seq, errno);
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  int e = errno;
  close(fd);
  if (n < 0) return reply_err(seq, e);
  buf[n] = 0;
  reply(seq, "ok %ld", strtol(buf, NULL, 10));
}

static void do_reboot(const char *seq, const char *cmd) {
  unsigned int c;
  if (strcmp(cmd, "restart") == 0) c = LINUX_REBOOT_CMD_RESTART;
  else if (strcmp(cmd, "restart2") == 0) c = LINUX_REBOOT_CMD_RESTART2;
  else if (strcmp(cmd, "halt") == 0) c = LINUX_REBOOT_CMD_HALT;
  else if (strcmp(cmd, "power-off") == 0) c = LINUX_REBOOT_CMD_POWER_OFF;
  else if (strcmp(cmd, "cad-on") == 0) c = LINUX_REBOOT_CMD_CAD_ON;
  else if (strcmp(cmd, "cad-off") == 0) c = LINUX_REBOOT_CMD_CAD_OFF;
  else return reply_err(seq, EINVAL);
  /* Never the machine: only inside a PID namespace below the launcher's (reboot_pid_ns()). */
  unsigned long mine = ns_inode("/proc/self/ns/pid");
  if (mine == 0 || mine == launcher_ns || mine == INITIAL_PID_NS_INO) return reply(seq, "fatal refused reboot outside a scenario namespace");
  if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, c, NULL) < 0) return reply_err(seq, errno);
  reply(seq, "ok");
}

/* "x3;k5:12;mb10,12;fNAME": _exit(3); kill(5, 12); sigprocmask(block, {10,12}); fork as NAME. */
static int parse_steps(int sig, const char *text) {
  if (strcmp(text, "-") == 0) return 0;
  char buf[1024];
  strncpy(buf, text, sizeof buf - 1);
  buf[sizeof buf - 1] = 0;
  int n = 0;
  for (char *tok = strtok(buf, ";"); tok; tok = strtok(NULL, ";")) {
    if (n >= MAX_STEPS) return -1;
    struct hstep *h = &hsteps[sig][n++];
    memset(h, 0, sizeof *h);
    h->kind = tok[0];
    if (h->kind == 'x') h->a = atol(tok + 1);
    else if (h->kind == 'k') {
      char *colon = strchr(tok, ':');
      if (!colon) return -1;
      h->a = atol(tok + 1);
      h->b = atol(colon + 1);
    } else if (h->kind == 'm') {
      h->how = tok[1] == 'b' ? SIG_BLOCK : tok[1] == 'u' ? SIG_UNBLOCK : SIG_SETMASK;
      sigemptyset(&h->set);
      for (char *p = tok + 2; *p; ) {
        int s = atoi(p);
        if (s >= 1 && s <= 64) sigaddset(&h->set, s);
        char *comma = strchr(p, ',');
        if (!comma) break;
        p = comma + 1;
      }
    } else if (h->kind == 'f') strncpy(h->name, tok + 1, sizeof h->name - 1);
    else return -1;
  }
  return n;
}

static void do_sigaction(const char *seq, int sig, const char *handler, const char *flags, const char *steps) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  if (sig >= 1 && sig <= 64) {
    int n = parse_steps(sig, steps);
    if (n < 0) return reply(seq, "bad steps %s", steps);
    nhsteps[sig] = n;
  }
  sigemptyset(&sa.sa_mask);
  if (strcmp(handler, "catch") == 0) {
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
  } else {
    sa.sa_handler = strcmp(handler, "ignore") == 0 ? SIG_IGN : SIG_DFL;
  }
  if (strchr(flags, 'r')) sa.sa_flags |= SA_RESTART;
  if (strchr(flags, 's')) sa.sa_flags |= SA_NOCLDSTOP;
  if (strchr(flags, 'w')) sa.sa_flags |= SA_NOCLDWAIT;
  if (strchr(flags, 'h')) sa.sa_flags |= SA_RESETHAND;
  if (sigaction(sig, &sa, &old) < 0) return reply_err(seq, errno);
  const char *was = old.sa_handler == SIG_DFL ? "default" : old.sa_handler == SIG_IGN ? "ignore" : "catch";
  reply(seq, "ok %s", was);
}

static void do_sigprocmask(const char *seq, const char *how, const char *list) {
  sigset_t set, old;
  if (sig_list(list, &set) < 0) return reply_err(seq, EINVAL);
  int h = strcmp(how, "block") == 0 ? SIG_BLOCK : strcmp(how, "unblock") == 0 ? SIG_UNBLOCK : SIG_SETMASK;
  /* The raw syscall: glibc's wrapper hides its two private real-time signals. */
  if (syscall(SYS_rt_sigprocmask, h, &set, &old, 8) < 0) return reply_err(seq, errno);
  char out[512];
  format_set(&old, out, sizeof out);
  reply(seq, "ok %s", out);
}

/* One command line; returns when the answer has been written (or never, for exit). */
static void obey(char *line) {
  char *argv[16];
  int argc = 0;
  for (char *tok = strtok(line, " "); tok && argc < 16; tok = strtok(NULL, " ")) argv[argc++] = tok;
  if (argc < 2) return;
  const char *seq = argv[0], *op = argv[1];
#define ARG(i) (argc > (i) ? argv[i] : "")
  if (strcmp(op, "fork") == 0) return do_fork(seq, ARG(2), ARG(3), ARG(4), ARG(5));
  if (strcmp(op, "pidfdopen") == 0) {
    /* pidfdopen NAME PID FLAGS */
    if (nhandles >= MAX_HANDLES && find_handle(ARG(2)) < 0) return reply_err(seq, EMFILE);
    long fd = syscall(SYS_pidfd_open, (pid_t)atol(ARG(3)), (unsigned)strtoul(ARG(4), NULL, 10));
    if (fd < 0) return reply_err(seq, errno);
    set_handle(ARG(2), (int)fd);
    return reply(seq, "ok");
  }
  if (strcmp(op, "pidfdsend") == 0) {
    /* pidfdsend NAME SIG FLAGS r|- : the handle may be a namespace file (EBADF from the kernel) */
    int i = find_handle(ARG(2));
    if (i < 0) return reply_err(seq, EBADF);
    if (syscall(SYS_pidfd_send_signal, handles[i].fd, atoi(ARG(3)), NULL, (unsigned)strtoul(ARG(4), NULL, 10)) < 0) return reply_err(seq, errno);
    return strcmp(ARG(5), "r") == 0 ? reply_handled(seq) : reply(seq, "ok 0");
  }
  if (strcmp(op, "waitidfd") == 0) {
    /* waitidfd NAME FLAGS: waitid(P_PIDFD, fd, ...) with e WEXITED, n WNOHANG, u WSTOPPED, c WCONTINUED, w WNOWAIT */
    int i = find_handle(ARG(2));
    if (i < 0) return reply_err(seq, EBADF);
    const char *fl = ARG(3);
    int opts = (strchr(fl, 'e') ? WEXITED : 0) | (strchr(fl, 'n') ? WNOHANG : 0) | (strchr(fl, 'u') ? WSTOPPED : 0)
             | (strchr(fl, 'c') ? WCONTINUED : 0) | (strchr(fl, 'w') ? WNOWAIT : 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid((idtype_t)P_PIDFD, (id_t)handles[i].fd, &si, opts) < 0) return reply_err(seq, errno);
    return reply_siginfo(seq, &si);
  }
  if (strcmp(op, "fdinfo") == 0) {
    int i = find_handle(ARG(2));
    if (i < 0) return reply_err(seq, EBADF);
    return do_fdinfo(seq, handles[i].fd);
  }
  if (strcmp(op, "pollfd") == 0) {
    /* poll(fd, POLLIN, 0): "ok", then IN and HUP as they are set */
    int i = find_handle(ARG(2));
    if (i < 0) return reply_err(seq, EBADF);
    struct pollfd p = { .fd = handles[i].fd, .events = POLLIN };
    int r;
    while ((r = poll(&p, 1, 0)) < 0 && errno == EINTR) {}
    if (r < 0) return reply_err(seq, errno);
    return reply(seq, "ok%s%s", p.revents & POLLIN ? " IN" : "", p.revents & POLLHUP ? " HUP" : "");
  }
  if (strcmp(op, "unshare") == 0) {
    int f = (strchr(ARG(2), 'p') ? CLONE_NEWPID : 0) | (strchr(ARG(2), 'u') ? CLONE_NEWUSER : 0);
    if (f & CLONE_NEWUSER) ensure_view();
    return unshare(f) < 0 ? reply_err(seq, errno) : reply(seq, "ok");
  }
  if (strcmp(op, "openns") == 0) {
    if (nhandles >= MAX_HANDLES) return reply_err(seq, EMFILE);
    int fd = open_ns(ARG(3), ARG(4));
    if (fd < 0) return reply_err(seq, errno);
    int i = find_handle(ARG(2));
    if (i >= 0) close(handles[i].fd);
    else i = nhandles++;
    strncpy(handles[i].name, ARG(2), sizeof handles[i].name - 1);
    handles[i].fd = fd;
    return reply(seq, "ok");
  }
  if (strcmp(op, "setns") == 0) {
    int i = find_handle(ARG(2));
    if (i < 0) return reply_err(seq, EBADF);
    return setns(handles[i].fd, CLONE_NEWPID) < 0 ? reply_err(seq, errno) : reply(seq, "ok");
  }
  if (strcmp(op, "setnsat") == 0) {
    int fd = open_ns(ARG(2), ARG(3));
    if (fd < 0) return reply_err(seq, errno);
    int r = setns(fd, CLONE_NEWPID), e = errno;
    close(fd);
    return r < 0 ? reply_err(seq, e) : reply(seq, "ok");
  }
  if (strcmp(op, "kill") == 0) return kill((pid_t)atol(ARG(2)), atoi(ARG(3))) < 0 ? reply_err(seq, errno) : reply(seq, "ok 0");
  if (strcmp(op, "killr") == 0) {
    /* kill, then what the handlers had done by the time it returned. */
    if (kill((pid_t)atol(ARG(2)), atoi(ARG(3))) < 0) return reply_err(seq, errno);
    char out[1024];
    size_t n = 0;
    out[0] = 0;
    for (int s = 1; s <= 64 && n < sizeof out - 32; s++)
      if (caught_count[s]) n += (size_t)snprintf(out + n, sizeof out - n, " %d:%lu", s, caught_count[s]);
    return reply(seq, "ok 0%s", out);
  }
  if (strcmp(op, "delivered") == 0) {
    char out[4096];
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i < ndelivered && n < sizeof out - 8; i++) n += (size_t)snprintf(out + n, sizeof out - n, " %d", delivered_log[i]);
    return reply(seq, "ok%s", out);
  }
  if (strcmp(op, "sigaction") == 0) return do_sigaction(seq, atoi(ARG(2)), ARG(3), ARG(4), argc > 5 ? argv[5] : "-");
  if (strcmp(op, "sigprocmask") == 0) return do_sigprocmask(seq, ARG(2), ARG(3));
  if (strcmp(op, "sigpending") == 0) {
    sigset_t set;
    if (syscall(SYS_rt_sigpending, &set, 8) < 0) return reply_err(seq, errno);
    char out[512];
    format_set(&set, out, sizeof out);
    return reply(seq, "ok %s", out);
  }
  if (strcmp(op, "subreaper") == 0)
    return prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)atoi(ARG(2)), 0, 0, 0) < 0 ? reply_err(seq, errno) : reply(seq, "ok");
  if (strcmp(op, "setpgid") == 0)
    return setpgid((pid_t)atol(ARG(2)), (pid_t)atol(ARG(3))) < 0 ? reply_err(seq, errno) : reply(seq, "ok 0");
  if (strcmp(op, "setsid") == 0) {
    pid_t r = setsid();
    return r < 0 ? reply_err(seq, errno) : reply(seq, "ok %d", r);
  }
  if (strcmp(op, "getpgid") == 0) {
    pid_t r = getpgid((pid_t)atol(ARG(2)));
    return r < 0 ? reply_err(seq, errno) : reply(seq, "ok %d", r);
  }
  if (strcmp(op, "getsid") == 0) {
    pid_t r = getsid((pid_t)atol(ARG(2)));
    return r < 0 ? reply_err(seq, errno) : reply(seq, "ok %d", r);
  }
  if (strcmp(op, "getpid") == 0) return reply(seq, "ok %ld", (long)syscall(SYS_getpid));
  if (strcmp(op, "getppid") == 0) return reply(seq, "ok %ld", (long)syscall(SYS_getppid));
  /* exit(2) itself, not glibc's _exit() (exit_group): only the calling thread ends. */
  if (strcmp(op, "exit") == 0) syscall(SYS_exit, atoi(ARG(2)));
  if (strcmp(op, "exitgroup") == 0) syscall(SYS_exit_group, atoi(ARG(2)));
  if (strcmp(op, "gettid") == 0) return reply(seq, "ok %ld", (long)syscall(SYS_gettid));
  if (strcmp(op, "tgkill") == 0)
    return syscall(SYS_tgkill, (pid_t)atol(ARG(2)), (pid_t)atol(ARG(3)), atoi(ARG(4))) < 0 ? reply_err(seq, errno) : reply(seq, "ok 0");
  if (strcmp(op, "tkill") == 0) return syscall(SYS_tkill, (pid_t)atol(ARG(2)), atoi(ARG(3))) < 0 ? reply_err(seq, errno) : reply(seq, "ok 0");
  if (strcmp(op, "tasks") == 0) return do_tasks(seq, ARG(2));
  if (strcmp(op, "wait") == 0) return do_wait(seq, atol(ARG(2)), ARG(3));
  if (strcmp(op, "status") == 0) return do_status(seq, ARG(2));
  if (strcmp(op, "pids") == 0) return do_pids(seq);
  if (strcmp(op, "caught") == 0) {
    int s = atoi(ARG(2));
    if (s < 1 || s > 64) return reply_err(seq, EINVAL);
    return reply(seq, "ok %lu %d %d %d", caught_count[s], caught_pid[s], caught_code[s], caught_status[s]);
  }
  if (strcmp(op, "sysctl") == 0) return do_sysctl(seq, ARG(2), argc > 3 ? argv[3] : NULL);
  if (strcmp(op, "reboot") == 0) return do_reboot(seq, ARG(2));
  /* The /proc view is mounted while the process may still do it (unshare(CLONE_NEWNS) needs CAP_SYS_ADMIN). */
  if (strncmp(op, "set", 3) == 0 && (strstr(op, "uid") != NULL || strstr(op, "gid") != NULL)) ensure_view();
  if (strcmp(op, "setuid") == 0) return setuid((uid_t)strtoul(ARG(2), NULL, 10)) < 0 ? reply_err(seq, errno) : reply(seq, "ok 0");
  if (strcmp(op, "setgid") == 0) return setgid((gid_t)strtoul(ARG(2), NULL, 10)) < 0 ? reply_err(seq, errno) : reply(seq, "ok 0");
  if (strcmp(op, "setresuid") == 0)
    return setresuid((uid_t)atol(ARG(2)), (uid_t)atol(ARG(3)), (uid_t)atol(ARG(4))) < 0 ? reply_err(seq, errno) : reply(seq, "ok 0");
  if (strcmp(op, "setresgid") == 0)
    return setresgid((gid_t)atol(ARG(2)), (gid_t)atol(ARG(3)), (gid_t)atol(ARG(4))) < 0 ? reply_err(seq, errno) : reply(seq, "ok 0");
  if (strcmp(op, "getresuid") == 0) {
    uid_t r, e, s;
    if (getresuid(&r, &e, &s) < 0) return reply_err(seq, errno);
    return reply(seq, "ok %u %u %u", r, e, s);
  }
  if (strcmp(op, "getresgid") == 0) {
    gid_t r, e, s;
    if (getresgid(&r, &e, &s) < 0) return reply_err(seq, errno);
    return reply(seq, "ok %u %u %u", r, e, s);
  }
  if (strcmp(op, "idmap") == 0) {
    /* idmap uid|gid PID FIRST LOWER COUNT: writes /proc/PID/{uid,gid}_map through this process's /proc. */
    if (ensure_view() < 0) return reply_err(seq, errno);
    char path[512], line[128];
    snprintf(path, sizeof path, "%s/%s/%s_map", view_dir, ARG(3), ARG(2));
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return reply_err(seq, errno);
    int n = snprintf(line, sizeof line, "%s %s %s\n", ARG(4), ARG(5), ARG(6));
    ssize_t w = write(fd, line, (size_t)n);
    int e = errno;
    close(fd);
    return w < 0 ? reply_err(seq, e) : reply(seq, "ok");
  }
  if (strcmp(op, "nsino") == 0 || strcmp(op, "nsparent") == 0 || strcmp(op, "nspid") == 0) {
    /* nsino PID WHICH | nsparent PID WHICH | nspid from|in PID WHICH NR */
    int shift = strcmp(op, "nspid") == 0;
    int fd = open_ns(ARG(2 + shift), ARG(3 + shift));
    if (fd < 0) return reply_err(seq, errno);
    long r;
    int e = 0;
    struct stat st;
    if (op[2] == 'i') {
      r = fstat(fd, &st) < 0 ? -1 : (long)st.st_ino;
    } else if (op[2] == 'p' && op[3] == 'a') {
      int parent = ioctl(fd, NS_GET_PARENT);
      r = parent < 0 || fstat(parent, &st) < 0 ? -1 : (long)st.st_ino;
      if (parent >= 0) close(parent);
    } else {
      r = ioctl(fd, strcmp(ARG(2), "from") == 0 ? NS_GET_PID_FROM_PIDNS : NS_GET_PID_IN_PIDNS, atoi(ARG(5)));
    }
    if (r < 0) e = errno;
    close(fd);
    return r < 0 ? reply_err(seq, e) : reply(seq, "ok %ld", r);
  }
  if (strcmp(op, "exec") == 0) {
    /* execve(2) of this very program: a new image, which says hello again and answers this command. */
    char lns[32], vns[32];
    snprintf(lns, sizeof lns, "%lu", launcher_ns);
    snprintf(vns, sizeof vns, "%lu", view_ns);
    char *args[] = { "pidsim-helper", "resume", (char *)sock_path, (char *)view_dir, my_name, (char *)seq, lns, vns, NULL };
    execv("/proc/self/exe", args);
    return reply_err(seq, errno);
  }
  if (strcmp(op, "drop-privileges") == 0) {
    if (ensure_view() < 0) return reply_err(seq, errno);
    if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0) return reply_err(seq, errno);
    return reply(seq, "ok");
  }
  reply(seq, "bad command %s", op);
#undef ARG
}

/* Reads commands until the runner hangs up. A caught signal interrupting read() is not an error. */
static void serve(void) {
  static __thread char buf[16384];
  static __thread size_t have;
  /* A child forked by a handler lands here, with nothing of its parent's input. */
  if (sigsetjmp(serve_env, 0)) have = 0;
  serve_ready = 1;
  have = 0;
  for (;;) {
    char *nl;
    while ((nl = memchr(buf, '\n', have)) != NULL) {
      *nl = 0;
      char line[4096];
      size_t len = (size_t)(nl - buf);
      if (len >= sizeof line) len = sizeof line - 1;
      memcpy(line, buf, len);
      line[len] = 0;
      have -= (size_t)(nl + 1 - buf);
      memmove(buf, nl + 1, have);
      int before = conn_gen;
      obey(line);
      /* A forked child gets a new connection and must drop what its parent had buffered. */
      if (conn_gen != before) have = 0;
    }
    if (have == sizeof buf) _exit(122);
    ssize_t n = read(sock, buf + have, sizeof buf - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(0);
    have += (size_t)n;
  }
}

static void reset_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (int s = 1; s <= 64; s++)
    if (s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, NULL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The absolute level of this process's PID namespace, or -1 when it cannot be known (NS_GET_PARENT stops). */
static int own_level(void) {
  int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  for (int level = 0; level <= 40; level++) {
    struct stat st;
    if (fstat(fd, &st) < 0) break;
    if ((unsigned long)st.st_ino == INITIAL_PID_NS_INO) {
      close(fd);
      return level;
    }
    int parent = ioctl(fd, NS_GET_PARENT);
    close(fd);
    if (parent < 0) return -1;
    fd = parent;
  }
  close(fd);
  return -1;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  ssize_t w = write(1, line, (size_t)n);
  (void)w;
}

static int probe(void) {
  if (geteuid() != 0) return say("error not root (euid %d): creating PID namespaces needs CAP_SYS_ADMIN", (int)geteuid()), 2;
  long c = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL);
  if (c < 0) return say("error clone(CLONE_NEWPID) failed: %s", strerror(errno)), 2;
  if (c == 0) {
    if (syscall(SYS_getpid) != 1) _exit(10);
    if (unshare(CLONE_NEWNS) < 0) _exit(11);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) _exit(12);
    if (mount("proc", view_dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) _exit(13);
    _exit(0);
  }
  int st;
  if (waitpid((pid_t)c, &st, 0) < 0) return say("error waitpid: %s", strerror(errno)), 2;
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    const char *why = code == 10 ? "the child of clone(CLONE_NEWPID) is not PID 1"
                    : code == 11 ? "unshare(CLONE_NEWNS) failed" : code == 12 ? "making / private failed"
                    : code == 13 ? "mounting a procfs for the new namespace failed" : "the probe child died";
    return say("error %s (status %d)", why, st), 2;
  }
  int level = own_level();
  if (level < 0) say("ok ?");
  else say("ok %d", level);
  return 0;
}

static int launch(const char *root_name) {
  pid_t runner = getppid();
  reset_signals();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != runner) return 3;
  setsid();
  launcher_ns = ns_inode("/proc/self/ns/pid");
  int level = own_level();
  long init = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL);
  if (init < 0) return say("error clone(CLONE_NEWPID): %s", strerror(errno)), 2;
  if (init == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    close(0);
    close(1);
    strncpy(my_name, root_name, sizeof my_name - 1);
    hello();
    serve();
    _exit(0);
  }
  if (level < 0) say("started %ld ?", init);
  else say("started %ld %d", init, level);
  /* Until the runner closes stdin: reap the init if it goes. Then tear the namespace down. */
  int alive = 1;
  for (;;) {
    struct pollfd p = { .fd = 0, .events = POLLIN };
    int r = poll(&p, 1, 200);
    if (alive && waitpid((pid_t)init, NULL, WNOHANG) == init) alive = 0;
    if (r < 0 && errno == EINTR) continue;
    if (r > 0) {
      char b[64];
      ssize_t n = read(0, b, sizeof b);
      if (n <= 0) break;
    }
  }
  if (alive) {
    kill((pid_t)init, SIGKILL);
    while (waitpid((pid_t)init, NULL, 0) < 0 && errno == EINTR) {}
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "probe") == 0) {
    view_dir = argv[2];
    return probe();
  }
  if (argc == 5 && strcmp(argv[1], "launch") == 0) {
    sock_path = argv[2];
    view_dir = argv[3];
    return launch(argv[4]);
  }
  if (argc == 8 && strcmp(argv[1], "resume") == 0) {
    /* After execve: handlers are back to default (ignored stay ignored), mask and pending kept. */
    sock_path = argv[2];
    view_dir = argv[3];
    strncpy(my_name, argv[4], sizeof my_name - 1);
    launcher_ns = strtoul(argv[6], NULL, 10);
    view_ns = strtoul(argv[7], NULL, 10);
    hello();
    reply(argv[5], "ok");
    serve();
    return 0;
  }
  say("usage: %s probe VIEWDIR | launch SOCK VIEWDIR ROOTNAME", argv[0]);
  return 64;
}
`;
