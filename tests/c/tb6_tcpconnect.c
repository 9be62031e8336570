/* UNP 11.12-11.16's protocol-independent helpers, as the book writes them:
 * tcp_listen (getaddrinfo with AI_PASSIVE and AF_UNSPEC, socket, SO_REUSEADDR,
 * bind the first address that binds), tcp_connect (try each address in
 * turn until one connects), udp_server and udp_connect. With no host name
 * getaddrinfo gives the wildcard addresses for a server, 0.0.0.0 before ::,
 * and the loopback addresses for a client, ::1 before 127.0.0.1: so a server
 * from tcp_listen is IPv4-only, and a client from tcp_connect meets
 * ECONNREFUSED on ::1 before it reaches the server on 127.0.0.1. Addresses
 * are printed with getnameinfo(NI_NUMERICHOST); ports only as "ephemeral". */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char *fam(int f) { return f == AF_INET ? "AF_INET" : f == AF_INET6 ? "AF_INET6" : "AF_?"; }

static const char *numeric(const struct sockaddr *sa, socklen_t len) {
  static char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  int rv = getnameinfo(sa, len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
  return rv ? gai_strerror(rv) : host;
}

static void list(const char *what, const char *host, const char *serv, int flags, int socktype) {
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_flags = flags;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  int rv = getaddrinfo(host, serv, &hints, &res);
  printf("%s: %s\n", what, rv ? gai_strerror(rv) : "");
  if (rv) return;
  for (struct addrinfo *r = res; r; r = r->ai_next) printf("  %s %s\n", fam(r->ai_family), numeric(r->ai_addr, r->ai_addrlen));
  freeaddrinfo(res);
}

/* UNP 11.12: returns a connected socket, trying every address. */
static int tcp_connect(const char *host, const char *serv) {
  struct addrinfo hints, *res, *r;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int n = getaddrinfo(host, serv, &hints, &res);
  if (n != 0) { printf("  tcp_connect error for %s: %s\n", host ? host : "(null)", gai_strerror(n)); return -1; }
  int fd = -1;
  for (r = res; r; r = r->ai_next) {
    fd = socket(r->ai_family, r->ai_socktype, r->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, r->ai_addr, r->ai_addrlen) == 0) { printf("  %s %s: connected\n", fam(r->ai_family), numeric(r->ai_addr, r->ai_addrlen)); break; }
    printf("  %s %s: %s\n", fam(r->ai_family), numeric(r->ai_addr, r->ai_addrlen), strerror(errno));
    close(fd);
    fd = -1;
  }
  if (!r) printf("  tcp_connect error for %s: no address worked\n", host ? host : "(null)");
  freeaddrinfo(res);
  return fd;
}

/* UNP 11.13: a listening socket on the first address that binds; its length in *lenp. */
static int tcp_listen(const char *host, const char *serv, int family, socklen_t *lenp) {
  struct addrinfo hints, *res, *r;
  memset(&hints, 0, sizeof hints);
  hints.ai_flags = AI_PASSIVE;
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, serv, &hints, &res) != 0) return -1;
  int fd = -1, on = 1;
  for (r = res; r; r = r->ai_next) {
    fd = socket(r->ai_family, r->ai_socktype, r->ai_protocol);
    if (fd < 0) continue;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, r->ai_addr, r->ai_addrlen) == 0) break;
    close(fd);
    fd = -1;
  }
  if (r) {
    listen(fd, 5);
    printf("  tcp_listen bound %s %s\n", fam(r->ai_family), numeric(r->ai_addr, r->ai_addrlen));
    if (lenp) *lenp = r->ai_addrlen;
  }
  freeaddrinfo(res);
  return fd;
}

static void port_of(int fd, char *serv) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  getsockname(fd, (struct sockaddr *)&ss, &len);
  getnameinfo((struct sockaddr *)&ss, len, NULL, 0, serv, NI_MAXSERV, NI_NUMERICSERV);
}

