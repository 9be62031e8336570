/* UNP 8.15's udpservselect01: one server for TCP and UDP on the same port
 * number, select() over the listening socket and the UDP socket; a TCP
 * client is served by a forked child (str_echo), a UDP datagram is echoed
 * in place with recvfrom/sendto. The listener has SO_REUSEADDR, as UNP's
 * does. The client driver alternates UDP and TCP requests and reads each
 * answer before the next, so each select() finds one thing ready. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXLINE 128

static void str_echo(int fd) {
  char buf[MAXLINE];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) write(fd, buf, n);
}

static void udp_ask(const struct sockaddr_in *srv, const char *msg) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(s, msg, strlen(msg), 0, (const struct sockaddr *)srv, sizeof *srv);
  char buf[MAXLINE];
  struct sockaddr_in from;
  socklen_t len = sizeof from;
  ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
  printf("udp client: '%.*s' from the server's port: %s\n", (int)n, buf, from.sin_port == srv->sin_port ? "yes" : "no");
  close(s);
}

static void tcp_ask(const struct sockaddr_in *srv, const char *msg) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  connect(s, (const struct sockaddr *)srv, sizeof *srv);
  write(s, msg, strlen(msg));
  shutdown(s, SHUT_WR);
  char buf[MAXLINE];
  size_t got = 0;
  ssize_t n;
  while ((n = read(s, buf + got, sizeof buf - got)) > 0) got += n;
  printf("tcp client: '%.*s'\n", (int)got, buf);
  close(s);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in servaddr;
  memset(&servaddr, 0, sizeof servaddr);
  servaddr.sin_family = AF_INET;
  servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  int listenfd = socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  bind(listenfd, (struct sockaddr *)&servaddr, sizeof servaddr);
  listen(listenfd, 8);
  socklen_t slen = sizeof servaddr;
  getsockname(listenfd, (struct sockaddr *)&servaddr, &slen);

  /* The UDP socket on the same port number: TCP and UDP ports are separate spaces. */
  int udpfd = socket(AF_INET, SOCK_DGRAM, 0);
  if (bind(udpfd, (struct sockaddr *)&servaddr, sizeof servaddr) < 0) { perror("bind udp"); return 1; }
  /* A second UDP socket on that port is refused (no SO_REUSEADDR on either). */
  int udp2 = socket(AF_INET, SOCK_DGRAM, 0);
  printf("second udp bind: %s\n", bind(udp2, (struct sockaddr *)&servaddr, sizeof servaddr) < 0 ? strerror(errno) : "ok");
  close(udp2);

  int done[2];
  pipe(done);
  pid_t driver = fork();
  if (driver == 0) {
    close(listenfd);
    close(udpfd);
    close(done[0]);
    udp_ask(&servaddr, "udp one");
    tcp_ask(&servaddr, "tcp one");
    udp_ask(&servaddr, "udp two");
    tcp_ask(&servaddr, "tcp two");
    /* Done: the pipe's end of file wakes the server's select(). */
    close(done[1]);
    _exit(0);
  }
  close(done[1]);

  int maxfdp1 = (listenfd > udpfd ? listenfd : udpfd);
  if (done[0] > maxfdp1) maxfdp1 = done[0];
  maxfdp1++;
  fd_set rset;
  FD_ZERO(&rset);
  int children = 0;
  for (;;) {
    FD_SET(listenfd, &rset);
    FD_SET(udpfd, &rset);
    FD_SET(done[0], &rset);
    int nready = select(maxfdp1, &rset, NULL, NULL, NULL);
    if (nready < 0) {
      if (errno == EINTR) continue;
      perror("select");
      return 1;
    }
    if (FD_ISSET(listenfd, &rset)) {
      struct sockaddr_in cli;
      socklen_t len = sizeof cli;
      int connfd = accept(listenfd, (struct sockaddr *)&cli, &len);
      if (fork() == 0) {
        close(listenfd);
        close(udpfd);
        close(done[0]);
        str_echo(connfd);
        _exit(0);
      }
      children++;
      close(connfd);
    }
    if (FD_ISSET(udpfd, &rset)) {
      char mesg[MAXLINE];
      struct sockaddr_in cli;
      socklen_t len = sizeof cli;
      ssize_t n = recvfrom(udpfd, mesg, MAXLINE, 0, (struct sockaddr *)&cli, &len);
      sendto(udpfd, mesg, n, 0, (struct sockaddr *)&cli, len);
    }
    if (FD_ISSET(done[0], &rset)) break;
  }
  close(listenfd);
  close(udpfd);
  int st, codes = 0;
  while (wait(&st) > 0) codes += WEXITSTATUS(st);
  printf("server: %d tcp children, all reaped: %s\n", children, errno == ECHILD ? "yes" : "no");
  return 0;
}
