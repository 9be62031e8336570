/* echo_server PORT COUNT: the model solution (instructor's code; also the
 * "correct" submission the grader's tests use).
 * Accepts COUNT connections one after another, echoes each until EOF,
 * closes it, then closes the listening socket and exits 0. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* write() may send less than asked: loop until everything is out. */
static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PORT COUNT\n", argv[0]); return 2; }
  int count = atoi(argv[2]);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  if (lfd < 0) { perror("socket"); return 1; }
  int on = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  if (listen(lfd, 16) < 0) { perror("listen"); return 1; }
  for (int served = 0; served < count;) {
    int cfd = accept(lfd, NULL, NULL);
    if (cfd < 0) {
      if (errno == EINTR) continue;
      perror("accept");
      return 1;
    }
    char buf[4096];
    for (;;) {
      ssize_t r = read(cfd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      if (write_all(cfd, buf, (size_t)r) < 0) { perror("write"); break; }
    }
    close(cfd);
    served++;
  }
  close(lfd);
  return 0;
}
