/* prctl(2) and fchdir(2) compared with the gcc build: the task's name, the
 * parent-death signal (the classic race check), the child subreaper, the
 * dumpable, no_new_privs and keepcaps flags, an unknown option; fchdir round
 * trips and its errors, posix_spawn's addfchdir_np. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int r) {
  if (r < 0) printf("%s = -1 %s\n", what, strerror(errno));
  else printf("%s = %d\n", what, r);
  fflush(stdout);
}

static volatile sig_atomic_t got, got_code, got_from_parent;
static pid_t dying;
static void on_term(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  got = sig;
  got_code = si->si_code;
  got_from_parent = si->si_pid == dying;
}

static void names(void) {
  char buf[32];
  memset(buf, 'x', sizeof buf);
  show("PR_SET_NAME worker", prctl(PR_SET_NAME, "worker"));
  show("PR_GET_NAME", prctl(PR_GET_NAME, buf));
  printf("name \"%s\" byte15 %d\n", buf, buf[15]);
  show("PR_SET_NAME long", prctl(PR_SET_NAME, "a-very-long-process-name"));
  memset(buf, 'x', sizeof buf);
  show("PR_GET_NAME", prctl(PR_GET_NAME, buf));
  printf("name \"%s\" len %zu byte16 %c\n", buf, strlen(buf), buf[16]);
  show("PR_SET_NAME empty", prctl(PR_SET_NAME, ""));
  show("PR_GET_NAME", prctl(PR_GET_NAME, buf));
  printf("name \"%s\"\n", buf);
  show("PR_SET_NAME bad", prctl(PR_SET_NAME, (char *)-1));
  show("PR_GET_NAME bad", prctl(PR_GET_NAME, (char *)-1));
  prctl(PR_SET_NAME, "parent");
  pid_t c = fork();
  if (c == 0) {
    prctl(PR_GET_NAME, buf);
    printf("child inherits \"%s\"\n", buf);
    prctl(PR_SET_NAME, "child");
    _exit(0);
  }
  waitpid(c, NULL, 0);
  prctl(PR_GET_NAME, buf);
  printf("parent keeps \"%s\"\n", buf);
}

static void deathsig(void) {
  int v = -5;
  show("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &v));
  printf("pdeathsig %d\n", v);
  show("PR_SET_PDEATHSIG SIGUSR1", prctl(PR_SET_PDEATHSIG, SIGUSR1));
  show("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &v));
  printf("pdeathsig %d\n", v);
  show("PR_SET_PDEATHSIG 65", prctl(PR_SET_PDEATHSIG, 65));
  show("PR_SET_PDEATHSIG -1", prctl(PR_SET_PDEATHSIG, -1));
  show("PR_GET_PDEATHSIG bad", prctl(PR_GET_PDEATHSIG, (int *)-1));
  pid_t c = fork();
  if (c == 0) {
    int w = -5;
    prctl(PR_GET_PDEATHSIG, &w);
    printf("child's pdeathsig %d\n", w);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  show("PR_SET_PDEATHSIG 0", prctl(PR_SET_PDEATHSIG, 0));

  /* The race pattern: a middle process forks a worker that asks for SIGTERM when
   * the middle one dies, then checks it did not die already; the middle exits. */
  int ready[2], done[2];
  pipe(ready);
  pipe(done);
  pid_t mid = fork();
  if (mid == 0) {
    pid_t me = getpid();
    pid_t w = fork();
    if (w == 0) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_sigaction = on_term;
      sa.sa_flags = SA_SIGINFO;
      sigaction(SIGTERM, &sa, NULL);
      /* Blocked until sigsuspend, so it cannot come between the check of got and the wait. */
      sigset_t term, old;
      sigemptyset(&term);
      sigaddset(&term, SIGTERM);
      sigprocmask(SIG_BLOCK, &term, &old);
      dying = me;
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != me) _exit(3);
      write(ready[1], "r", 1);
      while (!got) sigsuspend(&old);
      char line[128];
      int n = snprintf(line, sizeof line, "worker: signal %d code %s from the dead parent %s, now a child of %s\n", got,
                       got_code == SI_USER ? "SI_USER" : "other", got_from_parent ? "yes" : "no", getppid() == me ? "it" : "another");
      write(done[1], line, n);
      _exit(0);
    }
    char b;
    read(ready[0], &b, 1);
    _exit(0);
  }
  close(ready[1]);
  close(done[1]);
  waitpid(mid, NULL, 0);
  char line[128];
  int n = read(done[0], line, sizeof line - 1);
  if (n > 0) {
    line[n] = 0;
    fputs(line, stdout);
  }
  close(ready[0]);
  close(done[0]);
}

