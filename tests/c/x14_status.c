/* x14_system's command: "exit N" exits with N, "kill N" sends itself signal N,
 * "show" prints the dispositions of SIGINT/SIGQUIT and whether SIGCHLD is
 * blocked (what my_system's child restored before the exec). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *disp(int sig) {
  struct sigaction sa;
  sigaction(sig, NULL, &sa);
  return sa.sa_handler == SIG_IGN ? "SIG_IGN" : sa.sa_handler == SIG_DFL ? "SIG_DFL" : "handler";
}

int main(int argc, char *argv[]) {
  if (argc >= 3 && strcmp(argv[1], "exit") == 0) exit(atoi(argv[2]));
  if (argc >= 3 && strcmp(argv[1], "kill") == 0) { kill(getpid(), atoi(argv[2])); return 99; }
  sigset_t m;
  sigprocmask(SIG_BLOCK, NULL, &m);
  printf("SIGINT %s SIGQUIT %s SIGCHLD %s\n", disp(SIGINT), disp(SIGQUIT), disp(SIGCHLD));
  printf("SIGCHLD blocked: %s\n", sigismember(&m, SIGCHLD) ? "yes" : "no");
  return 3;
}
