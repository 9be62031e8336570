/* Unprivileged ICMP echo sockets, socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP),
 * as Linux runs them when net.ipv4.ping_group_range holds the caller's
 * group (Debian's systemd sets 0..2147483647; this machine's "1 0" refuses
 * them with EACCES, so there is no native reference: tests/net-guest.test.ts
 * checks the output against Linux's documented behaviour). The kernel
 * rewrites the echo identifier to the socket's "port" and fills in the
 * checksum; the reply comes back without an IP header, from port 0. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define R(what, call) do { errno = 0; long r_ = (call); printf("%s: %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : "ok"); } while (0)

int main(void) {
  int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
  if (s < 0) return perror("socket"), 1;
  int proto = -1;
  socklen_t pl = sizeof proto;
  getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &proto, &pl);
  printf("SO_PROTOCOL: %d\n", proto);
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  unsigned char req[16] = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g', '!', '!', '!', '!'};
  R("send an echo reply instead", (req[0] = 0, sendto(s, req, sizeof req, 0, (struct sockaddr *)&to, sizeof to)));
  req[0] = 8;
  R("send 4 bytes", sendto(s, req, 4, 0, (struct sockaddr *)&to, sizeof to));
  R("send an echo request", sendto(s, req, sizeof req, 0, (struct sockaddr *)&to, sizeof to));
  struct sockaddr_in me;
  socklen_t ml = sizeof me;
  getsockname(s, (struct sockaddr *)&me, &ml);
  printf("identifier (port): %d\n", ntohs(me.sin_port));
  unsigned char rep[64];
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  long n = recvfrom(s, rep, sizeof rep, 0, (struct sockaddr *)&from, &fl);
  printf("reply: %ld bytes from %s port %d, type %d code %d, id %d seq %d, payload %.8s\n", n, inet_ntoa(from.sin_addr), ntohs(from.sin_port), rep[0], rep[1],
         (rep[4] << 8) | rep[5], (rep[6] << 8) | rep[7], rep + 8);
  unsigned long sum = 0;
  for (long i = 0; i + 1 < n; i += 2) sum += (rep[i] << 8) | rep[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  printf("checksum valid: %s\n", sum == 0xffff ? "yes" : "no");

  int t = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
  struct sockaddr_in b = {0};
  b.sin_family = AF_INET;
  b.sin_port = htons(77);
  R("bind identifier 77 (no privilege needed)", bind(t, (struct sockaddr *)&b, sizeof b));
  R("send", sendto(t, req, sizeof req, 0, (struct sockaddr *)&to, sizeof to));
  n = recv(t, rep, sizeof rep, 0);
  printf("reply id %d\n", (rep[4] << 8) | rep[5]);
  R("nothing for the first socket", recv(s, rep, sizeof rep, MSG_DONTWAIT));
  return 0;
}
