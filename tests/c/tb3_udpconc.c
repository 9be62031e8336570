/* UNP 22.7's concurrent UDP server (TFTP style): the server reads a request
 * on its well-known port, forks, and the child answers from a new socket
 * bound to a port of its own (port 0, what getsockname says) and connect()ed
 * to the client; the client learns that port from recvfrom's address and
 * carries on the dialogue there with a connected socket. A datagram from
 * anyone else never reaches the child's connected socket. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void child_serve(const struct sockaddr_in *cli, const char *req, ssize_t reqlen) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in me;
  memset(&me, 0, sizeof me);
  me.sin_family = AF_INET;
  me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, (struct sockaddr *)&me, sizeof me);
  connect(s, (const struct sockaddr *)cli, sizeof *cli);
  char buf[64];
  int n = snprintf(buf, sizeof buf, "ack %.*s", (int)reqlen, req);
  send(s, buf, n, 0);
  /* Two more rounds on the private port, then done. */
  for (int i = 0; i < 2; i++) {
    ssize_t r = recv(s, buf, sizeof buf, 0);
    if (r < 0) { perror("child recv"); _exit(1); }
    char out[80];
    int m = snprintf(out, sizeof out, "got %.*s", (int)r, buf);
    send(s, out, m, 0);
  }
  close(s);
  _exit(0);
}

static void client(const struct sockaddr_in *srv, const char *name) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(s, name, strlen(name), 0, (const struct sockaddr *)srv, sizeof *srv);
  char buf[80];
  struct sockaddr_in from;
  socklen_t len = sizeof from;
  ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
  printf("%s: '%.*s', from another port: %s\n", name, (int)n, buf, from.sin_port != srv->sin_port ? "yes" : "no");
  /* A stray datagram to the child's port from a third socket: the child's connected socket drops it. */
  int stray = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(stray, "stray", 5, 0, (struct sockaddr *)&from, len);
  close(stray);
  connect(s, (struct sockaddr *)&from, len);
  for (int i = 0; i < 2; i++) {
    char msg[32];
    int m = snprintf(msg, sizeof msg, "%s-%d", name, i);
    send(s, msg, m, 0);
    n = recv(s, buf, sizeof buf, 0);
    printf("%s: '%.*s'\n", name, (int)n, buf);
  }
  close(s);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sockfd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in servaddr;
  memset(&servaddr, 0, sizeof servaddr);
  servaddr.sin_family = AF_INET;
  servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(sockfd, (struct sockaddr *)&servaddr, sizeof servaddr);
  socklen_t slen = sizeof servaddr;
  getsockname(sockfd, (struct sockaddr *)&servaddr, &slen);

  pid_t driver = fork();
  if (driver == 0) {
    close(sockfd);
    client(&servaddr, "alpha");
    client(&servaddr, "beta");
    _exit(0);
  }
  int codes[2] = {-1, -1};
  for (int served = 0; served < 2; served++) {
    char req[64];
    struct sockaddr_in cli;
    socklen_t len = sizeof cli;
    ssize_t n = recvfrom(sockfd, req, sizeof req, 0, (struct sockaddr *)&cli, &len);
    if (n < 0) { perror("recvfrom"); return 1; }
    pid_t c = fork();
    if (c == 0) {
      close(sockfd);
      child_serve(&cli, req, n);
    }
    int st;
    /* One client at a time here, so the output's order is fixed. */
    waitpid(c, &st, 0);
    codes[served] = WEXITSTATUS(st);
  }
  int st;
  waitpid(driver, &st, 0);
  printf("server: children exited %d and %d, the driver %d\n", codes[0], codes[1], WEXITSTATUS(st));
  close(sockfd);
  return 0;
}
