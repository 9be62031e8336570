/* Issue #11: the ephemeral range runs out (UDP autobind: EAGAIN, as inet_autobind), later attempts fail at once, and a released port is used again. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
int main(void) {
  struct sockaddr_in a; memset(&a, 0, sizeof a); a.sin_family = AF_INET; a.sin_port = htons(9); inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int first = -1, n = 0;
  for (;;) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) { printf("socket: %s\n", strerror(errno)); return 1; }
    if (first < 0) first = s;
    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) { printf("after %d: %s\n", n, strerror(errno)); close(s); break; }
    n++;
  }
  int fails = 0;
  for (int i = 0; i < 2000; i++) { int s = socket(AF_INET, SOCK_DGRAM, 0); if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) fails++; close(s); }
  printf("2000 more: %d failed\n", fails);
  close(first);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  printf("after a close: %s\n", connect(s, (struct sockaddr *)&a, sizeof a) == 0 ? "connected" : strerror(errno));
  return 0;
}
