/* The error paths of TCP sockets, one line per check, for building both ways
 * (socklab's ABI and --target=component) and comparing. usage: tcp_errors PORT */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
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
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  say("bind", bind(l, (struct sockaddr *)&a, sizeof a));
  say("bind again", bind(l, (struct sockaddr *)&a, sizeof a));
  say("accept before listen", accept(l, NULL, NULL));
  say("listen", listen(l, 4));
  int s2 = socket(AF_INET, SOCK_STREAM, 0);
  say("bind address in use", bind(s2, (struct sockaddr *)&a, sizeof a));
  say("connect to the listener", connect(s2, (struct sockaddr *)&a, sizeof a));
  say("connect again", connect(s2, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  int c = accept(l, (struct sockaddr *)&peer, &len);
  say("accept", c >= 0 ? 0 : -1);
  printf("peer is loopback: %d\n", peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  say("send", send(s2, "ping", 4, 0));
  char buf[16];
  say("recv 2 MSG_PEEK", recv(c, buf, 2, MSG_PEEK));
  say("recv MSG_PEEK", recv(c, buf, sizeof buf, MSG_PEEK));
  printf("peeked %.4s\n", buf);
  say("recv 3", recv(c, buf, 3, 0));
  say("recv MSG_PEEK|MSG_DONTWAIT", recv(c, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT));
  say("send", send(s2, "ab", 2, 0));
  say("send", send(s2, "cd", 2, 0));
  say("recv 5 MSG_WAITALL", recv(c, buf, 5, MSG_WAITALL));
  printf("got %.5s\n", buf);
  say("recv MSG_OOB", recv(c, buf, sizeof buf, MSG_OOB | MSG_DONTWAIT));
  say("shutdown", shutdown(s2, SHUT_WR));
  say("recv at end of file", recv(c, buf, sizeof buf, 0));
  say("send after shutdown", send(s2, "x", 1, MSG_NOSIGNAL));
  int u = socket(AF_INET, SOCK_STREAM, 0);
  say("listen unbound", listen(u, 1));
  struct sockaddr_in me;
  len = sizeof me;
  getsockname(u, (struct sockaddr *)&me, &len);
  printf("bound to an ephemeral port: %d\n", ntohs(me.sin_port) != 0);
  say("shutdown unconnected", shutdown(u, SHUT_RDWR));
  say("getpeername unconnected", getpeername(u, (struct sockaddr *)&me, &len));
  int r = socket(AF_INET, SOCK_STREAM, 0);
  a.sin_port = htons((unsigned short)(port + 1));
  say("connect refused", connect(r, (struct sockaddr *)&a, sizeof a));
  say("recv on a closed fd", recv(99, buf, sizeof buf, 0));
  say("recv on stdout", recv(1, buf, sizeof buf, 0));
  close(c), close(s2), close(l), close(u), close(r);
  return 0;
}
