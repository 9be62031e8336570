/* A child blocked in read is killed (SIGKILL) by its parent: strace ends the
 * call's line with "= ?" before "+++ killed by SIGKILL +++", on a
 * "<... read resumed> <unfinished ...>) = ?" line when other processes'
 * lines cut it. With the argument TERM the parent sends SIGTERM, which
 * interrupts the read first ("= ? ERESTARTSYS"), then kills. */
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int sig = argc > 1 && !strcmp(argv[1], "TERM") ? SIGTERM : SIGKILL;
  int p[2];
  if (pipe(p) != 0) return 1;
  pid_t c = fork();
  if (c == 0) {
    char b;
    read(p[0], &b, 1);
    _exit(0);
  }
  usleep(200000);
  kill(c, sig);
  int st = 0;
  waitpid(c, &st, 0);
  printf("child killed by signal %d\n", WTERMSIG(st));
  return 0;
}
