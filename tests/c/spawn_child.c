/* What tests/c/spawn_main.c spawns: prints its arguments, its process
 * group and session relative to its pid, whether SIGUSR1 is blocked and
 * SIGUSR2's disposition, then exits with status 3. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  printf("child:");
  for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
  sigset_t m;
  sigprocmask(SIG_BLOCK, NULL, &m);
  struct sigaction sa;
  sigaction(SIGUSR2, NULL, &sa);
  pid_t pid = getpid();
  printf(" | own pgrp: %s, own session: %s, USR1 blocked: %s, USR2: %s\n", getpgrp() == pid ? "yes" : "no",
         getsid(0) == pid ? "yes" : "no", sigismember(&m, SIGUSR1) ? "yes" : "no",
         sa.sa_handler == SIG_IGN ? "ignored" : "default");
  return 3;
}
