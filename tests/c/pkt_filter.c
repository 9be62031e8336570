/* A packet sniffer with a classic BPF filter (SO_ATTACH_FILTER) on lo, as
 * libpcap sets one up: a socket for no protocol, the filter, then bind to
 * lo for ETH_P_ALL, so nothing arrives before the filter is on. It checks
 * the attach errors Linux gives (bpf_check_classic), SO_GET_FILTER,
 * SO_DETACH_FILTER, SO_LOCK_FILTER, the AF_PACKET options (memberships,
 * PACKET_STATISTICS, PACKET_AUXDATA, PACKET_IGNORE_OUTGOING), and filters
 * on a UDP socket (data at the UDP header) and a raw IP one (at the IP
 * header), with the bytes a filter's return value keeps. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void show(const char *what, int r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, r);
}

static int attach(int fd, struct sock_filter *f, unsigned short n) {
  struct sock_fprog prog = {n, f};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

/* UDP over IPv4 to port 9999, on a frame from its Ethernet header (tcpdump -dd 'udp dst port 9999', IPv4 part),
 * keeping `keep` bytes. */
static struct sock_filter udp9999[] = {
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),
    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 9999, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0x40000),
    BPF_STMT(BPF_RET | BPF_K, 0),
};

static void sendudp(int port, const char *msg) {
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(u, msg, strlen(msg), 0, (struct sockaddr *)&to, sizeof to);
  close(u);
}

/* Reads what is queued (until EAGAIN) with recvmsg, printing each frame and its PACKET_AUXDATA if any. */
static void drain(int fd, const char *who) {
  for (;;) {
    unsigned char buf[2048];
    union {
      struct cmsghdr c;
      char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } cm;
    struct sockaddr_ll from;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cm, .msg_controllen = sizeof cm};
    ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);
    if (n < 0) {
      printf("%s: end %s\n", who, strerror(errno));
      return;
    }
    printf("%s: %zd bytes pkttype %d flags %s", who, n, from.sll_pkttype, m.msg_flags & MSG_TRUNC ? "trunc" : "-");
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
      if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
        struct tpacket_auxdata a;
        memcpy(&a, CMSG_DATA(c), sizeof a);
        printf(" aux datalen=%u status=%u tp_len=%u snaplen=%u mac=%u net=%u vlan=%u", (unsigned)(c->cmsg_len - CMSG_LEN(0)), a.tp_status, a.tp_len, a.tp_snaplen, a.tp_mac, a.tp_net, a.tp_vlan_tci);
      }
    }
    printf("\n");
  }
}

static void stats(int fd) {
  struct tpacket_stats st;
  socklen_t len = sizeof st;
  int r = getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len);
  if (r < 0) show("statistics", r);
  else printf("statistics: packets %u drops %u len %u\n", st.tp_packets, st.tp_drops, (unsigned)len);
}

