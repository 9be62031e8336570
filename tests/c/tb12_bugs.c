/* The mistakes graders see every term in TCP assignments, each with the
 * result Linux gives it: listen() without bind() (Linux binds the socket to
 * 0.0.0.0 and a port of its choosing, so the server "works" on a port
 * nobody knows); accept() with the address length left uninitialised, here
 * -1 (EINVAL, and the connection it took off the queue is closed: the
 * client reads EOF) and a huge positive value (accepted, the length comes
 * back as 16); read(fd, buf, sizeof(buf)) where buf is a char * parameter
 * (a pointer's size at a time: 8 natively, 4 in a wasm32 guest, so only
 * the reassembled text is printed); write() after the writer's own shutdown(SHUT_WR) (EPIPE
 * and SIGPIPE, which kills the default program: the parent reports the
 * signal); send() to a peer that has closed: the first succeeds and draws a
 * RST, the second kills with SIGPIPE, or says EPIPE with MSG_NOSIGNAL. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#define MAX 80
#define SA struct sockaddr

static void status(const char *who, int st) {
  if (WIFSIGNALED(st)) printf("%s: killed by signal %d (%s)\n", who, WTERMSIG(st), WTERMSIG(st) == SIGPIPE ? "SIGPIPE" : "?");
  else printf("%s: exit %d\n", who, WEXITSTATUS(st));
}

/* A student's helper: buff is a pointer here, so sizeof(buff) is 8, not MAX. */
int read_msg(int fd, char *buff) {
  bzero(buff, sizeof(buff));
  return read(fd, buff, sizeof(buff));
}

static int connect_to(struct sockaddr_in *a) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (SA *)a, sizeof *a) != 0) printf("connect: %s\n", strerror(errno));
  return fd;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in servaddr, cli;
  socklen_t len;
  char buff[MAX];
  int st, n;

  /* 1. listen() without bind(). */
  int sockfd = socket(AF_INET, SOCK_STREAM, 0);
  printf("listen without bind: %d\n", listen(sockfd, 5));
  len = sizeof(servaddr);
  getsockname(sockfd, (SA *)&servaddr, &len);
  printf("bound to %s, port chosen: %s\n", inet_ntoa(servaddr.sin_addr), servaddr.sin_port ? "yes" : "no");
  servaddr.sin_addr.s_addr = inet_addr("127.0.0.1");

  /* 2. accept() with len uninitialised: -1, then a large positive value. */
  int c1 = connect_to(&servaddr);
  len = -1;
  int connfd = accept(sockfd, (SA *)&cli, &len);
  printf("accept with len -1: %d %s\n", connfd, connfd < 0 ? strerror(errno) : "");
  n = read(c1, buff, sizeof(buff));
  printf("its client reads: %d (the connection was taken and closed)\n", n);
  close(c1);
  int c2 = connect_to(&servaddr);
  len = 0x7fffffff;
  connfd = accept(sockfd, (SA *)&cli, &len);
  printf("accept with len 0x7fffffff: %s, len now %u, peer %s\n", connfd >= 0 ? "ok" : strerror(errno), (unsigned)len, inet_ntoa(cli.sin_addr));

  /* 3. sizeof(pointer): the 26 letters come a pointer's size at a time (8 on x86-64, 4 on wasm32). */
  write(c2, "abcdefghijklmnopqrstuvwxyz", 26);
  char text[32];
  int got = 0, reads = 0;
  while (got < 26 && (n = read_msg(connfd, buff)) > 0) {
    memcpy(text + got, buff, n);
    got += n;
    reads++;
  }
  printf("read_msg got '%.*s' in %s reads of sizeof(char *) bytes\n", got, text, reads == (26 + sizeof(char *) - 1) / sizeof(char *) ? "ceil(26 / sizeof(char *))" : "some other number of");

  /* 4. shutdown(SHUT_WR), then write: EPIPE, and SIGPIPE kills a program that did not ask otherwise. */
  pid_t pid = fork();
  if (pid == 0) {
    shutdown(c2, SHUT_WR);
    write(c2, "more", 4);
    printf("not reached\n");
    exit(0);
  }
  waitpid(pid, &st, 0);
  status("writer after its own shutdown(SHUT_WR)", st);
  n = read(connfd, buff, sizeof buff);
  printf("the server reads: %d (EOF)\n", n);
  signal(SIGPIPE, SIG_IGN);
  n = write(c2, "more", 4);
  printf("same write with SIGPIPE ignored: %d %s\n", n, strerror(errno));
  signal(SIGPIPE, SIG_DFL);

  /* 5. send() to a peer that closed: the first goes out and draws a RST, the second is EPIPE. */
  close(connfd);
  close(c2);
  c2 = connect_to(&servaddr);
  connfd = accept(sockfd, NULL, NULL);
  close(connfd);
  n = send(c2, "hello", 5, 0);
  printf("first send after the peer's close: %d\n", n);
  pid = fork();
  if (pid == 0) {
    send(c2, "again", 5, 0);
    printf("not reached\n");
    exit(0);
  }
  waitpid(pid, &st, 0);
  status("second send", st);
  n = send(c2, "again", 5, MSG_NOSIGNAL);
  printf("with MSG_NOSIGNAL: %d %s\n", n, strerror(errno));
  n = read(c2, buff, sizeof buff);
  printf("read: %d %s\n", n, n < 0 ? strerror(errno) : "");
  close(c2);
  close(sockfd);
  return 0;
}
