/* Orphans: a child forks a grandchild and exits at once; the grandchild,
 * adopted by init, sees getppid() == 1 and is reaped by it. The grandchild
 * tells the original process through a socket it inherited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  pid_t me = getpid();
  pid_t child = fork();
  if (child == 0) {
    pid_t grand = fork();
    if (grand == 0) {
      struct timespec ts = {0, 50 * 1000000L};
      nanosleep(&ts, NULL);
      char msg[64];
      int n = snprintf(msg, sizeof msg, "grandchild ppid=%d", (int)getppid());
      write(sv[1], msg, (size_t)n);
      exit(9);
    }
    printf("child: my parent is the first process: %d\n", getppid() == me);
    exit(0);
  }
  close(sv[1]);
  int status;
  printf("child reaped: %d code=%d\n", waitpid(child, &status, 0) == child, WEXITSTATUS(status));
  char buf[64] = {0};
  read(sv[0], buf, sizeof buf - 1);
  printf("%s\n", buf);
  printf("no grandchild to wait for: %d\n", waitpid(-1, &status, WNOHANG));
  return 0;
}
