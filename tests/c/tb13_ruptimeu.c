/* APUE 16.5's connectionless ruptime: the server (Figure 16.20) makes a
 * SOCK_DGRAM socket with initserver (SO_REUSEADDR, bind, no listen for a
 * datagram socket), marks it close-on-exec, and for each datagram it
 * receives sends the line of "uptime" (a fixed text in place of popen)
 * back to the address recvfrom gave it. The client (Figure 16.19) sends a
 * 1-byte datagram (a NUL) to ask, then waits in recvfrom() with alarm():
 * the SIGALRM handler, installed with sigaction() and no SA_RESTART, does
 * nothing, so a request nobody answers ends with recvfrom failing EINTR
 * ("recv error: Interrupted system call"), and an answer is followed by
 * alarm(0). Asked of a port with no socket on it the client gets no error:
 * the ICMP port unreachable is not reported to an unconnected UDP socket,
 * so only the alarm ends its wait (TIMEOUT is 1 s here, 20 in the book).
 * Then the datagram limits the book mentions: an answer longer than the
 * client's BUFLEN is cut without a word (recvfrom returns BUFLEN). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUFLEN 128
#define MAXADDRLEN 256
#define TIMEOUT 1

static const char *UPTIME = " 10:00:00 up 42 days,  3:14,  2 users,  load average: 0.00, 0.01, 0.05\n";

static void sigalrm(int signo) { (void)signo; }

static int initserver(int type, const struct sockaddr *addr, socklen_t alen, int qlen) {
  int fd, err;
  int reuse = 1;
  if ((fd = socket(addr->sa_family, type, 0)) < 0) return -1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(int)) < 0) goto errout;
  if (bind(fd, addr, alen) < 0) goto errout;
  if (type == SOCK_STREAM || type == SOCK_SEQPACKET)
    if (listen(fd, qlen) < 0) goto errout;
  return fd;
errout:
  err = errno;
  close(fd);
  errno = err;
  return -1;
}

static int set_cloexec(int fd) {
  int val;
  if ((val = fcntl(fd, F_GETFD, 0)) < 0) return -1;
  val |= FD_CLOEXEC;
  return fcntl(fd, F_SETFD, val);
}

/* The server answers n requests; a request "long" gets an answer longer than the client's buffer. */
static void serve(int sockfd, int n) {
  int k;
  socklen_t alen;
  char buf[BUFLEN * 2];
  char abuf[MAXADDRLEN];
  struct sockaddr *addr = (struct sockaddr *)abuf;
  set_cloexec(sockfd);
  for (int i = 0; i < n; i++) {
    alen = MAXADDRLEN;
    if ((k = recvfrom(sockfd, buf, BUFLEN, 0, addr, &alen)) < 0) {
      perror("ruptimed: recvfrom error");
      exit(1);
    }
    if (k == 4 && memcmp(buf, "long", 4) == 0) {
      memset(buf, '=', 200);
      buf[199] = '\n';
      sendto(sockfd, buf, 200, 0, addr, alen);
    } else {
      sendto(sockfd, UPTIME, strlen(UPTIME), 0, addr, alen);
    }
  }
}

/* print_uptime, with what is sent as the request (the book's is one NUL byte). */
static int print_uptime(int sockfd, struct addrinfo *aip, const char *req, size_t reqlen) {
  int n;
  char buf[BUFLEN];
  if (sendto(sockfd, req, reqlen, 0, aip->ai_addr, aip->ai_addrlen) < 0) {
    printf("sendto error: %s\n", strerror(errno));
    return 1;
  }
  alarm(TIMEOUT);
  if ((n = recvfrom(sockfd, buf, BUFLEN, 0, NULL, NULL)) < 0) {
    int e = errno;
    if (errno != EINTR) alarm(0);
    printf("recv error: %s\n", strerror(e));
    return 1;
  }
  unsigned left = alarm(0);
  printf("%d bytes (alarm cancelled%s): ", n, left <= TIMEOUT ? "" : ", odd time left");
  fflush(stdout);
  write(STDOUT_FILENO, buf, n);
  if (buf[n - 1] != '\n') printf("\n");
  return 0;
}

static int ruptime(const char *port, const char *req, size_t reqlen) {
  struct addrinfo *ailist, *aip, hint;
  int sockfd, err;
  struct sigaction sa;
  sa.sa_handler = sigalrm;
  sa.sa_flags = 0;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGALRM, &sa, NULL) < 0) return 1;
  memset(&hint, 0, sizeof(hint));
  hint.ai_socktype = SOCK_DGRAM;
  hint.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  if ((err = getaddrinfo("127.0.0.1", port, &hint, &ailist)) != 0) {
    printf("getaddrinfo error: %s\n", gai_strerror(err));
    return 1;
  }
  for (aip = ailist; aip != NULL; aip = aip->ai_next) {
    if ((sockfd = socket(aip->ai_family, SOCK_DGRAM, 0)) < 0) {
      err = errno;
    } else {
      int r = print_uptime(sockfd, aip, req, reqlen);
      close(sockfd);
      freeaddrinfo(ailist);
      return r;
    }
  }
  freeaddrinfo(ailist);
  printf("can't contact 127.0.0.1: %s\n", strerror(err));
  return 1;
}

static int status_of(pid_t pid) {
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void client(const char *what, const char *port, const char *req, size_t reqlen) {
  printf("%s:\n", what);
  pid_t cli = fork();
  if (cli == 0) exit(ruptime(port, req, reqlen));
  printf("  exit status %d\n", status_of(cli));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int sockfd = initserver(SOCK_DGRAM, (struct sockaddr *)&sa, sizeof sa, 0);
  getsockname(sockfd, (struct sockaddr *)&sa, &len);
  char port[16];
  snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));

  pid_t srv = fork();
  if (srv == 0) {
    serve(sockfd, 2);
    exit(0);
  }
  client("client 1 (a NUL byte asks)", port, "", 1);
  client("client 2 (an answer longer than BUFLEN)", port, "long", 4);
  printf("server exit status %d\n", status_of(srv));

  /* The port is still the parent's socket, which nobody reads now: the request waits in its queue. */
  client("client 3 (a server that does not answer)", port, "", 1);
  close(sockfd);

  /* Now nothing is bound to the port. */
  client("client 4 (no socket on the port)", port, "", 1);
  return 0;
}
