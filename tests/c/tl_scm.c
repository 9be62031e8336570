/* TLPI (Kerrisk, The Linux Programming Interface): scm_rights_send/recv and scm_cred_send/recv (61.13), re-typed from the book's
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
/* ---- unix_sockets.c (TLPI 59.13) ---- */
static int unixBuildAddress(const char *path, struct sockaddr_un *addr) {
  if (addr == NULL || path == NULL) {
    errno = EINVAL;
    return -1;
  }
  memset(addr, 0, sizeof(struct sockaddr_un));
  addr->sun_family = AF_UNIX;
  if (strlen(path) < sizeof(addr->sun_path)) {
    strncpy(addr->sun_path, path, sizeof(addr->sun_path) - 1);
    return 0;
  } else {
    errno = ENAMETOOLONG;
    return -1;
  }
}
static int unixConnect(const char *path, int type) {
  int sd, savedErrno;
  struct sockaddr_un addr;
  if (unixBuildAddress(path, &addr) == -1) return -1;
  sd = socket(AF_UNIX, type, 0);
  if (sd == -1) return -1;
  if (connect(sd, (struct sockaddr *)&addr, sizeof(struct sockaddr_un)) == -1) {
    savedErrno = errno;
    close(sd);
    errno = savedErrno;
    return -1;
  }
  return sd;
}
static int unixPassiveSocket(const char *path, int type, bool doListen, int backlog) {
  int sd, savedErrno;
  struct sockaddr_un addr;
  if (unixBuildAddress(path, &addr) == -1) return -1;
  sd = socket(AF_UNIX, type, 0);
  if (sd == -1) return -1;
  if (bind(sd, (struct sockaddr *)&addr, sizeof(struct sockaddr_un)) == -1) {
    savedErrno = errno;
    close(sd);
    errno = savedErrno;
    return -1;
  }
  if (doListen) {
    if (listen(sd, backlog) == -1) {
      savedErrno = errno;
      close(sd);
      errno = savedErrno;
      return -1;
    }
  }
  return sd;
}
static int unixListen(const char *path, int backlog) { return unixPassiveSocket(path, SOCK_STREAM, true, backlog); }
static int unixBind(const char *path, int type) { return unixPassiveSocket(path, type, false, 0); }
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
/* ---- scm_rights_send.c / scm_rights_recv.c and scm_cred_send.c / scm_cred_recv.c (TLPI 61.13):
 * passing an open file descriptor, and credentials, over a UNIX socket, stream or (-d) datagram.
 * The receiver binds, the sender connects. Both write their reports to stderr, so the receiver
 * (the server here) has its output captured and shown after the sender's. ---- */
#define BUF_SIZE 100
static char SOCK_PATH[100]; /* scm_rights.h / scm_cred.h: "scm_rights", "scm_cred" under /tmp */

static int scm_rights_send(int argc, char *argv[]) {
  struct msghdr msgh;
  struct iovec iov;
  int data, sfd, opt, fd;
  ssize_t ns;
  bool useDatagramSocket;
  union {
    struct cmsghdr cmh;
    char control[CMSG_SPACE(sizeof(int))];
  } control_un;
  struct cmsghdr *cmhp;
  useDatagramSocket = false;
  optind = 1;
  while ((opt = getopt(argc, argv, "d")) != -1) {
    switch (opt) {
    case 'd': useDatagramSocket = true; break;
    default: usageErr("%s [-d] file\n        -d    use datagram socket\n", argv[0]);
    }
  }
  if (argc != optind + 1) usageErr("%s [-d] file\n", argv[0]);
  fd = open(argv[optind], O_RDONLY);
  if (fd == -1) errExit("open");
  msgh.msg_name = NULL;
  msgh.msg_namelen = 0;
  msgh.msg_iov = &iov;
  msgh.msg_iovlen = 1;
  iov.iov_base = &data;
  iov.iov_len = sizeof(int);
  data = 12345;
  fprintf(stderr, "Sending data = %d\n", data);
  msgh.msg_control = control_un.control;
  msgh.msg_controllen = sizeof(control_un.control);
  msgh.msg_flags = 0;
  cmhp = CMSG_FIRSTHDR(&msgh);
  cmhp->cmsg_len = CMSG_LEN(sizeof(int));
  cmhp->cmsg_level = SOL_SOCKET;
  cmhp->cmsg_type = SCM_RIGHTS;
  *((int *)CMSG_DATA(cmhp)) = fd;
  fprintf(stderr, "Sending FD %d\n", fd);
  sfd = unixConnect(SOCK_PATH, useDatagramSocket ? SOCK_DGRAM : SOCK_STREAM);
  if (sfd == -1) errExit("unixConnect");
  ns = sendmsg(sfd, &msgh, 0);
  if (ns == -1) errExit("sendmsg");
  fprintf(stderr, "sendmsg() returned %ld\n", (long)ns);
  exit(EXIT_SUCCESS);
}

