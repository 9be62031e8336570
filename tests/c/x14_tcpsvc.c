/* x14_inetd's TCP service: only stdin and stdout, the connection after exec.
 * getpeername(0) names the client: its port goes back so the client can
 * check it is its own; then one line, upper-cased. */
#include <ctype.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  if (getpeername(0, (struct sockaddr *)&peer, &len) < 0) { printf("getpeername(0): failed\n"); return 1; }
  int type = 0;
  socklen_t tl = sizeof type;
  getsockopt(1, SOL_SOCKET, SO_TYPE, &type, &tl);
  printf("tcpsvc: peer %s port %d, stdout %s\n", peer.sin_family == AF_INET ? "AF_INET" : "?", ntohs(peer.sin_port), type == SOCK_STREAM ? "SOCK_STREAM" : "?");
  fflush(stdout);
  char line[256];
  if (fgets(line, sizeof line, stdin)) {
    for (char *p = line; *p; p++) *p = toupper((unsigned char)*p);
    printf("%s", line);
  }
  return 0;
}
