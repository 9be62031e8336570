/* A select()-based chat relay (Beej's selectserver, UNP's tcpservselect):
 * one process watches the listener and every client with FD_SET, relays
 * each line to the other clients and announces a client that leaves.
 * Clients are forked processes that take turns, so the order of events
 * (and so every select() result) is fixed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCLI 3

/* Reads one '\n'-terminated line, buffering what follows it. */
struct lbuf { char b[512]; int n; };
static int readline(int fd, struct lbuf *lb, char *out, int max) {
  for (;;) {
    char *nl = memchr(lb->b, '\n', lb->n);
    if (nl) {
      int len = nl - lb->b + 1;
      if (len >= max) len = max - 1;
      memcpy(out, lb->b, len);
      out[len] = 0;
      memmove(lb->b, nl + 1, lb->n - (nl + 1 - lb->b));
      lb->n -= nl + 1 - lb->b;
      return len;
    }
    ssize_t r = read(fd, lb->b + lb->n, sizeof lb->b - lb->n);
    if (r <= 0) return r;
    lb->n += r;
  }
}

/* Client i speaks after the line it waits for arrives, and leaves on its cue. */
static void client(int id, struct sockaddr_in *srv) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)srv, sizeof *srv) < 0) { perror("connect"); exit(99); }
  struct lbuf lb = {.n = 0};
  char line[256], cue[64], leave[64];
  if (id == 0) strcpy(cue, "go\n");
  else snprintf(cue, sizeof cue, "[%d] hello from %d\n", id - 1, id - 1);
  if (id == 0) snprintf(leave, sizeof leave, "[%d] hello from %d\n", NCLI - 1, NCLI - 1);
  else snprintf(leave, sizeof leave, "* %d left\n", id - 1);
  int lines = 0, spoke = 0;
  for (;;) {
    int n = readline(fd, &lb, line, sizeof line);
    if (n <= 0) break;
    lines++;
    if (!spoke && strcmp(line, cue) == 0) {
      char msg[64];
      int m = snprintf(msg, sizeof msg, "hello from %d\n", id);
      write(fd, msg, m);
      spoke = 1;
      if (id != 0) continue;
    }
    if (spoke && strcmp(line, leave) == 0) break;
  }
  close(fd);
  exit(lines);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listener, (struct sockaddr *)&sa, sizeof sa);
  listen(listener, 10);
  socklen_t sl = sizeof sa;
  getsockname(listener, (struct sockaddr *)&sa, &sl);

  pid_t pids[NCLI];
  int ids[FD_SETSIZE];
  fd_set master, read_fds;
  FD_ZERO(&master);
  FD_SET(listener, &master);
  int fdmax = listener, joined = 0, left = 0;
  /* The first client; each next one is forked once the previous has joined. */
  pids[0] = fork();
  if (pids[0] == 0) {
    close(listener);
    client(0, &sa);
  }
  while (left < NCLI) {
    read_fds = master;
    if (select(fdmax + 1, &read_fds, NULL, NULL, NULL) == -1) { perror("select"); exit(4); }
    for (int i = 0; i <= fdmax; i++) {
      if (!FD_ISSET(i, &read_fds)) continue;
      if (i == listener) {
        int newfd = accept(listener, NULL, NULL);
        FD_SET(newfd, &master);
        if (newfd > fdmax) fdmax = newfd;
        ids[newfd] = joined;
        printf("server: client %d joined on fd %d\n", joined, newfd);
        joined++;
        if (joined < NCLI) {
          pids[joined] = fork();
          if (pids[joined] == 0) {
            /* The server's descriptors are no business of a client. */
            for (int j = 0; j <= fdmax; j++)
              if (FD_ISSET(j, &master)) close(j);
            client(joined, &sa);
          }
        } else {
          write(newfd - NCLI + 1, "go\n", 3); /* the first client's fd */
        }
        continue;
      }
      char buf[256], out[300];
      ssize_t n = recv(i, buf, sizeof buf - 1, 0);
      int m;
      if (n <= 0) {
        printf("server: client %d hung up (recv %zd)\n", ids[i], n);
        close(i);
        FD_CLR(i, &master);
        left++;
        m = snprintf(out, sizeof out, "* %d left\n", ids[i]);
      } else {
        buf[n] = 0;
        printf("server: relaying from client %d: %s", ids[i], buf);
        m = snprintf(out, sizeof out, "[%d] %s", ids[i], buf);
      }
      for (int j = 0; j <= fdmax; j++)
        if (FD_ISSET(j, &master) && j != listener && j != i) send(j, out, m, 0);
    }
  }
  close(listener);
  for (int i = 0; i < NCLI; i++) {
    int st;
    waitpid(pids[i], &st, 0);
    printf("server: client %d read %d lines\n", i, WEXITSTATUS(st));
  }
  return 0;
}
