/* Run by exec_main through execve: prints what a new image sees of what
 * Linux keeps across exec (pid, parent, fds without FD_CLOEXEC, the blocked
 * mask, ignored signals, the environment) and what it resets (handlers). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  printf("child argc=%d", argc);
  for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
  printf("\n");
  const char *x = getenv("EXEC_X"), *home = getenv("EXEC_HOME");
  printf("child env EXEC_X=%s EXEC_HOME=%s\n", x ? x : "(unset)", home ? home : "(unset)");
  if (argc > 1) printf("child same pid: %s\n", atoi(argv[1]) == getpid() ? "yes" : "no");
  if (argc > 3) {
    int keep = atoi(argv[2]), gone = atoi(argv[3]);
    printf("child fd %d (kept): %s\n", keep, fcntl(keep, F_GETFD) >= 0 ? "open" : "closed");
    printf("child fd %d (FD_CLOEXEC): %s\n", gone, fcntl(gone, F_GETFD) >= 0 ? "open" : "closed");
    const char msg[] = "written by the new image";
    write(keep, msg, sizeof msg - 1);
    close(keep);
  }
  struct sigaction sa;
  sigaction(SIGUSR1, NULL, &sa);
  printf("child SIGUSR1 (had a handler): %s\n", sa.sa_handler == SIG_DFL ? "SIG_DFL" : sa.sa_handler == SIG_IGN ? "SIG_IGN" : "handler");
  sigaction(SIGUSR2, NULL, &sa);
  printf("child SIGUSR2 (ignored): %s\n", sa.sa_handler == SIG_DFL ? "SIG_DFL" : sa.sa_handler == SIG_IGN ? "SIG_IGN" : "handler");
  sigset_t m;
  sigprocmask(SIG_BLOCK, NULL, &m);
  printf("child SIGTERM blocked: %s\n", sigismember(&m, SIGTERM) ? "yes" : "no");
  fflush(stdout);
  return 7;
}
