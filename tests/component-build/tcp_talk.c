/* A TCP client for the component build tests: connects to 127.0.0.1:PORT,
 * sends with send() and write(), reads the echo with recv() and read(),
 * then checks the errors of wrong steps. Prints one line per step.
 * usage: tcp_talk PORT */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void say(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int port = argc > 1 ? atoi(argv[1]) : 7000;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  say("socket is 3 or more", fd >= 3 ? 1 : fd);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  say("connect", connect(fd, (struct sockaddr *)&a, sizeof a));
  say("connect again", connect(fd, (struct sockaddr *)&a, sizeof a));
  say("send", send(fd, "abc\n", 4, 0));
  say("write", write(fd, "def\n", 4));
  char buf[64];
  size_t got = 0;
  while (got < 8) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 5000) != 1 || !(p.revents & POLLIN)) break;
    ssize_t n = got ? read(fd, buf + got, sizeof buf - got) : recv(fd, buf + got, sizeof buf - got, 0);
    if (n <= 0) break;
    got += (size_t)n;
  }
  printf("echo: %.*s", (int)got, buf);
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  say("getpeername", getpeername(fd, (struct sockaddr *)&peer, &len));
  printf("peer port matches: %d\n", ntohs(peer.sin_port) == port);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  say("nonblocking recv", recv(fd, buf, sizeof buf, 0));
  say("close", close(fd));
  say("send after close", send(fd, "x", 1, 0));
  say("unix socket", socket(AF_UNIX, SOCK_STREAM, 0));
  say("raw socket", socket(AF_INET, SOCK_RAW, 1));
  int r = socket(AF_INET, SOCK_STREAM, 0);
  a.sin_port = htons((unsigned short)(port + 1));
  say("connect refused", connect(r, (struct sockaddr *)&a, sizeof a));
  close(r);
  return 0;
}
