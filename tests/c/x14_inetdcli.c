/* A client of x14_inetd: a TCP exchange (is the port the service saw ours?),
 * then one UDP datagram and its answer.
 * usage: x14_inetdcli HOST TCPPORT UDPPORT WORD */
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct addrinfo *resolve(const char *h, const char *port, int type) {
  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = type }, *res;
  int e = getaddrinfo(h, port, &hints, &res);
  if (e) { fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(e)); exit(1); }
  return res;
}

int main(int argc, char *argv[]) {
  if (argc < 5) { fprintf(stderr, "usage: x14_inetdcli HOST TCPPORT UDPPORT WORD\n"); return 2; }
  struct addrinfo *ta = resolve(argv[1], argv[2], SOCK_STREAM);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, ta->ai_addr, ta->ai_addrlen) < 0) { perror("connect"); return 1; }
  struct sockaddr_in me;
  socklen_t len = sizeof me;
  getsockname(fd, (struct sockaddr *)&me, &len);
  char buf[512], expect[64];
  snprintf(expect, sizeof expect, "port %d,", ntohs(me.sin_port));
  dprintf(fd, "%s\n", argv[4]);
  shutdown(fd, SHUT_WR);
  size_t got = 0;
  ssize_t n;
  while (got < sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0) got += n;
  buf[got] = 0;
  char *nl = strchr(buf, '\n');
  printf("tcp: service saw our port: %s\n", strstr(buf, expect) && (!nl || strstr(buf, expect) < nl) ? "yes" : "no");
  printf("tcp: %s", nl ? nl + 1 : buf);
  close(fd);
  struct addrinfo *ua = resolve(argv[1], argv[3], SOCK_DGRAM);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(u, argv[4], strlen(argv[4]), 0, ua->ai_addr, ua->ai_addrlen);
  n = recv(u, buf, sizeof buf - 1, 0);
  buf[n < 0 ? 0 : n] = 0;
  printf("udp: %s\n", buf);
  return 0;
}
