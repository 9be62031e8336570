/* TCP out-of-band data as UNP chapter 24 teaches it: the sender writes
 * "123", one urgent byte "4", then "56"; the receiver (tcprecv02) waits with
 * select() on its exception set, takes the urgent byte with recv(MSG_OOB),
 * and reads the rest in band; then the sockatmark() loop of tcprecv04 with
 * SO_OOBINLINE, where the urgent byte stays in the stream and a read stops
 * at the mark; and the errors: a second MSG_OOB read is EINVAL, and so is
 * MSG_OOB with SO_OOBINLINE on. A pipe paces the sender. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int go[2], sent[2];

static void sender(const struct sockaddr_in *sa) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  connect(s, (const struct sockaddr *)sa, sizeof *sa);
  char c;
  read(go[0], &c, 1);
  write(s, "123", 3);
  send(s, "4", 1, MSG_OOB);
  write(s, "56", 2);
  write(sent[1], "s", 1);
  read(go[0], &c, 1);
  close(s);
}

static void show(const char *what, ssize_t n, const char *buf) {
  if (n < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %zd '%.*s'\n", what, n, (int)n, buf);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  bind(lfd, (struct sockaddr *)&sa, sizeof sa);
  listen(lfd, 2);
  socklen_t len = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &len);
  pipe(go);
  pipe(sent);

  /* Round 1: tcprecv02, select's exception set. */
  pid_t pid = fork();
  if (pid == 0) {
    sender(&sa);
    _exit(0);
  }
  int c = accept(lfd, NULL, NULL);
  write(go[1], "a", 1);
  char buf[16], note;
  /* The sender has written "123", "4" urgent, "56": select then reports a fixed set. */
  read(sent[0], &note, 1);
  fd_set rset, xset;
  int justreadoob = 0;
  for (;;) {
    FD_ZERO(&rset);
    FD_ZERO(&xset);
    FD_SET(c, &rset);
    if (!justreadoob) FD_SET(c, &xset);
    int n = select(c + 1, &rset, NULL, &xset, NULL);
    printf("select: %d read=%d except=%d atmark=%d\n", n, FD_ISSET(c, &rset) ? 1 : 0, FD_ISSET(c, &xset) ? 1 : 0, sockatmark(c));
    if (FD_ISSET(c, &xset)) {
      ssize_t r = recv(c, buf, sizeof buf, MSG_OOB);
      show("recv MSG_OOB", r, buf);
      justreadoob = 1;
      FD_CLR(c, &xset);
      r = recv(c, buf, sizeof buf, MSG_OOB);
      show("recv MSG_OOB again", r, buf);
    }
    if (FD_ISSET(c, &rset)) {
      ssize_t r = read(c, buf, sizeof buf);
      show("read", r, buf);
      if (r <= 0) break;
      justreadoob = 0;
      if (r > 0 && buf[r - 1] == '6') write(go[1], "b", 1);
    }
  }
  close(c);
  waitpid(pid, NULL, 0);

  /* Round 2: tcprecv04, SO_OOBINLINE and the mark. */
  const int on = 1;
  setsockopt(lfd, SOL_SOCKET, SO_OOBINLINE, &on, sizeof on);
  pid = fork();
  if (pid == 0) {
    sender(&sa);
    _exit(0);
  }
  c = accept(lfd, NULL, NULL);
  int got = 0;
  len = sizeof got;
  getsockopt(c, SOL_SOCKET, SO_OOBINLINE, &got, &len);
  printf("accepted socket inherits SO_OOBINLINE: %d\n", got ? 1 : 0);
  write(go[1], "a", 1);
  read(sent[0], &note, 1);
  show("recv MSG_OOB with SO_OOBINLINE", recv(c, buf, sizeof buf, MSG_OOB), buf);
  for (;;) {
    printf("at mark: %d\n", sockatmark(c));
    ssize_t r = read(c, buf, sizeof buf);
    show("read", r, buf);
    if (r <= 0) break;
    if (r > 0 && buf[r - 1] == '6') write(go[1], "b", 1);
  }
  close(c);
  waitpid(pid, NULL, 0);
  close(lfd);
  return 0;
}
