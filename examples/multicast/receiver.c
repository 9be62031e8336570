/* receiver.c -- joins a multicast group (or, for a broadcast address, just
 * listens) on PORT and prints every datagram until none came for a second;
 * after LEAVE datagrams it drops its membership.
 *   receiver ADDRESS PORT [LEAVE] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  if (argc < 3) {
    fprintf(stderr, "usage: receiver ADDRESS PORT [LEAVE]\n");
    return 2;
  }
  int leave = argc > 3 ? atoi(argv[3]) : -1;
  int fd = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in me;
  memset(&me, 0, sizeof me);
  me.sin_family = AF_INET;
  me.sin_port = htons(atoi(argv[2]));
  me.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, (struct sockaddr *)&me, sizeof me) < 0) {
    perror("bind");
    return 1;
  }
  struct ip_mreq mreq;
  memset(&mreq, 0, sizeof mreq);
  inet_pton(AF_INET, argv[1], &mreq.imr_multiaddr);
  mreq.imr_interface.s_addr = htonl(INADDR_ANY);
  int group = IN_MULTICAST(ntohl(mreq.imr_multiaddr.s_addr));
  if (group && setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0) {
    perror("setsockopt IP_ADD_MEMBERSHIP");
    return 1;
  }
  int got = 0;
  struct pollfd p = { fd, POLLIN, 0 };
  while (poll(&p, 1, 1000) > 0) {
    char buf[128], from[INET_ADDRSTRLEN];
    struct sockaddr_in src;
    socklen_t len = sizeof src;
    ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&src, &len);
    if (n < 0) {
      perror("recvfrom");
      return 1;
    }
    buf[n] = '\0';
    printf("receiver: \"%s\" from %s\n", buf, inet_ntop(AF_INET, &src.sin_addr, from, sizeof from));
    if (++got == leave && group) {
      if (setsockopt(fd, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq, sizeof mreq) < 0) perror("setsockopt IP_DROP_MEMBERSHIP");
      else printf("receiver: left %s\n", argv[1]);
    }
  }
  printf("receiver: %d datagrams\n", got);
  close(fd);
  return 0;
}
