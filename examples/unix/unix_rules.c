// run:
/* AF_UNIX: bind creates a socket file (stat sees it), the path in use gives
 * EADDRINUSE, unlink frees it, connect to a missing path is ENOENT, to a
 * non-listening socket ECONNREFUSED; stream data, SEQPACKET boundaries,
 * socketpair, abstract names. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static struct sockaddr_un addr(const char *p) {
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, p);
  return a;
}
static void show(const char *what, int r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }

int main(void) {
  const char *path = "/tmp/socklab-test.sock";
  unlink(path);
  struct sockaddr_un a = addr(path);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  show("bind", bind(l, (struct sockaddr *)&a, sizeof a));
  struct stat st;
  show("stat", stat(path, &st));
  printf("is a socket: %s\n", S_ISSOCK(st.st_mode) ? "yes" : "no");
  int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
  show("bind same path", bind(l2, (struct sockaddr *)&a, sizeof a));
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  show("connect before listen", connect(c, (struct sockaddr *)&a, sizeof a));
  show("listen", listen(l, 4));
  show("connect", connect(c, (struct sockaddr *)&a, sizeof a));
  int s = accept(l, NULL, NULL);
  show("accept", s);
  write(c, "abc", 3);
  write(c, "def", 3);
  char buf[64] = {0};
  printf("stream coalesces: %zd %s\n", read(s, buf, sizeof buf), buf);
  close(c);
  printf("EOF after close: %zd\n", read(s, buf, sizeof buf));
  close(s);
  struct sockaddr_un missing = addr("/tmp/no-such.sock");
  int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
  show("connect to missing path", connect(c2, (struct sockaddr *)&missing, sizeof missing));
  close(l);
  show("connect after listener closed", connect(c2, (struct sockaddr *)&a, sizeof a));
  show("bind after close, path still there", bind(l2, (struct sockaddr *)&a, sizeof a));
  show("unlink", unlink(path));
  show("bind after unlink", bind(l2, (struct sockaddr *)&a, sizeof a));
  close(l2);
  close(c2);
  unlink(path);

  int sv[2];
  show("socketpair SEQPACKET", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
  send(sv[0], "first", 5, 0);
  send(sv[0], "second message", 14, 0);
  memset(buf, 0, sizeof buf);
  printf("seqpacket read 1: %zd %s\n", recv(sv[1], buf, sizeof buf, 0), buf);
  memset(buf, 0, sizeof buf);
  printf("seqpacket read 2 into 6: %zd %.6s\n", recv(sv[1], buf, 6, 0), buf);
  send(sv[0], "third", 5, 0);
  memset(buf, 0, sizeof buf);
  printf("rest was discarded, next: %zd %s\n", recv(sv[1], buf, sizeof buf, 0), buf);
  close(sv[0]);
  printf("seqpacket EOF: %zd\n", recv(sv[1], buf, sizeof buf, 0));
  close(sv[1]);

  show("socketpair STREAM", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  write(sv[1], "both", 4);
  write(sv[0], "ways", 4);
  memset(buf, 0, sizeof buf);
  read(sv[0], buf, 4);
  printf("pair 0 got %s, ", buf);
  read(sv[1], buf, 4);
  printf("pair 1 got %s\n", buf);
  close(sv[0]);
  close(sv[1]);

  struct sockaddr_un ab;
  memset(&ab, 0, sizeof ab);
  ab.sun_family = AF_UNIX;
  memcpy(ab.sun_path, "\0socklab-abstract", 17);
  socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 17);
  int d1 = socket(AF_UNIX, SOCK_DGRAM, 0), d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("bind abstract", bind(d1, (struct sockaddr *)&ab, alen));
  show("sendto abstract", (int)sendto(d2, "dgram", 5, 0, (struct sockaddr *)&ab, alen));
  memset(buf, 0, sizeof buf);
  printf("abstract dgram: %zd %s\n", recv(d1, buf, sizeof buf, 0), buf);
  printf("no file for abstract names: %s\n", stat("/tmp/socklab-abstract", &st) < 0 ? "right" : "wrong");
  close(d1);
  close(d2);
  return 0;
}
