/* An iterative TCP daytime server and its client, in the style of UNP's
 * daytimetcpsrv/daytimetcpcli: getaddrinfo for both ends, inet_ntop of the
 * accepted peer, getpeername on the client. The server serves one client at
 * a time; the clients are forked one after the other. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCLIENTS 2

static int tcp_listen(char *port, size_t portlen) {
  struct addrinfo hints, *res, *ai;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int n = getaddrinfo(NULL, "0", &hints, &res);
  if (n != 0) { printf("getaddrinfo: %s\n", gai_strerror(n)); exit(1); }
  int fd = -1;
  for (ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) { perror("bind"); exit(1); }
  if (listen(fd, 5) < 0) { perror("listen"); exit(1); }
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;
  getsockname(fd, (struct sockaddr *)&sin, &len);
  snprintf(port, portlen, "%d", ntohs(sin.sin_port));
  return fd;
}

static int tcp_connect(const char *host, const char *port) {
  struct addrinfo hints, *res, *ai;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  int n = getaddrinfo(host, port, &hints, &res);
  if (n != 0) { printf("getaddrinfo: %s\n", gai_strerror(n)); exit(1); }
  int fd = -1;
  for (ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

static void client(int id, const char *port) {
  int fd = tcp_connect("127.0.0.1", port);
  if (fd < 0) { perror("connect"); exit(2); }
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  char addr[INET6_ADDRSTRLEN];
  if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    printf("client %d: connected to %s (len %d, family %s)\n", id, inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof addr), (int)len,
           sin->sin_family == AF_INET ? "AF_INET" : "other");
  }
  char buf[128];
  int n, total = 0;
  while ((n = read(fd, buf, sizeof buf - 1)) > 0) {
    buf[n] = 0;
    total += n;
    printf("client %d: %s", id, buf);
  }
  printf("client %d: EOF after %d bytes (read returned %d)\n", id, total, n);
  close(fd);
  exit(10 + id);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char port[16];
  int listenfd = tcp_listen(port, sizeof port);
  char log[NCLIENTS][96];
  for (int i = 0; i < NCLIENTS; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      close(listenfd);
      client(i, port);
    }
    struct sockaddr_in cli;
    socklen_t len = sizeof cli;
    int connfd = accept(listenfd, (struct sockaddr *)&cli, &len);
    char addr[INET_ADDRSTRLEN];
    snprintf(log[i], sizeof log[i], "server: connection %d from %s, len %d", i, inet_ntop(AF_INET, &cli.sin_addr, addr, sizeof addr), (int)len);
    /* The daytime string itself would differ: a fixed one keeps the output comparable. */
    char buf[64];
    snprintf(buf, sizeof buf, "Sat Dec  5 12:00:0%d 2026\r\n", i);
    write(connfd, buf, strlen(buf));
    close(connfd);
    int status;
    waitpid(pid, &status, 0);
    printf("%s; client exited %d\n", log[i], WEXITSTATUS(status));
  }
  close(listenfd);
  return 0;
}
