// SCM_RIGHTS on datagram, seqpacket and stream socketpairs: a control
// buffer too small keeps the descriptors that fit, sets MSG_CTRUNC and
// closes the rest (a pipe's only write end passed and dropped: the reader
// sees EOF); MSG_CMSG_CLOEXEC; MSG_PEEK; more than SCM_MAX_FD is EINVAL,
// a descriptor that is not open EBADF; a read() drops the descriptors.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int sendfds(int s, const char *data, int *fds, int n) {
  struct iovec iov = {(void *)data, strlen(data)};
  static union { char buf[CMSG_SPACE(sizeof(int) * 300)]; struct cmsghdr align; } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
  struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
  memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
  int r = sendmsg(s, &m, 0);
  if (r < 0) printf("  sendmsg %d fds: %s\n", n, strerror(errno));
  return r;
}

/* Receives with a control buffer of `space` bytes; prints what came and returns the first descriptor. */
static int recvfds(int s, size_t space, int flags) {
  char data[16] = {0};
  struct iovec iov = {data, sizeof data - 1};
  union { char buf[256]; struct cmsghdr align; } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = space ? u.buf : NULL;
  m.msg_controllen = space;
  int n = recvmsg(s, &m, flags);
  if (n < 0) { printf("  recvmsg: %s\n", strerror(errno)); return -1; }
  int total = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) total += (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
  // msg_controllen comes back as the space used: CMSG_SPACE of what came, cut at the buffer's size
  // (the sizes themselves differ between 64-bit Linux and wasm32).
  size_t want = total ? CMSG_SPACE(total * sizeof(int)) : 0;
  if (want > space) want = space;
  printf("  recvmsg %d '%s' ctrunc=%d cloexec_flag=%d controllen_ok=%d\n", n, data, !!(m.msg_flags & MSG_CTRUNC), !!(m.msg_flags & MSG_CMSG_CLOEXEC), m.msg_controllen == want);
  int first = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    printf("  cmsg SCM_RIGHTS=%d fds=%d\n", c->cmsg_type == SCM_RIGHTS, k);
    for (int i = 0; i < k; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (first < 0) first = fd;
      printf("    fd open=%d cloexec=%d\n", fcntl(fd, F_GETFD) >= 0, fcntl(fd, F_GETFD) == FD_CLOEXEC);
    }
  }
  return first;
}

static void reader_eof(const char *what, int r) {
  char b;
  int fl = fcntl(r, F_GETFL);
  fcntl(r, F_SETFL, fl | O_NONBLOCK);
  ssize_t n = read(r, &b, 1);
  printf("  %s: pipe read %zd%s\n", what, n, n < 0 && errno == EAGAIN ? " EAGAIN (a writer is still open)" : n == 0 ? " EOF (every writer closed)" : "");
  fcntl(r, F_SETFL, fl);
}

static void run(const char *name, int type) {
  printf("%s\n", name);
  int sv[2];
  if (socketpair(AF_UNIX, type, 0, sv) < 0) { perror("socketpair"); return; }
  int p[2];
  pipe(p);
  int fds[3] = {p[0], p[1], p[0]};
  // Three descriptors, room for one: the write end (second) is dropped.
  sendfds(sv[0], "abc", fds, 3);
  close(p[1]);
  int got = recvfds(sv[1], CMSG_LEN(sizeof(int)), 0);
  reader_eof("after MSG_CTRUNC", p[0]);
  if (got >= 0) close(got);
  // No control buffer at all.
  pipe(p);
  sendfds(sv[0], "d", &p[1], 1);
  close(p[1]);
  recvfds(sv[1], 0, 0);
  reader_eof("no control buffer", p[0]);
  close(p[0]);
  // Room for everything; MSG_CMSG_CLOEXEC.
  pipe(p);
  int two[2] = {p[0], p[1]};
  sendfds(sv[0], "e", two, 2);
  int f = recvfds(sv[1], CMSG_SPACE(2 * sizeof(int)), MSG_CMSG_CLOEXEC);
  // MSG_PEEK gives descriptors too, and the message keeps its own.
  sendfds(sv[0], "f", &p[1], 1);
  int a = recvfds(sv[1], CMSG_SPACE(sizeof(int)), MSG_PEEK);
  int b = recvfds(sv[1], CMSG_SPACE(sizeof(int)), 0);
  printf("  peeked and received are distinct descriptors: %d\n", a >= 0 && b >= 0 && a != b);
  // The passed write end writes into the same pipe.
  write(b, "x", 1);
  char c = 0;
  read(p[0], &c, 1);
  printf("  through the passed write end: %c\n", c);
  close(a);
  close(b);
  close(f);
  close(f + 1);
  // read() on a message with descriptors: the data, the descriptors closed.
  int q[2];
  pipe(q);
  sendfds(sv[0], "g", &q[1], 1);
  close(q[1]);
  char rb[8] = {0};
  printf("  read() = %zd '%s'\n", read(sv[1], rb, sizeof rb - 1), rb);
  reader_eof("after read()", q[0]);
  close(q[0]);
  // Errors.
  int bad = 1000;
  sendfds(sv[0], "h", &bad, 1);
  int many[254];
  for (int i = 0; i < 254; i++) many[i] = p[0];
  sendfds(sv[0], "i", many, 254);
  printf("  %d fds: sent %d\n", 253, sendfds(sv[0], "j", many, 253));
  recvfds(sv[1], CMSG_SPACE(sizeof(int) * 2), 0);
  close(p[0]);
  close(p[1]);
  close(sv[0]);
  close(sv[1]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  run("SOCK_DGRAM", SOCK_DGRAM);
  run("SOCK_SEQPACKET", SOCK_SEQPACKET);
  run("SOCK_STREAM", SOCK_STREAM);
  return 0;
}
