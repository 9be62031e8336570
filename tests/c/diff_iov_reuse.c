/* The same buffers and iovec lists call after call, as a server's loop uses
 * them, with the list growing and shrinking between calls and the memory
 * growing under them (socklab reuses its views of guest memory until the
 * memory grows): every byte must land where the call says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static unsigned sum(const unsigned char *p, size_t n) {
  unsigned s = 0;
  for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
  return s;
}

int main(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return perror("socketpair"), 1;
  static unsigned char out[256], in[256];
  for (int i = 0; i < 256; i++) out[i] = (unsigned char)(i * 7 + 1);

  /* One buffer, many calls. */
  ssize_t n;
  unsigned total = 0;
  for (int i = 0; i < 1000; i++) {
    out[0] = (unsigned char)i;
    if (write(sv[0], out, 64) != 64) return perror("write"), 1;
    if (read(sv[1], in, sizeof in) != 64) return perror("read"), 1;
    total += sum(in, 64);
  }
  printf("1000 round trips: sum %u\n", total);

  /* iovec lists of 3, then 1, then 2 entries over the same buffers. */
  struct iovec w3[3] = {{out, 10}, {out + 100, 20}, {out + 200, 30}};
  printf("writev 3: %zd\n", writev(sv[0], w3, 3));
  struct iovec r1[1] = {{in, 5}};
  memset(in, 0, sizeof in);
  n = readv(sv[1], r1, 1);
  printf("readv 1: %zd sum %u\n", n, sum(in, 5));
  struct iovec r3[3] = {{in, 7}, {in + 50, 8}, {in + 150, 40}};
  memset(in, 0, sizeof in);
  n = readv(sv[1], r3, 3);
  printf("readv 3: %zd sums %u %u %u\n", n, sum(in, 7), sum(in + 50, 8), sum(in + 150, 40));
  struct iovec w2[2] = {{out + 1, 3}, {out + 2, 0}};
  printf("writev 2 (one empty): %zd\n", writev(sv[0], w2, 2));
  memset(in, 0, sizeof in);
  n = readv(sv[1], r3, 2);
  printf("readv 2: %zd sum %u\n", n, sum(in, 7));

  /* sendmsg/recvmsg with a list, and recv with MSG_PEEK then a read of part of it. */
  struct msghdr m = {0};
  m.msg_iov = w3;
  m.msg_iovlen = 2;
  printf("sendmsg: %zd\n", sendmsg(sv[0], &m, 0));
  memset(in, 0, sizeof in);
  n = recv(sv[1], in, 12, MSG_PEEK);
  printf("peek: %zd sum %u\n", n, sum(in, 12));
  memset(&m, 0, sizeof m);
  m.msg_iov = r3;
  m.msg_iovlen = 3;
  memset(in, 0, sizeof in);
  n = recvmsg(sv[1], &m, 0);
  printf("recvmsg: %zd sums %u %u %u flags 0x%x\n", n, sum(in, 7), sum(in + 50, 8), sum(in + 150, 40), m.msg_flags);

  /* Grow the memory, then use the old buffers and one in the new memory. */
  size_t big = 8 << 20;
  unsigned char *heap = malloc(big);
  if (!heap) return perror("malloc"), 1;
  memset(heap, 0xab, big);
  unsigned char *far = heap + big - 128;
  for (int i = 0; i < 3; i++) {
    if (write(sv[0], out, 64) != 64) return perror("write"), 1;
    memset(in, 0, sizeof in);
    n = read(sv[1], in, 64);
    printf("after growth, old buffer: %zd sum %u\n", n, sum(in, 64));
    if (write(sv[0], out + 64, 100) != 100) return perror("write"), 1;
    n = read(sv[1], far, 128);
    printf("after growth, new buffer: %zd sum %u\n", n, sum(far, 100));
    heap = realloc(heap, big += 4 << 20);
    if (!heap) return perror("realloc"), 1;
    far = heap + big - 128;
  }
  free(heap);
  close(sv[0]);
  n = read(sv[1], in, sizeof in);
  printf("EOF: %zd\n", n);
  return 0;
}
