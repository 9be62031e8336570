/* An AF_UNIX SOCK_SEQPACKET server with several clients (TLPI 57.6, the
 * unix(7) example server): connection-oriented like a stream, but each
 * write() is one record that read() returns whole. The server polls its
 * listener and every connection; each client sends a few commands of
 * different sizes and the server answers each with one record. A record
 * longer than the reader's buffer loses its tail (no MSG_TRUNC in read()),
 * a zero-length record is not EOF for SEQPACKET (recv returns 0 but the
 * connection lives on: the server only ends a client on POLLHUP), and
 * getsockopt(SO_TYPE)/getpeername tell what the connection is. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCLIENTS 3
#define PATH "tb4-seqpacket.sock"

static void client(int id, int go) {
  int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, PATH);
  char c;
  read(go, &c, 1); /* the previous client is done: the server's lines come out in order */
  if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); _exit(1); }
  char msg[128];
  for (int k = 0; k < 3; k++) {
    int n = snprintf(msg, sizeof msg, "client%d cmd%d %.*s", id, k, k * 30, "................................................................................................");
    write(s, msg, n);
    char reply[64];
    ssize_t r = read(s, reply, sizeof reply);
    printf("client%d: reply %zd bytes '%.*s'\n", id, r, (int)r, reply);
  }
  /* An empty record: the server reads 0 bytes, and the connection is still there. */
  write(s, "", 0);
  char reply[64];
  ssize_t r = read(s, reply, sizeof reply);
  printf("client%d: after an empty record '%.*s'\n", id, (int)r, reply);
  close(s);
  _exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  unlink(PATH);
  int lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, PATH);
  if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  listen(lfd, 5);
  int type = 0;
  socklen_t tl = sizeof type;
  getsockopt(lfd, SOL_SOCKET, SO_TYPE, &type, &tl);
  printf("listener type %s\n", type == SOCK_SEQPACKET ? "SOCK_SEQPACKET" : "?");

  int go[NCLIENTS + 1][2];
  pid_t pids[NCLIENTS];
  for (int i = 0; i < NCLIENTS; i++) {
    pipe(go[i]);
    pids[i] = fork();
    if (pids[i] == 0) {
      close(lfd);
      close(go[i][1]);
      client(i, go[i][0]);
    }
    close(go[i][0]);
  }
  write(go[0][1], "g", 1);

  struct pollfd fds[1 + NCLIENTS];
  int who[1 + NCLIENTS];
  int nfds = 1, done = 0, next = 1;
  fds[0].fd = lfd;
  fds[0].events = POLLIN;
  while (done < NCLIENTS) {
    poll(fds, nfds, -1);
    if (fds[0].revents & POLLIN) {
      struct sockaddr_un peer;
      socklen_t pl = sizeof peer;
      int c = accept(lfd, (struct sockaddr *)&peer, &pl);
      printf("server: connection, peer name length %u\n", (unsigned)pl);
      who[nfds] = next - 1;
      fds[nfds].fd = c;
      fds[nfds].events = POLLIN;
      fds[nfds].revents = 0;
      nfds++;
    }
    for (int i = 1; i < nfds; i++) {
      if (fds[i].fd < 0 || !fds[i].revents) continue;
      if (fds[i].revents & POLLIN) {
        char buf[40]; /* shorter than the longest command: its tail is lost */
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n > 0) {
          printf("server: record of %zd bytes from client%d: '%.*s'\n", n, who[i], (int)n, buf);
          char reply[64];
          int m = snprintf(reply, sizeof reply, "ok %zd", n);
          write(fds[i].fd, reply, m);
          continue;
        }
        if (n == 0 && !(fds[i].revents & POLLHUP)) {
          printf("server: empty record from client%d\n", who[i]);
          write(fds[i].fd, "empty", 5);
          continue;
        }
      }
      printf("server: client%d hung up\n", who[i]);
      close(fds[i].fd);
      fds[i].fd = -1;
      done++;
      if (next < NCLIENTS) write(go[next++][1], "g", 1);
    }
  }
  for (int i = 0; i < NCLIENTS; i++) {
    int st;
    waitpid(pids[i], &st, 0);
    close(go[i][1]);
  }
  close(lfd);
  unlink(PATH);
  printf("done\n");
  return 0;
}
