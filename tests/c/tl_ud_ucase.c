/* TLPI (Kerrisk, The Linux Programming Interface): ud_ucase_sv/ud_ucase_cl (57.4, 57.6), re-typed from the book's
 * logic with the parts of its library it uses, from tests/c/tlpi/ (shared by the tl_*.c programs). Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include "tlpi/tlpi_hdr.h"
#include "test_tmp.h"
#include "tlpi/error_functions.h"
#include "tlpi/pair_driver.h"
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
