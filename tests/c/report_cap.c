// Many calls for tests/report-cap.test.ts: a parent and a forked child, a
// TCP connection early and a datagram mid-run between them, one failed
// call each in the middle of a long loop of cheap calls, different exits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sockaddr_in at(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 3000;
  struct sockaddr_in ta = at(7100), ua = at(7101);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(l, (struct sockaddr *)&ta, sizeof ta) || listen(l, 1)) return perror("listen"), 1;
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  if (bind(u, (struct sockaddr *)&ua, sizeof ua)) return perror("bind udp"), 1;
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&ta, sizeof ta)) return perror("connect"), 1;
    write(c, "hello", 5);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ca = at(7102);
    bind(s, (struct sockaddr *)&ca, sizeof ca);
    for (long i = 0; i < n; i++) {
      if (i == n / 2) {
        close(9999);  // fails: EBADF
        sendto(s, "ping", 4, 0, (struct sockaddr *)&ua, sizeof ua);
      }
      getppid();
    }
    return 3;
  }
  int a = accept(l, 0, 0);
  char buf[16];
  read(a, buf, 5);
  for (long i = 0; i < n; i++) {
    if (i == n / 2) {
      close(8888);  // fails: EBADF
      struct sockaddr_in from;
      socklen_t fl = sizeof from;
      recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    }
    getpid();
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exited with %d\n", WEXITSTATUS(st));
  return 0;
}
