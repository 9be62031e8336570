/* A UDP echo server and client (UNP chapter 8): recvfrom/sendto on the
 * server, a connect()ed client using send/recv, a read timeout with
 * SO_RCVTIMEO (EAGAIN when nothing comes back), and the asynchronous error
 * a connected UDP socket reports when its datagram finds no socket. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void server(int fd) {
  char buf[256];
  struct sockaddr_in cli;
  for (;;) {
    socklen_t len = sizeof cli;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&cli, &len);
    if (n < 0) { perror("recvfrom"); exit(1); }
    if (n == 4 && memcmp(buf, "quit", 4) == 0) break;
    if (n >= 4 && memcmp(buf, "drop", 4) == 0) continue; /* no answer: the client times out */
    sendto(fd, buf, n, 0, (struct sockaddr *)&cli, len);
  }
  close(fd);
  exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sfd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in serv;
  memset(&serv, 0, sizeof serv);
  serv.sin_family = AF_INET;
  serv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(sfd, (struct sockaddr *)&serv, sizeof serv);
  socklen_t len = sizeof serv;
  getsockname(sfd, (struct sockaddr *)&serv, &len);
  pid_t pid = fork();
  if (pid == 0) server(sfd);
  close(sfd);

  /* Unconnected client: sendto and recvfrom, checking who answered. */
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  char buf[256];
  const char *msgs[] = {"hello", "udp echo", ""};
  for (int i = 0; i < 3; i++) {
    sendto(fd, msgs[i], strlen(msgs[i]), 0, (struct sockaddr *)&serv, sizeof serv);
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &flen);
    buf[n > 0 ? n : 0] = 0;
    printf("echo %zd '%s' from server: %s\n", n, buf, from.sin_port == serv.sin_port && flen == sizeof from ? "yes" : "no");
  }
  /* A datagram larger than the buffer: the rest is discarded, MSG_TRUNC tells the real length. */
  char big[100];
  memset(big, 'z', sizeof big);
  sendto(fd, big, sizeof big, 0, (struct sockaddr *)&serv, sizeof serv);
  ssize_t n = recvfrom(fd, buf, 10, MSG_TRUNC, NULL, NULL);
  printf("truncated echo: recvfrom with MSG_TRUNC returned %zd\n", n);
  close(fd);

  /* Connected client with a read timeout. */
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct timeval tv = {0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  connect(fd, (struct sockaddr *)&serv, sizeof serv);
  send(fd, "connected", 9, 0);
  n = recv(fd, buf, sizeof buf - 1, 0);
  buf[n > 0 ? n : 0] = 0;
  printf("connected echo %zd '%s'\n", n, buf);
  send(fd, "drop me", 7, 0);
  errno = 0;
  n = recv(fd, buf, sizeof buf, 0);
  printf("no answer: recv %zd, %s\n", n, errno == EAGAIN || errno == EWOULDBLOCK ? "EAGAIN (timeout)" : strerror(errno));
  struct timeval got;
  socklen_t glen = sizeof got;
  getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &got, &glen);
  printf("SO_RCVTIMEO reads back %ld.%06ld\n", (long)got.tv_sec, (long)got.tv_usec);
  /* The kernel keeps timeouts in jiffies: 1.5 ms comes back rounded up to one (4 ms with HZ=250). */
  struct timeval odd = {0, 1500};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &odd, sizeof odd);
  glen = sizeof got;
  getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &got, &glen);
  printf("1.5 ms reads back rounded up to a jiffy: %s\n", got.tv_sec == 0 && got.tv_usec > 1500 && got.tv_usec <= 10000 && 1000000 % got.tv_usec == 0 ? "yes" : "no");
  /* A negative timeout is a timeout of 0: the call does not wait at all. */
  struct timeval neg = {-1, 0};
  int sr = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &neg, sizeof neg);
  glen = sizeof got;
  getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &got, &glen);
  errno = 0;
  n = recv(fd, buf, sizeof buf, 0);
  printf("negative SO_RCVTIMEO: setsockopt %d, reads back %ld.%06ld, recv %zd %s\n", sr, (long)got.tv_sec, (long)got.tv_usec, n, errno == EAGAIN ? "EAGAIN" : strerror(errno));
  struct timeval bad = {0, 1000000};
  errno = 0;
  sr = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof bad);
  printf("tv_usec 1000000: %d %s\n", sr, errno == EDOM ? "EDOM" : strerror(errno));
  send(fd, "quit", 4, 0);
  close(fd);
  int status;
  waitpid(pid, &status, 0);
  printf("server exited %d\n", WEXITSTATUS(status));

  /* The server is gone: a connected socket learns of the ICMP port unreachable on its next call. */
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  connect(fd, (struct sockaddr *)&serv, sizeof serv);
  n = send(fd, "anyone?", 7, 0);
  printf("send to closed port: %zd\n", n);
  errno = 0;
  n = recv(fd, buf, sizeof buf, 0);
  printf("recv after it: %zd %s\n", n, strerror(errno));
  errno = 0;
  n = recv(fd, buf, sizeof buf, 0);
  printf("recv again: %zd %s\n", n, errno == EAGAIN ? "EAGAIN (timeout)" : strerror(errno));
  close(fd);
  return 0;
}
