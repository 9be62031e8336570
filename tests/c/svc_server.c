/* The textbook server that never exits: while (1) accept, echo, close.
 * usage: svc_server PORT [term=default|ignore|handle] [clients=N]
 * term: what it does with SIGTERM; clients: exit(0) after N clients
 * (a service that leaves early). Default: serve forever. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_term(int sig) { (void)sig; }

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT [term=...] [clients=N]\n", argv[0]); return 2; }
  int limit = -1;
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "term=ignore")) signal(SIGTERM, SIG_IGN);
    else if (!strcmp(argv[i], "term=handle")) signal(SIGTERM, on_term);
    else if (!strncmp(argv[i], "clients=", 8)) limit = atoi(argv[i] + 8);
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  if (listen(lfd, 16) < 0) { perror("listen"); return 1; }
  printf("listening on port %s\n", argv[1]);
  for (int served = 0; limit < 0 || served < limit; served++) {
    int c = accept(lfd, NULL, NULL);
    if (c < 0) { perror("accept"); continue; }
    char buf[512];
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) > 0) write(c, buf, (size_t)n);
    close(c);
    printf("served client %d\n", served + 1);
  }
  return 0;
}
