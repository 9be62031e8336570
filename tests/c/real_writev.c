/* Sends a known byte pattern to 127.0.0.1:PORT through write() and writev()
 * of every shape the real network copies differently: one byte, small
 * vectors with empty entries, and vectors that span 64 KiB boundaries.
 * usage: real_writev PORT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static unsigned char buf[200000];
static size_t at; /* the pattern's offset of the next byte sent */

static void fill(unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(((at + i) * 7) % 251);
  at += n;
}

/* One writev of the given lengths (0 for an empty entry); a short write is finished with write(). */
static int sendv(int s, const size_t *lens, int cnt) {
  struct iovec v[8];
  size_t total = 0;
  unsigned char *p = buf;
  for (int i = 0; i < cnt; i++) {
    fill(p, lens[i]);
    v[i].iov_base = p;
    v[i].iov_len = lens[i];
    p += lens[i];
    total += lens[i];
  }
  ssize_t n = writev(s, v, cnt);
  if (n < 0) { perror("writev"); return -1; }
  while ((size_t)n < total) {
    ssize_t k = write(s, buf + n, total - (size_t)n);
    if (k <= 0) { perror("write"); return -1; }
    n += k;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT\n", argv[0]); return 2; }
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
  int on = 1;
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  const size_t one[] = {1};
  const size_t small[] = {1, 0, 5, 16, 3000, 0, 1};
  const size_t edge[] = {4095, 1};
  const size_t big[] = {5000, 70000, 0, 10};
  const size_t huge[] = {65536, 65536, 3};
  if (sendv(s, one, 1) || sendv(s, small, 7) || sendv(s, edge, 2) || sendv(s, big, 4) || sendv(s, one, 1) || sendv(s, huge, 3) || sendv(s, one, 1)) return 1;
  printf("sent %zu bytes\n", at);
  close(s);
  return 0;
}
