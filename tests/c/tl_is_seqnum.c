/* TLPI (Kerrisk, The Linux Programming Interface): is_seqnum_sv/is_seqnum_cl (59.11), re-typed from the book's
 * logic with the parts of its library (tlpi_hdr.h, error_functions.c, ...) that it uses. Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"
#define min(m, n) ((m) < (n) ? (m) : (n))
#define max(m, n) ((m) > (n) ? (m) : (n))
/* ---- error_functions.c (TLPI 3.5), re-typed: "ERROR [ENAME strerror] message" on stderr ---- */
static const char *ename(int e) {
  switch (e) {
  case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EINTR: return "EINTR";
  case EBADF: return "EBADF"; case EAGAIN: return "EAGAIN"; case EACCES: return "EACCES";
  case EFAULT: return "EFAULT"; case EINVAL: return "EINVAL"; case EPIPE: return "EPIPE";
  case ENOSYS: return "ENOSYS"; case ENOTSOCK: return "ENOTSOCK"; case EADDRINUSE: return "EADDRINUSE";
  case ECONNREFUSED: return "ECONNREFUSED"; case ECONNRESET: return "ECONNRESET"; default: return "?UNKNOWN?";
  }
}
static void outputError(bool useErr, int err, bool flushStdout, const char *format, va_list ap) {
  char buf[1500], userMsg[500], errText[600];
  vsnprintf(userMsg, sizeof userMsg, format, ap);
  if (useErr)
    snprintf(errText, sizeof errText, " [%s %s]", ename(err), strerror(err));
  else
    snprintf(errText, sizeof errText, ":");
  snprintf(buf, sizeof buf, "ERROR%s %s\n", errText, userMsg);
  if (flushStdout) fflush(stdout);
  fputs(buf, stderr);
  fflush(stderr);
}
static void errMsg(const char *format, ...) {
  va_list ap;
  int savedErrno = errno;
  va_start(ap, format);
  outputError(true, errno, true, format, ap);
  va_end(ap);
  errno = savedErrno;
}
static void errExit(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  outputError(true, errno, true, format, ap);
  va_end(ap);
  exit(EXIT_FAILURE);
}
static void errExitEN(int errnum, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  outputError(true, errnum, true, format, ap);
  va_end(ap);
  exit(EXIT_FAILURE);
}
static void fatal(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  outputError(false, 0, true, format, ap);
  va_end(ap);
  exit(EXIT_FAILURE);
}
static void usageErr(const char *format, ...) {
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "Usage: ");
  va_start(ap, format);
  vfprintf(stderr, format, ap);
  va_end(ap);
  fflush(stderr);
  exit(EXIT_FAILURE);
}
/* ---- read_line.c (TLPI 59.1): read bytes up to a newline, one read(2) each ---- */
static ssize_t readLine(int fd, void *buffer, size_t n) {
  ssize_t numRead;
  size_t totRead;
  char *buf;
  char ch;
  if (n <= 0 || buffer == NULL) {
    errno = EINVAL;
    return -1;
  }
  buf = buffer;
  totRead = 0;
  for (;;) {
    numRead = read(fd, &ch, 1);
    if (numRead == -1) {
      if (errno == EINTR) continue;
      else return -1;
    } else if (numRead == 0) {
      if (totRead == 0) return 0;
      else break;
    } else {
      if (totRead < n - 1) {
        totRead++;
        *buf++ = ch;
      }
      if (ch == '\n') break;
    }
  }
  *buf = '\0';
  return totRead;
}
/* ---- The pair's driver (not the book's): the book starts the server in the background from the
 * shell, then its clients. Here main forks the server, which says through a pipe when it is ready
 * (serverReady: with the port it was given, as it binds port 0 where the book has a fixed one, so
 * runs at once never meet), then runs each client in a child of its own, one after the other, and
 * waits for them all. stdout is line-buffered, so lines come out in the order the protocol gives. */
