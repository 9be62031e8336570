/* Non-blocking connect (UNP 16.3, connect_nonb): O_NONBLOCK with fcntl,
 * EINPROGRESS, poll for writability, then getsockopt(SO_ERROR) for the
 * outcome: once to a listening port, once to a port nobody listens on. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *revents(int r, char *buf) {
  buf[0] = 0;
  if (r & POLLIN) strcat(buf, "IN|");
  if (r & POLLOUT) strcat(buf, "OUT|");
  if (r & POLLERR) strcat(buf, "ERR|");
  if (r & POLLHUP) strcat(buf, "HUP|");
  if (r & POLLNVAL) strcat(buf, "NVAL|");
  size_t n = strlen(buf);
  if (n) buf[n - 1] = 0;
  else strcpy(buf, "0");
  return buf;
}

static int connect_nonb(const char *what, struct sockaddr_in *to, int msec) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int error = 0;
  int n = connect(fd, (struct sockaddr *)to, sizeof *to);
  if (n < 0 && errno != EINPROGRESS) {
    printf("%s: connect failed at once: %s\n", what, strerror(errno));
    close(fd);
    return -1;
  }
  printf("%s: connect returned %d (%s)\n", what, n, n < 0 ? strerror(errno) : "done");
  if (n < 0) {
    struct pollfd p = {fd, POLLOUT, 0};
    int r = poll(&p, 1, msec);
    char b[64];
    printf("%s: poll returned %d, revents %s\n", what, r, revents(p.revents, b));
    if (r == 0) {
      close(fd);
      printf("%s: timed out\n", what);
      return -1;
    }
    socklen_t len = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) error = errno;
    printf("%s: SO_ERROR %s\n", what, error ? strerror(error) : "0");
    /* Asked again, the pending error is gone. */
    int again = -1;
    len = sizeof again;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &again, &len);
    printf("%s: SO_ERROR asked again %d\n", what, again);
  }
  fcntl(fd, F_SETFL, flags); /* restore blocking */
  if (error) {
    close(fd);
    return -1;
  }
  return fd;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  bind(lfd, (struct sockaddr *)&sin, sizeof sin);
  listen(lfd, 4);
  socklen_t len = sizeof sin;
  getsockname(lfd, (struct sockaddr *)&sin, &len);

  int fd = connect_nonb("listening port", &sin, 1000);
  if (fd >= 0) {
    int c = accept(lfd, NULL, NULL);
    write(fd, "ping", 4);
    char buf[8] = {0};
    int n = read(c, buf, sizeof buf - 1);
    printf("listening port: server read %d '%s'\n", n, buf);
    close(c);
    close(fd);
  }

  /* A port that is bound but not listening: the SYN is answered with RST. */
  int dead = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in d;
  memset(&d, 0, sizeof d);
  d.sin_family = AF_INET;
  d.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(dead, (struct sockaddr *)&d, sizeof d);
  len = sizeof d;
  getsockname(dead, (struct sockaddr *)&d, &len);
  fd = connect_nonb("refused port", &d, 1000);
  printf("refused port: connect_nonb returned %d\n", fd);

  /* A second connect on a socket whose non-blocking connect is under way, then once done. */
  int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int r1 = connect(s, (struct sockaddr *)&sin, sizeof sin);
  int e1 = errno;
  struct pollfd p = {s, POLLOUT, 0};
  poll(&p, 1, 1000);
  int r2 = connect(s, (struct sockaddr *)&sin, sizeof sin);
  int e2 = errno;
  printf("again: first %d %s, after poll %d %s\n", r1, strerror(e1), r2, r2 < 0 ? strerror(e2) : "ok");
  close(s);

  /* UNP's connect_nonb waits with select: a refused connect is readable and writable at once. */
  s = socket(AF_INET, SOCK_STREAM, 0);
  fcntl(s, F_SETFL, fcntl(s, F_GETFL, 0) | O_NONBLOCK);
  errno = 0;
  r1 = connect(s, (struct sockaddr *)&d, sizeof d);
  e1 = errno;
  fd_set rset, wset;
  FD_ZERO(&rset);
  FD_SET(s, &rset);
  wset = rset;
  struct timeval tval = {1, 0};
  int n = select(s + 1, &rset, &wset, NULL, &tval);
  printf("select connect: connect %d %s, select %d, readable %d writable %d, time left at most 1 s: %s\n", r1, strerror(e1), n, FD_ISSET(s, &rset) != 0,
         FD_ISSET(s, &wset) != 0, tval.tv_sec < 1 || (tval.tv_sec == 1 && tval.tv_usec == 0) ? "yes" : "no");
  close(s);

  /* select writes the time left back: a loop that does not reset its timeval waits once, then not at all. */
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct timeval tv = {0, 100000};
  for (int i = 0; i < 2; i++) {
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(u, &rs);
    n = select(u + 1, &rs, NULL, NULL, &tv);
    printf("idle select %d: %d, timeval now %ld.%06ld\n", i, n, (long)tv.tv_sec, (long)tv.tv_usec);
  }
  close(u);
  close(dead);
  close(lfd);
  return 0;
}
