/* select_tut(2)'s EXAMPLES: the TCP port forwarder. It listens on one port,
 * and for the connection it accepts connects to the forwarding address, then
 * copies both ways with one select() loop over the listener and the two
 * sockets, its buffers, and the page's SHUT_FD1/SHUT_FD2 (and its MSG_OOB
 * handling through the except set). Here with an echo server behind it and a
 * client in front, all forked: the client sends lines and reads each echo,
 * then closes; the forwarder sees EOF, shuts down the other side, and stops
 * once both are closed (the page's forwarder loops for ever). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUF_SIZE 1024

static int listen_socket(int *port) {
  struct sockaddr_in addr;
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  if (lfd == -1) { perror("socket"); return -1; }
  int yes = 1;
  if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == -1) { perror("setsockopt"); close(lfd); return -1; }
  memset(&addr, 0, sizeof addr);
  addr.sin_port = htons(0); /* the page's listen port: any, read back below */
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) == -1) { perror("bind"); close(lfd); return -1; }
  socklen_t len = sizeof addr;
  getsockname(lfd, (struct sockaddr *)&addr, &len);
  *port = ntohs(addr.sin_port);
  printf("accepting connections\n");
  listen(lfd, 10);
  return lfd;
}

static int connect_socket(int connect_port, const char *address) {
  struct sockaddr_in addr;
  int cfd = socket(AF_INET, SOCK_STREAM, 0);
  if (cfd == -1) { perror("socket"); return -1; }
  memset(&addr, 0, sizeof addr);
  addr.sin_port = htons(connect_port);
  addr.sin_family = AF_INET;
  if (!inet_aton(address, (struct in_addr *)&addr.sin_addr.s_addr)) { fprintf(stderr, "inet_aton(): bad IP address format\n"); close(cfd); return -1; }
  if (connect(cfd, (struct sockaddr *)&addr, sizeof addr) == -1) { perror("connect()"); shutdown(cfd, SHUT_RDWR); close(cfd); return -1; }
  return cfd;
}

#define SHUT_FD1 do { if (fd1 >= 0) { shutdown(fd1, SHUT_RDWR); close(fd1); fd1 = -1; } } while (0)
#define SHUT_FD2 do { if (fd2 >= 0) { shutdown(fd2, SHUT_RDWR); close(fd2); fd2 = -1; } } while (0)
#define max(x, y) ((x) > (y) ? (x) : (y))

