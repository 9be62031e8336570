/* TLPI (Kerrisk, The Linux Programming Interface): id_echo_sv/id_echo_cl (59.12, with become_daemon.c of 37.2), re-typed from the book's
 * logic with the parts of its library it uses, from tests/c/tlpi/ (shared by the tl_*.c programs). Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include "tlpi/tlpi_hdr.h"
#include "test_tmp.h"
#include "tlpi/error_functions.h"
#include "tlpi/inet_sockets.h"
#include "tlpi/become_daemon.h"
#include "tlpi/pair_driver.h"
/* ---- id_echo.h, id_echo_sv.c, id_echo_cl.c (TLPI 59.12 + 37.2): a UDP echo daemon made with
 * becomeDaemon and inetBind, and its client (inetConnect: a connected UDP socket, write and read).
 * The book's service is "echo" (7): here the port port 0 gets, which the daemon reports through the
 * driver's pipe; so that pipe survives, becomeDaemon is asked not to close all files. ---- */
#define SERVICE svService
#define BUF_SIZE 500
static int svMessages; /* the book's daemon loops for ever: here it echoes this many */

static int id_echo_sv(int argc, char *argv[]) {
  int sfd;
  ssize_t numRead;
  socklen_t len;
  struct sockaddr_storage claddr;
  char buf[BUF_SIZE];
  char addrStr[IS_ADDR_STR_LEN];
  if (becomeDaemon(BD_NO_CLOSE_FILES) == -1) errExit("becomeDaemon");
  sfd = inetBind("0", SOCK_DGRAM, NULL);
  if (sfd == -1) {
    syslog(LOG_ERR, "Could not create server socket (%s)", strerror(errno));
    exit(EXIT_FAILURE);
  }
  serverReady(sfd);
  for (int n = 0; n < svMessages; n++) {
    len = sizeof(struct sockaddr_storage);
    numRead = recvfrom(sfd, buf, BUF_SIZE, 0, (struct sockaddr *)&claddr, &len);
    if (numRead == -1) errExit("recvfrom");
    if (sendto(sfd, buf, numRead, 0, (struct sockaddr *)&claddr, len) != numRead)
      syslog(LOG_WARNING, "Error echoing response to %s (%s)", inetAddressStr((struct sockaddr *)&claddr, len, addrStr, IS_ADDR_STR_LEN), strerror(errno));
  }
  return EXIT_SUCCESS;
}

static int id_echo_cl(int argc, char *argv[]) {
  int sfd, j;
  size_t len;
  ssize_t numRead;
  char buf[BUF_SIZE];
  if (argc < 2 || strcmp(argv[1], "--help") == 0) usageErr("%s host msg...\n", argv[0]);
  sfd = inetConnect(argv[1], SERVICE, SOCK_DGRAM);
  if (sfd == -1) fatal("Could not connect to server socket");
  for (j = 2; j < argc; j++) {
    len = strlen(argv[j]);
    if (write(sfd, argv[j], len) != len) fatal("partial/failed write");
    numRead = read(sfd, buf, BUF_SIZE);
    if (numRead == -1) errExit("read");
    printf("[%ld bytes] %.*s\n", (long)numRead, (int)numRead, buf);
  }
  exit(EXIT_SUCCESS);
}

int main(void) {
  char *sv[] = {"id_echo_sv", NULL};
  char *cl1[] = {"id_echo_cl", "127.0.0.1", "hello", "world", NULL};
  char *cl2[] = {"id_echo_cl", "localhost", "goodbye", NULL};
  char *cl3[] = {"id_echo_cl", "no.such.host.invalid", "x", NULL};
  int st[3], status;
  setvbuf(stdout, NULL, _IOLBF, 0);
  svMessages = 3;
  pid_t pid = startServer(id_echo_sv, 1, sv);
  if (waitpid(pid, &status, 0) == -1) errExit("waitpid"); /* becomeDaemon's first parent leaves at once */
  reportStatus("id_echo_sv", status);
  st[0] = runClient(id_echo_cl, 4, cl1);
  st[1] = runClient(id_echo_cl, 3, cl2);
  st[2] = runClient(id_echo_cl, 3, cl3);
  for (int i = 0; i < 3; i++) reportStatus("id_echo_cl", st[i]);
  return 0;
}
