/* x14_execflags's new image: which descriptors 3..24 it was left, which
 * signals are blocked and pending, the alarm still running, the children it
 * inherited (a zombie made before the exec is still its to reap). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void sigs(const char *what, sigset_t *s) {
  printf("%s:", what);
  for (int i = 1; i < 32; i++)
    if (sigismember(s, i)) printf(" %d", i);
  printf("\n");
}

int main(int argc, char *argv[]) {
  printf("new image (%s)\n", argc > 1 ? argv[1] : "?");
  printf("open fds:");
  for (int fd = 3; fd < 25; fd++)
    if (fcntl(fd, F_GETFD) >= 0) printf(" %d%s", fd, fcntl(fd, F_GETFD) & FD_CLOEXEC ? "(cloexec)" : "");
  printf("\n");
  sigset_t s;
  sigprocmask(SIG_BLOCK, NULL, &s);
  sigs("blocked", &s);
  sigpending(&s);
  sigs("pending", &s);
  struct sigaction sa;
  sigaction(SIGUSR2, NULL, &sa);
  printf("SIGUSR2: %s\n", sa.sa_handler == SIG_IGN ? "SIG_IGN" : "SIG_DFL");
  printf("alarm left: %u\n", alarm(0));
  int status;
  pid_t pid = waitpid(-1, &status, WNOHANG);
  if (pid > 0) printf("inherited child exited %d\n", WEXITSTATUS(status));
  else printf("no child to reap\n");
  return 5;
}
