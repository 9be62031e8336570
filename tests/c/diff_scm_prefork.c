// The textbook pre-forked server: the parent accepts TCP connections and
// hands each one to a forked worker over an AF_UNIX socketpair with
// SCM_RIGHTS; the worker serves the client on the passed descriptor (the
// same open description: the parent's close does not end the connection).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PORT 47311
#define CLIENTS 3

static int send_fd(int s, int fd) {
  char c = 'F';
  struct iovec iov = {&c, 1};
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = sizeof u.buf;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &fd, sizeof fd);
  return sendmsg(s, &m, 0);
}

static int recv_fd(int s) {
  char c;
  struct iovec iov = {&c, 1};
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = sizeof u.buf;
  ssize_t n = recvmsg(s, &m, 0);
  if (n <= 0) return -1;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
  if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int))) return -2;
  int fd;
  memcpy(&fd, CMSG_DATA(cm), sizeof fd);
  return fd;
}

static void client(int i) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(PORT);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); _exit(1); }
  char msg[32];
  int len = snprintf(msg, sizeof msg, "request %d", i);
  write(s, msg, len);
  shutdown(s, SHUT_WR);
  char buf[64];
  int got = 0, n;
  while ((n = read(s, buf + got, sizeof buf - 1 - got)) > 0) got += n;
  buf[got] = 0;
  printf("client %d got: %s\n", i, buf);
  _exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(PORT);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 8) < 0) { perror("listen"); return 1; }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) { perror("socketpair"); return 1; }
  pid_t worker = fork();
  if (worker == 0) {
    close(sv[0]);
    close(l);
    for (;;) {
      int c = recv_fd(sv[1]);
      if (c == -1) break;
      if (c < 0) { printf("worker: bad control message\n"); _exit(2); }
      char buf[64];
      int got = 0, n;
      while ((n = read(c, buf + got, sizeof buf - 1 - got)) > 0) got += n;
      buf[got] = 0;
      char reply[96];
      int len = snprintf(reply, sizeof reply, "worker served '%s'", buf);
      write(c, reply, len);
      close(c);
    }
    printf("worker: no more connections\n");
    _exit(0);
  }
  close(sv[1]);
  for (int i = 0; i < CLIENTS; i++) {
    pid_t cp = fork();
    if (cp == 0) client(i);
    int c = accept(l, NULL, NULL);
    if (c < 0) { perror("accept"); return 1; }
    if (send_fd(sv[0], c) != 1) { perror("sendmsg"); return 1; }
    close(c);  // the worker's descriptor keeps the connection open
    int st;
    waitpid(cp, &st, 0);
    printf("parent: client %d exited %d\n", i, WEXITSTATUS(st));
  }
  close(sv[0]);
  int st;
  waitpid(worker, &st, 0);
  printf("parent: worker exited %d\n", WEXITSTATUS(st));
  return 0;
}
