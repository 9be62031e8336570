/* TLPI (Kerrisk, The Linux Programming Interface): socknames (61.5), re-typed from the book's
 * logic with the parts of its library it uses, from tests/c/tlpi/ (shared by the tl_*.c programs). Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include "tlpi/tlpi_hdr.h"
#include "test_tmp.h"
#include "tlpi/error_functions.h"
#include "tlpi/inet_sockets.h"
#include "tlpi/pair_driver.h"
/* ---- socknames.c (TLPI 61.5): getsockname and getpeername on both ends of a TCP connection made
 * inside one process (inetListen, inetConnect(NULL, ...), accept). The book takes the service as its
 * argument: here the listening socket binds port 0 and the client connects to the port it got (one
 * getsockname more). Without its closing sleep(30), there for netstat. ---- */
static int socknames(int argc, char *argv[]) {
  int listenFd, acceptFd, connFd;
  socklen_t len;
  void *addr;
  char addrStr[IS_ADDR_STR_LEN];
  char service[NI_MAXSERV];
  if (argc != 2 || strcmp(argv[1], "--help") == 0) usageErr("%s service\n", argv[0]);
  listenFd = inetListen(argv[1], 5, &len);
  if (listenFd == -1) errExit("inetListen");
  {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(listenFd, (struct sockaddr *)&ss, &sl) == -1) errExit("getsockname");
    getnameinfo((struct sockaddr *)&ss, sl, NULL, 0, service, sizeof service, NI_NUMERICSERV);
  }
  connFd = inetConnect(NULL, service, SOCK_STREAM);
  if (connFd == -1) errExit("inetConnect");
  acceptFd = accept(listenFd, NULL, NULL);
  if (acceptFd == -1) errExit("accept");
  addr = malloc(len);
  if (addr == NULL) errExit("malloc");
  if (getsockname(connFd, addr, &len) == -1) errExit("getsockname");
  printf("getsockname(connFd):   %s\n", inetAddressStr(addr, len, addrStr, IS_ADDR_STR_LEN));
  if (getsockname(acceptFd, addr, &len) == -1) errExit("getsockname");
  printf("getsockname(acceptFd): %s\n", inetAddressStr(addr, len, addrStr, IS_ADDR_STR_LEN));
  if (getpeername(connFd, addr, &len) == -1) errExit("getpeername");
  printf("getpeername(connFd):   %s\n", inetAddressStr(addr, len, addrStr, IS_ADDR_STR_LEN));
  if (getpeername(acceptFd, addr, &len) == -1) errExit("getpeername");
  printf("getpeername(acceptFd): %s\n", inetAddressStr(addr, len, addrStr, IS_ADDR_STR_LEN));
  printf("address length: %ld\n", (long)len);
  exit(EXIT_SUCCESS);
}

int main(void) {
  char *args[] = {"socknames", "0", NULL};
  char *noArgs[] = {"socknames", NULL};
  setvbuf(stdout, NULL, _IOLBF, 0);
  reportStatus("socknames", runClient(socknames, 2, args));
  reportStatus("socknames", runClient(socknames, 1, noArgs));
  return 0;
}