static int readyFd = -1;
static char svService[NI_MAXSERV] = "";
static void serverReady(int sfd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  char host[NI_MAXHOST], serv[NI_MAXSERV] = "";
  if (readyFd < 0) return;
  if (sfd >= 0 && getsockname(sfd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family != AF_UNIX)
    getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
  write(readyFd, serv, sizeof serv);
  close(readyFd);
  readyFd = -1;
}
static pid_t startServer(int (*svMain)(int, char **), int argc, char **argv) {
  int p[2];
  pid_t pid;
  if (pipe(p) == -1) errExit("pipe");
  fflush(stdout);
  pid = fork();
  if (pid == -1) errExit("fork");
  if (pid == 0) {
    close(p[0]);
    readyFd = p[1];
    exit(svMain(argc, argv));
  }
  close(p[1]);
  if (read(p[0], svService, sizeof svService) != sizeof svService) fatal("server did not start");
  close(p[0]);
  return pid;
}
static int runClient(int (*clMain)(int, char **), int argc, char **argv) {
  int status;
  pid_t pid;
  fflush(stdout);
  pid = fork();
  if (pid == -1) errExit("fork");
  if (pid == 0) exit(clMain(argc, argv));
  if (waitpid(pid, &status, 0) == -1) errExit("waitpid");
  return status;
}
static void reportStatus(const char *who, int status) {
  if (WIFEXITED(status)) printf("[%s exited, status=%d]\n", who, WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) printf("[%s killed by signal %d]\n", who, WTERMSIG(status));
}
/* With svCapture set, the server's stdout and stderr go to a pipe that finishServer copies to stdout once
 * the server is done (the book's "server > file &"): its lines and its clients' would otherwise race. */
static bool svCapture;
static int svOut = -1;
static pid_t startServerCaptured(int (*svMain)(int, char **), int argc, char **argv) {
  int o[2];
  pid_t pid;
  if (pipe(o) == -1) errExit("pipe");
  int saved1 = dup(STDOUT_FILENO), saved2 = dup(STDERR_FILENO);
  fflush(stdout);
  dup2(o[1], STDOUT_FILENO);
  dup2(o[1], STDERR_FILENO);
  close(o[1]);
  pid = startServer(svMain, argc, argv);
  dup2(saved1, STDOUT_FILENO);
  dup2(saved2, STDERR_FILENO);
  close(saved1);
  close(saved2);
  svOut = o[0];
  return pid;
}
static int finishServer(pid_t pid) {
  char buf[512];
  ssize_t n;
  int status = 0;
  if (svOut >= 0) {
    printf("--- the server's output ---\n");
    fflush(stdout);
    while ((n = read(svOut, buf, sizeof buf)) > 0) write(STDOUT_FILENO, buf, n);
    close(svOut);
    svOut = -1;
    printf("---\n");
  }
  if (pid > 0 && waitpid(pid, &status, 0) == -1) errExit("waitpid");
  return status;
}
/* ---- is_seqnum.h, is_seqnum_sv.c, is_seqnum_cl.c (TLPI 59.11): a server handing out sequence
 * numbers over TCP, found with getaddrinfo(NULL, ..., AI_PASSIVE) and bound to whichever of its
 * addresses takes; requests and replies are newline-terminated lines (readLine). The book's port is
 * 50000: here the one port 0 gets (the driver's serverReady). ---- */
#define PORT_NUM svService
#define INT_LEN 30
#define BACKLOG 50
#define ADDRSTRLEN (NI_MAXHOST + NI_MAXSERV + 10)
static int svClients; /* the book's server loops for ever: here it serves this many */

static int is_seqnum_sv(int argc, char *argv[]) {
  uint32_t seqNum;
  char reqLenStr[INT_LEN];
  char seqNumStr[INT_LEN];
  struct sockaddr_storage claddr;
  int lfd, cfd, optval, reqLen;
  socklen_t addrlen;
  struct addrinfo hints;
  struct addrinfo *result, *rp;
  char addrStr[ADDRSTRLEN];
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (argc > 1 && strcmp(argv[1], "--help") == 0) usageErr("%s [init-seq-num]\n", argv[0]);
  seqNum = (argc > 1) ? atoi(argv[1]) : 0;
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) errExit("signal");
  memset(&hints, 0, sizeof(struct addrinfo));
  hints.ai_canonname = NULL;
  hints.ai_addr = NULL;
  hints.ai_next = NULL;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  if (getaddrinfo(NULL, "0", &hints, &result) != 0) errExit("getaddrinfo");
  optval = 1;
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    lfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (lfd == -1) continue;
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &optval, sizeof(optval)) == -1) errExit("setsockopt");
    if (bind(lfd, rp->ai_addr, rp->ai_addrlen) == 0) break;
    close(lfd);
  }
  if (rp == NULL) fatal("Could not bind socket to any address");
  if (listen(lfd, BACKLOG) == -1) errExit("listen");
  freeaddrinfo(result);
  serverReady(lfd);
  for (int served = 0; served < svClients; served++) {
    addrlen = sizeof(struct sockaddr_storage);
    cfd = accept(lfd, (struct sockaddr *)&claddr, &addrlen);
    if (cfd == -1) {
      errMsg("accept");
      continue;
    }
    if (getnameinfo((struct sockaddr *)&claddr, addrlen, host, NI_MAXHOST, service, NI_MAXSERV, 0) == 0)
      snprintf(addrStr, ADDRSTRLEN, "(%s, %s)", host, service);
    else
      snprintf(addrStr, ADDRSTRLEN, "(?UNKNOWN?)");
    printf("Connection from %s\n", addrStr);
    if (readLine(cfd, reqLenStr, INT_LEN) <= 0) {
      close(cfd);
      continue;
    }
    reqLen = atoi(reqLenStr);
    if (reqLen <= 0) {
      close(cfd);
      continue;
    }
    snprintf(seqNumStr, INT_LEN, "%d\n", seqNum);
    if (write(cfd, seqNumStr, strlen(seqNumStr)) != strlen(seqNumStr)) fprintf(stderr, "Error on write");
    seqNum += reqLen;
    if (close(cfd) == -1) errMsg("close");
  }
  return EXIT_SUCCESS;
}

