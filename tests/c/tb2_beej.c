/* Beej's guide, section 6.1's server set-up: getaddrinfo(NULL, port,
 * AI_PASSIVE) and a loop that tries each result (socket, SO_REUSEADDR,
 * bind) until one binds; then a listen backlog that several non-blocking
 * connects fill before the server accepts, and the order accept takes
 * them in. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *fam(int f) { return f == AF_INET ? "AF_INET" : f == AF_INET6 ? "AF_INET6" : "other"; }

static void *in_addr(struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) return &(((struct sockaddr_in *)sa)->sin_addr);
  return &(((struct sockaddr_in6 *)sa)->sin6_addr);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* A port nobody uses: the system picks one, and it is given back to getaddrinfo as text. */
  int probe = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 p6;
  memset(&p6, 0, sizeof p6);
  p6.sin6_family = AF_INET6;
  bind(probe, (struct sockaddr *)&p6, sizeof p6);
  socklen_t pl = sizeof p6;
  getsockname(probe, (struct sockaddr *)&p6, &pl);
  char port[8];
  snprintf(port, sizeof port, "%u", ntohs(p6.sin6_port));
  close(probe);

  struct addrinfo hints, *servinfo, *p;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  int rv = getaddrinfo(NULL, port, &hints, &servinfo);
  printf("getaddrinfo(NULL, port, AF_INET, AI_PASSIVE): %s\n", rv ? gai_strerror(rv) : "ok");
  int n = 0;
  for (p = servinfo; p != NULL; p = p->ai_next) {
    char ip[INET6_ADDRSTRLEN];
    printf("  result %d: %s %s socktype %d protocol %d addrlen %u\n", n++, fam(p->ai_family), inet_ntop(p->ai_family, in_addr(p->ai_addr), ip, sizeof ip),
           p->ai_socktype, p->ai_protocol, (unsigned)p->ai_addrlen);
  }
  freeaddrinfo(servinfo);

  hints.ai_family = AF_INET6;
  rv = getaddrinfo(NULL, port, &hints, &servinfo);
  printf("getaddrinfo(NULL, port, AF_INET6, AI_PASSIVE): %s\n", rv ? gai_strerror(rv) : "ok");
  for (p = servinfo; p != NULL; p = p->ai_next) {
    char ip[INET6_ADDRSTRLEN];
    printf("  %s %s addrlen %u\n", fam(p->ai_family), inet_ntop(p->ai_family, in_addr(p->ai_addr), ip, sizeof ip), (unsigned)p->ai_addrlen);
  }
  freeaddrinfo(servinfo);
  hints.ai_flags = 0;
  hints.ai_family = AF_INET;
  rv = getaddrinfo(NULL, port, &hints, &servinfo);
  printf("getaddrinfo(NULL, port, AF_INET) without AI_PASSIVE: %s\n", rv ? gai_strerror(rv) : "ok");
  for (p = servinfo; p != NULL; p = p->ai_next) {
    char ip[INET6_ADDRSTRLEN];
    printf("  %s %s\n", fam(p->ai_family), inet_ntop(p->ai_family, in_addr(p->ai_addr), ip, sizeof ip));
  }
  freeaddrinfo(servinfo);
  rv = getaddrinfo(NULL, NULL, &hints, &servinfo);
  printf("getaddrinfo(NULL, NULL): %s\n", rv ? gai_strerror(rv) : "ok");
  rv = getaddrinfo(NULL, "no-such-service-name", &hints, &servinfo);
  printf("getaddrinfo(NULL, \"no-such-service-name\"): %s\n", rv ? gai_strerror(rv) : "ok");
  hints.ai_flags = AI_NUMERICSERV;
  rv = getaddrinfo(NULL, "http", &hints, &servinfo);
  printf("getaddrinfo(NULL, \"http\", AI_NUMERICSERV): %s\n", rv ? gai_strerror(rv) : "ok");

  /* Beej's loop: the first result that binds wins. Here an AF_INET6 socket already
   * holds the port on [::] (dual-stack), so the IPv4 wildcard is EADDRINUSE first. */
  int holder = socket(AF_INET6, SOCK_STREAM, 0);
  p6.sin6_addr = in6addr_any;
  printf("holder bind [::]: %d\n", bind(holder, (struct sockaddr *)&p6, sizeof p6));
  hints.ai_flags = AI_PASSIVE;
  hints.ai_family = AF_UNSPEC;
  struct addrinfo four, six;
  struct sockaddr_in any4;
  memset(&any4, 0, sizeof any4);
  any4.sin_family = AF_INET;
  any4.sin_port = p6.sin6_port;
  /* The two results a dual-stack machine gives, in glibc's order, made by hand: an IPv4 wildcard, then a v6 one on another port. */
  struct sockaddr_in6 other6 = p6;
  memset(&four, 0, sizeof four);
  four.ai_family = AF_INET;
  four.ai_socktype = SOCK_STREAM;
  four.ai_addr = (struct sockaddr *)&any4;
  four.ai_addrlen = sizeof any4;
  four.ai_next = &six;
  six = four;
  six.ai_family = AF_INET6;
  six.ai_addr = (struct sockaddr *)&other6;
  six.ai_addrlen = sizeof other6;
  six.ai_next = NULL;
  other6.sin6_port = 0;
  int sockfd = -1, yes = 1;
  for (p = &four; p != NULL; p = p->ai_next) {
    if ((sockfd = socket(p->ai_family, p->ai_socktype, p->ai_protocol)) == -1) {
      printf("server: socket: %s\n", strerror(errno));
      continue;
    }
    if (setsockopt(sockfd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(int)) == -1) return 1;
    if (bind(sockfd, p->ai_addr, p->ai_addrlen) == -1) {
      printf("server: bind %s: %s\n", fam(p->ai_family), strerror(errno));
      close(sockfd);
      continue;
    }
    printf("server: bound %s\n", fam(p->ai_family));
    break;
  }
  if (p == NULL) {
    printf("server: failed to bind\n");
    return 2;
  }
  close(holder);

  /* The backlog: five non-blocking connects before any accept. */
  listen(sockfd, 8);
  struct sockaddr_in6 me;
  socklen_t ml = sizeof me;
  getsockname(sockfd, (struct sockaddr *)&me, &ml);
  struct sockaddr_in6 to;
  memset(&to, 0, sizeof to);
  to.sin6_family = AF_INET6;
  to.sin6_addr = in6addr_loopback;
  to.sin6_port = me.sin6_port;
  int cl[5];
  unsigned short cport[5];
  for (int i = 0; i < 5; i++) {
    cl[i] = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(cl[i], (struct sockaddr *)&to, sizeof to);
    printf("client %d: connect %d %s\n", i, r, r < 0 ? strerror(errno) : "");
    struct sockaddr_in6 c6;
    socklen_t c6l = sizeof c6;
    getsockname(cl[i], (struct sockaddr *)&c6, &c6l);
    cport[i] = ntohs(c6.sin6_port);
  }
  for (int i = 0; i < 5; i++) {
    struct pollfd pf = {cl[i], POLLOUT, 0};
    int r = poll(&pf, 1, 1000);
    int err = -1;
    socklen_t el = sizeof err;
    getsockopt(cl[i], SOL_SOCKET, SO_ERROR, &err, &el);
    printf("client %d: poll %d, writable %d, SO_ERROR %d\n", i, r, (pf.revents & POLLOUT) != 0, err);
    char msg[2] = {(char)('A' + i), 0};
    write(cl[i], msg, 1);
  }
  struct pollfd lp = {sockfd, POLLIN, 0};
  int lr = poll(&lp, 1, 0);
  printf("listener poll: %d, readable %d\n", lr, (lp.revents & POLLIN) != 0);
  for (int i = 0; i < 5; i++) {
    struct sockaddr_storage their;
    socklen_t tl = sizeof their;
    int a = accept(sockfd, (struct sockaddr *)&their, &tl);
    char ip[INET6_ADDRSTRLEN], c;
    int k = -1;
    for (int j = 0; j < 5; j++)
      if (cport[j] == ntohs(((struct sockaddr_in6 *)&their)->sin6_port)) k = j;
    ssize_t r = read(a, &c, 1);
    printf("accept %d: from %s, client %d, read %zd '%c'\n", i, inet_ntop(AF_INET6, in_addr((struct sockaddr *)&their), ip, sizeof ip), k, r, r == 1 ? c : '?');
    close(a);
  }
  int fl = fcntl(sockfd, F_GETFL);
  fcntl(sockfd, F_SETFL, fl | O_NONBLOCK);
  int a = accept(sockfd, NULL, NULL);
  printf("accept on the empty queue: %d %s\n", a, a < 0 ? strerror(errno) : "");
  for (int i = 0; i < 5; i++) close(cl[i]);
  close(sockfd);

  /* A backlog of 1 holds two connections (Linux takes backlog + 1); a third
   * client's SYN is dropped until accept makes room, and its retransmission gets in. */
  int small = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(small, (struct sockaddr *)&sa, sizeof sa);
  socklen_t sl = sizeof sa;
  getsockname(small, (struct sockaddr *)&sa, &sl);
  listen(small, 1);
  int q[3];
  for (int i = 0; i < 3; i++) {
    q[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(q[i], (struct sockaddr *)&sa, sizeof sa);
    char m = (char)('a' + i);
    struct pollfd pf = {q[i], POLLOUT, 0};
    int r = poll(&pf, 1, i < 2 ? 1000 : 200);
    printf("backlog 1, client %d: poll %d\n", i, r);
    if (r == 1) write(q[i], &m, 1);
  }
  for (int i = 0; i < 3; i++) {
    int a = accept(small, NULL, NULL);
    char c = '?';
    read(a, &c, 1);
    printf("backlog 1, accept %d: '%c'\n", i, c);
    close(a);
    if (i == 0) {
      /* Room now: the third client's SYN gets in when it is sent again. */
      struct pollfd pf = {q[2], POLLOUT, 0};
      int r = poll(&pf, 1, 5000);
      printf("backlog 1, client 2 after an accept: poll %d\n", r);
      if (r == 1) write(q[2], "c", 1);
    }
  }
  for (int i = 0; i < 3; i++) close(q[i]);
  close(small);
  return 0;
}
