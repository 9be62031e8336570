/* A poll() TCP echo server, as a sockets textbook writes one.
 * usage: echo_server PORT [CLIENTS]   (exits after serving CLIENTS clients; default: never)
 * Listens on every address (IPv6 socket accepting IPv4 too), echoes each
 * line back, and logs connections. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 2048

static const char *peer_name(int fd, char *buf, size_t len) {
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0 ||
      getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    snprintf(buf, len, "?");
  else
    snprintf(buf, len, "[%s]:%s", host, serv);
  return buf;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT [CLIENTS]\n", argv[0]); return 2; }
  int limit = argc > 2 ? atoi(argv[2]) : -1;
  setvbuf(stdout, NULL, _IOLBF, 0);

  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET6;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  int rc = getaddrinfo(NULL, argv[1], &hints, &res);
  if (rc != 0) { fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc)); return 1; }

  int lfd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (lfd < 0) { perror("socket"); return 1; }
  int on = 1, off = 0;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  if (bind(lfd, res->ai_addr, res->ai_addrlen) < 0) { perror("bind"); return 1; }
  freeaddrinfo(res);
  if (listen(lfd, 16) < 0) { perror("listen"); return 1; }
  printf("listening on port %s\n", argv[1]);

  struct pollfd fds[MAX_FDS];
  int nfds = 1, served = 0;
  fds[0].fd = lfd;
  fds[0].events = POLLIN;
  while (limit < 0 || served < limit || nfds > 1) {
    if (poll(fds, nfds, -1) < 0) { perror("poll"); return 1; }
    for (int i = 0; i < nfds; i++) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == lfd) {
        int cfd = accept(lfd, NULL, NULL);
        if (cfd < 0) { perror("accept"); continue; }
        char name[128];
        printf("accepted %s\n", peer_name(cfd, name, sizeof name));
        if (nfds == MAX_FDS) { close(cfd); continue; }
        fds[nfds].fd = cfd;
        fds[nfds].events = POLLIN;
        fds[nfds].revents = 0;
        nfds++;
        served++;
        continue;
      }
      char buf[4096];
      ssize_t n = recv(fds[i].fd, buf, sizeof buf, 0);
      if (n <= 0) {
        if (n < 0) perror("recv");
        printf("client on fd %d closed\n", fds[i].fd);
        close(fds[i].fd);
        fds[i] = fds[--nfds];
        i--;
        continue;
      }
      for (ssize_t off = 0; off < n;) {
        ssize_t w = send(fds[i].fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
        if (w < 0) { perror("send"); break; }
        off += w;
      }
    }
    if (limit >= 0 && served >= limit) fds[0].events = 0; /* stop accepting */
  }
  close(lfd);
  printf("served %d clients, bye\n", served);
  return 0;
}
