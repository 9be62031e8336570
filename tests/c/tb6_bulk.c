/* Bulk transfer, as a course "file transfer" or ttcp-style assignment does
 * it (UNP 3.9's writen/readn, 16.2's nonblocking writes): a forked sender
 * pushes 1 MiB through a connection in one blocking write() (which returns
 * only when everything went, however small the buffers: the receiver drains
 * them), then again through a nonblocking socket, writing what it can and
 * waiting in poll() for POLLOUT after each short write or EAGAIN, then with
 * writev() of many small pieces. The receiver reads with MSG_WAITALL in
 * odd-sized blocks and checks a running checksum; the amounts each call
 * moved depend on buffer sizes, so only totals and checksums are printed. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (1 << 20)

static unsigned char *pattern(void) {
  unsigned char *b = malloc(TOTAL);
  unsigned x = 12345;
  for (int i = 0; i < TOTAL; i++) {
    x = x * 1103515245u + 12345u;
    b[i] = x >> 16;
  }
  return b;
}

static unsigned sum(unsigned s, const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
  return s;
}

/* Reads TOTAL bytes in blocks of `block` with MSG_WAITALL; returns the checksum, or 0 on a short read. */
static unsigned receive(int fd, int block, int *shorts) {
  unsigned char *buf = malloc(block);
  unsigned s = 0;
  long got = 0;
  *shorts = 0;
  while (got < TOTAL) {
    int want = TOTAL - got < block ? TOTAL - got : block;
    ssize_t n = recv(fd, buf, want, MSG_WAITALL);
    if (n <= 0) break;
    if (n != want) (*shorts)++;
    s = sum(s, buf, n);
    got += n;
  }
  free(buf);
  return got == TOTAL ? s : 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  unsigned char *data = pattern();
  printf("checksum of the data: %08x\n", sum(0, data, TOTAL));

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  /* Small buffers on the receiving side (inherited by the accepted socket): many round trips. */
  int small = 8192;
  setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  listen(lfd, 5);

  pid_t sender = fork();
  if (sender == 0) {
    close(lfd);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    connect(fd, (struct sockaddr *)&a, sizeof a);
    /* 1: one blocking write of everything. */
    ssize_t n = write(fd, data, TOTAL);
    if (n != TOTAL) _exit(10);
    /* 2: nonblocking, poll for POLLOUT when the buffer is full. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    long off = 0;
    while (off < TOTAL) {
      n = write(fd, data + off, TOTAL - off);
      if (n > 0) off += n;
      else if (n < 0 && errno == EAGAIN) {
        struct pollfd p = {fd, POLLOUT, 0};
        if (poll(&p, 1, -1) != 1 || !(p.revents & POLLOUT)) _exit(11);
      } else _exit(12);
    }
    /* 3: blocking again, writev of 256 pieces of 4 KiB. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    struct iovec iov[256];
    for (int i = 0; i < 256; i++) {
      iov[i].iov_base = data + i * 4096;
      iov[i].iov_len = 4096;
    }
    n = writev(fd, iov, 256);
    if (n != TOTAL) _exit(13);
    shutdown(fd, SHUT_WR);
    /* The receiver's verdict, then EOF. */
    char verdict[64];
    n = read(fd, verdict, sizeof verdict);
    close(fd);
    _exit(n == 3 && memcmp(verdict, "ok\n", 3) == 0 ? 0 : 14);
  }

  int c = accept(lfd, NULL, NULL);
  close(lfd);
  int rcv = -1;
  socklen_t rlen = sizeof rcv;
  getsockopt(c, SOL_SOCKET, SO_RCVBUF, &rcv, &rlen);
  printf("accepted socket's SO_RCVBUF: %d (doubled, inherited)\n", rcv);
  int shorts;
  const int blocks[] = {1000, 65536, 333333};
  int ok = 1;
  for (int i = 0; i < 3; i++) {
    unsigned s = receive(c, blocks[i], &shorts);
    printf("pass %d: received 1 MiB in blocks of %d with MSG_WAITALL: checksum %08x, %d short reads\n", i + 1, blocks[i], s, shorts);
    ok = ok && s == sum(0, data, TOTAL);
  }
  char extra;
  ssize_t n = read(c, &extra, 1);
  printf("then read: %zd (EOF)\n", n);
  write(c, ok ? "ok\n" : "no\n", 3);
  close(c);
  int st;
  waitpid(sender, &st, 0);
  printf("sender exited with %d\n", WEXITSTATUS(st));
  free(data);
  return 0;
}
