/* Descriptor passing (UNP 15.7, my_open/openfile): a child opens something
 * and hands the open descriptor to its parent over an AF_UNIX socketpair
 * with sendmsg/SCM_RIGHTS; the parent reads through it. Here the child
 * passes the read end of a pipe it filled and one end of a second
 * socketpair, then the exit status byte comes as ordinary data. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static ssize_t write_fd(int fd, void *ptr, size_t nbytes, int sendfd) {
  struct msghdr msg;
  struct iovec iov[1];
  union {
    struct cmsghdr cm;
    char control[CMSG_SPACE(sizeof(int))];
  } control_un;
  memset(&msg, 0, sizeof msg);
  msg.msg_control = control_un.control;
  msg.msg_controllen = sizeof(control_un.control);
  struct cmsghdr *cmptr = CMSG_FIRSTHDR(&msg);
  cmptr->cmsg_len = CMSG_LEN(sizeof(int));
  cmptr->cmsg_level = SOL_SOCKET;
  cmptr->cmsg_type = SCM_RIGHTS;
  *((int *)CMSG_DATA(cmptr)) = sendfd;
  iov[0].iov_base = ptr;
  iov[0].iov_len = nbytes;
  msg.msg_iov = iov;
  msg.msg_iovlen = 1;
  return sendmsg(fd, &msg, 0);
}

static ssize_t read_fd(int fd, void *ptr, size_t nbytes, int *recvfd) {
  struct msghdr msg;
  struct iovec iov[1];
  union {
    struct cmsghdr cm;
    char control[CMSG_SPACE(sizeof(int))];
  } control_un;
  memset(&msg, 0, sizeof msg);
  msg.msg_control = control_un.control;
  msg.msg_controllen = sizeof(control_un.control);
  iov[0].iov_base = ptr;
  iov[0].iov_len = nbytes;
  msg.msg_iov = iov;
  msg.msg_iovlen = 1;
  ssize_t n = recvmsg(fd, &msg, 0);
  if (n <= 0) return n;
  struct cmsghdr *cmptr = CMSG_FIRSTHDR(&msg);
  if (cmptr && cmptr->cmsg_len == CMSG_LEN(sizeof(int)) && cmptr->cmsg_level == SOL_SOCKET && cmptr->cmsg_type == SCM_RIGHTS)
    *recvfd = *((int *)CMSG_DATA(cmptr));
  else
    *recvfd = -1;
  return n;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sockfd[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sockfd) < 0) { perror("socketpair"); return 1; }
  pid_t pid = fork();
  if (pid == 0) {
    close(sockfd[0]);
    int p[2];
    pipe(p);
    const char *text = "data written by the child before passing the fd\n";
    write(p[1], text, strlen(text));
    close(p[1]);
    write_fd(sockfd[1], "P", 1, p[0]);
    close(p[0]); /* the parent's copy keeps the pipe open */
    int sp[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sp);
    write_fd(sockfd[1], "S", 1, sp[1]);
    close(sp[1]);
    char ack[32];
    ssize_t n = recv(sp[0], ack, sizeof ack - 1, 0);
    ack[n > 0 ? n : 0] = 0;
    char status = n > 0 ? 0 : 1;
    write(sockfd[1], &status, 1); /* status byte, no descriptor */
    close(sp[0]);
    close(sockfd[1]);
    exit(n > 0 ? 7 : 8);
  }
  close(sockfd[1]);
  char c;
  int fd = -1;
  ssize_t n = read_fd(sockfd[0], &c, 1, &fd);
  printf("parent: got %zd byte '%c' and a descriptor: %s (fd %d)\n", n, c, fd >= 0 ? "yes" : "no", fd);
  char buf[128];
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf - 1)) > 0) {
    buf[r] = 0;
    printf("parent: via passed pipe: %s", buf);
  }
  printf("parent: pipe EOF (%zd)\n", r);
  close(fd);
  n = read_fd(sockfd[0], &c, 1, &fd);
  printf("parent: got %zd byte '%c' and a descriptor: %s (fd %d)\n", n, c, fd >= 0 ? "yes" : "no", fd);
  int type = 0;
  socklen_t len = sizeof type;
  getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
  printf("parent: passed socket type %s\n", type == SOCK_DGRAM ? "SOCK_DGRAM" : "other");
  send(fd, "thanks", 6, 0);
  close(fd);
  n = read_fd(sockfd[0], &c, 1, &fd);
  printf("parent: status byte %zd value %d, descriptor %s\n", n, c, fd >= 0 ? "yes" : "none");
  n = read_fd(sockfd[0], &c, 1, &fd);
  printf("parent: then %zd (EOF)\n", n);
  int status;
  waitpid(pid, &status, 0);
  printf("parent: child exited %d\n", WEXITSTATUS(status));
  close(sockfd[0]);
  return 0;
}
