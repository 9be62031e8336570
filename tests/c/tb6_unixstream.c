/* UNP 15.4-15.6's AF_UNIX stream echo server and client, with what a
 * student finds out about their names: accept() of an unbound client gives
 * an address of length 2 (sizeof(sa_family_t): unnamed), of a client that
 * bound its own path first that path; getsockname and getpeername on both
 * ends; a client that binds with only the family (addrlen 2) is autobound
 * to an abstract name, five hex digits after a NUL; the length getsockname
 * gives for a path is offsetof(sun_path) + strlen + 1. The errors: connect
 * to a missing path (ENOENT), to a regular file or to a socket that is
 * bound but not listening (ECONNREFUSED), with a datagram socket to a
 * stream server (EPROTOTYPE), bind to a path in use (EADDRINUSE); and a
 * listener whose path was unlinked keeps its connections but gets no new
 * ones. A server child serves each connection in turn; pipes order the
 * output. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

static char SRV[108], CLI[108], FILEPATH[108], IDLE[108];

static struct sockaddr_un path(const char *p) {
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, p);
  return a;
}

static void name(const char *what, const struct sockaddr_un *a, socklen_t len) {
  if (len <= sizeof(sa_family_t)) printf("%s: length %u, unnamed\n", what, (unsigned)len);
  else if (a->sun_path[0] == 0)
    printf("%s: length %u, abstract, %u bytes after the NUL%s\n", what, (unsigned)len, (unsigned)(len - offsetof(struct sockaddr_un, sun_path) - 1),
           strspn(a->sun_path + 1, "0123456789abcdef") == len - offsetof(struct sockaddr_un, sun_path) - 1 ? ", hex digits" : "");
  else printf("%s: length %u, %s\n", what, (unsigned)len, a->sun_path);
}

static void show(const char *what, int r) {
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, r);
}

/* The server child: for each connection, tell the parent (over `tell`) the client's name as accept gave it, then echo. */
static void server(int lfd, int tell, int n) {
  for (int i = 0; i < n; i++) {
    struct sockaddr_un cli;
    socklen_t len = sizeof cli;
    memset(&cli, 0, sizeof cli);
    int c = accept(lfd, (struct sockaddr *)&cli, &len);
    write(tell, &len, sizeof len);
    write(tell, &cli, sizeof cli);
    char buf[64];
    ssize_t r;
    while ((r = read(c, buf, sizeof buf)) > 0) write(c, buf, r);
    close(c);
  }
  _exit(0);
}

static void talk(int fd, int heard, const char *msg) {
  socklen_t len;
  struct sockaddr_un a;
  read(heard, &len, sizeof len);
  read(heard, &a, sizeof a);
  name("  server's accept", &a, len);
  len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  name("  client's getsockname", &a, len);
  len = sizeof a;
  getpeername(fd, (struct sockaddr *)&a, &len);
  name("  client's getpeername", &a, len);
  write(fd, msg, strlen(msg));
  shutdown(fd, SHUT_WR);
  char buf[64];
  ssize_t r = read(fd, buf, sizeof buf);
  printf("  echo: '%.*s', then %zd\n", (int)r, buf, read(fd, buf, sizeof buf));
  close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  tmp_path(SRV, sizeof SRV, "socklab-tb6-ustr-srv");
  tmp_path(CLI, sizeof CLI, "socklab-tb6-ustr-cli");
  tmp_path(FILEPATH, sizeof FILEPATH, "socklab-tb6-ustr-file");
  tmp_path(IDLE, sizeof IDLE, "socklab-tb6-ustr-idle");
  unlink(SRV);
  unlink(CLI);
  unlink(IDLE);
  struct sockaddr_un srv = path(SRV), cli = path(CLI);

  int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
  show("bind the server's path", bind(lfd, (struct sockaddr *)&srv, sizeof srv));
  listen(lfd, 5);
  struct sockaddr_un a;
  socklen_t len = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &len);
  name("listener's getsockname", &a, len);
  printf("offsetof(sun_path) + strlen + 1 = %u\n", (unsigned)(offsetof(struct sockaddr_un, sun_path) + strlen(SRV) + 1));

  int heard[2];
  pipe(heard);
  pid_t child = fork();
  if (child == 0) {
    close(heard[0]);
    server(lfd, heard[1], 4);
  }
  close(heard[1]);

  printf("an unbound client\n");
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  show("  connect", connect(fd, (struct sockaddr *)&srv, sizeof srv));
  talk(fd, heard[0], "unbound");

  printf("a client bound to its own path\n");
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  show("  bind", bind(fd, (struct sockaddr *)&cli, sizeof cli));
  show("  connect", connect(fd, (struct sockaddr *)&srv, sizeof srv));
  talk(fd, heard[0], "bound");
  unlink(CLI);

  printf("a client autobound (bind with only the family)\n");
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un fam = {.sun_family = AF_UNIX};
  show("  bind", bind(fd, (struct sockaddr *)&fam, sizeof(sa_family_t)));
  show("  connect", connect(fd, (struct sockaddr *)&srv, sizeof srv));
  talk(fd, heard[0], "autobound");

  printf("errors\n");
  int e = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un missing = path("/tmp/socklab-tb6-no-such-socket");
  show("  connect to a missing path", connect(e, (struct sockaddr *)&missing, sizeof missing));
  int f = open(FILEPATH, O_CREAT | O_WRONLY | O_TRUNC, 0600);
  close(f);
  struct sockaddr_un file = path(FILEPATH);
  show("  connect to a regular file", connect(e, (struct sockaddr *)&file, sizeof file));
  unlink(FILEPATH);
  int idle = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un idl = path(IDLE);
  bind(idle, (struct sockaddr *)&idl, sizeof idl);
  show("  connect to a socket not listening", connect(e, (struct sockaddr *)&idl, sizeof idl));
  close(idle);
  show("  connect to it once it is closed", connect(e, (struct sockaddr *)&idl, sizeof idl));
  unlink(IDLE);
  close(e);
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("  connect a datagram socket to the stream server", connect(d, (struct sockaddr *)&srv, sizeof srv));
  close(d);
  int b = socket(AF_UNIX, SOCK_STREAM, 0);
  show("  bind a second socket to the server's path", bind(b, (struct sockaddr *)&srv, sizeof srv));
  close(b);

  printf("the server's path unlinked\n");
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  show("  connect before the unlink", connect(fd, (struct sockaddr *)&srv, sizeof srv));
  show("  unlink", unlink(SRV));
  e = socket(AF_UNIX, SOCK_STREAM, 0);
  show("  connect after it", connect(e, (struct sockaddr *)&srv, sizeof srv));
  close(e);
  talk(fd, heard[0], "still connected");
  len = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &len);
  name("  listener's getsockname still", &a, len);

  int st;
  waitpid(child, &st, 0);
  printf("server exited with %d\n", WEXITSTATUS(st));
  close(lfd);
  return 0;
}
