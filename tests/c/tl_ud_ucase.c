/* TLPI (Kerrisk, The Linux Programming Interface): ud_ucase_sv/ud_ucase_cl (57.4, 57.6), re-typed from the book's
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
/* ---- ud_ucase.h, ud_ucase_sv.c, ud_ucase_cl.c (TLPI 57.4): a UNIX datagram server returning each
 * message in upper case, 10 bytes at most (longer ones are truncated); run with the book's paths under
 * /tmp, then with Linux abstract names (57.6: sun_path[0] = '\0', the rest of sun_path the name). ---- */
#define BUF_SIZE 10
static char SV_SOCK_PATH[100];
static bool abstractNames; /* 57.6's variant: names in the abstract namespace */
static int svMessages;     /* the book's server loops for ever: here it answers this many */

/* ADDR named NAME: a path, or with abstractNames "\0NAME" and the rest of sun_path zeros (57.6). */
static void nameAddr(struct sockaddr_un *addr, const char *name) {
  memset(addr, 0, sizeof(struct sockaddr_un));
  addr->sun_family = AF_UNIX;
  if (abstractNames)
    strncpy(&addr->sun_path[1], name, sizeof(addr->sun_path) - 2);
  else
    strncpy(addr->sun_path, name, sizeof(addr->sun_path) - 1);
}

static int ud_ucase_sv(int argc, char *argv[]) {
  struct sockaddr_un svaddr, claddr;
  int sfd, j;
  ssize_t numBytes;
  socklen_t len;
  char buf[BUF_SIZE];
  sfd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (sfd == -1) errExit("socket");
  if (strlen(SV_SOCK_PATH) > sizeof(svaddr.sun_path) - 1) fatal("Server socket path too long: %s", SV_SOCK_PATH);
  if (!abstractNames && remove(SV_SOCK_PATH) == -1 && errno != ENOENT) errExit("remove-%s", SV_SOCK_PATH);
  nameAddr(&svaddr, SV_SOCK_PATH);
  if (bind(sfd, (struct sockaddr *)&svaddr, sizeof(struct sockaddr_un)) == -1) errExit("bind");
  serverReady(sfd);
  for (int n = 0; n < svMessages; n++) {
    len = sizeof(struct sockaddr_un);
    numBytes = recvfrom(sfd, buf, BUF_SIZE, 0, (struct sockaddr *)&claddr, &len);
    if (numBytes == -1) errExit("recvfrom");
    if (abstractNames) /* the book prints sun_path, empty for an abstract name: here the name too */
      printf("Server received %ld bytes from %s (abstract: @%s, address length %ld)\n", (long)numBytes, claddr.sun_path, &claddr.sun_path[1], (long)len);
    else
      printf("Server received %ld bytes from %s\n", (long)numBytes, claddr.sun_path);
    for (j = 0; j < numBytes; j++) buf[j] = toupper((unsigned char)buf[j]);
    if (sendto(sfd, buf, numBytes, 0, (struct sockaddr *)&claddr, len) != numBytes) fatal("sendto");
  }
  if (!abstractNames) remove(SV_SOCK_PATH);
  return EXIT_SUCCESS;
}

static int ud_ucase_cl(int argc, char *argv[]) {
  struct sockaddr_un svaddr, claddr;
  int sfd, j;
  size_t msgLen;
  ssize_t numBytes;
  char resp[BUF_SIZE], name[108];
  if (argc < 2 || strcmp(argv[1], "--help") == 0) usageErr("%s msg...\n", argv[0]);
  sfd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (sfd == -1) errExit("socket");
  snprintf(name, sizeof name, "%s/ud_ucase_cl.%ld", tmp_dir(), (long)getpid());
  nameAddr(&claddr, name);
  if (bind(sfd, (struct sockaddr *)&claddr, sizeof(struct sockaddr_un)) == -1) errExit("bind");
  nameAddr(&svaddr, SV_SOCK_PATH);
  for (j = 1; j < argc; j++) {
    msgLen = strlen(argv[j]);
    if (sendto(sfd, argv[j], msgLen, 0, (struct sockaddr *)&svaddr, sizeof(struct sockaddr_un)) != msgLen) fatal("sendto");
    numBytes = recvfrom(sfd, resp, BUF_SIZE, 0, NULL, NULL);
    if (numBytes == -1) errExit("recvfrom");
    printf("Response %d: %.*s\n", j, (int)numBytes, resp);
  }
  if (!abstractNames) remove(claddr.sun_path);
  exit(EXIT_SUCCESS);
}

int main(void) {
  char *sv[] = {"ud_ucase_sv", NULL};
  char *cl1[] = {"ud_ucase_cl", "hello world", NULL};
  char *cl2[] = {"ud_ucase_cl", "long message", "short", "x", NULL};
  char *cl0[] = {"ud_ucase_cl", NULL};
  int st[3], status;
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int round = 0; round < 2; round++) {
    abstractNames = round == 1;
    if (abstractNames) /* the abstract namespace is the machine's: the driver's pid keeps runs apart */
      snprintf(SV_SOCK_PATH, sizeof SV_SOCK_PATH, "%s/ud_ucase.%ld", tmp_dir(), (long)getpid());
    else
      tmp_path(SV_SOCK_PATH, sizeof SV_SOCK_PATH, "ud_ucase");
    printf("== %s names ==\n", abstractNames ? "abstract" : "path");
    svMessages = 4;
    pid_t pid = startServer(ud_ucase_sv, 1, sv);
    st[0] = runClient(ud_ucase_cl, 2, cl1);
    st[1] = runClient(ud_ucase_cl, 4, cl2);
    st[2] = runClient(ud_ucase_cl, 1, cl0);
    if (waitpid(pid, &status, 0) == -1) errExit("waitpid");
    for (int i = 0; i < 3; i++) reportStatus("ud_ucase_cl", st[i]);
    reportStatus("ud_ucase_sv", status);
  }
  return 0;
}
