/* UNP 16.6, "nonblocking accept": a client connects and aborts (SO_LINGER
 * {1, 0}: a RST) after select() told the server its listener is readable but
 * before the server calls accept(). UNP's fix is a nonblocking listener and
 * an accept loop that ignores EWOULDBLOCK, ECONNABORTED, EPROTO and EINTR.
 * On Linux the aborted connection stays queued: accept() returns it, and the
 * server learns of the RST only when it reads (ECONNRESET, once; EOF after).
 * Then the cases around it: an empty queue (EAGAIN, select times out), a
 * client that wrote and closed normally before the accept (its bytes, then
 * EOF), one that wrote and then aborted, and several queued at once, each
 * accepted in the order it connected. One process plays both sides: on
 * loopback the handshake and the RST are done when connect() and close()
 * return. */
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

static struct sockaddr_in srv;

static int client(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)&srv, sizeof srv) < 0) perror("connect");
  return fd;
}

static void abort_close(int fd) {
  struct linger lg = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
}

static const char *ready(int lfd) {
  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(lfd, &rs);
  struct timeval tv = {0, 0};
  int n = select(lfd + 1, &rs, NULL, NULL, &tv);
  return n == 1 && FD_ISSET(lfd, &rs) ? "readable" : n == 0 ? "not readable" : "error";
}

/* UNP's loop: try again on what only means "nothing to accept after all". */
static int accept_nb(int lfd) {
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd >= 0) return fd;
    if (errno == EWOULDBLOCK || errno == ECONNABORTED || errno == EPROTO || errno == EINTR) {
      printf("  accept: %s, ignored\n", strerror(errno));
      return -1;
    }
    perror("accept");
    return -1;
  }
}

static void read_all(int fd) {
  char buf[64];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) printf("  read %zd: '%.*s'\n", n, (int)n, buf);
    else if (n == 0) { printf("  read 0: EOF\n"); break; }
    else { printf("  read -1: %s\n", strerror(errno)); if (errno != ECONNRESET) break; }
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&srv, 0, sizeof srv);
  srv.sin_family = AF_INET;
  srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&srv, sizeof srv);
  socklen_t alen = sizeof srv;
  getsockname(lfd, (struct sockaddr *)&srv, &alen);
  listen(lfd, 5);
  fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);

  printf("empty queue: listener %s\n", ready(lfd));
  accept_nb(lfd);

  printf("client connects, then aborts before the accept\n");
  int c = client();
  printf("  listener %s\n", ready(lfd));
  abort_close(c);
  printf("  after the RST: listener %s\n", ready(lfd));
  int s = accept_nb(lfd);
  printf("  accept %s\n", s >= 0 ? "returns the aborted connection" : "returns nothing");
  if (s >= 0) {
    struct pollfd p = {s, POLLIN | POLLOUT, 0};
    poll(&p, 1, 0);
    printf("  poll: %s%s%s%s\n", p.revents & POLLIN ? "POLLIN " : "", p.revents & POLLOUT ? "POLLOUT " : "", p.revents & POLLERR ? "POLLERR " : "",
           p.revents & POLLHUP ? "POLLHUP" : "");
    read_all(s);
    int err = -1;
    socklen_t elen = sizeof err;
    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &elen);
    printf("  SO_ERROR after the read: %d\n", err);
    close(s);
  }
  printf("  listener %s\n", ready(lfd));

  printf("client writes and closes normally before the accept\n");
  c = client();
  write(c, "request", 7);
  close(c);
  s = accept_nb(lfd);
  read_all(s);
  close(s);

  printf("three clients queued, the second aborted\n");
  int cs[3];
  for (int i = 0; i < 3; i++) {
    cs[i] = client();
    char msg[16];
    int n = snprintf(msg, sizeof msg, "client %d", i + 1);
    write(cs[i], msg, n);
  }
  abort_close(cs[1]);
  for (int i = 0; i < 4; i++) {
    s = accept_nb(lfd);
    if (s < 0) break;
    char buf[64];
    ssize_t n = recv(s, buf, sizeof buf, MSG_DONTWAIT);
    if (n >= 0) printf("  accepted, recv %zd: '%.*s'\n", n, (int)n, buf);
    else printf("  accepted, recv -1: %s\n", strerror(errno));
    /* The bytes that came before the RST are read first, then the error. */
    n = recv(s, buf, sizeof buf, MSG_DONTWAIT);
    printf("  then recv %zd%s%s\n", n, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
    close(s);
  }
  close(cs[0]);
  close(cs[2]);
  close(lfd);
  return 0;
}
