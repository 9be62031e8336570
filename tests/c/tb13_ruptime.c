/* APUE 16.5-16.6's connection-oriented ruptime: the server (Figure 16.17)
 * makes its socket with initserver (Figure 16.22: SO_REUSEADDR, bind,
 * listen), marks it and each accepted socket close-on-exec (set_cloexec)
 * and sends the line of "uptime" (here a fixed text in place of popen,
 * one send() per line as fgets() reads them); the client (Figure 16.16) finds the
 * server with getaddrinfo and connects with connect_retry (Figure 16.11,
 * the portable version: a new socket for each attempt, the wait doubling
 * up to MAXSLEEP), then copies what it receives to stdout until EOF.
 * connect_retry's waits are made deterministic: the book sleep()s and
 * hopes the server is up by then; here the server is bound but not yet
 * listening when the client first tries (ECONNREFUSED by construction),
 * and the wait is a poll() of a pipe on which the server says it now
 * listens (the wait ends at once), or which nobody writes (a port nobody
 * ever listens on: every attempt fails, each wait times out, in 100 ms units here).
 * Then why initserver sets SO_REUSEADDR: the server closed each connection
 * first, so they are in TIME_WAIT, and a restarted server's bind to the
 * port fails with EADDRINUSE without the option and succeeds with it. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
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
#define MAXSLEEP 8

static int wake = -1; /* read end of the pipe the server writes once it listens */
static int told = -1; /* write end of the pipe on which the client says it is waiting */
static int attempts;

/* The book's sleep(numsec), as a wait the server can end (units of 100 ms, not s: 1 ms was
 * too short natively on a loaded machine for the server to listen and say so). */
static void backoff(int numsec) {
  if (told >= 0) write(told, "w", 1);
  struct pollfd p = {wake, POLLIN, 0};
  int r = poll(&p, 1, numsec * 100);
  if (r > 0) {
    char c;
    read(wake, &c, 1);
  }
  printf("  backoff %d: %s\n", numsec, r > 0 ? "the server says it listens" : "timed out");
}

static int connect_retry(int domain, int type, int protocol, const struct sockaddr *addr, socklen_t alen) {
  int numsec, fd;
  /* Try to connect with exponential backoff. */
  for (numsec = 1; numsec <= MAXSLEEP; numsec <<= 1) {
    if ((fd = socket(domain, type, protocol)) < 0) return -1;
    attempts++;
    if (connect(fd, addr, alen) == 0) {
      printf("  attempt %d: connected\n", attempts);
      return fd; /* Connection accepted. */
    }
    printf("  attempt %d: %s\n", attempts, strerror(errno));
    close(fd);
    /* Delay before trying again. */
    if (numsec <= MAXSLEEP / 2) backoff(numsec);
  }
  return -1;
}

static int initserver(int type, const struct sockaddr *addr, socklen_t alen, int qlen, int reuse) {
  int fd, err;
  if ((fd = socket(addr->sa_family, type, 0)) < 0) return -1;
  if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(int)) < 0) goto errout;
  if (bind(fd, addr, alen) < 0) goto errout;
  if (qlen > 0 && (type == SOCK_STREAM || type == SOCK_SEQPACKET))
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
  val |= FD_CLOEXEC; /* enable close-on-exec */
  return fcntl(fd, F_SETFD, val);
}

/* What popen("/usr/bin/uptime") would give, one line at a time as fgets reads it. */
static const char *UPTIME[] = {" 10:00:00 up 42 days,  3:14,  2 users,  load average: 0.00, 0.01, 0.05\n"};

static void serve(int sockfd, int nclients) {
  int clfd;
  set_cloexec(sockfd);
  for (int i = 0; i < nclients; i++) {
    if ((clfd = accept(sockfd, NULL, NULL)) < 0) {
      perror("ruptimed: accept error");
      exit(1);
    }
    set_cloexec(clfd);
    for (size_t k = 0; k < sizeof UPTIME / sizeof *UPTIME; k++) send(clfd, UPTIME[k], strlen(UPTIME[k]), 0);
    close(clfd);
  }
}

static void print_uptime(int sockfd) {
  int n;
  char buf[BUFLEN];
  while ((n = recv(sockfd, buf, BUFLEN, 0)) > 0) write(STDOUT_FILENO, buf, n);
  if (n < 0) perror("recv error");
}

