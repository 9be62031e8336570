/* TLPI 57.3's ud_ucase_sv/ud_ucase_cl and 59.4's i6d_ucase_sv/cl: a
 * datagram server upper-cases what it gets and sends it back to the
 * sender's address, with a buffer of BUF_SIZE (10) bytes, so a longer
 * message is cut without a word (recvfrom returns 10; recvmsg would say
 * MSG_TRUNC). Over AF_UNIX the client binds a path of its own made from
 * its pid (the book's /tmp/ud_ucase_cl.%ld, here zero-padded so that its
 * length is the same in every run), which the server sees as the sender,
 * and removes it at exit (atexit); a sendto() to that path afterwards
 * fails with ENOENT. Over IPv6 the server binds in6addr_any and prints
 * each client with inet_ntop: ::1 and, for an IPv4 client of the
 * dual-stack socket, ::ffff:127.0.0.1. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define BUF_SIZE 10

static char SV_SOCK_PATH[108], clientPath[108];

static void removeClientPath(void) {
  /* The book's client leaves its path behind; this one cleans up. */
  remove(clientPath);
}

static void show(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

/* The server's loop, for either family: nmsgs datagrams, each answered upper-cased. */
static void serve(int sfd, int nmsgs, int ready) {
  write(ready, "r", 1);
  close(ready);
  for (int j = 0; j < nmsgs; j++) {
    struct sockaddr_storage claddr;
    socklen_t len = sizeof claddr;
    char buf[BUF_SIZE];
    ssize_t numBytes = recvfrom(sfd, buf, BUF_SIZE, 0, (struct sockaddr *)&claddr, &len);
    if (numBytes == -1) {
      printf("server: recvfrom: %s\n", strerror(errno));
      exit(1);
    }
    char who[INET6_ADDRSTRLEN + 8];
    if (claddr.ss_family == AF_UNIX) {
      /* The path holds the client's pid: printed without it, the length checked against it. */
      struct sockaddr_un *u = (struct sockaddr_un *)&claddr;
      char prefix[108];
      snprintf(prefix, sizeof prefix, "%s/socklab-tb7-ucase-cl-", tmp_dir());
      int own = strncmp(u->sun_path, prefix, strlen(prefix)) == 0;
      snprintf(who, sizeof who, "%s", own ? "the client's path" : "another path");
      printf("Server: address length is the path's + 3: %s\n", len == offsetof(struct sockaddr_un, sun_path) + strlen(u->sun_path) + 1 ? "yes" : "no");
    } else {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *)&claddr;
      inet_ntop(AF_INET6, &a->sin6_addr, who, sizeof who);
    }
    if (claddr.ss_family == AF_UNIX) printf("Server received %ld bytes from %s\n", (long)numBytes, who);
    else printf("Server received %ld bytes from %s, address length %u\n", (long)numBytes, who, (unsigned)len);
    for (ssize_t k = 0; k < numBytes; k++) buf[k] = toupper((unsigned char)buf[k]);
    if (sendto(sfd, buf, numBytes, 0, (struct sockaddr *)&claddr, len) != numBytes) printf("server: sendto: %s\n", strerror(errno));
  }
  exit(0);
}

/* Each message sent and its answer read before the next: the server's lines and the client's alternate. */
static void ask(int cfd, const char *msg, const struct sockaddr *sv, socklen_t svlen) {
  char resp[BUF_SIZE + 1];
  size_t msgLen = strlen(msg);
  if (sendto(cfd, msg, msgLen, 0, sv, svlen) != (ssize_t)msgLen) printf("client: sendto: %s\n", strerror(errno));
  ssize_t numBytes = recvfrom(cfd, resp, BUF_SIZE, 0, NULL, NULL);
  if (numBytes == -1) {
    printf("client: recvfrom: %s\n", strerror(errno));
    return;
  }
  printf("Response %ld: %.*s\n", (long)numBytes, (int)numBytes, resp);
}

static const char *const MSGS[] = {"hello", "world", "a message longer than ten bytes", "x"};

