/* bind(2)'s EXAMPLES (a UNIX domain stream socket bound to a path, listen,
 * accept), with unix(7)'s getsockname()/getpeername() on both ends and the
 * errors a path name gives: bind to a name in use (EADDRINUSE), connect to a
 * name nobody listens on (ECONNREFUSED after the listener closed, ENOENT once
 * unlinked), a path too long for sun_path; then socketpair(2)'s pair, whose
 * names are empty. Paths are printed without their directory. */
#include <errno.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define LISTEN_BACKLOG 50
#define handle_error(msg) do { perror(msg); exit(EXIT_FAILURE); } while (0)

static void name(const char *who, int fd, int peer) {
  struct sockaddr_un a;
  socklen_t len = sizeof a;
  memset(&a, 0, sizeof a);
  int r = peer ? getpeername(fd, (struct sockaddr *)&a, &len) : getsockname(fd, (struct sockaddr *)&a, &len);
  if (r == -1) { printf("%s: %s\n", who, strerror(errno)); return; }
  const char *path = len > offsetof(struct sockaddr_un, sun_path) ? strrchr(a.sun_path, '/') : NULL;
  printf("%s: family %s, length %s, path %s\n", who, a.sun_family == AF_UNIX ? "AF_UNIX" : "?",
         len == sizeof(sa_family_t) ? "family only" : len == offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1 ? "path + NUL" : "other",
         path ? path + 1 : "(none)");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char my_socket_path[100];
  tmp_path(my_socket_path, sizeof my_socket_path, "tb11-unixbind.sock");
  unlink(my_socket_path);
  int sfd, cfd;
  socklen_t peer_addr_size;
  struct sockaddr_un my_addr, peer_addr;
  sfd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (sfd == -1) handle_error("socket");
  memset(&my_addr, 0, sizeof my_addr); /* Clear structure */
  my_addr.sun_family = AF_UNIX;
  strncpy(my_addr.sun_path, my_socket_path, sizeof(my_addr.sun_path) - 1);
  if (bind(sfd, (struct sockaddr *)&my_addr, sizeof my_addr) == -1) handle_error("bind");
  if (listen(sfd, LISTEN_BACKLOG) == -1) handle_error("listen");
  name("listener", sfd, 0);
  name("listener's peer", sfd, 1);
  /* A second socket on the same name. */
  int dup = socket(AF_UNIX, SOCK_STREAM, 0);
  errno = 0;
  int rb = bind(dup, (struct sockaddr *)&my_addr, sizeof my_addr);
  printf("bind to the same path: %d %s\n", rb, strerror(errno));
  close(dup);

  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&my_addr, sizeof my_addr) == -1) handle_error("connect");
    name("client", c, 0);
    name("client's peer", c, 1);
    write(c, "hello", 5);
    close(c);
    _exit(0);
  }
  /* Now we can accept incoming connections one at a time using accept(2). */
  peer_addr_size = sizeof peer_addr;
  cfd = accept(sfd, (struct sockaddr *)&peer_addr, &peer_addr_size);
  if (cfd == -1) handle_error("accept");
  waitpid(pid, NULL, 0);
  printf("accept: address length %s\n", peer_addr_size == sizeof(sa_family_t) ? "family only (unnamed client)" : "other");
  char buf[16];
  ssize_t n = read(cfd, buf, sizeof buf);
  printf("server read %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
  name("accepted", cfd, 0);
  name("accepted's peer", cfd, 1);
  close(cfd);
  close(sfd);
  /* The name outlives the socket: nobody listens, then nothing is there. */
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  errno = 0;
  int r = connect(c, (struct sockaddr *)&my_addr, sizeof my_addr);
  printf("connect after close: %d %s\n", r, strerror(errno));
  /* When no longer required, the socket pathname should be deleted using unlink(2). */
  if (unlink(my_socket_path) == -1) handle_error("unlink");
  errno = 0;
  r = connect(c, (struct sockaddr *)&my_addr, sizeof my_addr);
  printf("connect after unlink: %d %s\n", r, strerror(errno));
  close(c);
  /* Longer than sun_path: EINVAL. */
  struct { struct sockaddr_un un; char more[20]; } big;
  memset(&big, 'a', sizeof big);
  big.un.sun_family = AF_UNIX;
  c = socket(AF_UNIX, SOCK_STREAM, 0);
  errno = 0;
  r = bind(c, (struct sockaddr *)&big, sizeof big);
  printf("bind with a %zu-byte address: %d %s\n", sizeof big, r, strerror(errno));
  close(c);

  /* socketpair(2): connected at once, neither end named. */
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1) handle_error("socketpair");
  name("pair end 0", sv[0], 0);
  name("pair end 0's peer", sv[0], 1);
  send(sv[0], "ping", 4, 0);
  n = recv(sv[1], buf, sizeof buf, 0);
  printf("pair: %zd %.*s\n", n, (int)n, buf);
  errno = 0;
  r = socketpair(AF_INET, SOCK_STREAM, 0, sv);
  printf("socketpair(AF_INET): %d %s\n", r, strerror(errno));
  close(sv[0]);
  close(sv[1]);
  return 0;
}
