/* A course-assignment server: it restarts on the port it used before (its
 * own connections still in TIME_WAIT: SO_REUSEADDR, set before bind on the
 * listener, as every textbook server does), sets SO_RCVTIMEO on the
 * listening socket so accept() and every accepted connection give up on
 * idle peers (an accepted TCP socket inherits the listener's options), and
 * drops a client that stays silent. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

static int server_socket(struct sockaddr_in *addr, int reuse) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (reuse) {
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  }
  if (bind(fd, (struct sockaddr *)addr, sizeof *addr) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  listen(fd, 5);
  return fd;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int lfd = server_socket(&addr, 1);
  socklen_t len = sizeof addr;
  getsockname(lfd, (struct sockaddr *)&addr, &len);

  /* First run: one client served; the server closes first, so its side waits in TIME_WAIT. */
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&addr, sizeof addr);
  int s = accept(lfd, NULL, NULL);
  write(s, "bye\n", 4);
  close(s);
  char buf[64];
  ssize_t n = read(c, buf, sizeof buf);
  printf("first run: client read %zd, then %zd (EOF)\n", n, read(c, buf, sizeof buf));
  close(c);
  close(lfd);

  /* Restart: without SO_REUSEADDR the port is still taken; with it, it is not. */
  errno = 0;
  int again = server_socket(&addr, 0);
  printf("restart without SO_REUSEADDR: %d %s\n", again, again < 0 ? strerror(errno) : "ok");
  if (again >= 0) close(again);
  lfd = server_socket(&addr, 1);
  printf("restart with SO_REUSEADDR: %s\n", lfd >= 0 ? "ok" : strerror(errno));

  /* Idle timeouts, set once on the listener. */
  struct timeval tv = {0, 300000};
  setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  errno = 0;
  s = accept(lfd, NULL, NULL);
  printf("accept with nobody connecting: %d %s\n", s, errno == EAGAIN ? "EAGAIN (timed out)" : strerror(errno));

  pid_t pid = fork();
  if (pid == 0) {
    close(lfd);
    /* A polite client, then a silent one. */
    int a = socket(AF_INET, SOCK_STREAM, 0);
    connect(a, (struct sockaddr *)&addr, sizeof addr);
    write(a, "hello\n", 6);
    char r[64];
    ssize_t k = read(a, r, sizeof r - 1);
    r[k > 0 ? k : 0] = 0;
    printf("polite client got: %s", r);
    close(a);
    int b = socket(AF_INET, SOCK_STREAM, 0);
    connect(b, (struct sockaddr *)&addr, sizeof addr);
    k = read(b, r, sizeof r - 1); /* the server gives up and tells us */
    r[k > 0 ? k : 0] = 0;
    printf("silent client got: %s", r);
    shutdown(b, SHUT_WR); /* and we are done too */
    k = read(b, r, sizeof r);
    printf("silent client then reads %zd\n", k);
    close(b);
    exit(0);
  }
  for (int i = 0; i < 2; i++) {
    s = accept(lfd, NULL, NULL);
    struct timeval got;
    socklen_t gl = sizeof got;
    getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &gl);
    errno = 0;
    n = read(s, buf, sizeof buf);
    if (n > 0) {
      write(s, "welcome\n", 8);
    } else {
      int e = errno;
      write(s, "idle too long, bye\n", 19);
      ssize_t fin = read(s, buf, sizeof buf); /* the client's FIN once it has read that */
      printf("server: client's FIN: read %zd\n", fin);
      printf("server: connection %d (SO_RCVTIMEO %ld.%06ld) read %zd: %s\n", i, (long)got.tv_sec, (long)got.tv_usec, n, e == EAGAIN ? "EAGAIN, dropped" : strerror(e));
    }
    close(s);
  }
  int status;
  waitpid(pid, &status, 0);
  close(lfd);

  /* An AF_UNIX server socket is not cloned: what accept() returns has the defaults. */
  int u = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un un;
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  tmp_path(un.sun_path, sizeof un.sun_path, "socklab-tb-idle.sock");
  unlink(un.sun_path);
  bind(u, (struct sockaddr *)&un, sizeof un);
  setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int small = 8192;
  setsockopt(u, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  listen(u, 1);
  int uc = socket(AF_UNIX, SOCK_STREAM, 0);
  connect(uc, (struct sockaddr *)&un, sizeof un);
  int us = accept(u, NULL, NULL);
  struct timeval ut;
  socklen_t ul = sizeof ut;
  getsockopt(us, SOL_SOCKET, SO_RCVTIMEO, &ut, &ul);
  int def = 0, acc = 0;
  ul = sizeof def;
  getsockopt(uc, SOL_SOCKET, SO_SNDBUF, &def, &ul);
  ul = sizeof acc;
  getsockopt(us, SOL_SOCKET, SO_SNDBUF, &acc, &ul);
  printf("unix accepted: SO_RCVTIMEO %ld.%06ld, SO_SNDBUF %s\n", (long)ut.tv_sec, (long)ut.tv_usec, acc == def ? "the default" : "the listener's");
  close(us);
  close(uc);
  close(u);
  unlink(un.sun_path);
  return 0;
}