static int is_seqnum_cl(int argc, char *argv[]) {
  char *reqLenStr;
  char seqNumStr[INT_LEN];
  int cfd;
  ssize_t numRead;
  struct addrinfo hints;
  struct addrinfo *result, *rp;
  if (argc < 2 || strcmp(argv[1], "--help") == 0) usageErr("%s server-host [sequence-len]\n", argv[0]);
  memset(&hints, 0, sizeof(struct addrinfo));
  hints.ai_canonname = NULL;
  hints.ai_addr = NULL;
  hints.ai_next = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  if (getaddrinfo(argv[1], PORT_NUM, &hints, &result) != 0) errExit("getaddrinfo");
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    cfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (cfd == -1) continue;
    if (connect(cfd, rp->ai_addr, rp->ai_addrlen) != -1) break;
    close(cfd);
  }
  if (rp == NULL) fatal("Could not connect socket to any address");
  freeaddrinfo(result);
  reqLenStr = (argc > 2) ? argv[2] : "1";
  if (write(cfd, reqLenStr, strlen(reqLenStr)) != strlen(reqLenStr)) fatal("Partial/failed write (reqLenStr)");
  if (write(cfd, "\n", 1) != 1) fatal("Partial/failed write (newline)");
  numRead = readLine(cfd, seqNumStr, INT_LEN);
  if (numRead == -1) errExit("readLine");
  if (numRead == 0) fatal("Unexpected EOF from server");
  printf("Sequence number: %s", seqNumStr);
  exit(EXIT_SUCCESS);
}

int main(void) {
  char *sv[] = {"is_seqnum_sv", "100", NULL};
  char *cl1[] = {"is_seqnum_cl", "localhost", NULL};
  char *cl2[] = {"is_seqnum_cl", "localhost", "10", NULL};
  char *cl3[] = {"is_seqnum_cl", "127.0.0.1", "5", NULL};
  char *cl4[] = {"is_seqnum_cl", "::1", "1", NULL};
  char *cl5[] = {"is_seqnum_cl", "localhost", "0", NULL}; /* the server closes without a reply */
  int st[5], status;
  setvbuf(stdout, NULL, _IOLBF, 0);
  svClients = 4; /* the client of ::1 finds nobody there: the server took 0.0.0.0 */
  pid_t pid = startServer(is_seqnum_sv, 2, sv);
  st[0] = runClient(is_seqnum_cl, 2, cl1);
  st[1] = runClient(is_seqnum_cl, 3, cl2);
  st[2] = runClient(is_seqnum_cl, 3, cl3);
  st[3] = runClient(is_seqnum_cl, 3, cl4);
  st[4] = runClient(is_seqnum_cl, 3, cl5);
  if (waitpid(pid, &status, 0) == -1) errExit("waitpid");
  for (int i = 0; i < 5; i++) reportStatus("is_seqnum_cl", st[i]);
  reportStatus("is_seqnum_sv", status);
  return 0;
}
