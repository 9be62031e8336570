/* Descriptor flags on a server's sockets, as TLPI 4.3/5.3 and 63.5 and
 * course "event loop" handouts check them: socket() with SOCK_NONBLOCK and
 * SOCK_CLOEXEC, accept4() handing both to the connection in one call, and
 * fcntl(F_GETFD)/fcntl(F_GETFL) to see them. What students get wrong: a
 * plain accept() does not inherit O_NONBLOCK from a non-blocking listener
 * (Linux), FD_CLOEXEC belongs to the descriptor (dup() clears it) while
 * O_NONBLOCK belongs to the open description (dup() shares it), and
 * accept4() with a flag it does not know is EINVAL. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void flags(const char *what, int fd) {
  int fdf = fcntl(fd, F_GETFD);
  int flf = fcntl(fd, F_GETFL);
  printf("%-22s cloexec=%d nonblock=%d rdwr=%d\n", what, (fdf & FD_CLOEXEC) != 0, (flf & O_NONBLOCK) != 0, (flf & O_ACCMODE) == O_RDWR);
}

static void wait_readable(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  poll(&p, 1, -1);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  flags("listener", lfd);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  listen(lfd, 8);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  /* Nobody has connected yet: a non-blocking accept says so at once. */
  if (accept4(lfd, NULL, NULL, SOCK_NONBLOCK) < 0) printf("accept4 on an empty queue: %s\n", errno == EAGAIN ? "EAGAIN" : strerror(errno));
  if (accept4(lfd, NULL, NULL, 0x4000) < 0) printf("accept4 with a bad flag: %s\n", strerror(errno));

  pid_t pid = fork();
  if (pid == 0) {
    close(lfd);
    for (int i = 0; i < 3; i++) {
      int c = socket(AF_INET, SOCK_STREAM, 0);
      connect(c, (struct sockaddr *)&a, sizeof a);
      char buf[32];
      ssize_t n = read(c, buf, sizeof buf); /* the server's greeting: it has looked at this connection */
      printf("client %d: '%.*s'\n", i, (int)n, buf);
      close(c);
    }
    _exit(0);
  }
  /* 1: accept4 with both flags. */
  wait_readable(lfd);
  struct sockaddr_in peer;
  socklen_t plen = sizeof peer;
  int c1 = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
  flags("accept4(NB|CLOEXEC)", c1);
  char buf[8];
  if (read(c1, buf, sizeof buf) < 0 && errno == EAGAIN) printf("read on it: EAGAIN\n");
  write(c1, "hello 1", 7);
  close(c1);
  /* 2: plain accept: nothing inherited from the listener. */
  wait_readable(lfd);
  int c2 = accept(lfd, NULL, NULL);
  flags("accept", c2);
  /* Set by hand, the old way: F_SETFL keeps the access mode, F_SETFD FD_CLOEXEC. */
  fcntl(c2, F_SETFL, fcntl(c2, F_GETFL) | O_NONBLOCK);
  fcntl(c2, F_SETFD, FD_CLOEXEC);
  flags("after F_SETFL/F_SETFD", c2);
  int d = dup(c2);
  flags("its dup", d);
  int d2 = fcntl(c2, F_DUPFD_CLOEXEC, 10);
  printf("F_DUPFD_CLOEXEC from 10: %d\n", d2);
  flags("that one", d2);
  fcntl(d, F_SETFL, 0); /* shared description: c2 is blocking again */
  flags("after clearing on dup", c2);
  write(c2, "hello 2", 7);
  close(d2);
  close(d);
  close(c2);
  /* 3: accept4 with SOCK_CLOEXEC only. */
  wait_readable(lfd);
  int c3 = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  flags("accept4(CLOEXEC)", c3);
  write(c3, "hello 3", 7);
  close(c3);
  int st;
  waitpid(pid, &st, 0);
  /* Mistakes: fcntl on a closed descriptor, an unknown command. */
  if (fcntl(c3, F_GETFL) < 0) printf("F_GETFL on a closed fd: %s\n", strerror(errno));
  if (fcntl(lfd, 9999) < 0) printf("unknown fcntl command: %s\n", strerror(errno));
  close(lfd);
  printf("done, child status %d\n", WEXITSTATUS(st));
  return 0;
}
