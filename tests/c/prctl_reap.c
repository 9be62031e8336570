/* prctl's process-tree options compared with the gcc build: a subreaper gets
 * its orphaned grandchild's SIGCHLD and waits for it; a parent-death SIGKILL
 * ends a worker, which its subreaper grandparent then reaps; without a
 * subreaper an orphan is init's; execve resets the name, dumpable and
 * keepcaps, and keeps the parent-death signal and no_new_privs; a change of
 * effective id clears the parent-death signal and dumpable.
 * usage: prctl_reap DIR (DIR holds prctl_reap itself) | prctl_reap show */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld_count, chld_from;
static volatile pid_t watch;
static void on_chld(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  chld_count++;
  if (si->si_pid == watch) chld_from = 1;
}

static void adopted_grandchild(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  pid_t me = getpid();
  int p[2], q[2];
  pipe(p);
  pipe(q);
  pid_t mid = fork();
  if (mid == 0) {
    pid_t g = fork();
    if (g == 0) {
      char b;
      close(p[1]);
      read(p[0], &b, 1);
      int adopted = getppid() == me;
      write(q[1], &adopted, sizeof adopted);
      _exit(9);
    }
    write(q[1], &g, sizeof g);
    _exit(4);
  }
  close(p[0]);
  pid_t g;
  read(q[0], &g, sizeof g);
  watch = g;
  int st;
  pid_t r = waitpid(mid, &st, 0);
  printf("middle reaped: %s, status %d\n", r == mid ? "yes" : "no", WEXITSTATUS(st));
  close(p[1]); /* the grandchild reads EOF now */
  int adopted = 0;
  read(q[0], &adopted, sizeof adopted);
  printf("grandchild adopted: %s\n", adopted ? "yes" : "no");
  r = waitpid(-1, &st, 0);
  printf("subreaper waited for the grandchild: %s, status %d\n", r == g ? "yes" : "no", WEXITSTATUS(st));
  printf("SIGCHLDs %d, one from the grandchild: %s\n", (int)chld_count, chld_from ? "yes" : "no");
  r = waitpid(-1, &st, WNOHANG);
  printf("then: %d %s\n", (int)r, r < 0 ? strerror(errno) : "");
  close(q[0]);
  close(q[1]);
  signal(SIGCHLD, SIG_DFL);
}

static void killed_worker(void) {
  int ready[2];
  pipe(ready);
  pid_t mid = fork();
  if (mid == 0) {
    pid_t w = fork();
    if (w == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      write(ready[1], &w, 1);
      for (;;) pause();
    }
    char b;
    read(ready[0], &b, 1);
    _exit(0);
  }
  close(ready[1]);
  int st, n = 0, killed = 0;
  pid_t r;
  while ((r = waitpid(-1, &st, 0)) > 0) {
    n++;
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) killed++;
  }
  printf("reaped %d, killed by SIGKILL %d\n", n, killed);
  close(ready[0]);
  prctl(PR_SET_CHILD_SUBREAPER, 0);
}

static void init_orphan(void) {
  int p[2], q[2];
  pipe(p);
  pipe(q);
  pid_t mid = fork();
  if (mid == 0) {
    if (fork() == 0) {
      char b;
      close(p[1]);
      read(p[0], &b, 1);
      pid_t pp = getppid();
      write(q[1], &pp, sizeof pp);
      _exit(0);
    }
    _exit(0);
  }
  close(p[0]);
  waitpid(mid, NULL, 0);
  close(p[1]);
  pid_t pp = 0;
  read(q[0], &pp, sizeof pp);
  printf("without a subreaper the orphan's parent is %s\n", pp == getpid() ? "us" : pp == 1 ? "init" : "another");
  close(q[0]);
  close(q[1]);
}

/* commit_creds: a change of the effective uid or gid makes the process undumpable and clears its parent-death signal. */
static void cred_changes(void) {
  pid_t c = fork();
  if (c == 0) {
    int s = -1;
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    setresuid(-1, -1, -1);
    prctl(PR_GET_PDEATHSIG, &s);
    printf("same ids: dumpable %d pdeathsig %d\n", prctl(PR_GET_DUMPABLE), s);
    setresuid(0, 0, 1000);
    prctl(PR_GET_PDEATHSIG, &s);
    printf("saved uid only: dumpable %d pdeathsig %d\n", prctl(PR_GET_DUMPABLE), s);
    setresgid(-1, 1000, -1);
    prctl(PR_GET_PDEATHSIG, &s);
    printf("egid: dumpable %d pdeathsig %d\n", prctl(PR_GET_DUMPABLE), s);
    prctl(PR_SET_DUMPABLE, 1);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    setuid(65534);
    prctl(PR_GET_PDEATHSIG, &s);
    printf("setuid: dumpable %d pdeathsig %d\n", prctl(PR_GET_DUMPABLE), s);
    _exit(0);
  }
  waitpid(c, NULL, 0);
}

static void exec_reset(const char *dir) {
  prctl(PR_SET_NAME, "renamed");
  pid_t c = fork();
  if (c == 0) {
    prctl(PR_SET_PDEATHSIG, SIGUSR1);
    prctl(PR_SET_KEEPCAPS, 1);
    prctl(PR_SET_DUMPABLE, 0);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/prctl_reap", dir);
    execl(path, "argv0-is-not-the-name", "show", (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(c, &st, 0);
  printf("exec'd child status %d\n", WEXITSTATUS(st));
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "show") == 0) {
    char name[16];
    int sig = -1;
    prctl(PR_GET_NAME, name);
    prctl(PR_GET_PDEATHSIG, &sig);
    printf("after execve: name %s, pdeathsig %d, dumpable %d, keepcaps %d, no_new_privs %d\n", name, sig, prctl(PR_GET_DUMPABLE),
           prctl(PR_GET_KEEPCAPS), prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    return 0;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  /* The scenarios run in a child: socklab's first process is pid 1, which init's pid would not tell apart. */
  pid_t sup = fork();
  if (sup == 0) {
    adopted_grandchild();
    killed_worker();
    init_orphan();
    cred_changes();
    if (argc > 1) exec_reset(argv[1]);
    _exit(0);
  }
  int st;
  waitpid(sup, &st, 0);
  return WEXITSTATUS(st);
}
