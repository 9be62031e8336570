/* GeeksforGeeks' "UDP Server-Client implementation in C" as handed in:
 * #define MAXLINE 1024, memset, a server on INADDR_ANY whose recvfrom() and
 * sendto() pass MSG_WAITALL and MSG_CONFIRM (meaningless for UDP and
 * harmless), buffer[n] = '\0' after recvfrom, and a forked client. Then the
 * mistakes of the same handouts: inet_addr("localhost") is INADDR_NONE,
 * 255.255.255.255, so a UDP sendto()/connect() there is a broadcast without
 * SO_BROADCAST (EACCES) and a TCP connect() ENETUNREACH; recvfrom() with a
 * NULL address but a length pointer leaves the length alone, a NULL length
 * with an address is EFAULT after the datagram was taken (it is lost); a
 * reply read into a buffer and printed with
 * %s without the NUL (%.*s shows the bytes read). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#define MAXLINE 1024

static int PORT;

int server_main(int portpipe) {
  int sockfd;
  char buffer[MAXLINE];
  char *hello = "Hello from server";
  struct sockaddr_in servaddr, cliaddr;
  if ((sockfd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
    perror("socket creation failed");
    exit(EXIT_FAILURE);
  }
  memset(&servaddr, 0, sizeof(servaddr));
  memset(&cliaddr, 0, sizeof(cliaddr));
  servaddr.sin_family = AF_INET;
  servaddr.sin_addr.s_addr = INADDR_ANY;
  servaddr.sin_port = htons(0);
  if (bind(sockfd, (const struct sockaddr *)&servaddr, sizeof(servaddr)) < 0) {
    perror("bind failed");
    exit(EXIT_FAILURE);
  }
  socklen_t len = sizeof(servaddr);
  getsockname(sockfd, (struct sockaddr *)&servaddr, &len);
  write(portpipe, &servaddr.sin_port, 2);
  close(portpipe);
  int n;
  len = sizeof(cliaddr);
  n = recvfrom(sockfd, (char *)buffer, MAXLINE, MSG_WAITALL, (struct sockaddr *)&cliaddr, &len);
  buffer[n] = '\0';
  printf("Client : %s\n", buffer);
  sendto(sockfd, (const char *)hello, strlen(hello), MSG_CONFIRM, (const struct sockaddr *)&cliaddr, len);
  printf("Hello message sent.\n");
  /* The second request: NULL address, length given (untouched). */
  len = 12345;
  n = recvfrom(sockfd, (char *)buffer, MAXLINE, 0, NULL, &len);
  printf("recvfrom(NULL, &len): %d, len still %u\n", n, (unsigned)len);
  /* The third: an address with no length: EFAULT, once the datagram is taken. */
  n = recvfrom(sockfd, (char *)buffer, MAXLINE, 0, (struct sockaddr *)&cliaddr, NULL);
  printf("recvfrom(&cliaddr, NULL): %d %s\n", n, strerror(errno));
  len = sizeof(cliaddr);
  n = recvfrom(sockfd, (char *)buffer, MAXLINE, 0, (struct sockaddr *)&cliaddr, &len);
  printf("then: %d '%.*s'\n", n, n, buffer);
  /* The reply without a NUL, 5 bytes into a buffer that held "Hello from server". */
  sendto(sockfd, "HOWDY", 5, 0, (const struct sockaddr *)&cliaddr, len);
  close(sockfd);
  return 0;
}

