/* ioctl on sockets and pipes as Linux answers: FIONREAD/SIOCINQ (TCP: the
 * bytes queued; UDP: the next datagram's size, 0 for an empty one or none;
 * a listener: EINVAL), SIOCOUTQ on an idle connection, SIOCATMARK with no
 * urgent data, FIONBIO setting O_NONBLOCK on the description (seen through
 * a dup and by fcntl), an unknown request (ENOTTY). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <unistd.h>

#define R(what, call) do { errno = 0; long r_ = (call); printf("%s: %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : "ok"); } while (0)
static int n;
#define Q(what, fd, req) do { n = -1; errno = 0; int r_ = ioctl(fd, req, &n); if (r_ < 0) printf("%s: %s\n", what, strerror(errno)); else printf("%s: [%d]\n", what, n); } while (0)

int main(void) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(47011);
  char b[64];

  int v = socket(AF_INET, SOCK_DGRAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
  bind(v, (struct sockaddr *)&a, sizeof a);
  Q("udp FIONREAD, nothing queued", v, FIONREAD);
  connect(u, (struct sockaddr *)&a, sizeof a);
  send(u, "hello", 5, 0);
  send(u, "abc", 3, 0);
  send(u, "", 0, 0);
  usleep(10000);
  Q("udp FIONREAD, next datagram", v, FIONREAD);
  Q("udp SIOCINQ", v, SIOCINQ);
  Q("udp SIOCOUTQ", u, SIOCOUTQ);
  R("recv", recv(v, b, sizeof b, 0));
  Q("udp FIONREAD, next datagram", v, FIONREAD);
  R("recv", recv(v, b, sizeof b, 0));
  Q("udp FIONREAD, an empty datagram", v, FIONREAD);
  R("recv", recv(v, b, sizeof b, 0));
  Q("udp SIOCATMARK", v, SIOCATMARK);
  Q("udp unknown request", v, 0x1234);

  int l = socket(AF_INET, SOCK_STREAM, 0);
  Q("tcp FIONREAD, not connected", l, FIONREAD);
  Q("tcp SIOCOUTQ, not connected", l, SIOCOUTQ);
  Q("tcp SIOCATMARK, not connected", l, SIOCATMARK);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 4);
  Q("listener FIONREAD", l, FIONREAD);
  Q("listener SIOCOUTQ", l, SIOCOUTQ);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  int s = accept(l, NULL, NULL);
  Q("tcp FIONREAD, idle", s, FIONREAD);
  write(c, "0123456789", 10);
  write(c, "abcde", 5);
  usleep(10000);
  Q("tcp FIONREAD", s, FIONREAD);
  Q("tcp SIOCINQ", s, SIOCINQ);
  Q("tcp SIOCOUTQ, all acknowledged", c, SIOCOUTQ);
  Q("tcp SIOCATMARK", s, SIOCATMARK);
  R("read 4", read(s, b, 4));
  Q("tcp FIONREAD", s, FIONREAD);
  R("read rest", read(s, b, sizeof b));
  Q("tcp FIONREAD, drained", s, FIONREAD);
  close(c);
  usleep(10000);
  Q("tcp FIONREAD, after the peer's FIN", s, FIONREAD);

  Q("FIONBIO on", s, FIONBIO); /* n is -1: non-zero means on */
  int d = dup(s);
  printf("O_NONBLOCK on the dup: %d\n", (fcntl(d, F_GETFL) & O_NONBLOCK) != 0);
  n = 0;
  R("FIONBIO off", ioctl(d, FIONBIO, &n));
  printf("O_NONBLOCK: %d\n", (fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
  n = 1;
  R("FIONBIO on a udp socket", ioctl(v, FIONBIO, &n));
  R("recv now says", recv(v, b, sizeof b, 0));

  int pp[2];
  pipe(pp);
  write(pp[1], "four", 4);
  Q("pipe FIONREAD, read end", pp[0], FIONREAD);
  Q("pipe FIONREAD, write end", pp[1], FIONREAD);
  n = 1;
  R("pipe FIONBIO", ioctl(pp[0], FIONBIO, &n));
  read(pp[0], b, 4);
  R("pipe read now says", read(pp[0], b, 4));
  Q("pipe unknown request", pp[0], 0x1234);
  R("closed fd", ioctl(99, FIONREAD, &n));
  return 0;
}
