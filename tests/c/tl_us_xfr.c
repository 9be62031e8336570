/* TLPI (Kerrisk, The Linux Programming Interface): us_xfr_sv/us_xfr_cl (57.3), re-typed from the book's
 * logic with the parts of its library it uses, from tests/c/tlpi/ (shared by the tl_*.c programs). Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include "tlpi/tlpi_hdr.h"
#include "test_tmp.h"
#include "tlpi/error_functions.h"
#include "tlpi/pair_driver.h"
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
