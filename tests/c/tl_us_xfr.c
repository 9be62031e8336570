/* TLPI (Kerrisk, The Linux Programming Interface): us_xfr_sv/us_xfr_cl (57.3), re-typed from the book's
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
/* ---- us_xfr.h, us_xfr_sv.c, us_xfr_cl.c (TLPI 57.3): a UNIX stream server copying what each
 * client sends to its stdout; the client sends its stdin. The book's path is /tmp/us_xfr. ---- */
#define SV_SOCK_NAME "us_xfr"
#define BUF_SIZE 100
#define BACKLOG 5
static char SV_SOCK_PATH[100];
static int svClients; /* the book's server loops for ever: here it serves this many clients */

static int us_xfr_sv(int argc, char *argv[]) {
  struct sockaddr_un addr;
  int sfd, cfd;
  ssize_t numRead;
  char buf[BUF_SIZE];
  sfd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (sfd == -1) errExit("socket");
  if (strlen(SV_SOCK_PATH) > sizeof(addr.sun_path) - 1) fatal("Server socket path too long: %s", SV_SOCK_PATH);
  if (remove(SV_SOCK_PATH) == -1 && errno != ENOENT) errExit("remove-%s", SV_SOCK_PATH);
  memset(&addr, 0, sizeof(struct sockaddr_un));
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, SV_SOCK_PATH, sizeof(addr.sun_path) - 1);
  if (bind(sfd, (struct sockaddr *)&addr, sizeof(struct sockaddr_un)) == -1) errExit("bind");
  if (listen(sfd, BACKLOG) == -1) errExit("listen");
  serverReady(sfd);
  for (int served = 0; served < svClients; served++) {
    cfd = accept(sfd, NULL, NULL);
    if (cfd == -1) errExit("accept");
    while ((numRead = read(cfd, buf, BUF_SIZE)) > 0)
      if (write(STDOUT_FILENO, buf, numRead) != numRead) fatal("partial/failed write");
    if (numRead == -1) errExit("read");
    if (close(cfd) == -1) errMsg("close");
  }
  return EXIT_SUCCESS;
}

static int us_xfr_cl(int argc, char *argv[]) {
  struct sockaddr_un addr;
  int sfd;
  ssize_t numRead;
  char buf[BUF_SIZE];
  sfd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (sfd == -1) errExit("socket");
  memset(&addr, 0, sizeof(struct sockaddr_un));
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, argc > 1 ? argv[1] : SV_SOCK_PATH, sizeof(addr.sun_path) - 1);
  if (connect(sfd, (struct sockaddr *)&addr, sizeof(struct sockaddr_un)) == -1) errExit("connect");
  while ((numRead = read(STDIN_FILENO, buf, BUF_SIZE)) > 0)
    if (write(sfd, buf, numRead) != numRead) fatal("partial/failed write");
  if (numRead == -1) errExit("read");
  exit(EXIT_SUCCESS);
}

/* A client's stdin: a pipe holding TEXT ("us_xfr_cl < file"). */
static void stdinFrom(const char *text) {
  int p[2];
  if (pipe(p) == -1) errExit("pipe");
  if (write(p[1], text, strlen(text)) != (ssize_t)strlen(text)) errExit("write");
  close(p[1]);
  dup2(p[0], STDIN_FILENO);
  close(p[0]);
}

int main(void) {
  char big[1000];
  int st[3];
  char missing[120];
  char *noArgs[] = {"us_xfr_cl", NULL};
  char *badArgs[] = {"us_xfr_cl", missing, NULL};
  int status;
  pid_t sv;
  setvbuf(stdout, NULL, _IOLBF, 0);
  tmp_path(SV_SOCK_PATH, sizeof SV_SOCK_PATH, SV_SOCK_NAME);
  tmp_path(missing, sizeof missing, "us_xfr_none");
  svClients = 2;
  sv = startServer(us_xfr_sv, 1, noArgs);
  int saved = dup(STDIN_FILENO);
  stdinFrom("first client: a short line\n");
  st[0] = runClient(us_xfr_cl, 1, noArgs);
  for (int i = 0; i < (int)sizeof big - 1; i++) big[i] = i % 64 == 63 ? '\n' : 'a' + i % 26;
  big[sizeof big - 1] = '\0';
  stdinFrom(big); /* several of the server's 100-byte reads */
  st[1] = runClient(us_xfr_cl, 1, noArgs);
  stdinFrom("never sent\n");
  st[2] = runClient(us_xfr_cl, 2, badArgs); /* nobody at this path: connect fails */
  dup2(saved, STDIN_FILENO);
  if (waitpid(sv, &status, 0) == -1) errExit("waitpid");
  printf("\n");
  for (int i = 0; i < 3; i++) reportStatus("us_xfr_cl", st[i]);
  reportStatus("us_xfr_sv", status);
  remove(SV_SOCK_PATH);
  return 0;
}
