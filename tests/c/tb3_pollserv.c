/* UNP 6.11's tcpservpoll01: one process, an array of struct pollfd with
 * POLLRDNORM, the listener in client[0], a free slot marked by fd -1. A
 * client that aborts (SO_LINGER {1, 0}) makes the server's read fail with
 * ECONNRESET, which it treats as a close; POLLERR and POLLHUP come with it.
 * A progress pipe tells the client driver when the server has dealt with
 * each step, so every poll() result is fixed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define OPEN_MAX 8
#define INFTIM (-1)

static int prog[2];

static void echo_line(int s, const char *msg) {
  char back[64];
  size_t len = strlen(msg);
  write(s, msg, len);
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(s, back + got, len - got);
    if (n <= 0) break;
    got += n;
  }
  printf("client: echo '%.*s'\n", (int)got, back);
}

static void driver(struct sockaddr_in *sa) {
  char step;
  int a = socket(AF_INET, SOCK_STREAM, 0);
  connect(a, (struct sockaddr *)sa, sizeof *sa);
  echo_line(a, "from a");
  int b = socket(AF_INET, SOCK_STREAM, 0);
  connect(b, (struct sockaddr *)sa, sizeof *sa);
  echo_line(b, "from b");
  echo_line(a, "a again");
  struct linger lg = {1, 0};
  setsockopt(b, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(b);
  read(prog[0], &step, 1);
  printf("client: server dropped b (%c)\n", step);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)sa, sizeof *sa);
  echo_line(c, "from c");
  close(a);
  read(prog[0], &step, 1);
  printf("client: server closed a (%c)\n", step);
  shutdown(c, SHUT_WR);
  char buf[8];
  printf("client: c reads %zd after the server's close\n", read(c, buf, sizeof buf));
  read(prog[0], &step, 1);
  close(c);
  _exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int listenfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listenfd, (struct sockaddr *)&sa, sizeof sa);
  listen(listenfd, 8);
  socklen_t slen = sizeof sa;
  getsockname(listenfd, (struct sockaddr *)&sa, &slen);
  pipe(prog);
  pid_t d = fork();
  if (d == 0) {
    close(listenfd);
    close(prog[1]);
    driver(&sa);
  }
  close(prog[0]);

  struct pollfd client[OPEN_MAX];
  client[0].fd = listenfd;
  client[0].events = POLLRDNORM;
  for (int i = 1; i < OPEN_MAX; i++) client[i].fd = -1;
  int maxi = 0, closed = 0;
  char buf[128];
  while (closed < 3) {
    int nready = poll(client, maxi + 1, INFTIM);
    if (client[0].revents & POLLRDNORM) {
      int connfd = accept(listenfd, NULL, NULL);
      int i;
      for (i = 1; i < OPEN_MAX; i++)
        if (client[i].fd < 0) {
          client[i].fd = connfd;
          break;
        }
      printf("server: new client in slot %d\n", i);
      client[i].events = POLLRDNORM;
      if (i > maxi) maxi = i;
      if (--nready <= 0) continue;
    }
    for (int i = 1; i <= maxi; i++) {
      int sockfd = client[i].fd;
      if (sockfd < 0) continue;
      short re = client[i].revents;
      if (re & (POLLRDNORM | POLLERR)) {
        printf("server: slot %d%s%s%s\n", i, re & POLLRDNORM ? " POLLRDNORM" : "", re & POLLERR ? " POLLERR" : "", re & POLLHUP ? " POLLHUP" : "");
        ssize_t n = read(sockfd, buf, sizeof buf);
        if (n < 0) {
          if (errno == ECONNRESET) {
            printf("server: slot %d reset by client\n", i);
            close(sockfd);
            client[i].fd = -1;
            closed++;
            write(prog[1], "r", 1);
          } else {
            perror("read");
            return 1;
          }
        } else if (n == 0) {
          printf("server: slot %d closed by client\n", i);
          close(sockfd);
          client[i].fd = -1;
          closed++;
          write(prog[1], "e", 1);
        } else {
          write(sockfd, buf, n);
        }
        if (--nready <= 0) break;
      }
    }
  }
  close(listenfd);
  int st;
  waitpid(d, &st, 0);
  printf("server: driver exited %d\n", WEXITSTATUS(st));
  return 0;
}
