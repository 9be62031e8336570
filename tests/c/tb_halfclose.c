/* readn/writen (UNP 3.9) over a TCP stream with a half-close: the client
 * writes a large request with writen, shutdown(SHUT_WR)s to say it is done,
 * and reads the reply to EOF; the server reads to EOF with readn, answers
 * with a summary, and closes. Partial reads and writes are the loops' job. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define REQUEST 200000

static ssize_t readn(int fd, void *vptr, size_t n) {
  size_t nleft = n;
  char *ptr = vptr;
  while (nleft > 0) {
    ssize_t nread = read(fd, ptr, nleft);
    if (nread < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (nread == 0) break; /* EOF */
    nleft -= nread;
    ptr += nread;
  }
  return n - nleft;
}

static ssize_t writen(int fd, const void *vptr, size_t n) {
  size_t nleft = n;
  const char *ptr = vptr;
  while (nleft > 0) {
    ssize_t nwritten = write(fd, ptr, nleft);
    if (nwritten <= 0) {
      if (nwritten < 0 && errno == EINTR) continue;
      return -1;
    }
    nleft -= nwritten;
    ptr += nwritten;
  }
  return n;
}

static char big[REQUEST];

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = 0;
  if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(lfd, 1) < 0) { perror("bind/listen"); return 1; }
  socklen_t len = sizeof sin;
  getsockname(lfd, (struct sockaddr *)&sin, &len);

  pid_t pid = fork();
  if (pid == 0) {
    close(lfd);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0) { perror("connect"); exit(1); }
    for (int i = 0; i < REQUEST; i++) big[i] = 'a' + i % 26;
    ssize_t w = writen(fd, big, REQUEST);
    if (shutdown(fd, SHUT_WR) < 0) perror("shutdown");
    /* Writing after SHUT_WR: EPIPE (SIGPIPE ignored). */
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    ssize_t late = write(fd, "x", 1);
    int late_errno = errno;
    char reply[256];
    ssize_t r = readn(fd, reply, sizeof reply - 1);
    reply[r > 0 ? r : 0] = 0;
    ssize_t again = read(fd, reply + 200, 1);
    printf("client: wrote %zd, write after shutdown %zd (%s), reply %zd bytes: %s", w, late, strerror(late_errno), r, reply);
    printf("client: read at EOF again returns %zd\n", again);
    close(fd);
    exit(0);
  }
  int cfd = accept(lfd, NULL, NULL);
  close(lfd);
  static char in[REQUEST + 1000];
  ssize_t n = readn(cfd, in, sizeof in);
  unsigned int sum = 0; /* 32 bits on both ABIs */
  for (ssize_t i = 0; i < n; i++) sum = sum * 31 + (unsigned char)in[i];
  char reply[128];
  int m = snprintf(reply, sizeof reply, "got %zd bytes, hash %u, last '%c'\n", n, sum % 1000003, n > 0 ? in[n - 1] : '?');
  /* The client's half-close leaves the other direction open. */
  if (writen(cfd, reply, m) != m) perror("writen");
  close(cfd);
  int status;
  waitpid(pid, &status, 0);
  printf("server: read %zd bytes to EOF; client exited %d\n", n, WEXITSTATUS(status));
  return 0;
}
