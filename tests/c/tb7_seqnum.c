/* TLPI 59.11's is_seqnum_sv/is_seqnum_cl: an iterative server hands out
 * sequence numbers. The server finds its address with getaddrinfo(NULL,
 * port, AI_PASSIVE | AI_NUMERICSERV) and binds the first result that binds
 * (the book asks AF_UNSPEC; here AF_INET6, one dual-stack result, since
 * glibc sorts AF_UNSPEC's results by asking the kernel over netlink, see
 * tb6_tcpconnect), prints each client as inetAddressStr does, "(host,
 * port)" from getnameinfo(NI_NUMERICHOST | NI_NUMERICSERV), reads the
 * request with readLine (one byte at a time, a line longer than the buffer
 * cut and the rest of it discarded, a last line without a newline still a
 * line) and answers "seqNum\n". Clients connect by number, over IPv6 and
 * over IPv4 (seen as ::ffff:127.0.0.1), one writing its request in pieces,
 * one an over-long line, one a bad number, one a last line without its newline. */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define INT_LEN 30

/* TLPI 59.2's readLine: at most n-1 bytes kept, the rest of a long line read and dropped. */
static ssize_t readLine(int fd, void *buffer, size_t n) {
  char *buf = buffer, ch;
  size_t totRead = 0;
  for (;;) {
    ssize_t numRead = read(fd, &ch, 1);
    if (numRead == -1) {
      if (errno == EINTR) continue;
      return -1;
    } else if (numRead == 0) {
      if (totRead == 0) return 0;
      break;
    } else {
      if (totRead < n - 1) {
        totRead++;
        *buf++ = ch;
      }
      if (ch == '\n') break;
    }
  }
  *buf = '\0';
  return totRead;
}

static char *inetAddressStr(const struct sockaddr *addr, socklen_t addrlen, char *out, int len) {
  char host[NI_MAXHOST], service[NI_MAXSERV];
  if (getnameinfo(addr, addrlen, host, NI_MAXHOST, service, NI_MAXSERV, NI_NUMERICHOST | NI_NUMERICSERV) == 0)
    /* The port is the client's ephemeral one. */
    snprintf(out, len, "(%s, %s)", host, atoi(service) >= 1024 ? "ephemeral" : service);
  else
    snprintf(out, len, "(?UNKNOWN?)");
  return out;
}

static void server(int lfd, int ready, int go, int nclients) {
  int seqNum = 0;
  write(ready, "r", 1);
  close(ready);
  for (int i = 0; i < nclients; i++) {
    struct sockaddr_storage claddr;
    socklen_t addrlen = sizeof claddr;
    int cfd = accept(lfd, (struct sockaddr *)&claddr, &addrlen);
    char addrStr[NI_MAXHOST + NI_MAXSERV + 10], reqLenStr[INT_LEN], seqNumStr[INT_LEN];
    printf("server: connection from %s, addrlen %u\n", inetAddressStr((struct sockaddr *)&claddr, addrlen, addrStr, sizeof addrStr), (unsigned)addrlen);
    ssize_t r = readLine(cfd, reqLenStr, INT_LEN);
    if (r <= 0) {
      printf("server: no request (%zd)\n", r);
      close(cfd);
      continue;
    }
    int reqLen = atoi(reqLenStr);
    printf("server: request of %zd bytes, \"%.*s\" -> %d\n", r, (int)strcspn(reqLenStr, "\n"), reqLenStr, reqLen);
    if (reqLen <= 0) {
      close(cfd);
      continue;
    }
    snprintf(seqNumStr, INT_LEN, "%d\n", seqNum);
    if (write(cfd, seqNumStr, strlen(seqNumStr)) != (ssize_t)strlen(seqNumStr)) printf("server: error on write\n");
    seqNum += reqLen;
    close(cfd);
  }
  close(lfd);
  char c;
  read(go, &c, 1);
  printf("server: next sequence number %d\n", seqNum);
  exit(0);
}

static int connectTo(const char *host, const char *port, int *v6) {
  struct addrinfo hints, *result, *rp;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST;
  int s = getaddrinfo(host, port, &hints, &result);
  if (s != 0) {
    printf("client: getaddrinfo: %s\n", gai_strerror(s));
    exit(1);
  }
  int cfd = -1;
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    cfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (cfd == -1) continue;
    if (connect(cfd, rp->ai_addr, rp->ai_addrlen) != -1) break;
    close(cfd);
  }
  if (rp == NULL) {
    printf("client: could not connect to %s\n", host);
    exit(1);
  }
  *v6 = rp->ai_family == AF_INET6;
  freeaddrinfo(result);
  return cfd;
}

/* One client: its request written as the pieces given, the answer read with readLine. */
static void client(const char *host, const char *port, const char *const *pieces) {
  int v6;
  int cfd = connectTo(host, port, &v6);
  for (; *pieces; pieces++) write(cfd, *pieces, strlen(*pieces));
  shutdown(cfd, SHUT_WR);
  char seqNumStr[INT_LEN];
  ssize_t n = readLine(cfd, seqNumStr, INT_LEN);
  /* Printed once the server is done with this client (it closed): the lines come in one order. */
  printf("client: connected to %s over %s\n", host, v6 ? "IPv6" : "IPv4");
  if (n == 0) printf("client: unexpected EOF from server\n");
  else printf("client: sequence number: %s", seqNumStr);
  close(cfd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct addrinfo hints, *result, *rp;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET6;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  if (getaddrinfo(NULL, "0", &hints, &result) != 0) return 1;
  int lfd = -1, optval = 1;
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    lfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (lfd == -1) continue;
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &optval, sizeof optval) == -1) return 1;
    if (bind(lfd, rp->ai_addr, rp->ai_addrlen) == 0) break;
    close(lfd);
  }
  if (rp == NULL) return 1;
  freeaddrinfo(result);
  listen(lfd, 50);
  struct sockaddr_storage me;
  socklen_t melen = sizeof me;
  getsockname(lfd, (struct sockaddr *)&me, &melen);
  char addrStr[NI_MAXHOST + NI_MAXSERV + 10], port[NI_MAXSERV];
  printf("server: listening on %s\n", inetAddressStr((struct sockaddr *)&me, melen, addrStr, sizeof addrStr));
  getnameinfo((struct sockaddr *)&me, melen, NULL, 0, port, sizeof port, NI_NUMERICSERV);

  int p[2], go[2];
  pipe(p);
  pipe(go);
  pid_t srv = fork();
  if (srv == 0) {
    close(p[0]);
    close(go[1]);
    server(lfd, p[1], go[0], 5);
  }
  close(go[0]);
  close(p[1]);
  close(lfd);
  char c;
  read(p[0], &c, 1);
  close(p[0]);
  /* The clients one after another: the server's lines and theirs interleave the same way each run. */
  const char *const r1[] = {"10\n", NULL};
  const char *const r2[] = {"1", "0", "0", "\n", NULL};
  const char *const r3[] = {"4 and then words that make the line too long\n", NULL};
  const char *const r4[] = {"-5\n", NULL};
  const char *const r5[] = {"3", NULL};
  const char *const *reqs[] = {r1, r2, r3, r4, r5};
  const char *hosts[] = {"::1", "127.0.0.1", "::1", "127.0.0.1", "::1"};
  for (int i = 0; i < 5; i++) {
    pid_t c = fork();
    if (c == 0) {
      client(hosts[i], port, reqs[i]);
      exit(0);
    }
    int st;
    waitpid(c, &st, 0);
  }
  close(go[1]);
  int st;
  waitpid(srv, &st, 0);
  printf("server exit %d\n", WEXITSTATUS(st));
  return 0;
}
