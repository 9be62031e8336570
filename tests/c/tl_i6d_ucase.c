/* TLPI (Kerrisk, The Linux Programming Interface): i6d_ucase_sv/i6d_ucase_cl (59.4), re-typed from the book's
 * logic with the parts of its library it uses, from tests/c/tlpi/ (shared by the tl_*.c programs). Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include "tlpi/tlpi_hdr.h"
#include "test_tmp.h"
#include "tlpi/error_functions.h"
#include "tlpi/pair_driver.h"
/* ---- i6d_ucase.h, i6d_ucase_sv.c, i6d_ucase_cl.c (TLPI 59.4): the upper-casing server over IPv6
 * UDP, bound to in6addr_any (so IPv4 clients arrive as IPv4-mapped addresses). The book's port is
 * 50002: here the one the kernel gives to port 0 (the driver's serverReady). ---- */
#define BUF_SIZE 10
static int PORT_NUM = 0;
static int svMessages;

static int i6d_ucase_sv(int argc, char *argv[]) {
  struct sockaddr_in6 svaddr, claddr;
  int sfd, j;
  ssize_t numBytes;
  socklen_t len;
  char buf[BUF_SIZE];
  char claddrStr[INET6_ADDRSTRLEN];
  sfd = socket(AF_INET6, SOCK_DGRAM, 0);
  if (sfd == -1) errExit("socket");
  memset(&svaddr, 0, sizeof(struct sockaddr_in6));
  svaddr.sin6_family = AF_INET6;
  svaddr.sin6_addr = in6addr_any;
  svaddr.sin6_port = htons(PORT_NUM);
  if (bind(sfd, (struct sockaddr *)&svaddr, sizeof(struct sockaddr_in6)) == -1) errExit("bind");
  serverReady(sfd);
  for (int n = 0; n < svMessages; n++) {
    len = sizeof(struct sockaddr_in6);
    numBytes = recvfrom(sfd, buf, BUF_SIZE, 0, (struct sockaddr *)&claddr, &len);
    if (numBytes == -1) errExit("recvfrom");
    if (inet_ntop(AF_INET6, &claddr.sin6_addr, claddrStr, INET6_ADDRSTRLEN) == NULL)
      printf("Couldn't convert client address to string\n");
    else
      printf("Server received %ld bytes from (%s, %u)\n", (long)numBytes, claddrStr, ntohs(claddr.sin6_port));
    for (j = 0; j < numBytes; j++) buf[j] = toupper((unsigned char)buf[j]);
    if (sendto(sfd, buf, numBytes, 0, (struct sockaddr *)&claddr, len) != numBytes) fatal("sendto");
  }
  return EXIT_SUCCESS;
}

static int i6d_ucase_cl(int argc, char *argv[]) {
  struct sockaddr_in6 svaddr;
  int sfd, j;
  size_t msgLen;
  ssize_t numBytes;
  char resp[BUF_SIZE];
  if (argc < 3 || strcmp(argv[1], "--help") == 0) usageErr("%s host-address msg...\n", argv[0]);
  sfd = socket(AF_INET6, SOCK_DGRAM, 0);
  if (sfd == -1) errExit("socket");
  memset(&svaddr, 0, sizeof(struct sockaddr_in6));
  svaddr.sin6_family = AF_INET6;
  svaddr.sin6_port = htons(PORT_NUM);
  if (inet_pton(AF_INET6, argv[1], &svaddr.sin6_addr) <= 0) fatal("inet_pton failed for address '%s'", argv[1]);
  for (j = 2; j < argc; j++) {
    msgLen = strlen(argv[j]);
    if (sendto(sfd, argv[j], msgLen, 0, (struct sockaddr *)&svaddr, sizeof(struct sockaddr_in6)) != msgLen) fatal("sendto");
    numBytes = recvfrom(sfd, resp, BUF_SIZE, 0, NULL, NULL);
    if (numBytes == -1) errExit("recvfrom");
    printf("Response %d: %.*s\n", j - 1, (int)numBytes, resp);
  }
  exit(EXIT_SUCCESS);
}

int main(void) {
  char *sv[] = {"i6d_ucase_sv", NULL};
  char *cl1[] = {"i6d_ucase_cl", "::1", "ciao", "cio", NULL};
  char *cl2[] = {"i6d_ucase_cl", "::ffff:127.0.0.1", "a mapped one", NULL};
  char *cl3[] = {"i6d_ucase_cl", "127.0.0.1", "not IPv6", NULL};
  char *cl4[] = {"i6d_ucase_cl", "::1", NULL};
  int st[4], status;
  setvbuf(stdout, NULL, _IOLBF, 0);
  svMessages = 3;
  pid_t pid = startServer(i6d_ucase_sv, 1, sv);
  PORT_NUM = atoi(svService);
  st[0] = runClient(i6d_ucase_cl, 4, cl1);
  st[1] = runClient(i6d_ucase_cl, 3, cl2);
  st[2] = runClient(i6d_ucase_cl, 3, cl3);
  st[3] = runClient(i6d_ucase_cl, 2, cl4);
  if (waitpid(pid, &status, 0) == -1) errExit("waitpid");
  for (int i = 0; i < 4; i++) reportStatus("i6d_ucase_cl", st[i]);
  reportStatus("i6d_ucase_sv", status);
  return 0;
}
