/* TLPI (Kerrisk, The Linux Programming Interface): is_seqnum_sv/is_seqnum_cl (59.11), re-typed from the book's
 * logic with the parts of its library it uses, from tests/c/tlpi/ (shared by the tl_*.c programs). Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include "tlpi/tlpi_hdr.h"
#include "test_tmp.h"
#include "tlpi/error_functions.h"
#include "tlpi/read_line.h"
#include "tlpi/pair_driver.h"
/* ---- is_seqnum.h, is_seqnum_sv.c, is_seqnum_cl.c (TLPI 59.11): a server handing out sequence
 * numbers over TCP, found with getaddrinfo(NULL, ..., AI_PASSIVE) and bound to whichever of its
 * addresses takes; requests and replies are newline-terminated lines (readLine). The book's port is
 * 50000: here the one port 0 gets (the driver's serverReady). ---- */
#define PORT_NUM svService
#define INT_LEN 30
#define BACKLOG 50
#define ADDRSTRLEN (NI_MAXHOST + NI_MAXSERV + 10)
static int svClients; /* the book's server loops for ever: here it serves this many */

static int is_seqnum_sv(int argc, char *argv[]) {
  uint32_t seqNum;
  char reqLenStr[INT_LEN];
  char seqNumStr[INT_LEN];
  struct sockaddr_storage claddr;
  int lfd, cfd, optval, reqLen;
  socklen_t addrlen;
  struct addrinfo hints;
  struct addrinfo *result, *rp;
  char addrStr[ADDRSTRLEN];
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (argc > 1 && strcmp(argv[1], "--help") == 0) usageErr("%s [init-seq-num]\n", argv[0]);
  seqNum = (argc > 1) ? atoi(argv[1]) : 0;
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) errExit("signal");
  memset(&hints, 0, sizeof(struct addrinfo));
  hints.ai_canonname = NULL;
  hints.ai_addr = NULL;
  hints.ai_next = NULL;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  if (getaddrinfo(NULL, "0", &hints, &result) != 0) errExit("getaddrinfo");
  optval = 1;
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    lfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (lfd == -1) continue;
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &optval, sizeof(optval)) == -1) errExit("setsockopt");
    if (bind(lfd, rp->ai_addr, rp->ai_addrlen) == 0) break;
    close(lfd);
  }
  if (rp == NULL) fatal("Could not bind socket to any address");
  if (listen(lfd, BACKLOG) == -1) errExit("listen");
  freeaddrinfo(result);
  serverReady(lfd);
  for (int served = 0; served < svClients; served++) {
    addrlen = sizeof(struct sockaddr_storage);
    cfd = accept(lfd, (struct sockaddr *)&claddr, &addrlen);
    if (cfd == -1) {
      errMsg("accept");
      continue;
    }
    if (getnameinfo((struct sockaddr *)&claddr, addrlen, host, NI_MAXHOST, service, NI_MAXSERV, 0) == 0)
      snprintf(addrStr, ADDRSTRLEN, "(%s, %s)", host, service);
    else
      snprintf(addrStr, ADDRSTRLEN, "(?UNKNOWN?)");
    printf("Connection from %s\n", addrStr);
    if (readLine(cfd, reqLenStr, INT_LEN) <= 0) {
      close(cfd);
      continue;
    }
    reqLen = atoi(reqLenStr);
    if (reqLen <= 0) {
      close(cfd);
      continue;
    }
    snprintf(seqNumStr, INT_LEN, "%d\n", seqNum);
    if (write(cfd, seqNumStr, strlen(seqNumStr)) != strlen(seqNumStr)) fprintf(stderr, "Error on write");
    seqNum += reqLen;
    if (close(cfd) == -1) errMsg("close");
  }
  return EXIT_SUCCESS;
}

static int is_seqnum_cl(int argc, char *argv[]) {
  char *reqLenStr;
  char seqNumStr[INT_LEN];
  int cfd;
  ssize_t numRead;
  struct addrinfo hints;
  struct addrinfo *result, *rp;
  if (argc < 2 || strcmp(argv[1], "--help") == 0) usageErr("%s server-host [sequence-len]\n", argv[0]);
  memset(&hints, 0, sizeof(struct addrinfo));
  hints.ai_canonname = NULL;
  hints.ai_addr = NULL;
  hints.ai_next = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  if (getaddrinfo(argv[1], PORT_NUM, &hints, &result) != 0) errExit("getaddrinfo");
  for (rp = result; rp != NULL; rp = rp->ai_next) {
    cfd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
    if (cfd == -1) continue;
    if (connect(cfd, rp->ai_addr, rp->ai_addrlen) != -1) break;
    close(cfd);
  }
  if (rp == NULL) fatal("Could not connect socket to any address");
  freeaddrinfo(result);
  reqLenStr = (argc > 2) ? argv[2] : "1";
  if (write(cfd, reqLenStr, strlen(reqLenStr)) != strlen(reqLenStr)) fatal("Partial/failed write (reqLenStr)");
  if (write(cfd, "\n", 1) != 1) fatal("Partial/failed write (newline)");
  numRead = readLine(cfd, seqNumStr, INT_LEN);
  if (numRead == -1) errExit("readLine");
  if (numRead == 0) fatal("Unexpected EOF from server");
  printf("Sequence number: %s", seqNumStr);
  exit(EXIT_SUCCESS);
}

int main(void) {
  char *sv[] = {"is_seqnum_sv", "100", NULL};
  char *cl1[] = {"is_seqnum_cl", "localhost", NULL};
  char *cl2[] = {"is_seqnum_cl", "localhost", "10", NULL};
  char *cl3[] = {"is_seqnum_cl", "127.0.0.1", "5", NULL};
  char *cl4[] = {"is_seqnum_cl", "::1", "1", NULL};
  char *cl5[] = {"is_seqnum_cl", "localhost", "0", NULL}; /* the server closes without a reply */
  int st[5], status;
  setvbuf(stdout, NULL, _IOLBF, 0);
  svClients = 4; /* the client of ::1 finds nobody there: the server took 0.0.0.0 */
  pid_t pid = startServer(is_seqnum_sv, 2, sv);
  st[0] = runClient(is_seqnum_cl, 2, cl1);
  st[1] = runClient(is_seqnum_cl, 3, cl2);
  st[2] = runClient(is_seqnum_cl, 3, cl3);
  st[3] = runClient(is_seqnum_cl, 3, cl4);
  st[4] = runClient(is_seqnum_cl, 3, cl5);
  if (waitpid(pid, &status, 0) == -1) errExit("waitpid");
  for (int i = 0; i < 5; i++) reportStatus("is_seqnum_cl", st[i]);
  reportStatus("is_seqnum_sv", status);
  return 0;
}