static int scm_rights_recv(int argc, char *argv[]) {
  struct msghdr msgh;
  struct iovec iov;
  int data, lfd, sfd, fd, opt;
  ssize_t nr;
  bool useDatagramSocket;
  union {
    struct cmsghdr cmh;
    char control[CMSG_SPACE(sizeof(int))];
  } control_un;
  struct cmsghdr *cmhp;
  useDatagramSocket = false;
  optind = 1;
  while ((opt = getopt(argc, argv, "d")) != -1) {
    switch (opt) {
    case 'd': useDatagramSocket = true; break;
    default: usageErr("%s [-d]\n        -d    use datagram socket\n", argv[0]);
    }
  }
  if (remove(SOCK_PATH) == -1 && errno != ENOENT) errExit("remove-%s", SOCK_PATH);
  if (useDatagramSocket) {
    fprintf(stderr, "Receiving via datagram socket\n");
    sfd = unixBind(SOCK_PATH, SOCK_DGRAM);
    if (sfd == -1) errExit("unixBind");
    serverReady(-1);
  } else {
    fprintf(stderr, "Receiving via stream socket\n");
    lfd = unixListen(SOCK_PATH, 5);
    if (lfd == -1) errExit("unixListen");
    serverReady(-1);
    sfd = accept(lfd, NULL, 0);
    if (sfd == -1) errExit("accept");
  }
  msgh.msg_name = NULL;
  msgh.msg_namelen = 0;
  msgh.msg_iov = &iov;
  msgh.msg_iovlen = 1;
  iov.iov_base = &data;
  iov.iov_len = sizeof(int);
  msgh.msg_control = control_un.control;
  msgh.msg_controllen = sizeof(control_un.control);
  nr = recvmsg(sfd, &msgh, 0);
  if (nr == -1) errExit("recvmsg");
  fprintf(stderr, "recvmsg() returned %ld\n", (long)nr);
  if (nr > 0) fprintf(stderr, "Received data = %d\n", data);
  cmhp = CMSG_FIRSTHDR(&msgh);
  if (cmhp == NULL || cmhp->cmsg_len != CMSG_LEN(sizeof(int))) fatal("bad cmsg header / message length");
  if (cmhp->cmsg_level != SOL_SOCKET) fatal("cmsg_level != SOL_SOCKET");
  if (cmhp->cmsg_type != SCM_RIGHTS) fatal("cmsg_type != SCM_RIGHTS");
  fd = *((int *)CMSG_DATA(cmhp));
  fprintf(stderr, "Received FD %d\n", fd);
  for (;;) {
    char buf[BUF_SIZE];
    ssize_t numRead;
    numRead = read(fd, buf, BUF_SIZE);
    if (numRead == -1) errExit("read");
    if (numRead == 0) break;
    write(STDOUT_FILENO, buf, numRead);
  }
  remove(SOCK_PATH);
  exit(EXIT_SUCCESS);
}

