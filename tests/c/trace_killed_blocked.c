/* A child blocked in read is killed (SIGKILL) by its parent: strace ends the
 * call's line with "= ?" before "+++ killed by SIGKILL +++", on a
 * "<... read resumed> <unfinished ...>) = ?" line when other processes'
 * lines cut it. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int p[2];
  if (pipe(p) != 0) return 1;
  pid_t c = fork();
  if (c == 0) {
    char b;
    read(p[0], &b, 1);
    _exit(0);
  }
  usleep(200000);
  kill(c, SIGKILL);
  int st = 0;
  waitpid(c, &st, 0);
  printf("child killed by signal %d\n", WTERMSIG(st));
  return 0;
}