static void unixPart(void) {
  snprintf(SV_SOCK_PATH, sizeof SV_SOCK_PATH, "%s/socklab-tb7-ud-ucase.sock", tmp_dir());
  struct sockaddr_un svaddr, claddr;
  int sfd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (remove(SV_SOCK_PATH) == -1 && errno != ENOENT) return;
  memset(&svaddr, 0, sizeof svaddr);
  svaddr.sun_family = AF_UNIX;
  strncpy(svaddr.sun_path, SV_SOCK_PATH, sizeof svaddr.sun_path - 1);
  show("bind the server's path", bind(sfd, (struct sockaddr *)&svaddr, sizeof svaddr));

  int p[2];
  pipe(p);
  pid_t srv = fork();
  if (srv == 0) {
    close(p[0]);
    serve(sfd, 4, p[1]);
  }
  close(p[1]);
  close(sfd);
  char c;
  read(p[0], &c, 1);
  close(p[0]);

  /* The client, in a process of its own so that its atexit handler runs at its exit. */
  pid_t cl = fork();
  if (cl == 0) {
    int cfd = socket(AF_UNIX, SOCK_DGRAM, 0);
    memset(&claddr, 0, sizeof claddr);
    claddr.sun_family = AF_UNIX;
    snprintf(claddr.sun_path, sizeof claddr.sun_path, "%s/socklab-tb7-ucase-cl-%07ld.sock", tmp_dir(), (long)getpid());
    strcpy(clientPath, claddr.sun_path);
    show("bind the client's path", bind(cfd, (struct sockaddr *)&claddr, sizeof claddr));
    atexit(removeClientPath);
    struct stat st;
    printf("client's path is a socket: %s\n", stat(clientPath, &st) == 0 && S_ISSOCK(st.st_mode) ? "yes" : "no");
    for (size_t j = 0; j < sizeof MSGS / sizeof *MSGS; j++) ask(cfd, MSGS[j], (struct sockaddr *)&svaddr, sizeof svaddr);
    exit(EXIT_SUCCESS);
  }
  int st;
  waitpid(cl, &st, 0);
  printf("client exit %d\n", WEXITSTATUS(st));
  waitpid(srv, &st, 0);
  printf("server exit %d\n", WEXITSTATUS(st));
  /* The client's path is gone; a datagram to it has nowhere to go. */
  memset(&claddr, 0, sizeof claddr);
  claddr.sun_family = AF_UNIX;
  snprintf(claddr.sun_path, sizeof claddr.sun_path, "%s/socklab-tb7-ucase-cl-%07ld.sock", tmp_dir(), (long)cl);
  struct stat sb;
  printf("client's path after its exit: %s\n", stat(claddr.sun_path, &sb) == 0 ? "still there" : strerror(errno));
  int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("sendto the removed client path", sendto(s, "late", 4, 0, (struct sockaddr *)&claddr, sizeof claddr));
  close(s);
  remove(SV_SOCK_PATH);
}

static void inet6Part(void) {
  int sfd = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 svaddr;
  memset(&svaddr, 0, sizeof svaddr);
  svaddr.sin6_family = AF_INET6;
  svaddr.sin6_addr = in6addr_any;
  svaddr.sin6_port = htons(0);
  show("bind in6addr_any", bind(sfd, (struct sockaddr *)&svaddr, sizeof svaddr));
  socklen_t len = sizeof svaddr;
  getsockname(sfd, (struct sockaddr *)&svaddr, &len);
  in_port_t port = svaddr.sin6_port;

  int p[2];
  pipe(p);
  pid_t srv = fork();
  if (srv == 0) {
    close(p[0]);
    serve(sfd, 6, p[1]);
  }
  close(p[1]);
  close(sfd);
  char c;
  read(p[0], &c, 1);
  close(p[0]);

  /* The i6d client: ::1 by inet_pton, no bind (the first sendto picks a port). */
  int cfd = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 to;
  memset(&to, 0, sizeof to);
  to.sin6_family = AF_INET6;
  to.sin6_port = port;
  if (inet_pton(AF_INET6, "::1", &to.sin6_addr) <= 0) return;
  for (size_t j = 0; j < sizeof MSGS / sizeof *MSGS; j++) ask(cfd, MSGS[j], (struct sockaddr *)&to, sizeof to);
  close(cfd);
  /* An IPv4 client of the same server. */
  int c4 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to4;
  memset(&to4, 0, sizeof to4);
  to4.sin_family = AF_INET;
  to4.sin_port = port;
  to4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ask(c4, "ipv4", (struct sockaddr *)&to4, sizeof to4);
  ask(c4, "ipv4 again, too long", (struct sockaddr *)&to4, sizeof to4);
  close(c4);
  int st;
  waitpid(srv, &st, 0);
  printf("server exit %d\n", WEXITSTATUS(st));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  unixPart();
  inet6Part();
  return 0;
}
