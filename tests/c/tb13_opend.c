/* APUE 17.4-17.5: fd_pipe (Figure 17.2, a socketpair), send_fd/send_err and
 * recv_fd (Figures 17.13-17.15: SCM_RIGHTS with the book's 2-byte protocol,
 * a NUL then a status byte: 0 means a descriptor comes with it, else the
 * bytes before the NUL are an error message for userfunc and the status is
 * the negated errno), and the open server, version 1 (Figures 17.18-17.22):
 * csopen forks the server (here a function in place of execl("opend")) with
 * the pipe as its stdin and stdout, sends "open <path> <oflag>" with writev,
 * and gets the open descriptor back, or the server's error message. */
/* Whether the error message and the status bytes (a write, then a sendmsg) reach one recvmsg or two is timing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define MAXLINE 4096
#define CL_OPEN "open"
#define CONTROLLEN CMSG_LEN(sizeof(int))
static struct cmsghdr *cmptr = NULL;

static int fd_pipe(int fd[2]) { return socketpair(AF_UNIX, SOCK_STREAM, 0, fd); }

static int send_fd(int fd, int fd_to_send) {
  struct iovec iov[1];
  struct msghdr msg;
  char buf[2]; /* send_fd()/recv_fd() 2-byte protocol */
  iov[0].iov_base = buf;
  iov[0].iov_len = 2;
  msg.msg_iov = iov;
  msg.msg_iovlen = 1;
  msg.msg_name = NULL;
  msg.msg_namelen = 0;
  msg.msg_flags = 0;
  if (fd_to_send < 0) {
    msg.msg_control = NULL;
    msg.msg_controllen = 0;
    buf[1] = -fd_to_send; /* nonzero status means error */
    if (buf[1] == 0) buf[1] = 1; /* -256, etc. would screw up protocol */
  } else {
    if (cmptr == NULL && (cmptr = malloc(CONTROLLEN)) == NULL) return -1;
    cmptr->cmsg_level = SOL_SOCKET;
    cmptr->cmsg_type = SCM_RIGHTS;
    cmptr->cmsg_len = CONTROLLEN;
    msg.msg_control = cmptr;
    msg.msg_controllen = CONTROLLEN;
    *(int *)CMSG_DATA(cmptr) = fd_to_send; /* the fd to pass */
    buf[1] = 0; /* zero status means OK */
  }
  buf[0] = 0; /* null byte flag to recv_fd() */
  if (sendmsg(fd, &msg, 0) != 2) return -1;
  return 0;
}

static int send_err(int fd, int errcode, const char *msg) {
  int n;
  if ((n = strlen(msg)) > 0)
    if (write(fd, msg, n) != n) return -1; /* send the error message */
  if (errcode >= 0) errcode = -1; /* must be negative */
  if (send_fd(fd, errcode) < 0) return -1;
  return 0;
}

static int recv_fd(int fd, ssize_t (*userfunc)(int, const void *, size_t)) {
  int newfd, nr, status;
  char *ptr;
  char buf[MAXLINE];
  struct iovec iov[1];
  struct msghdr msg;
  status = -1;
  for (;;) {
    iov[0].iov_base = buf;
    iov[0].iov_len = sizeof(buf);
    msg.msg_iov = iov;
    msg.msg_iovlen = 1;
    msg.msg_name = NULL;
    msg.msg_namelen = 0;
    msg.msg_flags = 0;
    if (cmptr == NULL && (cmptr = malloc(CONTROLLEN)) == NULL) return -1;
    msg.msg_control = cmptr;
    msg.msg_controllen = CONTROLLEN;
    if ((nr = recvmsg(fd, &msg, 0)) < 0) {
      printf("recvmsg error: %s\n", strerror(errno));
      return -1;
    } else if (nr == 0) {
      printf("connection closed by server\n");
      return -1;
    }
    /* See if this is the final data with null & status. Null is next to last byte of buffer; status byte is last byte. Zero status means there is a file descriptor to receive. */
    for (ptr = buf; ptr < &buf[nr];) {
      if (*ptr++ == 0) {
        if (ptr != &buf[nr - 1]) printf("message format error\n");
        status = *ptr & 0xFF; /* prevent sign extension */
        if (status == 0) {
          if (msg.msg_controllen < CONTROLLEN) printf("status = 0 but no fd\n");
          newfd = *(int *)CMSG_DATA(cmptr);
        } else {
          newfd = -status;
        }
        nr -= 2;
      }
    }
    if (nr > 0 && (*userfunc)(STDOUT_FILENO, buf, nr) != nr) return -1;
    if (status >= 0) /* final data has arrived */
      return newfd; /* descriptor, or -status */
  }
}

