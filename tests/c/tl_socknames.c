/* TLPI (Kerrisk, The Linux Programming Interface): socknames (61.5), re-typed from the book's
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
/* ---- inet_sockets.c (TLPI 59.12) ---- */
static int inetConnect(const char *host, const char *service, int type) {
  struct addrinfo hints;
  struct addrinfo *result, *rp;
  int sfd, s;
  memset(&hints, 0, sizeof(struct addrinfo));
  hints.ai_canonname = NULL;
  hints.ai_addr = NULL;
  hints.ai_next = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = type;
  s = getaddrinfo(host, service, &hints, &result);
  if (s != 0) {
    errno = ENOSYS;
    return -1;
  }
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    sfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (sfd == -1) continue;
    if (connect(sfd, rp->ai_addr, rp->ai_addrlen) != -1) break;
    close(sfd);
  }
  freeaddrinfo(result);
  return (rp == NULL) ? -1 : sfd;
}
static int inetPassiveSocket(const char *service, int type, socklen_t *addrlen, bool doListen, int backlog) {
  struct addrinfo hints;
  struct addrinfo *result, *rp;
  int sfd, optval, s;
  memset(&hints, 0, sizeof(struct addrinfo));
  hints.ai_canonname = NULL;
  hints.ai_addr = NULL;
  hints.ai_next = NULL;
  hints.ai_socktype = type;
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_PASSIVE;
  s = getaddrinfo(NULL, service, &hints, &result);
  if (s != 0) return -1;
  optval = 1;
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    sfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (sfd == -1) continue;
    if (doListen) {
      if (setsockopt(sfd, SOL_SOCKET, SO_REUSEADDR, &optval, sizeof(optval)) == -1) {
        close(sfd);
        freeaddrinfo(result);
        return -1;
      }
    }
    if (bind(sfd, rp->ai_addr, rp->ai_addrlen) == 0) break;
    close(sfd);
  }
  if (rp != NULL && doListen) {
    if (listen(sfd, backlog) == -1) {
      freeaddrinfo(result);
      return -1;
    }
  }
  if (rp != NULL && addrlen != NULL) *addrlen = rp->ai_addrlen;
  freeaddrinfo(result);
  return (rp == NULL) ? -1 : sfd;
}
static int inetListen(const char *service, int backlog, socklen_t *addrlen) {
  return inetPassiveSocket(service, SOCK_STREAM, addrlen, true, backlog);
}
static int inetBind(const char *service, int type, socklen_t *addrlen) {
  return inetPassiveSocket(service, type, addrlen, false, 0);
}
static char *inetAddressStr(const struct sockaddr *addr, socklen_t addrlen, char *addrStr, int addrStrLen) {
  char host[NI_MAXHOST], service[NI_MAXSERV];
  if (getnameinfo(addr, addrlen, host, NI_MAXHOST, service, NI_MAXSERV, NI_NUMERICSERV) == 0)
    snprintf(addrStr, addrStrLen, "(%s, %s)", host, service);
  else
    snprintf(addrStr, addrStrLen, "(?UNKNOWN?)");
  return addrStr;
}
#define IS_ADDR_STR_LEN 4096
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
/* ---- socknames.c (TLPI 61.5): getsockname and getpeername on both ends of a TCP connection made
 * inside one process (inetListen, inetConnect(NULL, ...), accept). The book takes the service as its
 * argument: here the listening socket binds port 0 and the client connects to the port it got (one
 * getsockname more). Without its closing sleep(30), there for netstat. ---- */
static int socknames(int argc, char *argv[]) {
  int listenFd, acceptFd, connFd;
  socklen_t len;
  void *addr;
  char addrStr[IS_ADDR_STR_LEN];
  char service[NI_MAXSERV];
  if (argc != 2 || strcmp(argv[1], "--help") == 0) usageErr("%s service\n", argv[0]);
  listenFd = inetListen(argv[1], 5, &len);
  if (listenFd == -1) errExit("inetListen");
  {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(listenFd, (struct sockaddr *)&ss, &sl) == -1) errExit("getsockname");
    getnameinfo((struct sockaddr *)&ss, sl, NULL, 0, service, sizeof service, NI_NUMERICSERV);
  }
  connFd = inetConnect(NULL, service, SOCK_STREAM);
  if (connFd == -1) errExit("inetConnect");
  acceptFd = accept(listenFd, NULL, NULL);
  if (acceptFd == -1) errExit("accept");
  addr = malloc(len);
  if (addr == NULL) errExit("malloc");
  if (getsockname(connFd, addr, &len) == -1) errExit("getsockname");
  printf("getsockname(connFd):   %s\n", inetAddressStr(addr, len, addrStr, IS_ADDR_STR_LEN));
  if (getsockname(acceptFd, addr, &len) == -1) errExit("getsockname");
  printf("getsockname(acceptFd): %s\n", inetAddressStr(addr, len, addrStr, IS_ADDR_STR_LEN));
  if (getpeername(connFd, addr, &len) == -1) errExit("getpeername");
  printf("getpeername(connFd):   %s\n", inetAddressStr(addr, len, addrStr, IS_ADDR_STR_LEN));
  if (getpeername(acceptFd, addr, &len) == -1) errExit("getpeername");
  printf("getpeername(acceptFd): %s\n", inetAddressStr(addr, len, addrStr, IS_ADDR_STR_LEN));
  printf("address length: %ld\n", (long)len);
  exit(EXIT_SUCCESS);
}

int main(void) {
  char *args[] = {"socknames", "0", NULL};
  char *noArgs[] = {"socknames", NULL};
  setvbuf(stdout, NULL, _IOLBF, 0);
  reportStatus("socknames", runClient(socknames, 2, args));
  reportStatus("socknames", runClient(socknames, 1, noArgs));
  return 0;
}
