/* TLPI (Kerrisk, The Linux Programming Interface): scm_rights_send/recv and scm_cred_send/recv (61.13), re-typed from the book's
 * logic with the parts of its library it uses, from tests/c/tlpi/ (shared by the tl_*.c programs). Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include "tlpi/tlpi_hdr.h"
#include "test_tmp.h"
#include "tlpi/error_functions.h"
#include "tlpi/unix_sockets.h"
#include "tlpi/pair_driver.h"
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
