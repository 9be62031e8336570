/* How much a non-blocking AF_UNIX sender queues before EAGAIN: Linux
 * charges each skb's truesize to the sender's sk_wmem_alloc until the
 * receiver has read it, allocates a new skb while that is below SO_SNDBUF,
 * and splits a stream send into skbs of at most SO_SNDBUF/2 - 64 bytes
 * (unix_stream_sendmsg); a datagram or seqpacket message is one skb and
 * EMSGSIZE past SO_SNDBUF - 32. SIOCOUTQ reports sk_wmem_alloc; POLLOUT
 * comes back once it is at most a quarter of SO_SNDBUF. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1 << 20];

static const char *tname(int t) { return t == SOCK_STREAM ? "stream" : t == SOCK_SEQPACKET ? "seqpacket" : "dgram"; }

static int pollout(int fd) {
  struct pollfd p = {fd, POLLOUT, 0};
  poll(&p, 1, 0);
  return (p.revents & POLLOUT) != 0;
}

static void run(int type, int sndbuf, int size) {
  int sv[2];
  socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv);
  if (sndbuf >= 0) setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  int sb = 0;
  socklen_t l = sizeof sb;
  getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sb, &l);
  long total = 0;
  int calls = 0, first = -2, err = 0;
  for (int i = 0; i < 5000; i++) {
    ssize_t r = send(sv[0], buf, size, 0);
    if (r < 0) { err = errno; break; }
    if (i == 0) first = (int)r;
    total += r;
    calls++;
    if (size == 0 && type == SOCK_STREAM) break;
  }
  int outq = -1, inq = -1;
  ioctl(sv[0], SIOCOUTQ, &outq);
  ioctl(sv[1], SIOCINQ, &inq);
  printf("%s SO_SNDBUF %d -> %d, writes of %d: %d accepted (first %d), %ld bytes, then %s; SIOCOUTQ %d SIOCINQ %d POLLOUT %d\n",
         tname(type), sndbuf, sb, size, calls, first, total, strerror(err), outq, inq, pollout(sv[0]));
  /* Read it back in 4096-byte reads until the sender is writable again. */
  int reads = 0;
  while (!pollout(sv[0]) && recv(sv[1], buf, 4096, 0) >= 0) reads++;
  ioctl(sv[0], SIOCOUTQ, &outq);
  printf("  writable again after %d reads, SIOCOUTQ %d\n", reads, outq);
  close(sv[0]);
  close(sv[1]);
}

int main(void) {
  int types[] = {SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM};
  int bufs[] = {-1, 0, 8192};
  int sizes[] = {0, 1, 100, 4096, 65536, 1 << 20};
  for (int t = 0; t < 3; t++)
    for (int b = 0; b < 3; b++)
      for (int s = 0; s < 6; s++) run(types[t], bufs[b], sizes[s]);
  /* A listener's SIOCOUTQ is its (empty) sk_wmem_alloc; SIOCINQ is EINVAL. */
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  listen(l, 1);
  int outq = -1;
  int r = ioctl(l, SIOCOUTQ, &outq);
  printf("listener SIOCOUTQ: %d [%d]\n", r, outq);
  r = ioctl(l, SIOCINQ, &outq);
  printf("listener SIOCINQ: %d %s\n", r, r < 0 ? strerror(errno) : "");
  return 0;
}
