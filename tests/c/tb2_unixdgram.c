/* AF_UNIX datagrams and sequenced packets by path, as in UNP 15 and course
 * "local IPC" assignments: a SOCK_DGRAM server bound to a path keeps each
 * message whole and sees its clients' names; a missing path is ENOENT, a
 * path whose socket is closed ECONNREFUSED, an existing path EADDRINUSE
 * until unlink(); a SOCK_SEQPACKET server by path accepts connections that
 * keep message boundaries; a path of the other type is EPROTOTYPE. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

static void show(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static struct sockaddr_un path(const char *p) {
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, p);
  return a;
}

static char SRV[108], CLI[108], SEQ[108], THIRD[108];

static void from(const char *what, struct sockaddr_un *a, socklen_t len) {
  printf("%s: length %u, %s\n", what, (unsigned)len, len > sizeof(sa_family_t) ? a->sun_path : "unnamed");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(SRV, sizeof SRV, "%s/socklab-tb2-unix-srv", tmp_dir());
  snprintf(CLI, sizeof CLI, "%s/socklab-tb2-unix-cli", tmp_dir());
  snprintf(SEQ, sizeof SEQ, "%s/socklab-tb2-unix-seq", tmp_dir());
  snprintf(THIRD, sizeof THIRD, "%s/socklab-tb2-unix-third", tmp_dir());
  unlink(SRV);
  unlink(CLI);
  unlink(SEQ);
  struct sockaddr_un srv = path(SRV), cli = path(CLI), seq = path(SEQ);
  char buf[64];

  int c = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("sendto a missing path", sendto(c, "x", 1, 0, (struct sockaddr *)&srv, sizeof srv));
  show("connect to a missing path", connect(c, (struct sockaddr *)&srv, sizeof srv));

  int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("bind the server", bind(s, (struct sockaddr *)&srv, sizeof srv));
  int s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("bind a second socket to the same path", bind(s2, (struct sockaddr *)&srv, sizeof srv));
  close(s2);

  /* An unbound client: three messages, each read whole (or cut, with the rest lost). */
  show("sendto 'one'", sendto(c, "one", 3, 0, (struct sockaddr *)&srv, sizeof srv));
  show("sendto 'two two'", sendto(c, "two two", 7, 0, (struct sockaddr *)&srv, sizeof srv));
  show("sendto an empty message", sendto(c, "", 0, 0, (struct sockaddr *)&srv, sizeof srv));
  show("sendto 'three three three'", sendto(c, "three three three", 17, 0, (struct sockaddr *)&srv, sizeof srv));
  struct sockaddr_un fa;
  socklen_t fl = sizeof fa;
  ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&fa, &fl);
  printf("recvfrom %zd '%.*s'\n", n, (int)n, buf);
  from("  sender", &fa, fl);
  show("recv into 64 bytes", recv(s, buf, sizeof buf, 0));
  show("recv of the empty message", recv(s, buf, sizeof buf, 0));
  show("recv into 5 bytes", recv(s, buf, 5, 0));
  show("nothing left (MSG_DONTWAIT)", recv(s, buf, sizeof buf, MSG_DONTWAIT));

  /* A bound client: the server sees its path and can answer. */
  int b = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("bind the client", bind(b, (struct sockaddr *)&cli, sizeof cli));
  sendto(b, "ping", 4, 0, (struct sockaddr *)&srv, sizeof srv);
  fl = sizeof fa;
  n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&fa, &fl);
  from("  bound sender", &fa, fl);
  show("reply to the sender's path", sendto(s, "pong", 4, 0, (struct sockaddr *)&fa, fl));
  n = recv(b, buf, sizeof buf, 0);
  printf("client got %zd '%.*s'\n", n, (int)n, buf);

  /* A connected client: send() without an address; the server goes away under it. */
  show("connect the client to the server", connect(b, (struct sockaddr *)&srv, sizeof srv));
  show("send on the connected client", send(b, "hello", 5, 0));
  struct sockaddr_un pa;
  socklen_t pl = sizeof pa;
  getpeername(b, (struct sockaddr *)&pa, &pl);
  from("getpeername", &pa, pl);
  close(s);
  show("send after the server closed", send(b, "again", 5, 0));
  show("send once more", send(b, "again", 5, 0));
  show("sendto the closed server's path", sendto(c, "x", 1, 0, (struct sockaddr *)&srv, sizeof srv));
  s = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("bind the path the closed server left", bind(s, (struct sockaddr *)&srv, sizeof srv));
  show("unlink it", unlink(SRV));
  show("bind again after unlink", bind(s, (struct sockaddr *)&srv, sizeof srv));
  show("sendto the new server", sendto(c, "new", 3, 0, (struct sockaddr *)&srv, sizeof srv));
  show("recv", recv(s, buf, sizeof buf, 0));
  show("connect a stream socket to the datagram path", connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&srv, sizeof srv));
  show("connect a seqpacket socket to the datagram path", connect(socket(AF_UNIX, SOCK_SEQPACKET, 0), (struct sockaddr *)&srv, sizeof srv));
  close(s);
  close(b);
  close(c);

  /* Two datagram sockets connected to each other: one connects elsewhere with the other's
   * messages unread; they are dropped, and the other is told (ECONNRESET) once. */
  int x = socket(AF_UNIX, SOCK_DGRAM, 0), y = socket(AF_UNIX, SOCK_DGRAM, 0), z = socket(AF_UNIX, SOCK_DGRAM, 0);
  unlink(SRV);
  unlink(CLI);
  bind(x, (struct sockaddr *)&srv, sizeof srv);
  bind(y, (struct sockaddr *)&cli, sizeof cli);
  struct sockaddr_un third = path(THIRD);
  unlink(third.sun_path);
  bind(z, (struct sockaddr *)&third, sizeof third);
  connect(x, (struct sockaddr *)&cli, sizeof cli);
  connect(y, (struct sockaddr *)&srv, sizeof srv);
  send(y, "unread 1", 8, 0);
  send(y, "unread 2", 8, 0);
  show("reconnect with two messages unread", connect(x, (struct sockaddr *)&third, sizeof third));
  show("its queue after", recv(x, buf, sizeof buf, MSG_DONTWAIT));
  int err = -1;
  socklen_t el = sizeof err;
  getsockopt(y, SOL_SOCKET, SO_ERROR, &err, &el);
  printf("the other's SO_ERROR: %s\n", err ? strerror(err) : "0");
  show("the other sends (refused: x no longer answers to it)", send(y, "more", 4, 0));
  close(x);
  close(y);
  close(z);
  unlink(third.sun_path);

  /* SOCK_SEQPACKET by path. */
  int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  show("bind the seqpacket server", bind(l, (struct sockaddr *)&seq, sizeof seq));
  show("sendto on an unconnected seqpacket socket", sendto(l, "x", 1, 0, (struct sockaddr *)&seq, sizeof seq));
  show("connect before listen", connect(socket(AF_UNIX, SOCK_SEQPACKET, 0), (struct sockaddr *)&seq, sizeof seq));
  show("listen", listen(l, 4));
  show("connect a datagram socket to it", connect(socket(AF_UNIX, SOCK_DGRAM, 0), (struct sockaddr *)&seq, sizeof seq));
  pid_t pid = fork();
  if (pid == 0) {
    int k = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    connect(k, (struct sockaddr *)&seq, sizeof seq);
    write(k, "first", 5);
    write(k, "second message", 14);
    write(k, "", 0);
    write(k, "third", 5);
    char r[8];
    ssize_t m = read(k, r, sizeof r);
    close(k);
    _exit(m == 3 && memcmp(r, "bye", 3) == 0 ? 0 : 1);
  }
  struct sockaddr_un ca;
  socklen_t cl = sizeof ca;
  int a = accept(l, (struct sockaddr *)&ca, &cl);
  from("accepted", &ca, cl);
  struct sockaddr_un me;
  socklen_t ml = sizeof me;
  getsockname(a, (struct sockaddr *)&me, &ml);
  from("accepted socket's own name", &me, ml);
  for (int i = 0; i < 4; i++) {
    struct iovec iov = {buf, 6};
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    n = recvmsg(a, &mh, 0);
    printf("recvmsg into 6: %zd '%.*s'%s%s\n", n, (int)(n > 0 ? n : 0), buf, mh.msg_flags & MSG_TRUNC ? " MSG_TRUNC" : "", mh.msg_flags & MSG_EOR ? " MSG_EOR" : "");
  }
  write(a, "bye", 3);
  show("read at the client's close", read(a, buf, sizeof buf));
  int st;
  waitpid(pid, &st, 0);
  printf("client exited %d\n", WEXITSTATUS(st));
  close(a);
  close(l);
  show("unlink the seqpacket path", unlink(SEQ));
  show("unlink the client path", unlink(CLI));
  show("unlink the server path", unlink(SRV));
  show("unlink again", unlink(SRV));
  return 0;
}