static int forward(int h, int forward_port, const char *address) {
  int fd1 = -1, fd2 = -1, served = 0;
  char buf1[BUF_SIZE], buf2[BUF_SIZE];
  int buf1_avail = 0, buf1_written = 0;
  int buf2_avail = 0, buf2_written = 0;
  /* Main loop: the page's, until its one connection is done. */
  for (;;) {
    int ready, nfds = 0;
    ssize_t nbytes;
    fd_set readfds, writefds, exceptfds;
    FD_ZERO(&readfds);
    FD_ZERO(&writefds);
    FD_ZERO(&exceptfds);
    if (served && fd1 < 0 && fd2 < 0) break;
    if (!served) { FD_SET(h, &readfds); nfds = max(nfds, h); }
    /* Only select for data the buffer has room for, and for writes when data waits. */
    if (fd1 > 0 && buf1_avail < BUF_SIZE) FD_SET(fd1, &readfds);
    if (fd2 > 0 && buf2_avail < BUF_SIZE) FD_SET(fd2, &readfds);
    if (fd1 > 0 && buf2_avail - buf2_written > 0) FD_SET(fd1, &writefds);
    if (fd2 > 0 && buf1_avail - buf1_written > 0) FD_SET(fd2, &writefds);
    if (fd1 > 0) { FD_SET(fd1, &exceptfds); nfds = max(nfds, fd1); }
    if (fd2 > 0) { FD_SET(fd2, &exceptfds); nfds = max(nfds, fd2); }
    ready = select(nfds + 1, &readfds, &writefds, &exceptfds, NULL);
    if (ready == -1 && errno == EINTR) continue;
    if (ready == -1) { perror("select()"); return 1; }
    if (FD_ISSET(h, &readfds)) {
      socklen_t addrlen;
      struct sockaddr_in client_addr;
      int fd;
      addrlen = sizeof client_addr;
      memset(&client_addr, 0, addrlen);
      fd = accept(h, (struct sockaddr *)&client_addr, &addrlen);
      if (fd == -1) {
        perror("accept()");
      } else {
        SHUT_FD1;
        SHUT_FD2;
        buf1_avail = buf1_written = 0;
        buf2_avail = buf2_written = 0;
        fd1 = fd;
        fd2 = connect_socket(forward_port, address);
        if (fd2 == -1) SHUT_FD1;
        else printf("connect from %s\n", inet_ntoa(client_addr.sin_addr));
        served = 1;
        /* Skip any events on the old, closed file descriptors. */
        continue;
      }
    }
    /* NB: read OOB data before normal reads. */
    if (fd1 > 0 && FD_ISSET(fd1, &exceptfds)) {
      char c;
      nbytes = recv(fd1, &c, 1, MSG_OOB);
      if (nbytes < 1) SHUT_FD1;
      else send(fd2, &c, 1, MSG_OOB);
    }
    if (fd2 > 0 && FD_ISSET(fd2, &exceptfds)) {
      char c;
      nbytes = recv(fd2, &c, 1, MSG_OOB);
      if (nbytes < 1) SHUT_FD2;
      else send(fd1, &c, 1, MSG_OOB);
    }
    if (fd1 > 0 && FD_ISSET(fd1, &readfds)) {
      nbytes = read(fd1, buf1 + buf1_avail, BUF_SIZE - buf1_avail);
      if (nbytes < 1) SHUT_FD1;
      else buf1_avail += nbytes;
    }
    if (fd2 > 0 && FD_ISSET(fd2, &readfds)) {
      nbytes = read(fd2, buf2 + buf2_avail, BUF_SIZE - buf2_avail);
      if (nbytes < 1) SHUT_FD2;
      else buf2_avail += nbytes;
    }
    if (fd1 > 0 && FD_ISSET(fd1, &writefds) && buf2_avail > 0) {
      nbytes = write(fd1, buf2 + buf2_written, buf2_avail - buf2_written);
      if (nbytes < 1) SHUT_FD1;
      else buf2_written += nbytes;
    }
    if (fd2 > 0 && FD_ISSET(fd2, &writefds) && buf1_avail > 0) {
      nbytes = write(fd2, buf1 + buf1_written, buf1_avail - buf1_written);
      if (nbytes < 1) SHUT_FD2;
      else buf1_written += nbytes;
    }
    /* Check if write data has caught read data. */
    if (buf1_written == buf1_avail) buf1_written = buf1_avail = 0;
    if (buf2_written == buf2_avail) buf2_written = buf2_avail = 0;
    /* One side has closed the connection, keep writing to the other side until empty. */
    if (fd1 < 0 && buf1_avail - buf1_written == 0) SHUT_FD2;
    if (fd2 < 0 && buf2_avail - buf2_written == 0) SHUT_FD1;
  }
  return 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  /* The echo server behind the forwarder: one connection, each read written back. */
  int echo_port, fwd_port;
  int es = listen_socket(&echo_port);
  int h = listen_socket(&fwd_port);
  pid_t echo = fork();
  if (echo == 0) {
    close(h);
    int c = accept(es, NULL, NULL);
    char b[256];
    ssize_t n;
    long total = 0;
    while ((n = read(c, b, sizeof b)) > 0) { write(c, b, n); total += n; }
    close(c);
    /* Its count as its status: printed by the parent, after the client's lines, in one order. */
    _exit((int)total);
  }
  close(es);
  pid_t client = fork();
  if (client == 0) {
    close(h);
    int fd = connect_socket(fwd_port, "127.0.0.1");
    const char *lines[] = {"hello through the forwarder\n", "select_tut(2)\n", "bye\n"};
    for (int i = 0; i < 3; i++) {
      size_t len = strlen(lines[i]), got = 0;
      char b[128];
      write(fd, lines[i], len);
      /* The echo may come back in pieces: read until the whole line is back. */
      while (got < len) {
        ssize_t n = read(fd, b + got, sizeof b - got);
        if (n <= 0) { printf("client: early EOF\n"); _exit(1); }
        got += n;
      }
      printf("client: %.*s", (int)got, b);
    }
    shutdown(fd, SHUT_WR);
    char b[16];
    printf("client: read after shutdown: %zd\n", read(fd, b, sizeof b));
    close(fd);
    _exit(0);
  }
  int r = forward(h, echo_port, "127.0.0.1");
  int st1, st2;
  waitpid(client, &st1, 0);
  waitpid(echo, &st2, 0);
  printf("forwarder done %d, client %d, echo server echoed %d bytes\n", r, WEXITSTATUS(st1), WEXITSTATUS(st2));
  close(h);
  return 0;
}
