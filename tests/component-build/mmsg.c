/* sendmmsg and recvmmsg in one process (no fork: it is built as a component
 * too), one line per check, for building both ways and natively, and
 * comparing: counts and msg_len, the count when a later message fails and the
 * error when the first does, MSG_WAITFORONE, MSG_DONTWAIT, the timeout looked
 * at after each message and the time left written back, MSG_TRUNC per
 * message, the pending ICMP error first, a TCP stream; usage: mmsg [noicmp] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VLEN 8

static char bufs[VLEN][32];
static struct iovec iov[VLEN];
static struct mmsghdr msgs[VLEN];
static struct sockaddr_in from[VLEN];

/* recvmmsg into VLEN buffers of LEN bytes: the result, then each message's length, text, flags and source. */
static int receive(const char *what, int fd, unsigned vlen, int flags, struct timespec *t, size_t len, const struct sockaddr_in *src) {
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < VLEN; i++) {
    iov[i] = (struct iovec){bufs[i], len};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from[i];
    msgs[i].msg_hdr.msg_namelen = sizeof from[i];
  }
  errno = 0;
  int n = recvmmsg(fd, msgs, vlen, flags, t);
  printf("%s: %d %s\n", what, n, strerror(errno));
  for (int i = 0; i < n; i++)
    printf("  %u %.*s%s%s\n", msgs[i].msg_len, (int)(msgs[i].msg_len < len ? msgs[i].msg_len : len), bufs[i],
           msgs[i].msg_hdr.msg_flags & MSG_TRUNC ? " MSG_TRUNC" : "",
           src && from[i].sin_port == src->sin_port ? " from the sender" : "");
  return n;
}

static struct mmsghdr out[3];
static struct iovec parts[4];

/* Three messages: "one" and "two" gathered into one, "three", "a longer datagram". */
static void three(void) {
  memset(out, 0, sizeof out);
  parts[0] = (struct iovec){"one", 3};
  parts[1] = (struct iovec){"two", 3};
  parts[2] = (struct iovec){"three", 5};
  parts[3] = (struct iovec){"a longer datagram", 17};
  out[0].msg_hdr.msg_iov = parts, out[0].msg_hdr.msg_iovlen = 2;
  out[1].msg_hdr.msg_iov = parts + 2, out[1].msg_hdr.msg_iovlen = 1;
  out[2].msg_hdr.msg_iov = parts + 3, out[2].msg_hdr.msg_iovlen = 1;
}

