/* The uid a signal carries (si_uid) is the sender's real uid: SIGCHLD from a
 * child that dropped to nobody, SIGPIPE from a write after doing the same
 * (run as root; compared with gcc's build by differential.test.ts). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld_uid = -1, pipe_uid = -1;
static void on_chld(int sig, siginfo_t *si, void *uc) { (void)sig, (void)uc, chld_uid = (int)si->si_uid; }
static void on_pipe(int sig, siginfo_t *si, void *uc) { (void)sig, (void)uc, pipe_uid = (int)si->si_uid; }

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_flags = SA_SIGINFO;
  sa.sa_sigaction = on_chld;
  sigaction(SIGCHLD, &sa, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(65534) || setuid(65534)) _exit(1);
    int p[2];
    if (pipe(p)) _exit(2);
    close(p[0]);
    struct sigaction sp;
    memset(&sp, 0, sizeof sp);
    sp.sa_flags = SA_SIGINFO;
    sp.sa_sigaction = on_pipe;
    sigaction(SIGPIPE, &sp, NULL);
    write(p[1], "x", 1);
    _exit(pipe_uid == 65534 ? 0 : 3);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0) {
  }
  printf("child status %d, SIGCHLD si_uid %d\n", WEXITSTATUS(st), (int)chld_uid);
  return 0;
}
