/* Resource limits, sessions and process groups, sigaltstack: the calls and
 * their errors as Linux makes them (tests/strace-diff.test.ts compares the
 * traces, pids as their rank; tests/procapi.test.ts the output). The session
 * work is a child's: the program itself may lead its group (socklab, a
 * shell's job) or not (under strace). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "diff_errno.h"

/* Linux's (<linux/signal.h>; glibc leaves it out). */
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

/* One case: its result, and errno's name when it failed (ESRCH is not in diff_errno.h's list). */
static void result(const char *what, long r) {
  int e = errno;
  printf("%s %ld %s\n", what, r, r >= 0 ? "-" : e == ESRCH ? "ESRCH" : ename(e));
}
#define SHOW(what, r) result(what, (long)(r))

static void limits(void) {
  struct rlimit rl = {6, 4096};
  SHOW("set-nofile", setrlimit(RLIMIT_NOFILE, &rl));
  SHOW("get-nofile", getrlimit(RLIMIT_NOFILE, &rl));
  printf("nofile %llu %llu\n", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
  /* Both are the soft limit (each a prlimit64 in glibc). */
  long open_max = sysconf(_SC_OPEN_MAX);
  int table = getdtablesize();
  printf("open-max %ld %d\n", open_max, table);
  int p[2], q[2];
  SHOW("pipe", pipe(p));
  /* Only fd 5 is below the soft limit: EMFILE, and no fd is left open. */
  SHOW("pipe-emfile", pipe(q));
  SHOW("socket", socket(AF_INET, SOCK_STREAM, 0));
  SHOW("socket-emfile", socket(AF_INET, SOCK_STREAM, 0));
  SHOW("dup2-past", dup2(0, 6));
  SHOW("dupfd-past", fcntl(0, F_DUPFD, 6));
  /* Below the open fds: they stay, new ones fail. */
  rl.rlim_cur = 2;
  SHOW("lower", setrlimit(RLIMIT_NOFILE, &rl));
  close(5);
  SHOW("socket-low", socket(AF_INET, SOCK_STREAM, 0));
  rl.rlim_cur = 64;
  SHOW("restore", setrlimit(RLIMIT_NOFILE, &rl));
  close(p[0]);
  close(p[1]);
  /* soft > hard: EINVAL; a hard limit above fs.nr_open: EPERM. (Raising the hard limit needs CAP_SYS_RESOURCE,
   * which a container's root may lack: tests/procapi.test.ts.) */
  rl.rlim_cur = 100, rl.rlim_max = 50;
  SHOW("cur>max", setrlimit(RLIMIT_NOFILE, &rl));
  rl.rlim_cur = RLIM_INFINITY, rl.rlim_max = RLIM_INFINITY;
  SHOW("nofile-inf", setrlimit(RLIMIT_NOFILE, &rl));
  SHOW("unknown", getrlimit(99, &rl));
  SHOW("negative", getrlimit(-1, &rl));
  SHOW("efault-get", getrlimit(RLIMIT_NOFILE, BADP));
  SHOW("efault-set", setrlimit(RLIMIT_NOFILE, BADP));
  /* Other resources: kept per process; RLIMIT_CORE 0, as a shell's. */
  SHOW("core", getrlimit(RLIMIT_CORE, &rl));
  printf("core %llu\n", (unsigned long long)rl.rlim_cur);
  rl.rlim_cur = 1 << 20, rl.rlim_max = RLIM_INFINITY;
  SHOW("set-fsize", setrlimit(RLIMIT_FSIZE, &rl));
  SHOW("get-fsize", getrlimit(RLIMIT_FSIZE, &rl));
  struct rlimit old;
  rl.rlim_cur = 0, rl.rlim_max = RLIM_INFINITY;
  SHOW("prlimit-core", prlimit(0, RLIMIT_CORE, &rl, &old));
  SHOW("prlimit-esrch", prlimit(99999, RLIMIT_CORE, NULL, &old));
}

static void sessions(void) {
  /* One call per statement: gcc and clang evaluate printf's arguments in opposite orders. */
  pid_t me = getpid();
  pid_t sid = setsid();
  pid_t own_sid = getsid(0);
  pid_t own_group = getpgrp();
  printf("setsid-own %d %d %d\n", sid == me, own_sid == me, own_group == me);
  /* A session leader stays in its group; a second setsid is EPERM (it leads a group). */
  SHOW("setsid-again", setsid());
  SHOW("setpgid-leader", setpgid(0, 0));
  SHOW("setpgid-einval", setpgid(0, -1));
  SHOW("setpgid-esrch", setpgid(99999, 0));
  int ready[2], go[2];
  pipe(ready);
  pipe(go);
  pid_t c = fork();
  if (c == 0) {
    char b;
    close(ready[0]);
    close(go[1]);
    pid_t mine = getpid();
    pid_t gc_sid = getsid(0);
    pid_t gc_group = getpgid(0);
    printf("grandchild-session %d %d\n", gc_sid == me, gc_group == me);
    SHOW("gc-setpgid-own", setpgid(0, 0));
    printf("gc-own-group %d\n", getpgrp() == mine);
    SHOW("gc-setpgid-back", setpgid(0, me));
    SHOW("gc-setpgid-nogroup", setpgid(0, 99999));
    /* Another process that is not a child: ESRCH. */
    SHOW("gc-setpgid-parent", setpgid(me, me));
    write(ready[1], "r", 1);
    read(go[0], &b, 1);
    printf("gc-moved %d\n", getpgrp() == mine);
    _exit(0);
  }
  char b;
  close(ready[1]);
  close(go[0]);
  read(ready[0], &b, 1);
  /* The parent moves its child to a group of its own, then looks. */
  SHOW("setpgid-child", setpgid(c, c));
  pid_t c_group = getpgid(c);
  pid_t c_sid = getsid(c);
  printf("child-group %d %d\n", c_group == c, c_sid == me);
  write(go[1], "g", 1);
  waitpid(c, NULL, 0);
  SHOW("getpgid-reaped", getpgid(c));
  SHOW("getsid-esrch", getsid(99999));
}

static volatile sig_atomic_t handled;
static void on_usr1(int sig) { handled = sig == SIGUSR1; }

static void altstack(void) {
  stack_t ss, old;
  memset(&old, 0x55, sizeof old);
  SHOW("ss-query", sigaltstack(NULL, &old));
  printf("ss-initial %d %d %d\n", old.ss_sp == NULL, old.ss_flags, (int)old.ss_size);
  /* Numbers, not MINSIGSTKSZ and SIGSTKSZ: glibc makes those sysconf() calls with _GNU_SOURCE. */
  ss.ss_sp = malloc(65536);
  ss.ss_size = 65536;
  ss.ss_flags = 0;
  SHOW("ss-set", sigaltstack(&ss, NULL));
  SHOW("ss-get", sigaltstack(NULL, &old));
  printf("ss-now %d %d %d\n", old.ss_sp == ss.ss_sp, old.ss_flags, (int)old.ss_size);
  ss.ss_size = 2047;
  SHOW("ss-small", sigaltstack(&ss, NULL));
  ss.ss_size = 2048;
  SHOW("ss-min", sigaltstack(&ss, NULL));
  ss.ss_size = 65536;
  ss.ss_flags = 4;
  SHOW("ss-flags", sigaltstack(&ss, NULL));
  ss.ss_flags = SS_AUTODISARM;
  SHOW("ss-autodisarm", sigaltstack(&ss, &old));
  SHOW("ss-efault", sigaltstack(BADP, NULL));
  ss.ss_flags = SS_DISABLE;
  SHOW("ss-disable", sigaltstack(&ss, &old));
  printf("ss-was %d %d\n", old.ss_flags, (int)old.ss_size);
  SHOW("ss-off", sigaltstack(NULL, &old));
  printf("ss-off %d %d\n", old.ss_flags, (int)old.ss_size);
  /* SA_ONSTACK is accepted; with a stack set the handler runs (on it natively, on the ordinary stack under socklab). */
  ss.ss_flags = 0;
  SHOW("ss-again", sigaltstack(&ss, NULL));
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_ONSTACK;
  SHOW("sa-onstack", sigaction(SIGUSR1, &sa, NULL));
  raise(SIGUSR1);
  printf("handled %d\n", (int)handled);
  ss.ss_flags = SS_DISABLE;
  SHOW("ss-done", sigaltstack(&ss, NULL));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  limits();
  altstack();
  pid_t c = fork();
  if (c == 0) {
    /* Inherited by fork: the limits set above. */
    struct rlimit rl;
    SHOW("child-nofile", getrlimit(RLIMIT_NOFILE, &rl));
    printf("child-nofile %llu %llu\n", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
    sessions();
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("child-status %d\n", WEXITSTATUS(st));
  /* The child has a session of its own now, and has been reaped. */
  SHOW("getsid-gone", getsid(c));
  return 0;
}
