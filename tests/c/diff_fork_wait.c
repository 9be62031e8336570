// The wait family as Linux defines it: exit codes and death by signal
// encoded in the status (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG),
// WNOHANG before a child exits, wait/wait3/wait4, and ECHILD.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static void show(const char *what, int status) {
  if (WIFEXITED(status)) printf("%s: exited code=%d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) printf("%s: killed by signal %d\n", what, WTERMSIG(status));
  else printf("%s: other %#x\n", what, status);
}

static void nap(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int status;
  // No children yet.
  errno = 0;
  int r = wait(&status);
  printf("wait with no child: %d ECHILD=%d\n", r, errno == ECHILD);

  // Exit codes: 0, 3, 255, and 256 (which is 0 once masked).
  int codes[] = {0, 3, 255, 256};
  for (int i = 0; i < 4; i++) {
    pid_t pid = fork();
    if (pid == 0) exit(codes[i]);
    pid_t got = waitpid(pid, &status, 0);
    char what[32];
    snprintf(what, sizeof what, "exit(%d) same=%d", codes[i], got == pid);
    show(what, status);
  }

  // WNOHANG while the child still runs, then block until it ends.
  pid_t slow = fork();
  if (slow == 0) { nap(200); _exit(5); }
  printf("WNOHANG before exit: %d\n", waitpid(slow, &status, WNOHANG));
  printf("WNOHANG any before exit: %d\n", waitpid(-1, &status, WNOHANG));
  printf("blocking waitpid same=%d\n", waitpid(slow, &status, 0) == slow);
  show("slow child", status);

  // Death by signal: abort() is SIGABRT, a wild write is SIGSEGV-like, raise(SIGKILL) is SIGKILL.
  pid_t a = fork();
  if (a == 0) abort();
  waitpid(a, &status, 0);
  show("abort()", status);
  pid_t k = fork();
  if (k == 0) { raise(SIGKILL); _exit(1); }
  waitpid(k, &status, 0);
  show("raise(SIGKILL)", status);

  // wait3 / wait4 with a zeroed rusage; wait() collects in any order.
  pid_t c1 = fork();
  if (c1 == 0) exit(11);
  struct rusage ru;
  memset(&ru, 0xff, sizeof ru);
  pid_t got = wait4(c1, &status, 0, &ru);
  printf("wait4 same=%d\n", got == c1);
  show("wait4", status);
  printf("rusage zeroed: %d\n", ru.ru_utime.tv_sec == 0 && ru.ru_stime.tv_sec == 0);
  pid_t c2 = fork();
  if (c2 == 0) exit(12);
  got = wait3(&status, 0, NULL);
  printf("wait3 same=%d\n", got == c2);
  show("wait3", status);

  // Several children, reaped by wait(): every status seen once.
  int seen = 0;
  for (int i = 1; i <= 3; i++) if (fork() == 0) exit(20 + i);
  for (int i = 0; i < 3; i++) {
    if (wait(&status) > 0 && WIFEXITED(status)) seen |= 1 << (WEXITSTATUS(status) - 20);
  }
  printf("wait() saw 21..23: %d\n", seen == 14);

  // Not our child, and none left.
  errno = 0;
  r = waitpid(getpid(), &status, 0);
  printf("waitpid(getpid()): %d ECHILD=%d\n", r, errno == ECHILD);
  errno = 0;
  r = waitpid(-1, &status, WNOHANG);
  printf("waitpid(-1) none left: %d ECHILD=%d\n", r, errno == ECHILD);
  errno = 0;
  r = waitpid(-1, &status, 0x4000);
  printf("bad options: %d EINVAL=%d\n", r, errno == EINVAL);
  return 0;
}
