/* APUE 16.5's ruptimed that runs the command itself (Figure 16.18): for
 * each connection the server forks; the child dup2()s the socket onto its
 * standard output and standard error, closes the socket's own descriptor
 * and runs "uptime" (here a function in place of execl, writing its line
 * with one write() as uptime's stdio does at exit); the
 * parent closes its copy of the socket and waitpid()s for the child before
 * it accepts again, so the client sees EOF once the child has exited. A
 * second command fails and says why on its standard error, which is the
 * socket too; the server logs each child's exit status (a pipe stands in
 * for syslog). The client uses Figure 16.10's connect_retry, the one the
 * book calls nonportable: it retries connect() on the same socket after a
 * failure. On Linux that works: after ECONNREFUSED the socket may connect
 * again. Its first attempt is refused by construction (the server is bound
 * but not yet listening), and its wait is a poll() of a pipe on which the
 * server says it listens, not sleep(). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUFLEN 128
#define QLEN 10
#define MAXSLEEP 128

static int wake = -1, told = -1, logfd = -1;

static void backoff(int numsec) {
  write(told, "w", 1);
  struct pollfd p = {wake, POLLIN, 0};
  int r = poll(&p, 1, numsec * 1000);
  if (r > 0) {
    char c;
    read(wake, &c, 1);
  }
  printf("  backoff %d: %s\n", numsec, r > 0 ? "the server says it listens" : "timed out");
}

/* Figure 16.10: the same socket, connect() again after a failure. */
static int connect_retry(int sockfd, const struct sockaddr *addr, socklen_t alen) {
  int numsec;
  for (numsec = 1; numsec <= MAXSLEEP; numsec <<= 1) {
    if (connect(sockfd, addr, alen) == 0) {
      printf("  connected\n");
      return 0; /* Connection accepted. */
    }
    printf("  connect: %s\n", strerror(errno));
    if (numsec <= MAXSLEEP / 2) backoff(numsec);
  }
  return -1;
}

static int set_cloexec(int fd) {
  int val;
  if ((val = fcntl(fd, F_GETFD, 0)) < 0) return -1;
  val |= FD_CLOEXEC;
  return fcntl(fd, F_SETFD, val);
}

static void syslog_(const char *fmt, int v) {
  char b[128];
  int n = snprintf(b, sizeof b, fmt, v);
  write(logfd, b, n);
}

/* The commands the children run: what execl("/usr/bin/uptime", ...) would print. */
/* One write() each: a program's stdout on a socket is fully buffered and flushed at exit (this process's own
 * stdout stream was made unbuffered before the fork, which an exec'd program would not inherit). */
static void uptime(void) {
  char line[128];
  int n = snprintf(line, sizeof line, " %02d:%02d:%02d up %d days,  3:14,  2 users,  load average: 0.00, 0.01, 0.05\n", 10, 0, 0, 42);
  write(STDOUT_FILENO, line, n);
  exit(0);
}
static void broken(void) {
  fprintf(stderr, "uptime: cannot open /var/run/utmp: No such file or directory\n");
  exit(1);
}

static void serve(int sockfd, void (*cmds[])(void), int n) {
  int clfd, status;
  pid_t pid;
  set_cloexec(sockfd);
  for (int i = 0; i < n; i++) {
    if ((clfd = accept(sockfd, NULL, NULL)) < 0) {
      syslog_("ruptimed: accept error: %d\n", errno);
      exit(1);
    }
    if ((pid = fork()) < 0) {
      syslog_("ruptimed: fork error: %d\n", errno);
      exit(1);
    } else if (pid == 0) { /* child */
      if (dup2(clfd, STDOUT_FILENO) != STDOUT_FILENO || dup2(clfd, STDERR_FILENO) != STDERR_FILENO) {
        syslog_("ruptimed: unexpected error %d\n", errno);
        exit(1);
      }
      close(clfd);
      cmds[i]();
    } else { /* parent */
      close(clfd);
      waitpid(pid, &status, 0);
      syslog_("ruptimed: command exited with status %d\n", WEXITSTATUS(status));
    }
  }
}

static void print_uptime(int sockfd) {
  int n;
  char buf[BUFLEN];
  while ((n = recv(sockfd, buf, BUFLEN, 0)) > 0) write(STDOUT_FILENO, buf, n);
  if (n < 0) perror("recv error");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int sockfd = socket(AF_INET, SOCK_STREAM, 0);
  int reuse = 1;
  setsockopt(sockfd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(int));
  bind(sockfd, (struct sockaddr *)&sa, sizeof sa);
  getsockname(sockfd, (struct sockaddr *)&sa, &len);

  int up[2], wait_[2], log[2];
  pipe(up);
  pipe(wait_);
  pipe(log);
  pid_t srv = fork();
  if (srv == 0) {
    close(up[0]);
    close(wait_[1]);
    close(log[0]);
    logfd = log[1];
    /* The client's first attempt was refused and it waits: now listen, and say so. */
    char c;
    read(wait_[0], &c, 1);
    listen(sockfd, QLEN);
    write(up[1], "u", 1);
    void (*cmds[])(void) = {uptime, broken};
    serve(sockfd, cmds, 2);
    exit(0);
  }
  close(sockfd);
  close(up[1]);
  close(wait_[0]);
  close(log[1]);
  wake = up[0];
  told = wait_[1];

  for (int i = 1; i <= 2; i++) {
    printf("client %d:\n", i);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect_retry(fd, (struct sockaddr *)&sa, sizeof sa) < 0) return 1;
    print_uptime(fd);
    close(fd);
  }
  int st;
  waitpid(srv, &st, 0);
  printf("server exit status %d; its log:\n", WEXITSTATUS(st));
  char buf[512];
  int n;
  while ((n = read(log[0], buf, sizeof buf)) > 0) write(STDOUT_FILENO, buf, n);
  return 0;
}
