#include <signal.h>
/* UNP's str_cli (6.7, the select version): the client multiplexes its input
 * (here a pipe a forked feeder writes, as stdin would be) and the socket
 * with select(); at EOF on the input it shuts the write half down with
 * shutdown(SHUT_WR) and keeps reading until the server's echo ends, so
 * nothing in flight is lost. The server is a forked UNP str_echo. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void str_echo(int fd) {
  char buf[64];
  ssize_t n;
  long total = 0;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    write(fd, buf, n);
    total += n;
  }
  /* EOF (the client's SHUT_WR) after the whole input: the exit status tells the parent. */
  _exit(n == 0 && total == 45 ? 0 : 1);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  bind(lfd, (struct sockaddr *)&sin, sizeof sin);
  listen(lfd, 5);
  socklen_t len = sizeof sin;
  getsockname(lfd, (struct sockaddr *)&sin, &len);

  pid_t server = fork();
  if (server == 0) {
    int c = accept(lfd, NULL, NULL);
    close(lfd);
    str_echo(c);
  }
  close(lfd);

  /* The feeder writes its input in one piece, then ends it (EOF) once the client has the whole echo back
   * (sync): in what order EOF and echo reach select() is then the same on any machine, which the trace
   * comparison with Linux needs. */
  int in[2], sync[2];
  pipe(in);
  pipe(sync);
  pid_t feeder = fork();
  if (feeder == 0) {
    close(in[0]);
    close(sync[1]);
    const char *input = "hello\nfrom the\npipe\nlast line without newline";
    write(in[1], input, strlen(input));
    char c;
    read(sync[0], &c, 1);
    close(in[1]);
    _exit(0);
  }
  close(in[1]);
  close(sync[0]);

  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&sin, sizeof sin) < 0) {
    printf("connect: %s\n", strerror(errno));
    return 1;
  }
  int stdineof = 0;
  long sent = 0, got = 0;
  char echo[256];
  size_t have = 0;
  /* What happened, printed after the loop: when the input's EOF comes between echoes is the scheduler's. */
  char log[1024] = "";
  fd_set rset;
  FD_ZERO(&rset);
  for (;;) {
    if (!stdineof) FD_SET(in[0], &rset);
    FD_SET(s, &rset);
    int maxfdp1 = (in[0] > s ? in[0] : s) + 1;
    if (select(maxfdp1, &rset, NULL, NULL, NULL) < 0) {
      printf("select: %s\n", strerror(errno));
      return 1;
    }
    if (FD_ISSET(s, &rset)) {
      ssize_t n = read(s, echo + have, sizeof echo - 1 - have);
      if (n == 0) {
        if (stdineof) break; /* normal termination */
        printf("str_cli: server terminated prematurely\n");
        return 1;
      }
      have += n;
      got += n;
      if (got == 45) write(sync[1], "x", 1);
      /* Whole lines only: how the echo is split into reads is the network's. */
      char *nl;
      while ((nl = memchr(echo, '\n', have)) != NULL) {
        size_t l = nl - echo + 1;
        snprintf(log + strlen(log), sizeof log - strlen(log), "echo: %.*s", (int)l, echo);
        memmove(echo, echo + l, have - l);
        have -= l;
      }
    }
    if (FD_ISSET(in[0], &rset)) {
      char buf[64];
      ssize_t n = read(in[0], buf, sizeof buf);
      if (n == 0) {
        stdineof = 1;
        int r = shutdown(s, SHUT_WR);
        printf("client: input at EOF after %ld bytes, shutdown(SHUT_WR): %d\n", sent, r);
        FD_CLR(in[0], &rset);
        continue;
      }
      write(s, buf, n);
      sent += n;
    }
  }
  printf("%s", log);
  printf("echo, partial line at EOF: %.*s\n", (int)have, echo);
  printf("client: sent %ld, got back %ld\n", sent, got);
  /* The write half is shut: writing now is EPIPE (SIGPIPE ignored to see it). */
  signal(SIGPIPE, SIG_IGN);
  ssize_t w = write(s, "x", 1);
  printf("write after SHUT_WR: %zd %s\n", w, w < 0 ? strerror(errno) : "");
  /* Both FINs are through: the connection is gone (TIME_WAIT), so shutdown finds nothing connected. */
  int r = shutdown(s, SHUT_WR);
  printf("shutdown(SHUT_WR) again: %d %s\n", r, r < 0 ? strerror(errno) : "");
  r = shutdown(s, SHUT_RD);
  printf("shutdown(SHUT_RD): %d %s\n", r, r < 0 ? strerror(errno) : "");
  char b;
  ssize_t n = read(s, &b, 1);
  printf("read at EOF: %zd\n", n);
  close(s);
  close(in[0]);
  int st;
  waitpid(feeder, &st, 0);
  printf("feeder exited %d\n", WEXITSTATUS(st));
  waitpid(server, &st, 0);
  printf("server exited %d (0: it read the whole input, then EOF)\n", WEXITSTATUS(st));
  return 0;
}