static void sent(const char *what, int fd, unsigned vlen, int flags) {
  out[0].msg_len = out[1].msg_len = out[2].msg_len = 77;
  errno = 0;
  int n = sendmmsg(fd, out, vlen, flags);
  printf("%s: %d %s, msg_len %u %u %u\n", what, n, strerror(errno), out[0].msg_len, out[1].msg_len, out[2].msg_len);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int icmp = !(argc > 1 && !strcmp(argv[1], "noicmp"));
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)}, b;
  socklen_t al = sizeof a;
  int r = socket(AF_INET, SOCK_DGRAM, 0);
  bind(r, (struct sockaddr *)&a, sizeof a);
  getsockname(r, (struct sockaddr *)&a, &al);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  connect(s, (struct sockaddr *)&a, sizeof a);
  al = sizeof b;
  getsockname(s, (struct sockaddr *)&b, &al);

  three();
  sent("sendmmsg 3", s, 3, 0);
  receive("recvmmsg 3, blocking", r, 3, 0, NULL, sizeof bufs[0], &b);
  sent("sendmmsg 3", s, 3, 0);
  receive("recvmmsg 2 into 4-byte buffers", r, 2, 0, NULL, 4, NULL);
  receive("recvmmsg 8, MSG_WAITFORONE", r, 8, MSG_WAITFORONE, NULL, sizeof bufs[0], NULL);
  receive("recvmmsg 8, MSG_DONTWAIT, nothing there", r, 8, MSG_DONTWAIT, NULL, sizeof bufs[0], NULL);
  receive("recvmmsg 0", r, 0, 0, NULL, sizeof bufs[0], NULL);

  /* The timeout is looked at after each message: 0 ends the call after the first. */
  sent("sendmmsg 3", s, 3, 0);
  struct timespec t = {0, 0};
  receive("recvmmsg 8, timeout 0", r, 8, 0, &t, sizeof bufs[0], NULL);
  printf("  time left %lld.%09ld\n", (long long)t.tv_sec, t.tv_nsec);
  t = (struct timespec){5, 0};
  receive("recvmmsg 2, timeout 5 s", r, 2, 0, &t, sizeof bufs[0], NULL);
  /* Linux's clock moves during the call; socklab's virtual one may not (a call that does not wait takes no time). */
  printf("  time left in (4 s, 5 s]: %d\n", (t.tv_sec == 4 && t.tv_nsec > 0) || (t.tv_sec == 5 && t.tv_nsec == 0));
  t = (struct timespec){0, 1000000000};
  receive("recvmmsg, tv_nsec 1e9", r, 8, MSG_DONTWAIT, &t, sizeof bufs[0], NULL);
  receive("recvmmsg, tv_nsec 1e9, bad fd", 99, 8, MSG_DONTWAIT, &t, sizeof bufs[0], NULL);
  t = (struct timespec){-1, 0};
  receive("recvmmsg, tv_sec -1", r, 8, MSG_DONTWAIT, &t, sizeof bufs[0], NULL);

  /* A later message that fails: the count sent, errno untouched; the first: its error. */
  struct sockaddr_in6 six = {.sin6_family = AF_INET6};
  out[1].msg_hdr.msg_name = &six, out[1].msg_hdr.msg_namelen = sizeof six;
  sent("sendmmsg, the second to AF_INET6", s, 3, 0);
  out[0].msg_hdr.msg_name = &six, out[0].msg_hdr.msg_namelen = sizeof six;
  sent("sendmmsg, the first to AF_INET6", s, 3, 0);
  receive("recvmmsg 1", r, 1, 0, NULL, sizeof bufs[0], NULL);
  sent("sendmmsg 0", s, 0, 0);
  sent("sendmmsg, bad fd", 99, 1, 0);
  int dir = open("/", O_RDONLY); /* not stdout: a test harness may make that a socket */
  sent("sendmmsg, a directory", dir, 1, 0);
  receive("recvmmsg, a directory", dir, 1, 0, NULL, sizeof bufs[0], NULL);
  close(dir);
  out[0].msg_hdr.msg_name = NULL, out[0].msg_hdr.msg_namelen = 0;
  out[1].msg_hdr.msg_name = NULL, out[1].msg_hdr.msg_namelen = 0;
  sent("sendmmsg, MSG_OOB", s, 3, MSG_OOB);

  /* A port nobody has any more: its ICMP error is pending, and comes first, once. */
  if (icmp) {
    struct sockaddr_in gone = a;
    gone.sin_port = 0;
    int x = socket(AF_INET, SOCK_DGRAM, 0);
    bind(x, (struct sockaddr *)&gone, sizeof gone);
    al = sizeof gone;
    getsockname(x, (struct sockaddr *)&gone, &al);
    close(x);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    connect(u, (struct sockaddr *)&gone, sizeof gone);
    send(u, "x", 1, 0);
    receive("after ICMP, MSG_DONTWAIT", u, 8, MSG_DONTWAIT, NULL, sizeof bufs[0], NULL);
    receive("again", u, 8, MSG_DONTWAIT, NULL, sizeof bufs[0], NULL);
    close(u);
  }

  /* TCP: each message a sendmsg; what recvmmsg takes is what each recvmsg finds. */
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in la = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(l, (struct sockaddr *)&la, sizeof la);
  al = sizeof la;
  getsockname(l, (struct sockaddr *)&la, &al);
  listen(l, 1);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&la, sizeof la);
  int d = accept(l, NULL, NULL);
  three();
  sent("tcp sendmmsg 2", c, 2, 0);
  char got[12] = {0};
  printf("tcp recv MSG_WAITALL: %zd %s\n", recv(d, got, 11, MSG_WAITALL), got);
  send(c, "four", 4, 0);
  receive("tcp recvmmsg 1", d, 1, 0, NULL, sizeof bufs[0], NULL);
  receive("tcp recvmmsg, MSG_DONTWAIT, nothing there", d, 2, MSG_DONTWAIT, NULL, sizeof bufs[0], NULL);
  close(c);
  receive("tcp recvmmsg after the peer closed", d, 2, 0, NULL, sizeof bufs[0], NULL);
  return 0;
}