static int scm_cred_send(int argc, char *argv[]) {
  struct msghdr msgh;
  struct iovec iov;
  int data, sfd, opt;
  ssize_t ns;
  bool useDatagramSocket, noExplicitCreds;
  struct ucred *ucredp;
  union {
    struct cmsghdr cmh;
    char control[CMSG_SPACE(sizeof(struct ucred))];
  } control_un;
  struct cmsghdr *cmhp;
  useDatagramSocket = false;
  noExplicitCreds = false;
  optind = 1;
  while ((opt = getopt(argc, argv, "dn")) != -1) {
    switch (opt) {
    case 'd': useDatagramSocket = true; break;
    case 'n': noExplicitCreds = true; break;
    default: usageErr("%s [-d] [-n] [data [PID [UID [GID]]]]\n", argv[0]);
    }
  }
  msgh.msg_name = NULL;
  msgh.msg_namelen = 0;
  msgh.msg_iov = &iov;
  msgh.msg_iovlen = 1;
  iov.iov_base = &data;
  iov.iov_len = sizeof(int);
  data = (argc > optind) ? atoi(argv[optind]) : 12345;
  fprintf(stderr, "Sending data = %d\n", data);
  if (noExplicitCreds) {
    msgh.msg_control = NULL;
    msgh.msg_controllen = 0;
  } else {
    msgh.msg_control = control_un.control;
    msgh.msg_controllen = sizeof(control_un.control);
    cmhp = CMSG_FIRSTHDR(&msgh);
    cmhp->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    cmhp->cmsg_level = SOL_SOCKET;
    cmhp->cmsg_type = SCM_CREDENTIALS;
    ucredp = (struct ucred *)CMSG_DATA(cmhp);
    ucredp->pid = getpid();
    if (argc > optind + 1 && strcmp(argv[optind + 1], "-") != 0) ucredp->pid = atoi(argv[optind + 1]);
    ucredp->uid = getuid();
    if (argc > optind + 2 && strcmp(argv[optind + 2], "-") != 0) ucredp->uid = atoi(argv[optind + 2]);
    ucredp->gid = getgid();
    if (argc > optind + 3 && strcmp(argv[optind + 3], "-") != 0) ucredp->gid = atoi(argv[optind + 3]);
    fprintf(stderr, "Send credentials pid=%ld, uid=%ld, gid=%ld\n", (long)ucredp->pid, (long)ucredp->uid, (long)ucredp->gid);
  }
  sfd = unixConnect(SOCK_PATH, useDatagramSocket ? SOCK_DGRAM : SOCK_STREAM);
  if (sfd == -1) errExit("unixConnect");
  ns = sendmsg(sfd, &msgh, 0);
  if (ns == -1) errExit("sendmsg");
  fprintf(stderr, "sendmsg() returned %ld\n", (long)ns);
  exit(EXIT_SUCCESS);
}

static int scm_cred_recv(int argc, char *argv[]) {
  struct msghdr msgh;
  struct iovec iov;
  struct ucred *ucredp, ucred;
  int data, lfd, sfd, optval, opt;
  ssize_t nr;
  bool useDatagramSocket;
  socklen_t len;
  union {
    struct cmsghdr cmh;
    char control[CMSG_SPACE(sizeof(struct ucred))];
  } control_un;
  struct cmsghdr *cmhp;
  useDatagramSocket = false;
  optind = 1;
  while ((opt = getopt(argc, argv, "d")) != -1) {
    switch (opt) {
    case 'd': useDatagramSocket = true; break;
    default: usageErr("%s [-d]\n        -d    use datagram socket\n", argv[0]);
    }
  }
  if (remove(SOCK_PATH) == -1 && errno != ENOENT) errExit("remove-%s", SOCK_PATH);
  if (useDatagramSocket) {
    fprintf(stderr, "Receiving via datagram socket\n");
    sfd = unixBind(SOCK_PATH, SOCK_DGRAM);
    if (sfd == -1) errExit("unixBind");
  } else {
    fprintf(stderr, "Receiving via stream socket\n");
    lfd = unixListen(SOCK_PATH, 5);
    if (lfd == -1) errExit("unixListen");
  }
  /* The book sets SO_PASSCRED on the accepted socket; set here before the sender may send (on the
   * listening socket, which accept's sockets inherit it from), so the sender cannot race it. */
  optval = 1;
  if (setsockopt(useDatagramSocket ? sfd : lfd, SOL_SOCKET, SO_PASSCRED, &optval, sizeof(optval)) == -1) errExit("setsockopt");
  serverReady(-1);
  if (!useDatagramSocket) {
    sfd = accept(lfd, NULL, 0);
    if (sfd == -1) errExit("accept");
  }
  msgh.msg_name = NULL;
  msgh.msg_namelen = 0;
  msgh.msg_iov = &iov;
  msgh.msg_iovlen = 1;
  iov.iov_base = &data;
  iov.iov_len = sizeof(int);
  msgh.msg_control = control_un.control;
  msgh.msg_controllen = sizeof(control_un.control);
  nr = recvmsg(sfd, &msgh, 0);
  if (nr == -1) errExit("recvmsg");
  fprintf(stderr, "recvmsg() returned %ld\n", (long)nr);
  if (nr > 0) fprintf(stderr, "Received data = %d\n", data);
  cmhp = CMSG_FIRSTHDR(&msgh);
  if (cmhp == NULL || cmhp->cmsg_len != CMSG_LEN(sizeof(struct ucred))) fatal("bad cmsg header / message length");
  if (cmhp->cmsg_level != SOL_SOCKET) fatal("cmsg_level != SOL_SOCKET");
  if (cmhp->cmsg_type != SCM_CREDENTIALS) fatal("cmsg_type != SCM_CREDENTIALS");
  ucredp = (struct ucred *)CMSG_DATA(cmhp);
  fprintf(stderr, "Received credentials pid=%ld, uid=%ld, gid=%ld\n", (long)ucredp->pid, (long)ucredp->uid, (long)ucredp->gid);
  len = sizeof(struct ucred);
  if (getsockopt(sfd, SOL_SOCKET, SO_PEERCRED, &ucred, &len) == -1) errExit("getsockopt");
  fprintf(stderr, "Credentials from SO_PEERCRED: pid=%ld, euid=%ld, egid=%ld\n", (long)ucred.pid, (long)ucred.uid, (long)ucred.gid);
  remove(SOCK_PATH);
  exit(EXIT_SUCCESS);
}

