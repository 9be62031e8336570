/* A forking TCP echo server, in the style of Beej's guide: accept a
 * connection, fork, and let the child serve it while the parent goes back
 * to accept. The child closes the listening socket (the parent's stays
 * open), the parent closes the connection (the child's stays open), and
 * the parent reaps finished children with waitpid(-1, WNOHANG) before each
 * accept, so no zombie piles up.
 * usage: fork_echo_server PORT [CLIENTS]: with CLIENTS, exit after serving
 * that many (and reaping every child); without, serve forever. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int reaped;

static void reap(int block) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, block ? 0 : WNOHANG)) > 0) {
    reaped++;
    printf("reaped child %d: status %d\n", reaped, WEXITSTATUS(status));
  }
}

static int serve(int fd, int n) {
  char buf[512];
  ssize_t got;
  long total = 0;
  while ((got = read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t off = 0; off < got;) {
      ssize_t w = write(fd, buf + off, (size_t)(got - off));
      if (w < 0) { perror("write"); return 1; }
      off += w;
    }
    total += got;
  }
  if (got < 0) { perror("read"); return 1; }
  printf("child for client %d: echoed %ld bytes\n", n, total);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT [CLIENTS]\n", argv[0]); return 2; }
  int clients = argc > 2 ? atoi(argv[2]) : -1;
  setvbuf(stdout, NULL, _IONBF, 0);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  if (listen(ls, 10) < 0) { perror("listen"); return 1; }
  printf("server: waiting for connections on port %s\n", argv[1]);
  for (int n = 1; clients < 0 || n <= clients; n++) {
    reap(0);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    int fd = accept(ls, (struct sockaddr *)&peer, &len);
    if (fd < 0) { perror("accept"); continue; }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); close(fd); continue; }
    if (pid == 0) {
      close(ls);  /* the child does not need the listener; the parent's stays open */
      int rc = serve(fd, n);
      close(fd);
      exit(rc);
    }
    close(fd);  /* the parent does not need the connection; the child's stays open */
  }
  close(ls);
  reap(1);
  printf("server: served %d clients, reaped %d children\n", clients, reaped);
  return 0;
}
