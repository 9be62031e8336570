/* The concurrent echo server of UNP chapter 5 (tcpserv04): fork one child
 * per connection, reap children in a SIGCHLD handler with
 * waitpid(-1, WNOHANG) in a loop, restart accept() when the handler
 * interrupts it (EINTR: the handler is installed without SA_RESTART). A
 * forked client driver makes its connections one after the other. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCONN 3

static volatile sig_atomic_t reaped;
static volatile sig_atomic_t status_sum;

static void sig_chld(int signo) {
  (void)signo;
  pid_t pid;
  int stat;
  while ((pid = waitpid(-1, &stat, WNOHANG)) > 0) {
    reaped++;
    status_sum += WEXITSTATUS(stat);
  }
}

static void str_echo(int sockfd) {
  ssize_t n;
  char buf[512];
again:
  while ((n = read(sockfd, buf, sizeof buf)) > 0) write(sockfd, buf, n);
  if (n < 0 && errno == EINTR) goto again;
}

static void str_cli(int id, int sockfd) {
  char line[64], back[64];
  for (int i = 0; i < 2; i++) {
    int len = snprintf(line, sizeof line, "conn %d line %d", id, i);
    write(sockfd, line, len);
    int got = 0;
    while (got < len) {
      ssize_t n = read(sockfd, back + got, len - got);
      if (n <= 0) { printf("client: server terminated prematurely\n"); exit(1); }
      got += n;
    }
    back[got] = 0;
    printf("client: echoed '%s'\n", back);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int listenfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in servaddr;
  memset(&servaddr, 0, sizeof servaddr);
  servaddr.sin_family = AF_INET;
  servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  servaddr.sin_port = htons(0);
  bind(listenfd, (struct sockaddr *)&servaddr, sizeof servaddr);
  listen(listenfd, 8);
  socklen_t slen = sizeof servaddr;
  getsockname(listenfd, (struct sockaddr *)&servaddr, &slen);

  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = sig_chld;
  sigemptyset(&act.sa_mask);
  act.sa_flags = 0; /* no SA_RESTART: slow calls return EINTR */
  sigaction(SIGCHLD, &act, NULL);

  if (fork() == 0) {
    close(listenfd);
    for (int i = 0; i < NCONN; i++) {
      int sockfd = socket(AF_INET, SOCK_STREAM, 0);
      if (connect(sockfd, (struct sockaddr *)&servaddr, sizeof servaddr) < 0) { perror("connect"); exit(1); }
      str_cli(i, sockfd);
      close(sockfd);
    }
    exit(100);
  }

  int eintr = 0;
  for (int served = 0; served < NCONN;) {
    struct sockaddr_in cliaddr;
    socklen_t clilen = sizeof cliaddr;
    int connfd = accept(listenfd, (struct sockaddr *)&cliaddr, &clilen);
    if (connfd < 0) {
      if (errno == EINTR) { eintr++; continue; }
      perror("accept");
      return 1;
    }
    if (fork() == 0) {
      close(listenfd);
      str_echo(connfd);
      exit(served + 1);
    }
    close(connfd);
    served++;
  }
  close(listenfd);
  /* Every child (three servers and the client driver) reaped by the handler. */
  sigset_t none;
  sigemptyset(&none);
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  while (reaped < NCONN + 1) sigsuspend(&none);
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("server: reaped %d children, exit codes sum %d, accept interrupted: %s\n", (int)reaped, (int)status_sum, eintr >= 0 ? "maybe" : "?");
  errno = 0;
  pid_t w = waitpid(-1, NULL, WNOHANG);
  printf("server: waitpid after all reaped: %d %s\n", (int)w, strerror(errno));

  /* A blocking waitpid for one child while the SIGCHLD handler is installed: the child's exit
   * wakes the waitpid, which takes the child; the handler runs after it returns and finds none. */
  int before = reaped;
  pid_t slow = fork();
  if (slow == 0) {
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    _exit(7);
  }
  int st = 0;
  errno = 0;
  pid_t got = waitpid(slow, &st, 0);
  int e = errno;
  printf("server: blocking waitpid %s (status %d, %s), handler reaped %d more\n", got == slow ? "got its child" : "failed", WEXITSTATUS(st),
         got < 0 ? strerror(e) : "ok", (int)(reaped - before));
  return 0;
}
