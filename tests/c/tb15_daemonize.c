/* APUE Figure 13.1, daemonize(), run by a launcher so that the program can
 * check its result: there is no syslog (socklab has no /dev/log), so the
 * daemon writes what it sees to a file whose absolute path was taken before
 * (it runs in "/" with every fd closed), then tells the original process with
 * SIGUSR1, which prints the file and removes it. Output holds no pid, only
 * relations between them, so that gcc's build and socklab's print the same. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* glibc's dev_t encoding (socklab's SDK has no <sys/sysmacros.h>). */
#define DEV_MAJOR(d) ((unsigned)((((d) >> 8) & 0xfff) | (((unsigned long long)(d) >> 32) & ~0xfffu)))
#define DEV_MINOR(d) ((unsigned)(((d) & 0xff) | (((d) >> 12) & ~0xffu)))

static char logpath[4096];
static volatile sig_atomic_t done;
static void on_usr1(int sig) { (void)sig; done = 1; }

static void err_quit(const char *what) {
  /* stderr is /dev/null by then: the exit status tells. */
  (void)what;
  exit(1);
}

/* Figure 13.1 as printed, syslog(3) left out. */
static void daemonize(const char *cmd) {
  int i, fd0, fd1, fd2;
  pid_t pid;
  struct rlimit rl;
  struct sigaction sa;
  (void)cmd;
  /* Clear file creation mask. */
  umask(0);
  /* Get maximum number of file descriptors. */
  if (getrlimit(RLIMIT_NOFILE, &rl) < 0) err_quit("can't get file limit");
  /* Become a session leader to lose controlling TTY. */
  if ((pid = fork()) < 0)
    err_quit("can't fork");
  else if (pid != 0) /* parent */
    exit(0);
  setsid();
  /* Ensure future opens won't allocate controlling TTYs. */
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  if (sigaction(SIGHUP, &sa, NULL) < 0) err_quit("can't ignore SIGHUP");
  if ((pid = fork()) < 0)
    err_quit("can't fork");
  else if (pid != 0) /* parent */
    exit(0);
  /* Change the current working directory to the root. */
  if (chdir("/") < 0) err_quit("can't change directory to /");
  /* Close all open file descriptors. */
  if (rl.rlim_max == RLIM_INFINITY) rl.rlim_max = 1024;
  for (i = 0; i < (int)rl.rlim_max; i++) close(i);
  /* Attach file descriptors 0, 1, and 2 to /dev/null. */
  fd0 = open("/dev/null", O_RDWR);
  fd1 = dup(0);
  fd2 = dup(0);
  if (fd0 != 0 || fd1 != 1 || fd2 != 2) exit(2);
}

int main(void) {
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return 1;
  snprintf(logpath, sizeof logpath, "%s/tb15_daemonize.log", cwd);
  unlink(logpath);
  /* SIGUSR1 (the daemon's "done") stays blocked until sigsuspend. */
  sigset_t usr1, old;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, &old);
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
  pid_t orig = getpid(), orig_sid = getsid(0);
  umask(022);
  printf("launching the daemon\n");
  fflush(stdout);

  pid_t launcher = fork();
  if (launcher == 0) {
    pid_t me = getpid();
    daemonize("tb15_daemonize");
    /* The daemon: the grandchild of the launcher. */
    FILE *f = fopen(logpath, "w");
    if (!f) exit(3);
    struct stat st;
    fstat(fileno(f), &st);
    fprintf(f, "log fd %d, mode %03o (umask 0)\n", fileno(f), st.st_mode & 0777);
    pid_t pid = getpid(), sid = getsid(0), pgid = getpgrp(), ppid = getppid();
    fprintf(f, "new process %d, not the launcher %d\n", pid != orig, pid != me);
    fprintf(f, "session leader %d, in a new session %d, group is the session %d\n", sid == pid, sid != orig_sid, pgid == sid);
    /* Its parent is the session leader until that exits, then init (or a
     * subreaper on Linux); never the launcher. Which one is a race. */
    fprintf(f, "parent is not the launcher %d\n", ppid != me);
    char here[256];
    fprintf(f, "cwd %s\n", getcwd(here, sizeof here) ? here : "?");
    mode_t m = umask(0);
    fprintf(f, "umask %03o\n", m);
    struct sigaction cur;
    sigaction(SIGHUP, NULL, &cur);
    fprintf(f, "SIGHUP ignored %d\n", cur.sa_handler == SIG_IGN);
    for (int fd = 0; fd < 3; fd++) {
      int r = fstat(fd, &st);
      int fl = fcntl(fd, F_GETFL);
      fprintf(f, "fd %d: fstat %d chr %d rdev %u:%u rdwr %d\n", fd, r, S_ISCHR(st.st_mode), DEV_MAJOR(st.st_rdev), DEV_MINOR(st.st_rdev),
              (fl & O_ACCMODE) == O_RDWR);
    }
    char b[4];
    fprintf(f, "read fd 0: %zd\n", read(0, b, sizeof b));
    fprintf(f, "write fd 1: %zd\n", write(1, "lost\n", 5));
    errno = 0;
    int r = fcntl(3 + 1, F_GETFD);
    fprintf(f, "fd 4 closed: %d %s\n", r, strerror(errno));
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    fprintf(f, "nofile soft <= hard %d\n", rl.rlim_cur <= rl.rlim_max);
    fclose(f);
    kill(orig, SIGUSR1);
    exit(0);
  }
  int status;
  if (waitpid(launcher, &status, 0) != launcher) return 4;
  printf("launcher exited %d (its parent role ends at once)\n", WEXITSTATUS(status));
  /* The daemon is no child of ours: wait for its signal, not for it. */
  while (!done) sigsuspend(&old);
  printf("daemon says done (SIGUSR1)\n");
  FILE *f = fopen(logpath, "r");
  if (!f) return 6;
  char line[256];
  while (fgets(line, sizeof line, f)) printf("daemon: %s", line);
  fclose(f);
  struct stat st;
  stat(logpath, &st);
  printf("log file mode %03o\n", st.st_mode & 0777);
  unlink(logpath);
  return 0;
}
