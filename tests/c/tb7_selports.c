/* Donahoo & Calvert 6.5's TCPEchoServer-Select: one process serves echo on
 * several ports. It sets up a listening socket per port (here three, each
 * on a port of its own choosing), then loops on select() over all of them
 * and standard input, with a timeout; a timeout prints "No echo requests
 * ... Server still alive"; a ready listener's connection is accepted and
 * handled at once (HandleTCPClient: echo until the client closes); a line
 * on standard input shuts the server down. Standard input is a pipe (dup2
 * onto fd 0) that a forked driver writes once its clients are done; the
 * driver starts after the server's first select() has timed out, runs one
 * client per port, one after another (TCPEchoClient), and prints what they
 * got once the server has finished printing. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUFSIZE 32
#define NPORTS 3

static void HandleTCPClient(int clntSocket) {
  char buffer[BUFSIZE];
  ssize_t numBytesRcvd = recv(clntSocket, buffer, BUFSIZE, 0);
  while (numBytesRcvd > 0) {
    ssize_t numBytesSent = send(clntSocket, buffer, numBytesRcvd, 0);
    if (numBytesSent != numBytesRcvd) break;
    numBytesRcvd = recv(clntSocket, buffer, BUFSIZE, 0);
  }
  close(clntSocket);
}

static int SetupTCPServerSocket(void) {
  int servSock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(servSock, (struct sockaddr *)&a, sizeof a) < 0 || listen(servSock, 5) < 0) exit(1);
  return servSock;
}

static int AcceptTCPConnection(int servSock) {
  struct sockaddr_in clntAddr;
  socklen_t clntAddrLen = sizeof clntAddr;
  int clntSock = accept(servSock, (struct sockaddr *)&clntAddr, &clntAddrLen);
  if (clntSock < 0) exit(1);
  char clntName[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &clntAddr.sin_addr.s_addr, clntName, sizeof clntName);
  printf("Handling client %s/ephemeral\n", clntName);
  return clntSock;
}

/* One client: its text (maybe longer than the server's buffer), SHUT_WR, the echo and then EOF. */
static size_t echoClient(in_port_t port, const char *echoString, char *out, size_t room) {
  int sock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = port;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(sock, (struct sockaddr *)&a, sizeof a) < 0) return snprintf(out, room, "connect: %s\n", strerror(errno));
  size_t echoStringLen = strlen(echoString);
  if (send(sock, echoString, echoStringLen, 0) != (ssize_t)echoStringLen) return snprintf(out, room, "send failed\n");
  shutdown(sock, SHUT_WR);
  size_t n = snprintf(out, room, "Received: ");
  /* The whole echo in one call (how the server's 32-byte pieces arrive is the scheduler's), then EOF. */
  ssize_t r = recv(sock, out + n, echoStringLen, MSG_WAITALL);
  if (r > 0) n += r;
  r = recv(sock, out + n, room - n - 2, 0);
  if (r != 0) n += snprintf(out + n, room - n, " (then %zd, not EOF)", r);
  close(sock);
  n += snprintf(out + n, room - n, "\n");
  return n;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int servSock[NPORTS];
  in_port_t ports[NPORTS];
  int maxDescriptor = -1;
  for (int port = 0; port < NPORTS; port++) {
    servSock[port] = SetupTCPServerSocket();
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    getsockname(servSock[port], (struct sockaddr *)&a, &len);
    ports[port] = a.sin_port;
    if (servSock[port] > maxDescriptor) maxDescriptor = servSock[port];
  }
  int in[2], done[2], go[2];
  pipe(in);
  pipe(done);
  pipe(go);
  pid_t driver = fork();
  if (driver == 0) {
    close(in[0]);
    close(done[1]);
    close(go[1]);
    char c;
    read(go[0], &c, 1);
    for (int port = 0; port < NPORTS; port++) close(servSock[port]);
    static char report[4096];
    size_t n = 0;
    const char *texts[NPORTS] = {"first port", "the second port's client sends a text longer than the server's buffer", "third"};
    for (int port = 0; port < NPORTS; port++) n += echoClient(ports[port], texts[port], report + n, sizeof report - n);
    write(in[1], "q\n", 2);
    close(in[1]);
    while (read(done[0], &c, 1) > 0) {
    }
    fputs(report, stdout);
    exit(0);
  }
  close(in[1]);
  close(done[0]);
  close(go[0]);
  dup2(in[0], STDIN_FILENO);
  close(in[0]);

  printf("Starting server:  Hit return to shutdown\n");
  int running = 1, first = 1;
  long timeOut = 0;
  fd_set sockSet;
  while (running) {
    FD_ZERO(&sockSet);
    FD_SET(STDIN_FILENO, &sockSet);
    for (int port = 0; port < NPORTS; port++) FD_SET(servSock[port], &sockSet);
    /* The book's timeout is the command line's; here 0 the first time (the clients wait for it), then none. */
    struct timeval selTimeout = {timeOut, 0};
    int r = select(maxDescriptor + 1, &sockSet, NULL, NULL, first ? &selTimeout : NULL);
    if (first) {
      first = 0;
      write(go[1], "g", 1);
      close(go[1]);
    }
    if (r == 0) {
      printf("No echo requests for %ld secs...Server still alive\n", timeOut);
    } else if (r < 0) {
      printf("select: %s\n", strerror(errno));
      return 1;
    } else {
      if (FD_ISSET(0, &sockSet)) {
        printf("Shutting down server\n");
        char line[16];
        read(STDIN_FILENO, line, sizeof line);
        running = 0;
      }
      for (int port = 0; port < NPORTS; port++)
        if (FD_ISSET(servSock[port], &sockSet)) {
          printf("Request on port %d:  ", port);
          HandleTCPClient(AcceptTCPConnection(servSock[port]));
        }
    }
  }
  for (int port = 0; port < NPORTS; port++) close(servSock[port]);
  close(done[1]);
  int st;
  waitpid(driver, &st, 0);
  printf("driver exit %d\n", WEXITSTATUS(st));
  return 0;
}