static void subreaper(void) {
  int v = -5;
  show("PR_GET_CHILD_SUBREAPER", prctl(PR_GET_CHILD_SUBREAPER, &v));
  printf("subreaper %d\n", v);
  show("PR_SET_CHILD_SUBREAPER 1", prctl(PR_SET_CHILD_SUBREAPER, 1));
  show("PR_GET_CHILD_SUBREAPER", prctl(PR_GET_CHILD_SUBREAPER, &v));
  printf("subreaper %d\n", v);
  int p[2];
  pipe(p);
  pid_t me = getpid();
  pid_t mid = fork();
  if (mid == 0) {
    int w = -5;
    prctl(PR_GET_CHILD_SUBREAPER, &w);
    printf("child's subreaper %d\n", w);
    fflush(stdout);
    pid_t g = fork();
    if (g == 0) {
      char b;
      close(p[1]);
      read(p[0], &b, 1); /* EOF once the middle process is gone */
      printf("grandchild: adopted by the subreaper %s\n", getppid() == me ? "yes" : "no");
      fflush(stdout);
      _exit(7);
    }
    _exit(5);
  }
  close(p[0]);
  close(p[1]);
  int st, reaped = 0, codes = 0;
  pid_t r;
  while ((r = wait(&st)) > 0) {
    reaped++;
    codes += WEXITSTATUS(st);
  }
  printf("subreaper reaped %d, statuses %d, then %s\n", reaped, codes, strerror(errno));
  show("PR_SET_CHILD_SUBREAPER 0", prctl(PR_SET_CHILD_SUBREAPER, 0));
}

static void flags(void) {
  show("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
  show("PR_SET_DUMPABLE 2", prctl(PR_SET_DUMPABLE, 2));
  show("PR_SET_DUMPABLE 0", prctl(PR_SET_DUMPABLE, 0));
  show("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
  show("PR_SET_DUMPABLE 1", prctl(PR_SET_DUMPABLE, 1));
  show("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  show("PR_GET_NO_NEW_PRIVS 1", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
  show("PR_SET_NO_NEW_PRIVS 0", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
  show("PR_SET_NO_NEW_PRIVS 1 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
  show("PR_SET_NO_NEW_PRIVS 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
  show("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  show("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS));
  show("PR_SET_KEEPCAPS 2", prctl(PR_SET_KEEPCAPS, 2));
  show("PR_SET_KEEPCAPS 1", prctl(PR_SET_KEEPCAPS, 1));
  show("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS));
  show("PR_SET_KEEPCAPS 0", prctl(PR_SET_KEEPCAPS, 0));
  show("unknown 0x7fff", prctl(0x7fff, 1, 2, 3, 4));
}

static const char *tail(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static void fchdirs(void) {
  char cwd[4096], start[4096];
  getcwd(start, sizeof start);
  mkdir("fchd", 0755);
  int here = open(".", O_RDONLY);
  int dir = open("fchd", O_RDONLY | O_DIRECTORY);
  int file = open("fchd/f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  show("fchdir(dir)", fchdir(dir));
  getcwd(cwd, sizeof cwd);
  printf("cwd ends %s\n", tail(cwd));
  int rel = open("g", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  struct stat st;
  printf("relative create lands in fchd: %s\n", rel >= 0 && stat("../fchd/g", &st) == 0 ? "yes" : "no");
  close(rel);
  show("fchdir(here)", fchdir(here));
  getcwd(cwd, sizeof cwd);
  printf("back: %s\n", strcmp(cwd, start) == 0 ? "yes" : "no");
  show("fchdir(file)", fchdir(file));
  show("fchdir(-1)", fchdir(-1));
  show("fchdir(99)", fchdir(99));
  int pd[2];
  pipe(pd);
  show("fchdir(pipe)", fchdir(pd[0]));
  close(pd[0]);
  close(pd[1]);

  /* posix_spawn's addfchdir_np: the child's fchdir, then its exec (of nothing: ENOENT); a file is ENOTDIR. */
  char *argv[] = {"prog", NULL};
  pid_t c;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addfchdir_np(&fa, dir);
  int r = posix_spawn(&c, "/nonexistent/prog", &fa, NULL, argv, NULL);
  printf("posix_spawn with addfchdir_np(dir) = %s\n", r ? strerror(r) : "0");
  if (r == 0) waitpid(c, NULL, 0);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addfchdir_np(&fa, file);
  r = posix_spawn(&c, "/nonexistent/prog", &fa, NULL, argv, NULL);
  printf("posix_spawn with addfchdir_np(file) = %s\n", r ? strerror(r) : "0");
  if (r == 0) waitpid(c, NULL, 0);
  posix_spawn_file_actions_destroy(&fa);
  getcwd(cwd, sizeof cwd);
  printf("parent's cwd kept: %s\n", strcmp(cwd, start) == 0 ? "yes" : "no");
  /* Search permission, as chdir's: a process that left root may not enter a 0700 directory of root's. */
  mkdir("locked", 0700);
  int locked = open("locked", O_RDONLY | O_DIRECTORY);
  pid_t u = fork();
  if (u == 0) {
    if (setuid(65534) != 0) _exit(1);
    show("nobody: fchdir(0700 dir)", fchdir(locked));
    show("nobody: fchdir(0755 dir)", fchdir(dir));
    _exit(0);
  }
  waitpid(u, NULL, 0);
  close(locked);
  rmdir("locked");
  close(file);
  close(dir);
  close(here);
  unlink("fchd/f");
  unlink("fchd/g");
  rmdir("fchd");
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  names();
  deathsig();
  subreaper();
  flags();
  fchdirs();
  return 0;
}
