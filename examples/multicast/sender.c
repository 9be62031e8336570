/* sender.c -- sends COUNT datagrams to a multicast group or a broadcast
 * address, INTERVAL milliseconds apart.
 *   sender ADDRESS PORT COUNT [INTERVAL_MS [TTL]]
 * A group address gets IP_MULTICAST_TTL (default 1: this LAN); any other
 * address is sent with SO_BROADCAST on, as a broadcast needs. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  if (argc < 4) {
    fprintf(stderr, "usage: sender ADDRESS PORT COUNT [INTERVAL_MS [TTL]]\n");
    return 2;
  }
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons(atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
    fprintf(stderr, "sender: bad address %s\n", argv[1]);
    return 2;
  }
  int count = atoi(argv[3]), interval = argc > 4 ? atoi(argv[4]) : 10;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  if (IN_MULTICAST(ntohl(to.sin_addr.s_addr))) {
    if (argc > 5) {
      unsigned char ttl = (unsigned char)atoi(argv[5]);
      if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0) perror("setsockopt IP_MULTICAST_TTL");
    }
  } else {
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0) perror("setsockopt SO_BROADCAST");
  }
  for (int i = 1; i <= count; i++) {
    char msg[64];
    snprintf(msg, sizeof msg, "message %d", i);
    if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&to, sizeof to) < 0) perror("sendto");
    struct timespec ts = { interval / 1000, (interval % 1000) * 1000000L };
    nanosleep(&ts, NULL);
  }
  printf("sender: sent %d datagrams to %s:%s\n", count, argv[1], argv[2]);
  close(fd);
  return 0;
}
