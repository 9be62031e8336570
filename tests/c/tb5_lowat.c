/* Low-water marks (UNP 6.3 and 7.5, socket(7)): with SO_RCVLOWAT at 10 a
 * TCP socket is not readable for select() or poll() until 10 bytes are
 * queued, and a blocking recv() waits for that many (or for the whole
 * count asked, if smaller); EOF makes it readable whatever is queued, and
 * the last bytes are still returned. MSG_DONTWAIT ignores the mark; read()
 * waits like recv(). The
 * default is 1; a value of 0 reads back as 1. SO_SNDLOWAT reads as 1 and
 * cannot be changed on Linux (ENOPROTOOPT). The writer is a forked child
 * paced by a pipe, so each check sees exactly what was sent. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int go[2], done[2];

static void step(void) { char c = 's'; write(go[1], &c, 1); read(done[0], &c, 1); }

static void writer(int fd) {
  static const char *parts[] = {"12345", "678", "9abcdef", "ghij", "klm", "nopqrstuvwxy", "z", "0123456789", "!"};
  char c;
  for (int i = 0; i < 9; i++) {
    read(go[0], &c, 1);
    write(fd, parts[i], strlen(parts[i]));
    write(done[1], &c, 1);
  }
  read(go[0], &c, 1);
  close(fd);
  write(done[1], &c, 1);
  exit(0);
}

static void readiness(int fd, const char *when) {
  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(fd, &rs);
  struct timeval tv = {0, 0};
  int s = select(fd + 1, &rs, NULL, NULL, &tv);
  struct pollfd p = {fd, POLLIN, 0};
  int r = poll(&p, 1, 0);
  int queued = 0;
  char peek[64];
  ssize_t q = recv(fd, peek, sizeof peek, MSG_PEEK | MSG_DONTWAIT);
  queued = q > 0 ? (int)q : 0;
  printf("%-22s queued %2d: select %d, poll %d%s\n", when, queued, s, r, p.revents & POLLIN ? " POLLIN" : "");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pipe(go);
  pipe(done);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  listen(lfd, 1);
  int cfd = socket(AF_INET, SOCK_STREAM, 0);
  connect(cfd, (struct sockaddr *)&a, sizeof a);
  int fd = accept(lfd, NULL, NULL);
  pid_t pid = fork();
  if (pid == 0) { close(fd); writer(cfd); }
  close(cfd);

  int v;
  socklen_t vl = sizeof v;
  getsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, &vl);
  printf("SO_RCVLOWAT default %d\n", v);
  v = 0;
  setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v);
  getsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, &vl);
  printf("SO_RCVLOWAT set to 0 reads %d\n", v);
  getsockopt(fd, SOL_SOCKET, SO_SNDLOWAT, &v, &vl);
  printf("SO_SNDLOWAT %d\n", v);
  v = 100;
  errno = 0;
  int r = setsockopt(fd, SOL_SOCKET, SO_SNDLOWAT, &v, sizeof v);
  printf("set SO_SNDLOWAT: %d %s\n", r, strerror(errno));
  v = 10;
  setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v);
  getsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, &vl);
  printf("SO_RCVLOWAT now %d\n", v);

  char buf[64];
  readiness(fd, "nothing sent");
  step();
  readiness(fd, "after 5 bytes");
  step();
  readiness(fd, "after 8 bytes");
  ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  printf("recv(MSG_DONTWAIT): %zd '%.*s'\n", n, (int)n, buf);
  step();
  readiness(fd, "after 7 more");
  step();
  readiness(fd, "after 4 more");
  n = recv(fd, buf, sizeof buf, 0);
  printf("recv: %zd '%.*s'\n", n, (int)n, buf);
  step();
  readiness(fd, "after 3 bytes");
  n = recv(fd, buf, 2, 0);
  printf("recv of 2 (less than the mark): %zd '%.*s'\n", n, (int)n, buf);
  /* A blocking recv with 1 byte queued: it waits until the writer's next 12 arrive. */
  char c = 's';
  write(go[1], &c, 1);
  n = recv(fd, buf, sizeof buf, 0);
  read(done[0], &c, 1);
  printf("blocking recv: %zd '%.*s'\n", n, (int)n, buf);
  step();
  readiness(fd, "after 1 byte");
  /* read() waits the same way. */
  write(go[1], &c, 1);
  n = read(fd, buf, sizeof buf);
  read(done[0], &c, 1);
  printf("blocking read: %zd '%.*s'\n", n, (int)n, buf);
  step();
  readiness(fd, "after 1 byte");
  step();
  readiness(fd, "after EOF");
  n = recv(fd, buf, sizeof buf, 0);
  printf("recv: %zd '%.*s'\n", n, (int)n, buf);
  n = recv(fd, buf, sizeof buf, 0);
  printf("recv at EOF: %zd\n", n);
  int st;
  waitpid(pid, &st, 0);
  close(fd);
  close(lfd);
  return 0;
}
