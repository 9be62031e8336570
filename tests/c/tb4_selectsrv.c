/* A select() server as UNP 6.8 (tcpservselect01) and Beej 7.2 write it, with
 * the details they warn about: a master fd_set copied before each call,
 * maxfd tracked and recomputed when the highest descriptor goes, the
 * check that a descriptor fits an fd_set (fd < FD_SETSIZE: the last one
 * that does is used), and a client's "QUIT" answered by shutdown(SHUT_RD):
 * the server stops reading (select then says readable, read says EOF at
 * once) but still writes its goodbye. The descriptors are moved up with
 * dup2 as a long-running server's would be. Then select's own mistakes:
 * a negative nfds (EINVAL), a closed descriptor in a set (EBADF), a zero
 * timeout that only polls. */
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

#define NCLI 3

static void client(int id, const struct sockaddr_in *a, int go) {
  char c;
  read(go, &c, 1); /* in turn: the server's lines come out in order */
  int s = socket(AF_INET, SOCK_STREAM, 0);
  connect(s, (const struct sockaddr *)a, sizeof *a);
  char buf[64];
  int n = snprintf(buf, sizeof buf, "hello from %d", id);
  write(s, buf, n);
  ssize_t r = read(s, buf, sizeof buf);
  printf("client %d: '%.*s'\n", id, (int)r, buf);
  write(s, "QUIT", 4);
  r = read(s, buf, sizeof buf);
  printf("client %d: '%.*s'\n", id, (int)r, buf);
  r = read(s, buf, sizeof buf);
  printf("client %d: then %zd\n", id, r);
  close(s);
  _exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  listen(lfd, 8);
  socklen_t al = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &al);

  int go[NCLI][2];
  pid_t pids[NCLI];
  for (int i = 0; i < NCLI; i++) {
    pipe(go[i]);
    pids[i] = fork();
    if (pids[i] == 0) {
      close(lfd);
      close(go[i][1]);
      client(i, &a, go[i][0]);
    }
    close(go[i][0]);
  }

  fd_set master, rset;
  FD_ZERO(&master);
  FD_SET(lfd, &master);
  int maxfd = lfd, served = 0, next = 0, quitting[FD_SETSIZE] = {0};
  write(go[next++][1], "g", 1);
  while (served < NCLI) {
    rset = master;
    int nready = select(maxfd + 1, &rset, NULL, NULL, NULL);
    if (nready < 0) { perror("select"); return 1; }
    if (FD_ISSET(lfd, &rset)) {
      int c = accept(lfd, NULL, NULL);
      /* Move it up, as in a server with many files open; the third one to the last that fits an fd_set. */
      int high = served == 2 ? FD_SETSIZE - 1 : 900 + 10 * served;
      int moved = dup2(c, high);
      if (moved < 0) { printf("server: dup2 to %d: %s\n", high, strerror(errno)); moved = c; } else close(c);
      if (moved >= FD_SETSIZE) {
        printf("server: descriptor %d does not fit an fd_set, refused\n", moved);
        close(moved);
        continue;
      }
      FD_SET(moved, &master);
      if (moved > maxfd) maxfd = moved;
      printf("server: new connection on fd %d, maxfd %d\n", moved, maxfd);
      if (--nready <= 0) continue;
    }
    for (int fd = 0; fd <= maxfd; fd++) {
      if (fd == lfd || !FD_ISSET(fd, &rset)) continue;
      char buf[64];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0 && !quitting[fd] && (n != 4 || memcmp(buf, "QUIT", 4) != 0)) {
        char out[80];
        int m = snprintf(out, sizeof out, "echo %.*s", (int)n, buf);
        write(fd, out, m);
      } else if (n == 4 && !quitting[fd]) {
        shutdown(fd, SHUT_RD);
        quitting[fd] = 1;
        printf("server: fd %d quits, reading shut down\n", fd);
      } else {
        /* After SHUT_RD: readable, and EOF. */
        printf("server: fd %d read %zd after SHUT_RD\n", fd, n);
        FD_CLR(fd, &master);
        quitting[fd] = 0;
        if (fd == maxfd)
          while (maxfd > lfd && !FD_ISSET(maxfd, &master)) maxfd--;
        printf("server: fd %d closing, maxfd %d\n", fd, maxfd);
        write(fd, "bye", 3);
        close(fd);
        /* The next client once this one has printed all it will. */
        int st;
        waitpid(pids[served], &st, 0);
        served++;
        if (next < NCLI) write(go[next++][1], "g", 1);
      }
    }
  }
  for (int i = 0; i < NCLI; i++) close(go[i][1]);
  /* select's own errors. */
  fd_set s;
  FD_ZERO(&s);
  FD_SET(lfd, &s);
  if (select(-1, &s, NULL, NULL, NULL) < 0) printf("select(-1): %s\n", strerror(errno));
  FD_SET(700, &s);
  if (select(701, &s, NULL, NULL, NULL) < 0) printf("select with a closed fd: %s\n", strerror(errno));
  FD_ZERO(&s);
  FD_SET(lfd, &s);
  struct timeval tv = {0, 0};
  printf("select polling an idle listener: %d\n", select(lfd + 1, &s, NULL, NULL, &tv));
  close(lfd);
  printf("done\n");
  return 0;
}
