/* cmsg(3)'s EXAMPLES: sending an array of file descriptors over a UNIX
 * domain socket with SCM_RIGHTS (CMSG_SPACE, CMSG_FIRSTHDR, CMSG_LEN,
 * CMSG_DATA and the union that aligns the buffer), and the receiving side
 * walking the control messages with CMSG_NXTHDR. The descriptors are the read
 * ends of three pipes, each with its own message in it: the receiver reads
 * them through its new descriptors. Then the same with a control buffer too
 * small for all three (MSG_CTRUNC, the ones that fit). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define NUM_FD 3

static void send_fds(int sock, int *myfds, int num, const char *note) {
  struct msghdr msg = {0};
  struct cmsghdr *cmsg;
  int *fdptr;
  char iobuf[1] = {'x'};
  struct iovec io = {.iov_base = iobuf, .iov_len = sizeof iobuf};
  union { /* Ancillary data buffer, wrapped in a union in order to ensure it is suitably aligned */
    char buf[CMSG_SPACE(sizeof(int) * NUM_FD)];
    struct cmsghdr align;
  } u;
  (void)note;
  msg.msg_iov = &io;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = CMSG_SPACE(sizeof(int) * num);
  cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int) * num);
  fdptr = (int *)CMSG_DATA(cmsg); /* Initialize the payload */
  memcpy(fdptr, myfds, num * sizeof(int));
  if (sendmsg(sock, &msg, 0) != 1) perror("sendmsg");
}

static void recv_fds(int sock, size_t space, const char *what) {
  char iobuf[1];
  struct iovec io = {.iov_base = iobuf, .iov_len = sizeof iobuf};
  union {
    char buf[CMSG_SPACE(sizeof(int) * NUM_FD)];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {0};
  msg.msg_iov = &io;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = space;
  ssize_t n = recvmsg(sock, &msg, 0);
  printf("%s: recvmsg %zd, flags%s\n", what, n, msg.msg_flags & MSG_CTRUNC ? " MSG_CTRUNC" : " none");
  int got = 0;
  for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
    if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
    int nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int fds[NUM_FD];
    memcpy(fds, CMSG_DATA(cmsg), nfds * sizeof(int));
    for (int i = 0; i < nfds; i++) {
      char b[64];
      ssize_t r = read(fds[i], b, sizeof b);
      printf("%s: descriptor %d of %d reads '%.*s'\n", what, i + 1, nfds, (int)(r > 0 ? r : 0), b);
      close(fds[i]);
      got++;
    }
  }
  printf("%s: %d descriptors\n", what, got);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) { perror("socketpair"); return 1; }
  for (int round = 0; round < 2; round++) {
    int myfds[NUM_FD];
    for (int i = 0; i < NUM_FD; i++) {
      int p[2];
      pipe(p);
      char m[32];
      int len = snprintf(m, sizeof m, "round %d pipe %d", round, i);
      write(p[1], m, len);
      close(p[1]);
      myfds[i] = p[0];
    }
    pid_t pid = fork();
    if (pid == 0) {
      close(sv[0]);
      /* Round 1: room for one descriptor only (CMSG_LEN: CMSG_SPACE's padding would hold a second on x86-64). */
      recv_fds(sv[1], round == 0 ? CMSG_SPACE(sizeof(int) * NUM_FD) : CMSG_LEN(sizeof(int)), round == 0 ? "receiver" : "short buffer");
      _exit(0);
    }
    send_fds(sv[0], myfds, NUM_FD, "");
    /* The sender's copies close; the receiver's stay open. */
    for (int i = 0; i < NUM_FD; i++) close(myfds[i]);
    waitpid(pid, NULL, 0);
  }
  /* A descriptor that is not open: EBADF, nothing sent. */
  int bad[1] = {99};
  struct msghdr msg = {0};
  char x = 'x';
  struct iovec io = {.iov_base = &x, .iov_len = 1};
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  msg.msg_iov = &io;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), bad, sizeof bad);
  errno = 0;
  ssize_t n = sendmsg(sv[0], &msg, 0);
  printf("sendmsg of a closed descriptor: %zd %s\n", n, strerror(errno));
  close(sv[0]);
  close(sv[1]);
  return 0;
}
