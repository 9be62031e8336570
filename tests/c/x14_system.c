/* APUE 8.13 and Figure 10.28's system(), with the shell left out: socklab
 * has no /bin/sh, so my_system(argv) forks and execv()s the program itself
 * (where system() would run "sh -c cmd"), ignoring SIGINT and SIGQUIT and
 * blocking SIGCHLD in the caller meanwhile; the child restores them before
 * the exec and _exit(127)s when the exec fails, as sh does for a missing
 * command. Then pr_exit (Figure 8.5) of each status.
 * usage: x14_system DIR  (DIR holds echoall and x14_status as "status") */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void pr_exit(int status) {
  if (WIFEXITED(status)) printf("normal termination, exit status = %d\n", WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) printf("abnormal termination, signal number = %d\n", WTERMSIG(status));
  else if (WIFSTOPPED(status)) printf("child stopped, signal number = %d\n", WSTOPSIG(status));
}

static int caught;
static void on_chld(int sig) { (void)sig; caught++; }

static int my_system(char *const argv[]) {
  struct sigaction ignore, saveintr, savequit;
  sigset_t chldmask, savemask;
  int status;
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ignore.sa_flags = 0;
  if (sigaction(SIGINT, &ignore, &saveintr) < 0) return -1;
  if (sigaction(SIGQUIT, &ignore, &savequit) < 0) return -1;
  sigemptyset(&chldmask);
  sigaddset(&chldmask, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chldmask, &savemask) < 0) return -1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) status = -1;
  else if (pid == 0) {
    sigaction(SIGINT, &saveintr, NULL);
    sigaction(SIGQUIT, &savequit, NULL);
    sigprocmask(SIG_SETMASK, &savemask, NULL);
    execv(argv[0], argv);
    _exit(127);
  } else {
    while (waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) { status = -1; break; }
  }
  if (sigaction(SIGINT, &saveintr, NULL) < 0) return -1;
  if (sigaction(SIGQUIT, &savequit, NULL) < 0) return -1;
  /* SIGCHLD was pending while blocked: the handler runs here, once. */
  if (sigprocmask(SIG_SETMASK, &savemask, NULL) < 0) return -1;
  return status;
}

int main(int argc, char *argv[]) {
  if (argc < 2) { fprintf(stderr, "usage: x14_system DIR\n"); return 2; }
  char echoall[512], st[512];
  snprintf(echoall, sizeof echoall, "%s/echoall", argv[1]);
  snprintf(st, sizeof st, "%s/status", argv[1]);
  signal(SIGCHLD, on_chld);
  char *date[] = { echoall, "date", NULL };
  pr_exit(my_system(date));
  char *nosuch[] = { "/no/such/command", NULL };
  pr_exit(my_system(nosuch));
  char *exit44[] = { st, "exit", "44", NULL };
  pr_exit(my_system(exit44));
  char *killed[] = { st, "kill", "15", NULL };
  pr_exit(my_system(killed));
  char *intr[] = { st, "show", NULL };
  pr_exit(my_system(intr));
  printf("SIGCHLD handled %d times\n", caught);
  return 0;
}
