/* Records over a byte stream, as Beej 7.4 ("son of data encapsulation")
 * and UNP 14.4 build them: each record is a 2-byte length in network order,
 * a 1-byte type and the payload. The sender gathers the header and the
 * payload in one writev() (and one sendmsg() with three iovecs), so no
 * record is split into two writes; the receiver does not trust a read to
 * return a whole record: it reads the header with readn, then exactly the
 * payload, or scatters a record with recvmsg(MSG_WAITALL) into header and
 * body buffers; readv() fills a header buffer and a body buffer. A large
 * record (200 KB) goes with writen over a socketpair whose other end a
 * forked child reads with readn, which gets it in many pieces. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

struct hdr { uint16_t len; uint8_t type; } __attribute__((packed));

static ssize_t readn(int fd, void *vp, size_t n) {
  char *p = vp;
  size_t left = n;
  while (left > 0) {
    ssize_t r = read(fd, p, left);
    if (r < 0) { if (errno == EINTR) continue; return -1; }
    if (r == 0) break;
    left -= r;
    p += r;
  }
  return n - left;
}

static ssize_t writen(int fd, const void *vp, size_t n) {
  const char *p = vp;
  size_t left = n;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w <= 0) { if (w < 0 && errno == EINTR) continue; return -1; }
    left -= w;
    p += w;
  }
  return n;
}

static void send_record(int fd, uint8_t type, const char *payload) {
  struct hdr h = {htons((uint16_t)strlen(payload)), type};
  struct iovec iov[2] = {{&h, sizeof h}, {(void *)payload, strlen(payload)}};
  ssize_t n = writev(fd, iov, 2);
  printf("writev type %u: %zd bytes\n", type, n);
}

static void sender(int fd) {
  send_record(fd, 1, "hello");
  send_record(fd, 2, "a record of some length");
  send_record(fd, 3, "");
  /* sendmsg with three pieces: header, name, text. */
  const char *name = "beej:", *text = " packed with sendmsg";
  struct hdr h = {htons((uint16_t)(strlen(name) + strlen(text))), 4};
  struct iovec iov[3] = {{&h, sizeof h}, {(void *)name, strlen(name)}, {(void *)text, strlen(text)}};
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = iov;
  m.msg_iovlen = 3;
  printf("sendmsg type 4: %zd bytes\n", sendmsg(fd, &m, 0));
  send_record(fd, 5, "scattered by recvmsg");
  send_record(fd, 6, "gathered by readv");
  close(fd);
  exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  listen(lfd, 1);
  pid_t pid = fork();
  if (pid == 0) {
    close(lfd);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    connect(fd, (struct sockaddr *)&a, sizeof a);
    sender(fd);
  }
  int fd = accept(lfd, NULL, NULL);
  close(lfd);
  int st;
  /* The sender has finished (and closed) before the first read: all records are queued back to back. */
  waitpid(pid, &st, 0);
  printf("sender exited %d\n", WEXITSTATUS(st));

  char body[256];
  for (int i = 0; i < 4; i++) {
    struct hdr h;
    ssize_t n = readn(fd, &h, sizeof h);
    uint16_t len = ntohs(h.len);
    ssize_t b = readn(fd, body, len);
    printf("record: header %zd, type %u, length %u, body %zd '%.*s'\n", n, h.type, len, b, (int)b, body);
  }
  /* recvmsg scatter: the header lands in its struct, the rest in body (the record's length is known here). */
  struct hdr h;
  struct iovec iov[2] = {{&h, sizeof h}, {body, 20}};
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = iov;
  m.msg_iovlen = 2;
  ssize_t n = recvmsg(fd, &m, MSG_WAITALL);
  printf("recvmsg: %zd, type %u, length %u, body '%.20s', flags %d\n", n, h.type, ntohs(h.len), body, m.msg_flags);
  char first[3], rest[64];
  struct iovec rv[2] = {{first, sizeof first}, {rest, sizeof rest}};
  n = readv(fd, rv, 2);
  printf("readv: %zd, type %u, length %u, rest '%.*s'\n", n, (uint8_t)first[2], ntohs(*(uint16_t *)first), (int)(n - 3), rest);
  printf("readn at EOF: %zd\n", readn(fd, body, 10));
  close(fd);

  /* A large record over a socketpair: the child reads it with readn. */
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  enum { BIG = 200000 };
  pid = fork();
  if (pid == 0) {
    close(sv[0]);
    static unsigned char in[BIG];
    uint32_t netlen;
    readn(sv[1], &netlen, 4);
    uint32_t len = ntohl(netlen);
    ssize_t got = readn(sv[1], in, len);
    uint32_t sum = 0;
    for (ssize_t i = 0; i < got; i++) sum = sum * 31 + in[i];
    char ack[64];
    int k = snprintf(ack, sizeof ack, "got %zd of %u, sum %u", got, len, sum);
    writen(sv[1], ack, k);
    close(sv[1]);
    _exit(0);
  }
  close(sv[1]);
  static unsigned char out[BIG];
  uint32_t sum = 0;
  for (int i = 0; i < BIG; i++) { out[i] = (unsigned char)(i * 7 + i / 251); sum = sum * 31 + out[i]; }
  uint32_t netlen = htonl(BIG);
  writen(sv[0], &netlen, 4);
  printf("writen: %zd\n", writen(sv[0], out, BIG));
  shutdown(sv[0], SHUT_WR);
  char ack[64];
  n = readn(sv[0], ack, sizeof ack);
  printf("child says: %.*s (expected sum %u)\n", (int)n, ack, sum);
  waitpid(pid, &st, 0);
  close(sv[0]);
  return 0;
}
