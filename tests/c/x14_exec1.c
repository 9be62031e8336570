/* APUE Figure 8.16 (exec1): fork, execle of echoall with its own environment
 * list; fork, execlp of "echoall" found through PATH (here: a missing
 * directory, then DIR). The parent waits for each child.
 * usage: x14_exec1 DIR   (DIR holds echoall) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *env_init[] = { "USER=unknown", "PATH=/tmp", NULL };

int main(int argc, char *argv[]) {
  if (argc < 2) { fprintf(stderr, "usage: x14_exec1 DIR\n"); return 2; }
  char path[512], search[600];
  snprintf(path, sizeof path, "%s/echoall", argv[1]);
  snprintf(search, sizeof search, "/no/such/dir::%s", argv[1]);
  pid_t pid;
  fflush(stdout);
  if ((pid = fork()) < 0) { perror("fork error"); return 1; }
  if (pid == 0) {
    if (execle(path, "echoall", "myarg1", "MY ARG2", (char *)0, env_init) < 0) perror("execle error");
    _exit(127);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0) perror("wait error");
  printf("first child: status %#x\n", status);
  fflush(stdout);
  if ((pid = fork()) < 0) { perror("fork error"); return 1; }
  if (pid == 0) {
    setenv("PATH", search, 1);
    if (execlp("echoall", "echoall", "only 1 arg", (char *)0) < 0) perror("execlp error");
    _exit(127);
  }
  if (waitpid(pid, &status, 0) < 0) perror("wait error");
  printf("second child: status %#x\n", status);
  /* execlp of a name in no PATH entry: ENOENT after trying each (the empty entry is the cwd). */
  setenv("PATH", "/no/such/dir:/no/other", 1);
  errno = 0;
  execlp("no-such-echoall", "x", (char *)0);
  printf("execlp missing: %s\n", strerror(errno));
  return 0;
}
