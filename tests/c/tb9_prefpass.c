/* UNP 30.9: a preforked server with descriptor passing. Only the parent
 * accepts; each child is joined to it by a stream socketpair. The parent's
 * select watches the listener (while some child is idle) and every child's
 * end: a new connection goes to the first idle child as SCM_RIGHTS
 * (UNP's write_fd), which the parent then closes; a child serves the
 * connection it received (read_fd), closes it and writes one byte back to
 * say it is idle again. With the work done, the parent closes its ends:
 * each child's read_fd sees EOF and the child exits with the number of
 * connections it served (UNP's child_count), which the parent adds up.
 * Which child gets which connection is timing: only totals are printed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCHILD 3
#define NCLI 4
#define NLOOP 3
#define MAXN 5000

typedef struct {
  pid_t pid;
  int pipefd; /* the parent's end of the socketpair */
  int status; /* 0 idle, 1 busy */
} Child;

static ssize_t write_fd(int fd, void *ptr, size_t nbytes, int sendfd) {
  struct msghdr msg;
  struct iovec iov[1];
  union {
    struct cmsghdr cm;
    char control[CMSG_SPACE(sizeof(int))];
  } control_un;
  memset(&msg, 0, sizeof msg);
  msg.msg_control = control_un.control;
  msg.msg_controllen = sizeof control_un.control;
  struct cmsghdr *cmptr = CMSG_FIRSTHDR(&msg);
  cmptr->cmsg_len = CMSG_LEN(sizeof(int));
  cmptr->cmsg_level = SOL_SOCKET;
  cmptr->cmsg_type = SCM_RIGHTS;
  memcpy(CMSG_DATA(cmptr), &sendfd, sizeof(int));
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
  msg.msg_controllen = sizeof control_un.control;
  iov[0].iov_base = ptr;
  iov[0].iov_len = nbytes;
  msg.msg_iov = iov;
  msg.msg_iovlen = 1;
  ssize_t n = recvmsg(fd, &msg, 0);
  if (n <= 0) return n;
  struct cmsghdr *cmptr = CMSG_FIRSTHDR(&msg);
  if (cmptr && cmptr->cmsg_len == CMSG_LEN(sizeof(int)) && cmptr->cmsg_level == SOL_SOCKET && cmptr->cmsg_type == SCM_RIGHTS)
    memcpy(recvfd, CMSG_DATA(cmptr), sizeof(int));
  else
    *recvfd = -1;
  return n;
}

static ssize_t readn(int fd, void *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, (char *)buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r < 0 ? -1 : (ssize_t)got;
    got += r;
  }
  return got;
}

static unsigned char pattern(int i) { return (unsigned char)(i * 7 + 3); }

static void web_child(int conn) {
  char line[32];
  size_t n = 0;
  while (n + 1 < sizeof line && read(conn, line + n, 1) == 1 && line[n++] != '\n') {}
  line[n] = 0;
  int want = atoi(line);
  unsigned char out[MAXN];
  if (want < 0 || want > MAXN) want = 0;
  for (int i = 0; i < want; i++) out[i] = pattern(i);
  write(conn, out, want);
}

static void child_main(int sock) {
  int served = 0;
  for (;;) {
    char c;
    int conn;
    ssize_t n = read_fd(sock, &c, 1, &conn);
    if (n == 0) _exit(served); /* the parent closed its end: no more work */
    if (n < 0 || conn < 0) _exit(255);
    web_child(conn);
    close(conn);
    served++;
    write(sock, "", 1); /* tell the parent we are ready again */
  }
}