/* The client's main: getaddrinfo, connect_retry to each address until one connects. */
static int ruptime(const char *port) {
  struct addrinfo *ailist, *aip, hint;
  int sockfd, err;
  memset(&hint, 0, sizeof(hint));
  hint.ai_socktype = SOCK_STREAM;
  hint.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  if ((err = getaddrinfo("127.0.0.1", port, &hint, &ailist)) != 0) {
    printf("getaddrinfo error: %s\n", gai_strerror(err));
    return 1;
  }
  for (aip = ailist; aip != NULL; aip = aip->ai_next) {
    if ((sockfd = connect_retry(aip->ai_family, SOCK_STREAM, 0, aip->ai_addr, aip->ai_addrlen)) < 0) {
      err = errno;
    } else {
      print_uptime(sockfd);
      close(sockfd);
      freeaddrinfo(ailist);
      return 0;
    }
  }
  freeaddrinfo(ailist);
  printf("can't connect to 127.0.0.1: %s\n", strerror(err));
  return 1;
}

static int status_of(pid_t pid) {
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = 0;

  /* initserver without its listen(): the port is the server's, nobody listens on it yet. */
  int sockfd = initserver(SOCK_STREAM, (struct sockaddr *)&sa, sizeof sa, 0, 1);
  getsockname(sockfd, (struct sockaddr *)&sa, &len);
  char port[16];
  snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));

  int up[2], wait_[2];
  pipe(up);
  pipe(wait_);
  printf("client 1 (the server is bound, not yet listening):\n");
  pid_t cli = fork();
  if (cli == 0) {
    close(sockfd);
    close(up[1]);
    close(wait_[0]);
    wake = up[0];
    told = wait_[1];
    exit(ruptime(port));
  }
  close(up[0]);
  close(wait_[1]);
  /* The client's first attempt was refused and it waits: now listen, and say so. */
  char c;
  read(wait_[0], &c, 1);
  listen(sockfd, QLEN);
  write(up[1], "u", 1);
  serve(sockfd, 1);
  printf("client 1 exit status %d\n", status_of(cli));

  printf("client 2 (the server listens):\n");
  cli = fork();
  if (cli == 0) {
    close(sockfd);
    close(wait_[0]);
    exit(ruptime(port));
  }
  serve(sockfd, 1);
  printf("client 2 exit status %d\n", status_of(cli));

  /* A port nobody will ever listen on: bound, so that nobody else takes it. */
  struct sockaddr_in dead = sa;
  dead.sin_port = 0;
  int deadfd = socket(AF_INET, SOCK_STREAM, 0);
  bind(deadfd, (struct sockaddr *)&dead, sizeof dead);
  len = sizeof dead;
  getsockname(deadfd, (struct sockaddr *)&dead, &len);
  char deadport[16];
  snprintf(deadport, sizeof deadport, "%d", ntohs(dead.sin_port));
  int never[2];
  pipe(never);
  printf("client 3 (nobody listens on the port):\n");
  cli = fork();
  if (cli == 0) {
    close(sockfd);
    close(deadfd);
    close(wait_[0]);
    close(never[1]);
    wake = never[0]; /* the server keeps it open and never writes it: every wait times out */
    exit(ruptime(deadport));
  }
  printf("client 3 exit status %d\n", status_of(cli));
  close(never[0]);
  close(never[1]);
  close(deadfd);
  close(wait_[0]);
  close(up[1]);

  /* The server restarts: its closed connections are in TIME_WAIT on its port. */
  close(sockfd);
  sa.sin_port = htons(atoi(port));
  sockfd = initserver(SOCK_STREAM, (struct sockaddr *)&sa, sizeof sa, QLEN, 0);
  printf("restart without SO_REUSEADDR: %s\n", sockfd < 0 ? strerror(errno) : "bound");
  if (sockfd >= 0) close(sockfd);
  sockfd = initserver(SOCK_STREAM, (struct sockaddr *)&sa, sizeof sa, QLEN, 1);
  printf("restart with SO_REUSEADDR: %s\n", sockfd < 0 ? strerror(errno) : "bound and listening");
  if (sockfd < 0) return 1;
  printf("client 4 (the restarted server):\n");
  cli = fork();
  if (cli == 0) {
    close(sockfd);
    exit(ruptime(port));
  }
  serve(sockfd, 1);
  printf("client 4 exit status %d\n", status_of(cli));
  close(sockfd);
  return 0;
}
