// SO_PEERCRED and SCM_CREDENTIALS, pids printed relative to getpid():
// a socketpair's peer is its creator; a connecting client sees the process
// that called listen(), the accepted socket the process that connected;
// with SO_PASSCRED each message carries its sender's credentials (its own
// or a forged pid of a live process, as uid 0 may; a dead one is ESRCH).
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

static pid_t kid;
/* A pid as "self", "child" or an offset from ours (fork's pids differ between Linux and socklab). */
static const char *who(pid_t pid, pid_t base) {
  static char b[32];
  if (pid == base) return "self";
  if (kid && pid == kid) return "child";
  if (pid == 0) return "none";
  snprintf(b, sizeof b, "other");
  return b;
}

static void peer(const char *what, int s, pid_t base) {
  struct ucred u;
  socklen_t len = sizeof u;
  if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &u, &len) < 0) { printf("%s: %s\n", what, strerror(errno)); return; }
  printf("%s: pid%+d uid=%d gid=%d len=%d\n", what, u.pid ? u.pid - base : -999999, (int)u.uid, (int)u.gid, (int)len);
}

static void recv_cred(int s, pid_t base) {
  char c;
  struct iovec iov = {&c, 1};
  union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = sizeof u.buf;
  ssize_t n = recvmsg(s, &m, 0);
  struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
  if (n != 1 || !cm || cm->cmsg_type != SCM_CREDENTIALS) { printf("recv %zd: no credentials\n", n); return; }
  struct ucred uc;
  memcpy(&uc, CMSG_DATA(cm), sizeof uc);
  printf("recv '%c': pid=%s uid=%d gid=%d\n", c, who(uc.pid, base), (int)uc.uid, (int)uc.gid);
}

static int send_cred(int s, char c, pid_t pid) {
  struct iovec iov = {&c, 1};
  union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = sizeof u.buf;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_CREDENTIALS;
  cm->cmsg_len = CMSG_LEN(sizeof(struct ucred));
  struct ucred uc = {pid, 0, 0};
  memcpy(CMSG_DATA(cm), &uc, sizeof uc);
  int r = sendmsg(s, &m, 0);
  if (r < 0) printf("send '%c' with pid=%s: %s\n", c, who(pid, getpid()), strerror(errno));
  return r;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t me = getpid();
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  peer("socketpair", sv[0], me);
  int one = 1, v = 0;
  socklen_t vl = sizeof v;
  getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &vl);
  printf("SO_PASSCRED before: %d\n", v);
  setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
  getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &vl);
  printf("SO_PASSCRED after: %d\n", v);
  pid_t child = fork();
  if (child == 0) {
    write(sv[0], "c", 1);          // the kernel attaches the child's credentials
    send_cred(sv[0], 'p', getppid());  // uid 0 may name another live process
    _exit(0);
  }
  kid = child;
  recv_cred(sv[1], me);
  recv_cred(sv[1], me);
  waitpid(child, NULL, 0);
  write(sv[0], "m", 1);
  recv_cred(sv[1], me);
  send_cred(sv[0], 'x', child);  // reaped: no such process
  send_cred(sv[0], 's', me);
  recv_cred(sv[1], me);

  int t = socket(AF_INET, SOCK_STREAM, 0);
  peer("tcp", t, me);
  printf("SO_PASSCRED on tcp: %s\n", setsockopt(t, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0 ? strerror(errno) : "ok");

  struct sockaddr_un a = {0};
  a.sun_family = AF_UNIX;
  // A path of this run's own (the directory, and the pid when run without SOCKLAB_TEST_TMP): another run's
  // unlink() in a shared /tmp left this one's connect() with ENOENT and its child in accept() for ever.
  snprintf(a.sun_path, sizeof a.sun_path, "%s/socklab-scm-cred-%d.sock", tmp_dir(), (int)me);
  unlink(a.sun_path);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  bind(l, (struct sockaddr *)&a, sizeof a);
  peer("bound, not listening", l, me);
  int sync[2];
  pipe(sync);
  pid_t lp = fork();
  if (lp == 0) {
    // The child listens: clients see it as their peer.
    listen(l, 4);
    write(sync[1], "L", 1);
    int c = accept(l, NULL, NULL);
    // The parent prints its line before it writes: reading first keeps the two lines in one order.
    char b;
    read(c, &b, 1);
    peer("accepted (peer is the parent)", c, getppid());
    _exit(0);
  }
  char b;
  read(sync[0], &b, 1);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  peer("client (peer is the listening child)", c, lp);
  write(c, "z", 1);
  waitpid(lp, NULL, 0);
  unlink(a.sun_path);
  return 0;
}
