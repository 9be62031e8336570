/* Talks to a peer that resets the connection mid-transfer and reports the
 * errno it gets, as a Linux program would see it.
 * usage: real_peer_reset HOST PORT write|read
 *   write: sends 64 KiB chunks until send fails (SIGPIPE ignored)
 *   read:  reads until recv fails or returns 0 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s HOST PORT write|read\n", argv[0]); return 2; }
  signal(SIGPIPE, SIG_IGN);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2])) };
  inet_pton(AF_INET, argv[1], &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
  static char buf[65536];
  long total = 0;
  if (strcmp(argv[3], "write") == 0) {
    memset(buf, 'x', sizeof buf);
    for (;;) {
      ssize_t k = send(fd, buf, sizeof buf, 0);
      if (k < 0) {
        printf("send failed after %s: %s\n", total > 0 ? "some data" : "nothing", errno == EPIPE ? "EPIPE" : errno == ECONNRESET ? "ECONNRESET" : strerror(errno));
        break;
      }
      total += k;
      if (total > (1L << 30)) { printf("peer never reset\n"); break; }
    }
  } else {
    for (;;) {
      ssize_t k = recv(fd, buf, sizeof buf, 0);
      if (k < 0) { printf("recv failed after %ld bytes: %s\n", total, errno == ECONNRESET ? "ECONNRESET" : strerror(errno)); break; }
      if (k == 0) { printf("EOF after %ld bytes\n", total); break; }
      total += k;
    }
  }
  close(fd);
  return 0;
}
