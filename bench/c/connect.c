/* Connections set up and torn down per second over TCP on 127.0.0.1.
 * usage: connect server PORT N | connect client PORT N */
#include <arpa/inet.h>
#include <netinet/in.h>
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
  char c = 0;
  if (!strcmp(argv[1], "server")) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 128)) { perror("bind/listen"); return 1; }
    for (long i = 0; i < n; i++) {
      int s = accept(l, NULL, NULL);
      if (s < 0 || read(s, &c, 1) != 1) return 1;
      close(s);
    }
    return 0;
  }
  for (long i = 0; i < n; i++) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    for (int tries = 0; connect(s, (struct sockaddr *)&a, sizeof a) < 0; tries++) {
      /* The server did not come up (its bind failed): give up after ~10 s rather than wait forever. */
      if (tries == 10000) { perror("connect"); return 1; }
      close(s);
      usleep(1000);
      s = socket(AF_INET, SOCK_STREAM, 0);
    }
    if (write(s, &c, 1) != 1) return 1;
    close(s);
  }
  return 0;
}
