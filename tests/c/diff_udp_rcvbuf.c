/* How many datagrams a UDP socket queues: Linux charges each skb's
 * truesize (not its payload) against SO_RCVBUF, which setsockopt doubles
 * (with a minimum of 2304), and an empty queue always takes one datagram
 * (__udp_enqueue_schedule_skb). FIONREAD is still the next datagram's
 * payload; recv returns the datagrams in order, whole. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];

static void run(int fam, int rcvbuf, int size) {
  int r = socket(fam, SOCK_DGRAM, 0), w = socket(fam, SOCK_DGRAM, 0);
  if (rcvbuf >= 0) setsockopt(r, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_storage ss = {0};
  socklen_t l;
  if (fam == AF_INET6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    l = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    l = sizeof *a;
  }
  bind(r, (struct sockaddr *)&ss, l);
  getsockname(r, (struct sockaddr *)&ss, &l);
  connect(w, (struct sockaddr *)&ss, l);
  int sends = size <= 1400 ? 300 : 16, sent = 0;
  for (int i = 0; i < sends; i++) {
    buf[0] = (char)i;
    if (send(w, buf, size, 0) == size) sent++;
  }
  usleep(1000);
  int rb = 0;
  l = sizeof rb;
  getsockopt(r, SOL_SOCKET, SO_RCVBUF, &rb, &l);
  int inq = -1;
  ioctl(r, FIONREAD, &inq);
  int got = 0, inorder = 1;
  ssize_t n;
  while ((n = recv(r, buf, sizeof buf, MSG_DONTWAIT)) >= 0) {
    if (n != size || (size && buf[0] != (char)got)) inorder = 0;
    got++;
  }
  printf("%s SO_RCVBUF %d -> %d, %d x %d bytes sent: %d queued (FIONREAD %d, whole and in order %d), then %s\n",
         fam == AF_INET6 ? "udp6" : "udp4", rcvbuf, rb, sent, size, got, inq, inorder, strerror(errno));
  close(r);
  close(w);
}

int main(void) {
  int bufs[] = {0, 2048, 65536, -1};
  int sizes[] = {0, 1, 100, 1000, 1400, 8000, 60000};
  for (int b = 0; b < 4; b++)
    for (int s = 0; s < 7; s++) run(AF_INET, bufs[b], sizes[s]);
  int sizes6[] = {1, 198, 1000, 15985, 16004, 65488, 65500};
  for (int s = 0; s < 7; s++) run(AF_INET6, 65536, sizes6[s]);
  return 0;
}