int client_main(void) {
  int sockfd;
  char buffer[MAXLINE];
  char *hello = "Hello from client";
  struct sockaddr_in servaddr;
  if ((sockfd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
    perror("socket creation failed");
    exit(EXIT_FAILURE);
  }
  memset(&servaddr, 0, sizeof(servaddr));
  servaddr.sin_family = AF_INET;
  servaddr.sin_port = htons(PORT);
  servaddr.sin_addr.s_addr = INADDR_ANY;
  int n;
  socklen_t len = sizeof(servaddr);
  sendto(sockfd, (const char *)hello, strlen(hello), MSG_CONFIRM, (const struct sockaddr *)&servaddr, sizeof(servaddr));
  printf("Hello message sent.\n");
  n = recvfrom(sockfd, (char *)buffer, MAXLINE, MSG_WAITALL, (struct sockaddr *)&servaddr, &len);
  buffer[n] = '\0';
  printf("Server : %s\n", buffer);
  sendto(sockfd, "second", 6, 0, (const struct sockaddr *)&servaddr, sizeof(servaddr));
  sendto(sockfd, "third", 5, 0, (const struct sockaddr *)&servaddr, sizeof(servaddr));
  sendto(sockfd, "fourth", 6, 0, (const struct sockaddr *)&servaddr, sizeof(servaddr));
  n = recvfrom(sockfd, (char *)buffer, MAXLINE, 0, (struct sockaddr *)&servaddr, &len);
  printf("Server (%%s, no NUL added): %s\n", buffer);
  printf("Server (%%.*s): %.*s\n", n, buffer);
  close(sockfd);
  return 0;
}

int main(void) {
  int pp[2], st;
  unsigned short port;
  setvbuf(stdout, NULL, _IONBF, 0);
  pipe(pp);
  pid_t srv = fork();
  if (srv == 0) {
    /* The server's lines are shown after the client's: both print as they go. */
    int o = open("server.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    close(o);
    close(pp[0]);
    exit(server_main(pp[1]));
  }
  close(pp[1]);
  read(pp[0], &port, 2);
  PORT = ntohs(port);
  /* Only the server prints until the client has sent: it waits in recvfrom. */
  pid_t cli = fork();
  if (cli == 0) exit(client_main());
  waitpid(cli, &st, 0);
  printf("client exit %d\n", WEXITSTATUS(st));
  waitpid(srv, &st, 0);
  char out[1024];
  ssize_t k, got = 0;
  int fd = open("server.out", O_RDONLY);
  while ((k = read(fd, out + got, sizeof out - got)) > 0) got += k;
  close(fd);
  unlink("server.out");
  printf("server exit %d, it printed:\n%.*s", WEXITSTATUS(st), (int)got, out);

  /* inet_addr("localhost"): not a dotted quad. */
  struct sockaddr_in servaddr;
  memset(&servaddr, 0, sizeof(servaddr));
  servaddr.sin_family = AF_INET;
  servaddr.sin_port = htons(PORT);
  servaddr.sin_addr.s_addr = inet_addr("localhost");
  printf("inet_addr(\"localhost\") = %s (INADDR_NONE: %d)\n", inet_ntoa(servaddr.sin_addr), servaddr.sin_addr.s_addr == INADDR_NONE);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  int r = sendto(u, "hi", 2, 0, (struct sockaddr *)&servaddr, sizeof(servaddr));
  printf("udp sendto: %d %s\n", r, strerror(errno));
  r = connect(u, (struct sockaddr *)&servaddr, sizeof(servaddr));
  printf("udp connect: %d %s\n", r, strerror(errno));
  close(u);
  int t = socket(AF_INET, SOCK_STREAM, 0);
  r = connect(t, (struct sockaddr *)&servaddr, sizeof(servaddr));
  printf("tcp connect: %d %s\n", r, strerror(errno));
  close(t);
  /* The same for the other broadcast and group addresses students try. */
  const char *other[] = {"127.255.255.255", "224.0.0.1"};
  for (int i = 0; i < 2; i++) {
    servaddr.sin_addr.s_addr = inet_addr(other[i]);
    t = socket(AF_INET, SOCK_STREAM, 0);
    r = connect(t, (struct sockaddr *)&servaddr, sizeof(servaddr));
    printf("tcp connect to %s: %d %s\n", other[i], r, strerror(errno));
    close(t);
  }
  return 0;
}
