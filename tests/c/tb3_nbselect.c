/* UNP 16.3's connect_nonb with select() (readable and writable sets, then
 * getsockopt(SO_ERROR)), and what a student meets who calls connect() again
 * to "check": the next call after the handshake returns 0 (Linux marks the
 * socket connected then), the one after EISCONN; after a refused attempt
 * whose error SO_ERROR already took, connect() says ECONNABORTED, and the
 * call after that starts a new attempt. Then UNP 16.6: a non-blocking
 * listener whose queued connection was reset before accept() still hands it
 * out (its read says ECONNRESET), and an empty queue is EAGAIN. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static void say(const char *what, int r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, r);
}

static int nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL, 0);
  return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* select() for the outcome, as connect_nonb does: writable alone is success, readable too an error. */
static void wait_connect(int s) {
  fd_set rset, wset;
  FD_ZERO(&rset);
  FD_SET(s, &rset);
  wset = rset;
  struct timeval tv = {5, 0};
  int n = select(s + 1, &rset, &wset, NULL, &tv);
  printf("select: %d readable=%d writable=%d\n", n, FD_ISSET(s, &rset) ? 1 : 0, FD_ISSET(s, &wset) ? 1 : 0);
  int err = -1;
  socklen_t len = sizeof err;
  int r = getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
  printf("SO_ERROR: %d %s\n", r, err ? strerror(err) : "0");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  bind(lfd, (struct sockaddr *)&sa, sizeof sa);
  listen(lfd, 4);
  socklen_t len = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &len);

  /* A free port: bound, then closed, so nobody listens there. */
  struct sockaddr_in dead = sa;
  int tmp = socket(AF_INET, SOCK_STREAM, 0);
  dead.sin_port = 0;
  bind(tmp, (struct sockaddr *)&dead, sizeof dead);
  len = sizeof dead;
  getsockname(tmp, (struct sockaddr *)&dead, &len);
  close(tmp);

  int s = socket(AF_INET, SOCK_STREAM, 0);
  nonblock(s);
  say("connect to the listener", connect(s, (struct sockaddr *)&sa, sizeof sa));
  wait_connect(s);
  say("connect again", connect(s, (struct sockaddr *)&sa, sizeof sa));
  say("and again", connect(s, (struct sockaddr *)&sa, sizeof sa));
  struct sockaddr_in peer;
  len = sizeof peer;
  say("getpeername", getpeername(s, (struct sockaddr *)&peer, &len));
  int c = accept(lfd, NULL, NULL);
  say("send", (int)send(s, "hi", 2, 0));
  char buf[16];
  say("recv on the accepted side", (int)recv(c, buf, sizeof buf, 0));
  close(c);
  close(s);

  s = socket(AF_INET, SOCK_STREAM, 0);
  nonblock(s);
  say("connect to a closed port", connect(s, (struct sockaddr *)&dead, sizeof dead));
  wait_connect(s);
  say("connect after SO_ERROR took the error", connect(s, (struct sockaddr *)&dead, sizeof dead));
  say("connect once more", connect(s, (struct sockaddr *)&dead, sizeof dead));
  fd_set ws;
  FD_ZERO(&ws);
  FD_SET(s, &ws);
  printf("select for writability: %d\n", select(s + 1, NULL, &ws, NULL, NULL));
  /* The second refusal's error is still pending: connect() reports it and starts nothing. */
  say("connect to the listener, a refusal pending", connect(s, (struct sockaddr *)&sa, sizeof sa));
  say("connect to the listener", connect(s, (struct sockaddr *)&sa, sizeof sa));
  wait_connect(s);
  len = sizeof peer;
  say("getpeername", getpeername(s, (struct sockaddr *)&peer, &len));
  c = accept(lfd, NULL, NULL);
  say("accepted", c >= 0 ? 1 : -1);
  close(c);
  close(s);

  /* A connection reset while it waits in the accept queue (SO_LINGER {1, 0}: close sends RST). */
  nonblock(lfd);
  say("accept on an empty queue", accept(lfd, NULL, NULL));
  s = socket(AF_INET, SOCK_STREAM, 0);
  connect(s, (struct sockaddr *)&sa, sizeof sa);
  struct linger lg = {1, 0};
  setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(s);
  fd_set rset;
  FD_ZERO(&rset);
  FD_SET(lfd, &rset);
  struct timeval tv = {0, 0};
  printf("select on the listener: %d\n", select(lfd + 1, &rset, NULL, NULL, &tv));
  c = accept(lfd, NULL, NULL);
  say("accept the reset connection", c >= 0 ? 1 : -1);
  if (c >= 0) {
    say("recv from it", (int)recv(c, buf, sizeof buf, 0));
    say("recv again", (int)recv(c, buf, sizeof buf, 0));
    close(c);
  }
  say("accept on an empty queue", accept(lfd, NULL, NULL));
  close(lfd);
  return 0;
}
