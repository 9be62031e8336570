/* socketpair() + fork, the parent/child dialogue of APUE 17.2 and TLPI 57.5:
 * each side closes the end it does not use, the parent sends requests and
 * the child answers; the child half-closes with shutdown(SHUT_WR) and the
 * parent reads EOF yet can still write; a SOCK_DGRAM pair keeps message
 * boundaries (a short buffer truncates, MSG_TRUNC gives the real length);
 * an unnamed pair's getsockname/getpeername are just the family; once the
 * child has gone, a write is EPIPE (SIGPIPE ignored). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) { perror("socketpair"); return 1; }
  struct sockaddr_un un;
  socklen_t len = sizeof un;
  memset(&un, 0x55, sizeof un);
  getsockname(sv[0], (struct sockaddr *)&un, &len);
  printf("getsockname: len %u family %s\n", (unsigned)len, un.sun_family == AF_UNIX ? "AF_UNIX" : "?");
  len = sizeof un;
  getpeername(sv[0], (struct sockaddr *)&un, &len);
  printf("getpeername: len %u\n", (unsigned)len);

  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    char buf[64];
    ssize_t n;
    int served = 0;
    /* Each request is one write; the parent waits for each answer, so each read is one request. */
    while ((n = read(sv[1], buf, sizeof buf)) > 0) {
      if (n == 4 && memcmp(buf, "done", 4) == 0) break;
      char out[80];
      int m = snprintf(out, sizeof out, "child: %.*s (%zd bytes)", (int)n, buf, n);
      write(sv[1], out, m);
      served++;
    }
    shutdown(sv[1], SHUT_WR);
    /* The parent can still talk to us after our half-close. */
    n = read(sv[1], buf, sizeof buf);
    printf("child: after shutdown, read '%.*s'\n", (int)(n > 0 ? n : 0), buf);
    close(sv[1]);
    _exit(served);
  }
  close(sv[1]);
  const char *reqs[] = {"ping", "what time is it", "bye"};
  for (int i = 0; i < 3; i++) {
    write(sv[0], reqs[i], strlen(reqs[i]));
    char buf[80];
    ssize_t n = read(sv[0], buf, sizeof buf);
    printf("parent: '%.*s'\n", (int)n, buf);
  }
  write(sv[0], "done", 4);
  char buf[80];
  ssize_t n = read(sv[0], buf, sizeof buf);
  printf("parent: read after the child's shutdown: %zd\n", n);
  ssize_t w = write(sv[0], "still here", 10);
  int st;
  waitpid(pid, &st, 0);
  printf("parent: write after it: %zd\n", w);
  printf("parent: child served %d\n", WEXITSTATUS(st));
  errno = 0;
  n = write(sv[0], "x", 1);
  printf("parent: write with the child gone: %zd %s\n", n, strerror(errno));
  close(sv[0]);

  /* A datagram pair: one message per read, truncated to the buffer. */
  int dv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, dv);
  pid = fork();
  if (pid == 0) {
    close(dv[0]);
    send(dv[1], "first message", 13, 0);
    send(dv[1], "second", 6, 0);
    send(dv[1], "", 0, 0);
    send(dv[1], "a longer third message", 22, 0);
    close(dv[1]);
    _exit(0);
  }
  close(dv[1]);
  waitpid(pid, NULL, 0);
  char small[8];
  for (int i = 0; i < 3; i++) {
    n = recv(dv[0], small, sizeof small, 0);
    printf("dgram: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), small);
  }
  n = recv(dv[0], small, sizeof small, MSG_TRUNC);
  printf("dgram MSG_TRUNC: %zd '%.*s'\n", n, (int)(n > 0 && n <= (ssize_t)sizeof small ? n : sizeof small), small);
  n = recv(dv[0], small, sizeof small, MSG_DONTWAIT);
  printf("dgram with the writer gone: %zd %s\n", n, n < 0 ? strerror(errno) : "");
  close(dv[0]);
  return 0;
}
