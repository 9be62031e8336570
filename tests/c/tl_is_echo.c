/* TLPI (Kerrisk, The Linux Programming Interface): is_echo_sv (60.3), is_echo_inetd_sv (60.5), is_echo_cl (61.2), re-typed from the book's
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
/* ---- become_daemon.c (TLPI 37.2) ---- */
#define BD_NO_CHDIR 01
#define BD_NO_CLOSE_FILES 02
#define BD_NO_REOPEN_STD_FDS 04
#define BD_NO_UMASK0 010
#define BD_MAX_CLOSE 8192
static int becomeDaemon(int flags) {
  int maxfd, fd;
  switch (fork()) {
  case -1: return -1;
  case 0: break;
  default: _exit(EXIT_SUCCESS);
  }
  if (setsid() == -1) return -1;
  switch (fork()) {
  case -1: return -1;
  case 0: break;
  default: _exit(EXIT_SUCCESS);
  }
  if (!(flags & BD_NO_UMASK0)) umask(0);
  if (!(flags & BD_NO_CHDIR)) chdir("/");
  if (!(flags & BD_NO_CLOSE_FILES)) {
    maxfd = sysconf(_SC_OPEN_MAX);
    if (maxfd == -1) maxfd = BD_MAX_CLOSE;
    for (fd = 0; fd < maxfd; fd++) close(fd);
  }
  if (!(flags & BD_NO_REOPEN_STD_FDS)) {
    close(STDIN_FILENO);
    fd = open("/dev/null", O_RDWR);
    if (fd != STDIN_FILENO) return -1;
    if (dup2(STDIN_FILENO, STDOUT_FILENO) != STDOUT_FILENO) return -1;
    if (dup2(STDIN_FILENO, STDERR_FILENO) != STDERR_FILENO) return -1;
  }
  return 0;
}
/* The book's daemons log with syslog(3), which the SDK has not: their messages go to stderr
 * instead, which becomeDaemon pointed at /dev/null (where a syslog without a daemon loses them too). */
#define LOG_ERR 3
#define LOG_WARNING 4
static void tlpi_syslog(int priority, const char *format, ...) {
  va_list ap;
  (void)priority;
  va_start(ap, format);
  vfprintf(stderr, format, ap);
  va_end(ap);
  fputc('\n', stderr);
}
#define syslog tlpi_syslog
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
/* ---- is_echo_sv.c (TLPI 60.3): a concurrent TCP echo daemon, a child per client, reaped by a
 * SIGCHLD handler (SA_RESTART, so accept resumes); is_echo_inetd_sv.c (60.5): the same service as
 * inetd runs it, the connection on stdin and stdout; is_echo_cl.c (61.2): a client that forks, the
 * child copying the socket to stdout while the parent copies stdin to the socket and then
 * shutdown(SHUT_WR)s. The book's service is "echo" (7): here the port port 0 gets. ---- */
#define SERVICE svService
#define BUF_SIZE 4096
static int svClients; /* the book's daemon loops for ever: here it serves this many */

static void grimReaper(int sig) {
  int savedErrno;
  savedErrno = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) continue;
  errno = savedErrno;
}

static void handleRequest(int cfd) {
  char buf[BUF_SIZE];
  ssize_t numRead;
  while ((numRead = read(cfd, buf, BUF_SIZE)) > 0) {
    if (write(cfd, buf, numRead) != numRead) {
      syslog(LOG_ERR, "write() failed: %s", strerror(errno));
      exit(EXIT_FAILURE);
    }
  }
  if (numRead == -1) {
    syslog(LOG_ERR, "Error from read(): %s", strerror(errno));
    exit(EXIT_FAILURE);
  }
}

static int is_echo_sv(int argc, char *argv[]) {
  int lfd, cfd;
  struct sigaction sa;
  if (becomeDaemon(BD_NO_CLOSE_FILES) == -1) errExit("becomeDaemon");
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sa.sa_handler = grimReaper;
  if (sigaction(SIGCHLD, &sa, NULL) == -1) {
    syslog(LOG_ERR, "Error from sigaction(): %s", strerror(errno));
    exit(EXIT_FAILURE);
  }
  lfd = inetListen("0", 10, NULL);
  if (lfd == -1) {
    syslog(LOG_ERR, "Could not create server socket (%s)", strerror(errno));
    exit(EXIT_FAILURE);
  }
  serverReady(lfd);
  for (int served = 0; served < svClients; served++) {
    cfd = accept(lfd, NULL, NULL);
    if (cfd == -1) {
      syslog(LOG_ERR, "Failure in accept(): %s", strerror(errno));
      exit(EXIT_FAILURE);
    }
    switch (fork()) {
    case -1:
      syslog(LOG_ERR, "Can't create child (%s)", strerror(errno));
      close(cfd);
      break;
    case 0:
      close(lfd);
      handleRequest(cfd);
      _exit(EXIT_SUCCESS);
    default:
      close(cfd);
      break;
    }
  }
  return EXIT_SUCCESS;
}