int main(void) {
  int fd = socket(AF_PACKET, SOCK_RAW, 0);
  if (fd < 0) {
    printf("socket: %s\n", strerror(errno));
    return 1;
  }
  struct sock_filter ret0[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
  struct sock_filter badop[] = {{0xff, 0, 0, 0}, BPF_STMT(BPF_RET | BPF_K, 0)};
  struct sock_filter farjump[] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5), BPF_STMT(BPF_RET | BPF_K, 0)};
  struct sock_filter noret[] = {BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0)};
  struct sock_filter divzero[] = {BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), BPF_STMT(BPF_RET | BPF_A, 0)};
  struct sock_filter unset[] = {BPF_STMT(BPF_LD | BPF_MEM, 2), BPF_STMT(BPF_RET | BPF_A, 0)};
  struct sock_fprog prog = {1, ret0};
  int one = 1;

  /* The errors of an attach, detach and lock. */
  show("detach none", setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof one));
  show("attach short optlen", setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog - 1));
  show("attach long optlen", setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog + 4));
  show("attach null optval", setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, NULL, sizeof prog));
  show("attach len 0", attach(fd, ret0, 0));
  show("attach null filter", attach(fd, NULL, 1));
  show("attach bad filter pointer", attach(fd, (struct sock_filter *)(uintptr_t)0xfffffff0u, 1));
  show("attach bad opcode", attach(fd, badop, N(badop)));
  show("attach jump out of range", attach(fd, farjump, N(farjump)));
  show("attach no ret", attach(fd, noret, N(noret)));
  show("attach div by 0", attach(fd, divzero, N(divzero)));
  show("attach unset memory", attach(fd, unset, N(unset)));
  show("attach len 4097", attach(fd, ret0, 4097));

  /* A good filter, read back with SO_GET_FILTER (the length counts instructions). */
  show("attach udp 9999", attach(fd, udp9999, N(udp9999)));
  struct sock_filter back[16];
  socklen_t blen = 0;
  show("get filter len 0", getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, back, &blen));
  printf("get filter optlen %u\n", (unsigned)blen);
  blen = 3;
  show("get filter too short", getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, back, &blen));
  blen = N(back);
  show("get filter", getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, back, &blen));
  printf("get filter optlen %u same %d\n", (unsigned)blen, memcmp(back, udp9999, sizeof udp9999) == 0);

  /* SOL_PACKET options. */
  blen = N(back);
  show("get filter null", getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, NULL, &blen));
  printf("get filter optlen %u\n", (unsigned)blen);
  show("auxdata null", setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, NULL, 4));
  show("ignore outgoing null", setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, NULL, 4));
  show("membership null", setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, NULL, 16));
  show("auxdata short", setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, 2));
  show("auxdata on", setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one));
  int v = -1;
  socklen_t vl = sizeof v;
  show("get auxdata", getsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &v, &vl));
  printf("auxdata %d len %u\n", v, (unsigned)vl);
  int two = 2;
  show("ignore outgoing 2", setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &two, sizeof two));
  show("ignore outgoing long", setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, 8));
  show("statistics set", setsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &one, sizeof one));
  show("ip level on packet", setsockopt(fd, SOL_IP, IP_TTL, &one, sizeof one));
  vl = sizeof v;
  show("get ip level on packet", getsockopt(fd, SOL_IP, IP_TTL, &v, &vl));
  struct packet_mreq mr = {0};
  mr.mr_ifindex = 99;
  mr.mr_type = PACKET_MR_PROMISC;
  show("membership bad ifindex", setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr));
  mr.mr_ifindex = if_nametoindex("lo");
  show("membership short", setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr - 1));
  mr.mr_alen = 9;
  show("membership alen 9", setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr));
  mr.mr_alen = 0;
  show("drop membership none", setsockopt(fd, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, sizeof mr));
  show("add promisc", setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr));
  show("drop promisc", setsockopt(fd, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, sizeof mr));
  show("drop promisc again", setsockopt(fd, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, sizeof mr));
  mr.mr_type = PACKET_MR_MULTICAST;
  mr.mr_alen = 3;
  show("add multicast alen 3", setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr));

  /* Now listen on lo: only the UDP datagrams to 9999 pass, out and in. */
  struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = if_nametoindex("lo")};
  show("bind lo", bind(fd, (struct sockaddr *)&sll, sizeof sll));
  stats(fd);
  sendudp(9998, "nope");
  sendudp(9999, "hello");
  drain(fd, "sniff");
  stats(fd);
  stats(fd);

  /* Keep only 45 bytes (headers and 3 bytes of payload), and no outgoing copies. */
  udp9999[9].k = 45;
  show("attach keep 45", attach(fd, udp9999, N(udp9999)));
  show("ignore outgoing on", setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one));
  sendudp(9999, "hello");
  drain(fd, "keep45");
  stats(fd);

  /* A locked filter can be neither replaced nor removed, nor unlocked. */
  show("lock", setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof one));
  show("attach locked", attach(fd, ret0, 1));
  show("detach locked", setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof one));
  int zero = 0;
  show("unlock", setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &zero, sizeof zero));
  vl = sizeof v;
  show("get lock", getsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &v, &vl));
  printf("lock %d\n", v);
  close(fd);

  /* SOCK_DGRAM: the filter sees the frame from its IP header; SKF_AD_PROTOCOL is the ethertype, SKF_LL_OFF
   * reaches the Ethernet header. Keep IPv4 UDP to 9999 whose link-layer type field says IPv4, cut to 30 bytes. */
  int c = socket(AF_PACKET, SOCK_DGRAM, 0);
  struct sock_filter cookedf[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 7),
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_LL_OFF + 12),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 5),
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 3),
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 22),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 9999, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 30),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  show("cooked attach", attach(c, cookedf, N(cookedf)));
  show("cooked auxdata", setsockopt(c, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one));
  sll.sll_protocol = htons(ETH_P_ALL);
  show("cooked bind lo", bind(c, (struct sockaddr *)&sll, sizeof sll));
  sendudp(9998, "nope");
  sendudp(9999, "hello");
  drain(c, "cooked");
  stats(c);
  close(c);

  /* A UDP socket's filter sees the datagram from its UDP header; SKF_NET_OFF reaches the IP header. Keep
   * the datagrams starting with 'h', cut to 2 bytes of payload. */
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9996)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  show("udp bind", bind(u, (struct sockaddr *)&a, sizeof a));
  struct sock_filter udpf[] = {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_NET_OFF + 9),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 4),
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 9996, 0, 2),
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'h', 1, 0),
      BPF_STMT(BPF_RET | BPF_K, 0),
      BPF_STMT(BPF_RET | BPF_K, 10),
  };
  show("udp attach", attach(u, udpf, N(udpf)));
  sendudp(9996, "world");
  sendudp(9996, "hello");
  for (;;) {
    char buf[64];
    ssize_t n = recv(u, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      printf("udp: end %s\n", strerror(errno));
      break;
    }
    printf("udp: %zd bytes %.*s\n", n, (int)n, buf);
  }
  close(u);

  /* A raw IP socket's filter sees the IP header at 0: keep the IP and UDP headers of the datagrams to 9997. */
  int r = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
  struct sock_filter rawf[] = {
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 22),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 9997, 0, 3),
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
      BPF_STMT(BPF_MISC | BPF_TXA, 0),
      BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 8),
      BPF_STMT(BPF_RET | BPF_A, 0),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  rawf[1].jf = 4;
  show("raw attach", attach(r, rawf, N(rawf)));
  sendudp(9995, "other");
  sendudp(9997, "hello");
  for (;;) {
    unsigned char buf[64];
    ssize_t n = recv(r, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      printf("raw: end %s\n", strerror(errno));
      break;
    }
    printf("raw: %zd bytes proto %d dport %d\n", n, buf[9], n >= 24 ? (buf[22] << 8) | buf[23] : -1);
  }
  close(r);
  return 0;
}