static void pair(const char *title, int (*recvMain)(int, char **), int sendArgc, char **sendArgv, int (*sendMain)(int, char **)) {
  char *rArgs[] = {"recv", "-d", NULL};
  bool dgram = sendArgc > 1 && strcmp(sendArgv[1], "-d") == 0;
  printf("== %s ==\n", title);
  pid_t pid = startServerCaptured(recvMain, dgram ? 2 : 1, rArgs);
  int st = runClient(sendMain, sendArgc, sendArgv);
  int status = finishServer(pid);
  reportStatus("sender", st);
  reportStatus("receiver", status);
}

int main(void) {
  char file[100];
  char *rs[] = {"scm_rights_send", file, NULL};
  char *rsd[] = {"scm_rights_send", "-d", file, NULL};
  char *cs[] = {"scm_cred_send", NULL};
  char *csd[] = {"scm_cred_send", "-d", "42", NULL};
  char *csn[] = {"scm_cred_send", "-n", NULL};             /* no SCM_CREDENTIALS: the kernel adds them (SO_PASSCRED) */
  char *csdn[] = {"scm_cred_send", "-d", "-n", "7", NULL};
  setvbuf(stdout, NULL, _IOLBF, 0);
  dup2(STDOUT_FILENO, STDERR_FILENO); /* one stream, so the reports keep their order */
  tmp_path(file, sizeof file, "scm_rights_file");
  FILE *f = fopen(file, "w");
  if (f == NULL) errExit("fopen");
  fputs("the file's contents,\nread through the descriptor that was passed\n", f);
  fclose(f);
  tmp_path(SOCK_PATH, sizeof SOCK_PATH, "scm_rights");
  pair("scm_rights, stream", scm_rights_recv, 2, rs, scm_rights_send);
  pair("scm_rights, datagram", scm_rights_recv, 3, rsd, scm_rights_send);
  tmp_path(SOCK_PATH, sizeof SOCK_PATH, "scm_cred");
  pair("scm_cred, stream", scm_cred_recv, 1, cs, scm_cred_send);
  pair("scm_cred, datagram", scm_cred_recv, 3, csd, scm_cred_send);
  pair("scm_cred -n, stream", scm_cred_recv, 2, csn, scm_cred_send);
  pair("scm_cred -n, datagram", scm_cred_recv, 4, csdn, scm_cred_send);
  remove(file);
  return 0;
}
