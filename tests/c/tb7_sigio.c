/* Donahoo & Calvert 6.3's UDPEchoServer-SIGIO: signal-driven I/O. The
 * server installs a SIGIO handler (sigaction, every signal blocked while
 * it runs), makes itself the socket's owner with fcntl(F_SETOWN, getpid())
 * and sets O_NONBLOCK | FASYNC with F_SETFL; then it has nothing to do but
 * wait (the book's UseIdleTime; here sigsuspend, SIGIO blocked otherwise,
 * so no arrival is missed between the check and the wait). Each datagram's
 * arrival raises SIGIO and the handler echoes everything queued, reading
 * until EWOULDBLOCK. The handler tells the client through a pipe that it
 * has drained the socket, so the next datagram is another SIGIO (the
 * traces are the same each run). The client is UDPEchoClient: sendto,
 * recvfrom, a check that the answer came from the server. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define ECHOMAX 255

static int servSock, drained, fin;
static volatile sig_atomic_t done, sigios;
static char logbuf[4096];
static size_t loglen;

static void logf_(const char *fmt, const char *s, long n) {
  loglen += snprintf(logbuf + loglen, sizeof logbuf - loglen, fmt, s, n);
}

static void SIGIOHandler(int signalType) {
  (void)signalType;
  sigios++;
  ssize_t numBytesRcvd;
  do {
    struct sockaddr_storage clntAddr;
    socklen_t clntLen = sizeof clntAddr;
    char buffer[ECHOMAX];
    numBytesRcvd = recvfrom(servSock, buffer, ECHOMAX, 0, (struct sockaddr *)&clntAddr, &clntLen);
    if (numBytesRcvd < 0) {
      if (errno != EWOULDBLOCK) {
        logf_("recvfrom failed: %s%ld\n", strerror(errno), 0);
        exit(1);
      }
    } else {
      char who[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &((struct sockaddr_in *)&clntAddr)->sin_addr, who, sizeof who);
      logf_("Handling client %s, %ld bytes\n", who, (long)numBytesRcvd);
      if (numBytesRcvd == 4 && memcmp(buffer, "quit", 4) == 0) done = 1;
      ssize_t numBytesSent = sendto(servSock, buffer, numBytesRcvd, 0, (struct sockaddr *)&clntAddr, clntLen);
      if (numBytesSent != numBytesRcvd) logf_("sendto: %s%ld\n", strerror(errno), 0);
    }
  } while (numBytesRcvd >= 0);
  write(drained, "d", 1);
}

static void server(int ready) {
  struct sigaction handler;
  handler.sa_handler = SIGIOHandler;
  if (sigfillset(&handler.sa_mask) < 0) exit(1);
  handler.sa_flags = 0;
  if (sigaction(SIGIO, &handler, 0) < 0) exit(1);
  sigset_t io, old;
  sigemptyset(&io);
  sigaddset(&io, SIGIO);
  sigprocmask(SIG_BLOCK, &io, &old);

  if (fcntl(servSock, F_SETOWN, getpid()) < 0) exit(1);
  if (fcntl(servSock, F_SETFL, O_NONBLOCK | FASYNC) < 0) exit(1);
  int owner = fcntl(servSock, F_GETOWN);
  int fl = fcntl(servSock, F_GETFL);
  loglen += snprintf(logbuf + loglen, sizeof logbuf - loglen, "owner is the server: %s, O_NONBLOCK %s, O_ASYNC %s\n",
                     owner == getpid() ? "yes" : "no", fl & O_NONBLOCK ? "set" : "clear", fl & O_ASYNC ? "set" : "clear");
  write(ready, "r", 1);
  close(ready);
  while (!done) sigsuspend(&old);
  /* The log, printed once the client has printed its last answer (it closes fin): one process writes at a time. */
  char c;
  while (read(fin, &c, 1) > 0) {
  }
  loglen += snprintf(logbuf + loglen, sizeof logbuf - loglen, "SIGIO handled %d times\n", (int)sigios);
  fputs(logbuf, stdout);
  exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  servSock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  struct sockaddr_in servAddr;
  memset(&servAddr, 0, sizeof servAddr);
  servAddr.sin_family = AF_INET;
  servAddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  servAddr.sin_port = htons(0);
  if (bind(servSock, (struct sockaddr *)&servAddr, sizeof servAddr) < 0) return 1;
  socklen_t len = sizeof servAddr;
  getsockname(servSock, (struct sockaddr *)&servAddr, &len);

  int r[2], d[2], f[2];
  pipe(r);
  pipe(d);
  pipe(f);
  pid_t srv = fork();
  if (srv == 0) {
    close(r[0]);
    close(d[0]);
    close(f[1]);
    drained = d[1];
    fin = f[0];
    server(r[1]);
  }
  close(r[1]);
  close(d[1]);
  close(f[0]);
  close(servSock);
  char c;
  read(r[0], &c, 1);

  int sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  const char *words[] = {"echo", "signal-driven I/O", "a third datagram", "quit"};
  for (int i = 0; i < 4; i++) {
    size_t echoStringLen = strlen(words[i]);
    ssize_t numBytes = sendto(sock, words[i], echoStringLen, 0, (struct sockaddr *)&servAddr, sizeof servAddr);
    if (numBytes < 0) printf("sendto: %s\n", strerror(errno));
    struct sockaddr_storage fromAddr;
    socklen_t fromAddrLen = sizeof fromAddr;
    char buffer[ECHOMAX + 1];
    numBytes = recvfrom(sock, buffer, ECHOMAX, 0, (struct sockaddr *)&fromAddr, &fromAddrLen);
    if (numBytes < 0) {
      printf("recvfrom: %s\n", strerror(errno));
      return 1;
    }
    struct sockaddr_in *f = (struct sockaddr_in *)&fromAddr;
    int fromServer = f->sin_family == AF_INET && f->sin_addr.s_addr == servAddr.sin_addr.s_addr && f->sin_port == servAddr.sin_port;
    buffer[numBytes] = '\0';
    printf("Received: %s (from the server: %s)\n", buffer, fromServer ? "yes" : "no");
    /* The handler has read to EWOULDBLOCK before the next datagram goes. */
    read(d[0], &c, 1);
  }
  close(sock);
  close(f[1]);
  int st;
  waitpid(srv, &st, 0);
  printf("server exit %d\n", WEXITSTATUS(st));
  return 0;
}
