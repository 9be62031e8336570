/* SO_ATTACH_FILTER on AF_UNIX sockets (host/net/socket/socket.ts sendUnixDatagram, host/net/bpf.ts): Linux's
 * unix_dgram_sendmsg runs the receiver's classic BPF program on each datagram's payload (SOCK_DGRAM and
 * SOCK_SEQPACKET): a datagram it drops is gone with no error to the sender, one it cuts arrives shorter, and a load of
 * the device's index or type ends the program with A as it is (the skb has no device). A stream socket is not
 * filtered. Compared with the gcc build's output (tests/unix-filter.test.ts). */
#include <errno.h>
#include <linux/filter.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int attach(int fd, struct sock_filter *code, unsigned short len) {
  struct sock_fprog prog = { len, code };
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

static void sendit(int fd, const char *what) {
  ssize_t n = send(fd, what, strlen(what), 0);
  printf("  send \"%s\" = %zd%s%s\n", what, n, n < 0 ? " " : "", n < 0 ? strerror(errno) : "");
}

static void drain(int fd) {
  char b[64];
  for (;;) {
    ssize_t n = recv(fd, b, sizeof b, MSG_DONTWAIT);
    if (n < 0) {
      printf("  recv: %s\n", strerror(errno));
      return;
    }
    printf("  recv %zd \"%.*s\"\n", n, (int)n, b);
  }
}

static void pair(int type, const char *name, struct sock_filter *code, unsigned short len, const char **msgs) {
  int sv[2];
  if (socketpair(AF_UNIX, type, 0, sv) < 0) {
    perror("socketpair");
    return;
  }
  printf("%s: attach %d\n", name, attach(sv[1], code, len));
  for (; *msgs; msgs++) sendit(sv[0], *msgs);
  drain(sv[1]);
  close(sv[0]);
  close(sv[1]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* Keep datagrams whose first byte is 'A'. */
  struct sock_filter first_a[] = {
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'A', 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0xffff),
    BPF_STMT(BPF_RET | BPF_K, 0),
  };
  const char *fruit[] = { "Apple", "Banana", "Avocado", NULL };
  pair(SOCK_DGRAM, "dgram, first byte 'A'", first_a, 4, fruit);
  pair(SOCK_SEQPACKET, "seqpacket, first byte 'A'", first_a, 4, fruit);
  pair(SOCK_STREAM, "stream, first byte 'A' (not filtered)", first_a, 4, fruit);

  struct sock_filter three[] = { BPF_STMT(BPF_RET | BPF_K, 3) };
  const char *cut[] = { "Cherry", "", "Fi", NULL };
  pair(SOCK_DGRAM, "dgram, keep 3 bytes", three, 1, cut);

  /* A = 7, then the device's index: no device, so the program ends with A (7 bytes kept). */
  struct sock_filter ifindex[] = {
    BPF_STMT(BPF_LD | BPF_IMM, 7),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_IFINDEX),
    BPF_STMT(BPF_RET | BPF_K, 0),
  };
  const char *long_[] = { "a long datagram", NULL };
  pair(SOCK_DGRAM, "dgram, ifindex with no device", ifindex, 3, long_);
  struct sock_filter hatype[] = {
    BPF_STMT(BPF_LD | BPF_IMM, 4),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_HATYPE),
    BPF_STMT(BPF_RET | BPF_K, 0),
  };
  pair(SOCK_DGRAM, "dgram, hatype with no device", hatype, 3, long_);

  /* The protocol (0), the packet type (PACKET_HOST) and the payload offset (0) kept as bytes + 1. */
  struct sock_filter meta[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
    BPF_STMT(BPF_MISC | BPF_TAX, 0),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
    BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
    BPF_STMT(BPF_MISC | BPF_TAX, 0),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PAY_OFFSET),
    BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
    BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 2),
    BPF_STMT(BPF_RET | BPF_A, 0),
  };
  pair(SOCK_DGRAM, "dgram, protocol + pkttype + payload offset + 2", meta, 9, long_);

  /* A load past the payload drops it; the length is the payload's. */
  struct sock_filter past[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 100), BPF_STMT(BPF_RET | BPF_K, 0xffff) };
  pair(SOCK_DGRAM, "dgram, load past the end", past, 2, long_);
  struct sock_filter half[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
    BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 1),
    BPF_STMT(BPF_RET | BPF_A, 0),
  };
  pair(SOCK_DGRAM, "dgram, keep half", half, 3, long_);

  /* Addressed datagrams to a bound socket, and a filter detached. */
  int srv = socket(AF_UNIX, SOCK_DGRAM, 0), cli = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un { unsigned short sun_family; char sun_path[108]; } a = { AF_UNIX, "" };
  /* An abstract name of this process's own: two runs at once on one machine must not collide. */
  int nl = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "socklab-unix-filter-%d", (int)getpid());
  socklen_t al = sizeof a.sun_family + 1 + nl;
  printf("bind %d\n", bind(srv, (struct sockaddr *)&a, al));
  printf("attach %d\n", attach(srv, first_a, 4));
  printf("sendto \"Banana\" = %zd\n", sendto(cli, "Banana", 6, 0, (struct sockaddr *)&a, al));
  printf("sendto \"Apricot\" = %zd\n", sendto(cli, "Apricot", 7, 0, (struct sockaddr *)&a, al));
  drain(srv);
  int r = setsockopt(srv, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0);
  printf("detach, optlen 0: %d %s\n", r, r < 0 ? strerror(errno) : "ok");
  int zero = 0;
  r = setsockopt(srv, SOL_SOCKET, SO_DETACH_FILTER, &zero, sizeof zero);
  printf("detach: %d %s\n", r, r < 0 ? strerror(errno) : "ok");
  printf("sendto \"Banana\" = %zd\n", sendto(cli, "Banana", 6, 0, (struct sockaddr *)&a, al));
  drain(srv);
  return 0;
}
