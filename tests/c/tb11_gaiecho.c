/* getaddrinfo(3)'s EXAMPLES: the UDP echo server (getaddrinfo with AI_PASSIVE,
 * try each address until bind succeeds, recvfrom + getnameinfo + sendto) and
 * its client (getaddrinfo for the server, try each address until connect
 * succeeds, write each argument and read its echo). Here in one program: the
 * server binds to service "0" first (getsockname gives the port the client is
 * given), then forks the client; the server answers as many datagrams as the
 * client sends and stops at "quit". */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#define BUF_SIZE 500

static int client(const char *host, const char *port, int argc, const char *argv[]) {
  struct addrinfo hints, *result, *rp;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = 0;
  hints.ai_protocol = 0;
  int s = getaddrinfo(host, port, &hints, &result);
  if (s != 0) { fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(s)); return EXIT_FAILURE; }
  int sfd = -1;
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    sfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (sfd == -1) continue;
    if (connect(sfd, rp->ai_addr, rp->ai_addrlen) != -1) break;
    close(sfd);
  }
  freeaddrinfo(result);
  if (rp == NULL) { fprintf(stderr, "Could not connect\n"); return EXIT_FAILURE; }
  char buf[BUF_SIZE];
  for (int j = 0; j < argc; j++) {
    size_t len = strlen(argv[j]) + 1; /* +1 for terminating null byte */
    if (len > BUF_SIZE) { fprintf(stderr, "Ignoring long message in argument %d\n", j); continue; }
    if (write(sfd, argv[j], len) != (ssize_t)len) { fprintf(stderr, "partial/failed write\n"); return EXIT_FAILURE; }
    ssize_t nread = read(sfd, buf, BUF_SIZE);
    if (nread == -1) { perror("read"); return EXIT_FAILURE; }
    printf("Received %zd bytes: %s\n", nread, buf);
  }
  close(sfd);
  return EXIT_SUCCESS;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct addrinfo hints, *result, *rp;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;      /* the man page's AF_UNSPEC, but loopback's IPv4 only: the client asks for 127.0.0.1 */
  hints.ai_socktype = SOCK_DGRAM; /* Datagram socket */
  hints.ai_flags = AI_PASSIVE;    /* For wildcard IP address */
  hints.ai_protocol = 0;          /* Any protocol */
  int s = getaddrinfo(NULL, "0", &hints, &result);
  if (s != 0) { fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(s)); return EXIT_FAILURE; }
  int sfd = -1;
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    sfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (sfd == -1) continue;
    if (bind(sfd, rp->ai_addr, rp->ai_addrlen) == 0) break; /* Success */
    close(sfd);
  }
  freeaddrinfo(result);
  if (rp == NULL) { fprintf(stderr, "Could not bind\n"); return EXIT_FAILURE; }
  struct sockaddr_in me;
  socklen_t melen = sizeof me;
  getsockname(sfd, (struct sockaddr *)&me, &melen);
  char port[NI_MAXSERV];
  snprintf(port, sizeof port, "%u", ntohs(me.sin_port));

  pid_t pid = fork();
  if (pid == 0) {
    close(sfd);
    const char *msgs[] = {"Hello", "world", "from getaddrinfo(3)", "quit"};
    _exit(client("127.0.0.1", port, 4, msgs));
  }
  /* Read datagrams and echo them back to sender. */
  for (;;) {
    char buf[BUF_SIZE];
    struct sockaddr_storage peer_addr;
    socklen_t peer_addrlen = sizeof peer_addr;
    ssize_t nread = recvfrom(sfd, buf, BUF_SIZE, 0, (struct sockaddr *)&peer_addr, &peer_addrlen);
    if (nread == -1) continue; /* Ignore failed request */
    char host[NI_MAXHOST], service[NI_MAXSERV];
    s = getnameinfo((struct sockaddr *)&peer_addr, peer_addrlen, host, NI_MAXHOST, service, NI_MAXSERV, NI_NUMERICSERV | NI_NUMERICHOST);
    if (s == 0)
      printf("Received %zd bytes from %s\n", nread, host); /* the man page prints the port too: ephemeral here */
    else
      fprintf(stderr, "getnameinfo: %s\n", gai_strerror(s));
    if (sendto(sfd, buf, nread, 0, (struct sockaddr *)&peer_addr, peer_addrlen) != nread) fprintf(stderr, "Error sending response\n");
    if (strcmp(buf, "quit") == 0) break;
  }
  int st;
  waitpid(pid, &st, 0);
  printf("client exited %d\n", WEXITSTATUS(st));
  close(sfd);
  return 0;
}