/* The server (opend v1): read a request from stdin, parse, open, answer on stdout. */
static void opend(void) {
  char buf[MAXLINE], errmsg[MAXLINE];
  int nread;
  for (;;) {
    if ((nread = read(STDIN_FILENO, buf, MAXLINE)) < 0) exit(1);
    if (nread == 0) exit(0); /* client has closed the stream pipe */
    /* handle_request: "open <path> <oflag>\0" */
    char path[MAXLINE];
    int oflag;
    if (buf[nread - 1] != 0) {
      send_err(STDOUT_FILENO, -1, "request not null terminated\n");
      continue;
    }
    if (sscanf(buf, CL_OPEN " %s %d", path, &oflag) != 2) {
      send_err(STDOUT_FILENO, -1, "invalid request\n");
      continue;
    }
    int newfd = open(path, oflag);
    if (newfd < 0) {
      snprintf(errmsg, sizeof errmsg, "can't open %s: %s\n", strrchr(path, '/') + 1, strerror(errno));
      send_err(STDOUT_FILENO, -1, errmsg); /* the book's -1: an errno's number is the libc's (wasi-libc's differ) */
      continue;
    }
    if (send_fd(STDOUT_FILENO, newfd) < 0) exit(1);
    close(newfd); /* we're done with descriptor */
  }
}

static int csopen(const char *name, int oflag) {
  static int fd[2] = {-1, -1};
  char buf[10];
  struct iovec iov[3];
  if (fd[0] < 0) { /* fork/exec our open server first time */
    if (fd_pipe(fd) < 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) { /* child */
      close(fd[0]);
      if (fd[1] != STDIN_FILENO && dup2(fd[1], STDIN_FILENO) != STDIN_FILENO) exit(1);
      if (fd[1] != STDOUT_FILENO && dup2(fd[1], STDOUT_FILENO) != STDOUT_FILENO) exit(1);
      close(fd[1]);
      opend();
    }
    close(fd[1]); /* parent */
  }
  sprintf(buf, " %d", oflag); /* oflag to ascii */
  iov[0].iov_base = CL_OPEN " ";
  iov[0].iov_len = strlen(CL_OPEN) + 1;
  iov[1].iov_base = (char *)name;
  iov[1].iov_len = strlen(name);
  iov[2].iov_base = buf;
  iov[2].iov_len = strlen(buf) + 1; /* +1 for null at end of buf */
  int len = iov[0].iov_len + iov[1].iov_len + iov[2].iov_len;
  if (writev(fd[0], &iov[0], 3) != len) return -1;
  /* read descriptor, returned errors handled by write() */
  return recv_fd(fd[0], write);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char path[108], missing[108];
  tmp_path(path, sizeof path, "socklab-apue-opend.txt");
  tmp_path(missing, sizeof missing, "socklab-apue-missing.txt");
  int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(f, "the file the server opened\n", 27);
  close(f);
  const char *names[] = {path, missing, path};
  for (int i = 0; i < 3; i++) {
    printf("csopen %s:\n", strrchr(names[i], '/') + 1);
    int fd = csopen(names[i], O_RDONLY);
    if (fd < 0) {
      printf("  csopen: %d\n", fd);
      continue;
    }
    char buf[64];
    int n = read(fd, buf, sizeof buf);
    printf("  fd %d: ", fd);
    fflush(stdout);
    write(STDOUT_FILENO, buf, n);
    close(fd);
  }
  return 0;
}
