/* 1-byte ping-pong round trips over TCP on 127.0.0.1.
 * usage: pingpong server PORT N | pingpong client PORT N */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s server|client PORT N\n", argv[0]); return 2; }
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[2]));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  long n = atol(argv[3]);
  int on = 1;
  char c = 'x';
  if (!strcmp(argv[1], "server")) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1)) { perror("bind/listen"); return 1; }
    int s = accept(l, NULL, NULL);
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    for (long i = 0; i < n; i++) {
      if (read(s, &c, 1) != 1 || write(s, &c, 1) != 1) return 1;
    }
    return 0;
  }
  int s = socket(AF_INET, SOCK_STREAM, 0);
  /* The server may not listen yet; one that never does (its bind failed) ends the run after ~10 s. */
  for (int tries = 0; connect(s, (struct sockaddr *)&a, sizeof a) < 0; tries++) {
    if (tries == 10000) { perror("connect"); return 1; }
    usleep(1000);
  }
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  for (long i = 0; i < n; i++) {
    if (write(s, &c, 1) != 1 || read(s, &c, 1) != 1) return 1;
  }
  return 0;
}
