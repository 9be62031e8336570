// After fork, parent and child share open file descriptions: a socket
// stays open until its last descriptor in any process is closed. The child
// closes its copy of one end and still writes through the other; the
// parent, which kept both, still reads, and sees EOF only once every copy
// of the writing end is closed.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) { perror("socketpair"); return 1; }
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);  // the parent's sv[0] stays open
    const char *msg = "from child";
    if (write(sv[1], msg, strlen(msg)) < 0) perror("child write");
    close(sv[1]);
    exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child done: %d\n", WEXITSTATUS(status));
  char buf[64] = {0};
  ssize_t n = read(sv[0], buf, sizeof buf - 1);
  printf("parent read %zd: %s\n", n, buf);
  // The parent still holds sv[1]: the peer end is open, no EOF yet.
  const char *back = "still open";
  printf("parent write on sv[1]: %zd\n", write(sv[1], back, strlen(back)));
  n = read(sv[0], buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("parent read own %zd: %s\n", n, buf);
  close(sv[1]);
  printf("after last close of sv[1]: read=%zd\n", read(sv[0], buf, sizeof buf));
  close(sv[0]);
  return 0;
}
