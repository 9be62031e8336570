/* TLPI (Kerrisk, The Linux Programming Interface): is_echo_sv (60.3), is_echo_inetd_sv (60.5), is_echo_cl (61.2), re-typed from the book's
 * logic with the parts of its library it uses, from tests/c/tlpi/ (shared by the tl_*.c programs). Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include "tlpi/tlpi_hdr.h"
#include "test_tmp.h"
#include "tlpi/error_functions.h"
#include "tlpi/inet_sockets.h"
#include "tlpi/become_daemon.h"
#include "tlpi/pair_driver.h"
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