static int client(const struct sockaddr_in *srv, int who) {
  int bad = 0;
  unsigned char buf[MAXN];
  for (int j = 0; j < NLOOP; j++) {
    int n = 600 * (who + 1) + 400 * j;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (const struct sockaddr *)srv, sizeof *srv) < 0) return 100;
    char req[16];
    int len = snprintf(req, sizeof req, "%d\n", n);
    write(fd, req, len);
    if (readn(fd, buf, n) != n) bad++;
    for (int i = 0; i < n; i++)
      if (buf[i] != pattern(i)) {
        bad++;
        break;
      }
    if (read(fd, buf, 1) != 0) bad++;
    close(fd);
  }
  return bad;
}

int main(void) {
  int listenfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listenfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(listenfd, (struct sockaddr *)&a, &alen);
  listen(listenfd, 16);

  Child cptr[NCHILD];
  fd_set masterset;
  FD_ZERO(&masterset);
  FD_SET(listenfd, &masterset);
  int maxfd = listenfd;
  for (int i = 0; i < NCHILD; i++) {
    int sockfd[2];
    socketpair(AF_LOCAL, SOCK_STREAM, 0, sockfd);
    if ((cptr[i].pid = fork()) == 0) {
      /* Only its own end: not the listener, nor the parent's ends of the earlier children's pairs. */
      close(listenfd);
      close(sockfd[0]);
      for (int j = 0; j < i; j++) close(cptr[j].pipefd);
      child_main(sockfd[1]);
    }
    close(sockfd[1]);
    cptr[i].pipefd = sockfd[0];
    cptr[i].status = 0;
    FD_SET(sockfd[0], &masterset);
    if (sockfd[0] > maxfd) maxfd = sockfd[0];
  }

  printf("parent: %d children preforked, each joined to it by a socketpair\n", NCHILD);
  fflush(stdout);

  pid_t cli[NCLI];
  for (int i = 0; i < NCLI; i++)
    if ((cli[i] = fork()) == 0) {
      close(listenfd);
      for (int j = 0; j < NCHILD; j++) close(cptr[j].pipefd);
      _exit(client(&a, i));
    }

  int navail = NCHILD, passed = 0, done = 0;
  while (done < NCLI * NLOOP) {
    fd_set rset = masterset;
    if (navail <= 0) FD_CLR(listenfd, &rset); /* no idle child: leave connections queued */
    int nsel = select(maxfd + 1, &rset, NULL, NULL, NULL);
    if (nsel < 0) {
      if (errno == EINTR) continue;
      perror("select");
      return 1;
    }
    if (FD_ISSET(listenfd, &rset)) {
      int connfd = accept(listenfd, NULL, NULL);
      int i;
      for (i = 0; i < NCHILD; i++)
        if (cptr[i].status == 0) break;
      cptr[i].status = 1;
      write_fd(cptr[i].pipefd, "", 1, connfd);
      close(connfd);
      passed++;
      navail--;
      if (--nsel == 0) continue;
    }
    for (int i = 0; i < NCHILD; i++) {
      if (FD_ISSET(cptr[i].pipefd, &rset)) {
        char rc;
        if (read(cptr[i].pipefd, &rc, 1) != 1) {
          printf("child %d terminated unexpectedly\n", i);
          return 1;
        }
        cptr[i].status = 0;
        navail++;
        done++;
        if (--nsel == 0) break;
      }
    }
  }
  int ok = 0;
  for (int i = 0; i < NCLI; i++) {
    int st;
    waitpid(cli[i], &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) ok++;
  }
  printf("parent: %d connections accepted and passed, %d done messages, %d of %d clients saw every byte\n", passed, done, ok, NCLI);
  /* EOF on every socketpair: the children return their counts as exit statuses. */
  for (int i = 0; i < NCHILD; i++) close(cptr[i].pipefd);
  int sum = 0, clean = 0;
  for (int i = 0; i < NCHILD; i++) {
    int st;
    waitpid(cptr[i].pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) != 255) {
      sum += WEXITSTATUS(st);
      clean++;
    }
  }
  printf("parent: %d children exited at EOF, their counts add up to %d\n", clean, sum);
  close(listenfd);
  return 0;
}
