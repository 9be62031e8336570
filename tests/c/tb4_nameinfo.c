/* getaddrinfo/getnameinfo as UNP 11.6-11.17 and Beej 5.1 teach them, on
 * loopback names and numbers only: AI_NUMERICHOST and AI_NUMERICSERV and
 * the EAI_NONAME a name gets under them, the EAI_* codes of other mistakes
 * with gai_strerror, getnameinfo of a server's and a client's address with
 * and without NI_NUMERICHOST/NI_NUMERICSERV (and NI_DGRAM: port 514 is
 * "shell" over TCP, "syslog" over UDP), a buffer too small (EAI_OVERFLOW);
 * then a server and a client set up from getaddrinfo results, the server
 * naming its peer with getnameinfo. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void try_gai(const char *node, const char *serv, int family, int socktype, int flags) {
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = socktype;
  hints.ai_flags = flags;
  int r = getaddrinfo(node, serv, &hints, &res);
  printf("getaddrinfo(%s, %s, family %d, socktype %d, flags 0x%x): ", node ? node : "NULL", serv ? serv : "NULL", family, socktype, flags);
  if (r != 0) {
    printf("%s (%s)\n", r == EAI_NONAME ? "EAI_NONAME" : r == EAI_SERVICE ? "EAI_SERVICE" : r == EAI_FAMILY ? "EAI_FAMILY" : r == EAI_SOCKTYPE ? "EAI_SOCKTYPE" : r == EAI_BADFLAGS ? "EAI_BADFLAGS" : "other", gai_strerror(r));
    return;
  }
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    char host[NI_MAXHOST], port[NI_MAXSERV];
    getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    printf("[%s %s %s %s]", ai->ai_family == AF_INET ? "inet" : "inet6", ai->ai_socktype == SOCK_STREAM ? "stream" : ai->ai_socktype == SOCK_DGRAM ? "dgram" : "raw", host, port);
  }
  printf("\n");
  freeaddrinfo(res);
}

static void try_gni(const char *addr, int port, int flags) {
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  inet_pton(AF_INET, addr, &sin.sin_addr);
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  int r = getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, flags);
  if (r) printf("getnameinfo(%s:%d, 0x%x): %s\n", addr, port, flags, gai_strerror(r));
  else printf("getnameinfo(%s:%d, 0x%x): host '%s' service '%s'\n", addr, port, flags, host, serv);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  try_gai("127.0.0.1", "7", AF_INET, SOCK_STREAM, AI_NUMERICHOST | AI_NUMERICSERV);
  try_gai("127.0.0.1", "echo", AF_INET, 0, AI_NUMERICHOST);
  try_gai("localhost", "80", AF_INET, SOCK_STREAM, AI_NUMERICHOST);
  try_gai("127.0.0.1", "http", AF_INET, SOCK_STREAM, AI_NUMERICSERV);
  try_gai("::1", "daytime", AF_INET6, SOCK_DGRAM, AI_NUMERICHOST);
  try_gai(NULL, NULL, AF_INET, SOCK_STREAM, 0);
  try_gai(NULL, "9000", AF_INET, SOCK_STREAM, AI_PASSIVE | AI_NUMERICSERV);
  try_gai(NULL, "9000", AF_INET, SOCK_STREAM, AI_NUMERICSERV);
  try_gai("127.0.0.1", "80", AF_UNIX, SOCK_STREAM, 0);
  try_gai("127.0.0.1", "80", AF_INET, 99, 0);
  try_gai("127.0.0.1", "no-such-service", AF_INET, SOCK_STREAM, 0);
  try_gai("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0x10000);

  try_gni("127.0.0.1", 7, NI_NUMERICHOST | NI_NUMERICSERV);
  try_gni("127.0.0.1", 7, NI_NUMERICHOST);
  try_gni("127.0.0.1", 514, NI_NUMERICHOST);
  try_gni("127.0.0.1", 514, NI_NUMERICHOST | NI_DGRAM);
  try_gni("127.0.0.1", 40000, NI_NUMERICHOST);
  {
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(7);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char tiny[4], serv[NI_MAXSERV];
    int r = getnameinfo((struct sockaddr *)&sin, sizeof sin, tiny, sizeof tiny, serv, sizeof serv, NI_NUMERICHOST);
    printf("getnameinfo into 4 bytes: %s\n", r == EAI_OVERFLOW ? "EAI_OVERFLOW" : gai_strerror(r));
    r = getnameinfo((struct sockaddr *)&sin, 4, serv, sizeof serv, NULL, 0, NI_NUMERICHOST);
    printf("getnameinfo with a short address: %s\n", r == EAI_FAMILY ? "EAI_FAMILY" : gai_strerror(r));
  }

  /* A server and a client from getaddrinfo results. */
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  getaddrinfo(NULL, "0", &hints, &res);
  int lfd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  bind(lfd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  listen(lfd, 1);
  struct sockaddr_in me;
  socklen_t ml = sizeof me;
  getsockname(lfd, (struct sockaddr *)&me, &ml);
  char host[NI_MAXHOST], port[NI_MAXSERV];
  getnameinfo((struct sockaddr *)&me, ml, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
  printf("listening on %s\n", host);

  pid_t pid = fork();
  if (pid == 0) {
    close(lfd);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    getaddrinfo("127.0.0.1", port, &hints, &res);
    int c = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (connect(c, res->ai_addr, res->ai_addrlen) < 0) { perror("connect"); _exit(1); }
    freeaddrinfo(res);
    struct sockaddr_in mine;
    socklen_t l = sizeof mine;
    getsockname(c, (struct sockaddr *)&mine, &l);
    char line[64];
    int n = snprintf(line, sizeof line, "%u\n", ntohs(mine.sin_port));
    write(c, line, n);
    char buf[64];
    n = read(c, buf, sizeof buf);
    printf("client: '%.*s'\n", n, buf);
    close(c);
    _exit(0);
  }
  struct sockaddr_storage peer;
  socklen_t pl = sizeof peer;
  int c = accept(lfd, (struct sockaddr *)&peer, &pl);
  getnameinfo((struct sockaddr *)&peer, pl, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
  char buf[64];
  ssize_t n = read(c, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  int same = atoi(buf) == atoi(port);
  printf("server: peer %s, port as the client says: %s\n", host, same ? "yes" : "no");
  write(c, same ? "hello 127.0.0.1" : "who are you", same ? 15 : 11);
  close(c);
  int st;
  waitpid(pid, &st, 0);
  close(lfd);
  printf("done, child status %d\n", WEXITSTATUS(st));
  return 0;
}