static int is_echo_inetd_sv(int argc, char *argv[]) {
  char buf[BUF_SIZE];
  ssize_t numRead;
  while ((numRead = read(STDIN_FILENO, buf, BUF_SIZE)) > 0) {
    if (write(STDOUT_FILENO, buf, numRead) != numRead) {
      syslog(LOG_ERR, "write() failed: %s", strerror(errno));
      exit(EXIT_FAILURE);
    }
  }
  if (numRead == -1) {
    syslog(LOG_ERR, "Error from read(): %s", strerror(errno));
    exit(EXIT_FAILURE);
  }
  exit(EXIT_SUCCESS);
}

/* inetd's part for one stream service (60.5), enough for is_echo_inetd_sv: listen, and for each
 * connection a child with the socket as its stdin, stdout and stderr, running the service. */
static int mini_inetd(int argc, char *argv[]) {
  int lfd = inetListen("0", 10, NULL), cfd;
  if (lfd == -1) errExit("inetListen");
  serverReady(lfd);
  for (int served = 0; served < svClients; served++) {
    cfd = accept(lfd, NULL, NULL);
    if (cfd == -1) errExit("accept");
    switch (fork()) {
    case -1: errExit("fork");
    case 0:
      close(lfd);
      dup2(cfd, STDIN_FILENO);
      dup2(cfd, STDOUT_FILENO);
      dup2(cfd, STDERR_FILENO);
      if (cfd > STDERR_FILENO) close(cfd);
      is_echo_inetd_sv(argc, argv);
      _exit(EXIT_FAILURE);
    default:
      close(cfd);
      if (wait(NULL) == -1) errExit("wait");
    }
  }
  return EXIT_SUCCESS;
}

static int is_echo_cl(int argc, char *argv[]) {
  int sfd;
  ssize_t numRead;
  char buf[BUF_SIZE];
  if (argc != 2 || strcmp(argv[1], "--help") == 0) usageErr("%s host\n", argv[0]);
  sfd = inetConnect(argv[1], SERVICE, SOCK_STREAM);
  if (sfd == -1) errExit("inetConnect");
  switch (fork()) {
  case -1: errExit("fork");
  case 0:
    for (;;) {
      numRead = read(sfd, buf, BUF_SIZE);
      if (numRead <= 0) break;
      printf("%.*s", (int)numRead, buf);
    }
    exit(EXIT_SUCCESS);
  default:
    for (;;) {
      numRead = read(STDIN_FILENO, buf, BUF_SIZE);
      if (numRead <= 0) break;
      if (write(sfd, buf, numRead) != numRead) fatal("write() failed");
    }
    if (shutdown(sfd, SHUT_WR) == -1) errExit("shutdown");
    exit(EXIT_SUCCESS);
  }
}

/* The client with TEXT on its stdin ("is_echo_cl host < file") and its stdout a pipe read here to its
 * end: its reading child outlives it, and what it prints comes before the driver's next line. */
static int runEchoClient(const char *text, int argc, char **argv) {
  int in[2], out[2], status;
  char buf[512];
  ssize_t n;
  pid_t pid;
  if (pipe(in) == -1 || pipe(out) == -1) errExit("pipe");
  fflush(stdout);
  pid = fork();
  if (pid == -1) errExit("fork");
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    exit(is_echo_cl(argc, argv));
  }
  close(in[0]);
  close(out[1]);
  if (write(in[1], text, strlen(text)) != (ssize_t)strlen(text)) errExit("write");
  close(in[1]);
  while ((n = read(out[0], buf, sizeof buf)) > 0) write(STDOUT_FILENO, buf, n);
  close(out[0]);
  if (waitpid(pid, &status, 0) == -1) errExit("waitpid");
  return status;
}

int main(void) {
  char *sv[] = {"is_echo_sv", NULL};
  char *cl[] = {"is_echo_cl", "localhost", NULL};
  char *cl4[] = {"is_echo_cl", "127.0.0.1", NULL};
  char big[10000];
  int st[3], status;
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 0; i < (int)sizeof big - 1; i++) big[i] = i % 80 == 79 ? '\n' : '0' + i % 10;
  big[sizeof big - 1] = '\0';
  printf("== is_echo_sv ==\n");
  svClients = 3;
  pid_t pid = startServer(is_echo_sv, 1, sv);
  if (waitpid(pid, &status, 0) == -1) errExit("waitpid"); /* becomeDaemon's first parent leaves at once */
  reportStatus("is_echo_sv", status);
  st[0] = runEchoClient("hello, echo\nand a second line\n", 2, cl);
  st[1] = runEchoClient(big, 2, cl4); /* more than one read's worth */
  st[2] = runEchoClient("", 2, cl);
  for (int i = 0; i < 3; i++) reportStatus("is_echo_cl", st[i]);
  printf("== is_echo_inetd_sv under inetd ==\n");
  svClients = 2;
  pid = startServer(mini_inetd, 1, sv);
  st[0] = runEchoClient("through inetd\n", 2, cl);
  st[1] = runEchoClient("once more\n", 2, cl4);
  if (waitpid(pid, &status, 0) == -1) errExit("waitpid");
  for (int i = 0; i < 2; i++) reportStatus("is_echo_cl", st[i]);
  reportStatus("inetd", status);
  return 0;
}