static void serve_one(int lfd, int cfd) {
  struct sockaddr_storage peer;
  socklen_t len = sizeof peer;
  int s = accept(lfd, (struct sockaddr *)&peer, &len);
  printf("  server accepted %s (addrlen %u)\n", numeric((struct sockaddr *)&peer, len), (unsigned)len);
  write(cfd, "ping", 4);
  char buf[8];
  ssize_t n = read(s, buf, sizeof buf);
  write(s, buf, n);
  n = read(cfd, buf, sizeof buf);
  printf("  client got '%.*s' back\n", (int)n, buf);
  close(s);
  close(cfd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  list("getaddrinfo(NULL, \"9\", AF_UNSPEC, AI_PASSIVE)", NULL, "9", AI_PASSIVE, SOCK_STREAM);
  list("getaddrinfo(NULL, \"9\", AF_UNSPEC)", NULL, "9", 0, SOCK_STREAM);
  list("getaddrinfo(\"::1\", \"9\", AF_UNSPEC)", "::1", "9", 0, SOCK_STREAM);

  printf("tcp_listen(NULL, \"0\"), tcp_connect(NULL, port)\n");
  char serv[NI_MAXSERV];
  int lfd = tcp_listen(NULL, "0", AF_UNSPEC, NULL);
  port_of(lfd, serv);
  int cfd = tcp_connect(NULL, serv);
  if (cfd >= 0) serve_one(lfd, cfd);
  printf("tcp_connect(\"::1\", port)\n");
  tcp_connect("::1", serv);
  printf("tcp_connect(\"127.0.0.1\", port)\n");
  cfd = tcp_connect("127.0.0.1", serv);
  if (cfd >= 0) serve_one(lfd, cfd);
  close(lfd);

  /* Asking for IPv6 first gives a dual-stack listener that both clients reach. */
  printf("tcp_listen(NULL, \"0\", AF_INET6), tcp_connect(NULL, port) and (\"127.0.0.1\", port)\n");
  socklen_t addrlen = 0;
  lfd = tcp_listen(NULL, "0", AF_INET6, &addrlen);
  printf("  addrlen %u\n", (unsigned)addrlen);
  port_of(lfd, serv);
  cfd = tcp_connect(NULL, serv);
  if (cfd >= 0) serve_one(lfd, cfd);
  cfd = tcp_connect("127.0.0.1", serv);
  if (cfd >= 0) serve_one(lfd, cfd);
  close(lfd);

  /* udp_server (11.15) on the first wildcard address, udp_connect (11.14) to the first loopback address. */
  printf("udp_server(NULL, \"0\"), udp_connect(NULL, port)\n");
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_flags = AI_PASSIVE;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  getaddrinfo(NULL, "0", &hints, &res);
  int ufd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  bind(ufd, res->ai_addr, res->ai_addrlen);
  printf("  udp_server bound %s %s\n", fam(res->ai_family), numeric(res->ai_addr, res->ai_addrlen));
  freeaddrinfo(res);
  port_of(ufd, serv);
  for (int pass = 0; pass < 2; pass++) {
    const char *host = pass == 0 ? NULL : "127.0.0.1";
    hints.ai_flags = 0;
    getaddrinfo(host, serv, &hints, &res);
    int c = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    connect(c, res->ai_addr, res->ai_addrlen);
    struct timeval tv = {2, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    printf("  udp_connect(%s): %s %s\n", host ? host : "NULL", fam(res->ai_family), numeric(res->ai_addr, res->ai_addrlen));
    freeaddrinfo(res);
    ssize_t n = send(c, "hello", 5, 0);
    printf("    send %zd\n", n);
    if (pass == 1) {
      char buf[16];
      struct sockaddr_storage from;
      socklen_t flen = sizeof from;
      n = recvfrom(ufd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
      printf("    server got %zd bytes from %s\n", n, numeric((struct sockaddr *)&from, flen));
      sendto(ufd, buf, n, 0, (struct sockaddr *)&from, flen);
    }
    char buf[16];
    n = recv(c, buf, sizeof buf, 0);
    if (n < 0) printf("    recv -1: %s\n", strerror(errno));
    else printf("    recv %zd: '%.*s'\n", n, (int)n, buf);
    close(c);
  }
  close(ufd);
  return 0;
}
