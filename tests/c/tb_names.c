/* The older resolver calls of Beej's guide and UNP chapter 11:
 * gethostbyname, getservbyname/getservbyport, then a connection made from
 * what they returned (h_addr_list[0] and s_port), as such programs do. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void show_host(const char *name) {
  struct hostent *hp = gethostbyname(name);
  if (!hp) {
    printf("gethostbyname(%s): h_errno %d\n", name, h_errno);
    return;
  }
  printf("gethostbyname(%s): type %s, length %d", name, hp->h_addrtype == AF_INET ? "AF_INET" : "other", hp->h_length);
  for (char **pp = hp->h_addr_list; *pp; pp++) {
    char str[INET_ADDRSTRLEN];
    printf(", address %s", inet_ntop(hp->h_addrtype, *pp, str, sizeof str));
  }
  printf("\n");
}

static void show_serv(const char *name, const char *proto) {
  struct servent *sp = getservbyname(name, proto);
  if (!sp) {
    printf("getservbyname(%s, %s): not found\n", name, proto ? proto : "NULL");
    return;
  }
  printf("getservbyname(%s, %s): %s port %d proto %s\n", name, proto ? proto : "NULL", sp->s_name, ntohs(sp->s_port), sp->s_proto);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  show_host("127.0.0.1");
  show_host("localhost");
  show_serv("daytime", "tcp");
  show_serv("echo", "udp");
  show_serv("http", NULL);
  show_serv("no-such-service", "tcp");
  /* Numeric forms users type: glibc takes inet_aton's ("127.1") and keeps a port in 16 bits. */
  const char *nodes[][2] = {{"127.1", "8080"}, {"0x7f.0.0.1", "http"}, {"010.0.0.1", "+22"}, {"127.0.0.1", "70000"}, {"127.0.0.256", "80"}, {"1.2.3.4.5", "80"}, {"127.0.0.1", "-1"}};
  for (int i = 0; i < 7; i++) {
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    int rv = getaddrinfo(nodes[i][0], nodes[i][1], &hints, &res);
    if (rv) {
      printf("getaddrinfo(%s, %s): %s\n", nodes[i][0], nodes[i][1], gai_strerror(rv));
      continue;
    }
    char str[INET_ADDRSTRLEN];
    struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;
    printf("getaddrinfo(%s, %s): %s port %d\n", nodes[i][0], nodes[i][1], inet_ntop(AF_INET, &sin->sin_addr, str, sizeof str), ntohs(sin->sin_port));
    freeaddrinfo(res);
  }
  struct servent *sp = getservbyport(htons(21), "tcp");
  printf("getservbyport(21, tcp): %s\n", sp ? sp->s_name : "not found");

  /* A server on an ephemeral port, reached through gethostbyname's address. */
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_ANY);
  bind(lfd, (struct sockaddr *)&sin, sizeof sin);
  listen(lfd, 1);
  socklen_t len = sizeof sin;
  getsockname(lfd, (struct sockaddr *)&sin, &len);
  int port = ntohs(sin.sin_port);
  pid_t pid = fork();
  if (pid == 0) {
    struct hostent *hp = gethostbyname("localhost");
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    memcpy(&to.sin_addr, hp->h_addr_list[0], sizeof to.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) { perror("connect"); exit(1); }
    write(fd, "via gethostbyname", 17);
    close(fd);
    exit(0);
  }
  struct sockaddr_in peer;
  len = sizeof peer;
  int c = accept(lfd, (struct sockaddr *)&peer, &len);
  char buf[64] = {0};
  int n = read(c, buf, sizeof buf - 1);
  struct hostent *hp = gethostbyaddr(&peer.sin_addr, sizeof peer.sin_addr, AF_INET);
  printf("server: read %d '%s' from %s (%s)\n", n, buf, inet_ntoa(peer.sin_addr), hp ? hp->h_name : "no name");
  close(c);
  close(lfd);
  int st;
  waitpid(pid, &st, 0);
  printf("client exited %d\n", WEXITSTATUS(st));
  return 0;
}
