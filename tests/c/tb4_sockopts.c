/* A course "tuning" assignment (UNP 7.5, TLPI 61.4): a TCP server sets
 * SO_RCVBUF and SO_SNDBUF on its listener before listen() (so the window it
 * announces is the one it asked for) and TCP_NODELAY on the connection, then
 * reads every option back. Linux doubles the buffer sizes it is given (the
 * other half is its bookkeeping) and rounds small ones up to its minimum;
 * the accepted socket inherits the listener's buffers but not TCP_NODELAY
 * from the client. SO_TYPE, SO_ACCEPTCONN, SO_DOMAIN and SO_PROTOCOL say
 * what a socket is, and a wrong level or a short option length fails. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int getint(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, name, &v, &len) < 0) return -errno;
  return v;
}

static void show(const char *who, int fd) {
  /* One call per statement: gcc and clang evaluate printf's arguments in opposite orders. */
  int rcv = getint(fd, SOL_SOCKET, SO_RCVBUF);
  int snd = getint(fd, SOL_SOCKET, SO_SNDBUF);
  int nodelay = getint(fd, IPPROTO_TCP, TCP_NODELAY);
  int type = getint(fd, SOL_SOCKET, SO_TYPE);
  int acc = getint(fd, SOL_SOCKET, SO_ACCEPTCONN);
  int dom = getint(fd, SOL_SOCKET, SO_DOMAIN);
  int proto = getint(fd, SOL_SOCKET, SO_PROTOCOL);
  printf("%s: rcvbuf %d sndbuf %d nodelay %d type %d acceptconn %d domain %d protocol %d\n", who, rcv, snd, nodelay, type,
         acc, dom, proto);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int rcv = 32768, snd = 16384, one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  setsockopt(lfd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof snd);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  listen(lfd, 5);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  show("listener", lfd);

  int sync[2];
  pipe(sync);
  pid_t pid = fork();
  if (pid == 0) {
    close(lfd);
    close(sync[1]);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* Tiny sizes: Linux raises them to its minimum (2304 for receiving, 4608 for sending). */
    int tiny = 1;
    setsockopt(c, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
    setsockopt(c, SOL_SOCKET, SO_SNDBUF, &tiny, sizeof tiny);
    connect(c, (struct sockaddr *)&a, sizeof a);
    char go;
    read(sync[0], &go, 1); /* the server has printed its lines */
    show("client", c);
    write(c, "ping", 4);
    char buf[16];
    ssize_t n = read(c, buf, sizeof buf);
    printf("client: got '%.*s'\n", (int)n, buf);
    close(c);
    _exit(0);
  }
  close(sync[0]);
  int cfd = accept(lfd, NULL, NULL);
  show("accepted", cfd);
  setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int zero = 0;
  setsockopt(cfd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  int nd = getint(cfd, IPPROTO_TCP, TCP_NODELAY);
  int ka = getint(cfd, SOL_SOCKET, SO_KEEPALIVE);
  printf("accepted: nodelay %d keepalive %d\n", nd, ka);
  setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof zero);
  printf("accepted: nodelay after clearing %d\n", getint(cfd, IPPROTO_TCP, TCP_NODELAY));
  /* Mistakes: a TCP option on the socket level means something else (SO_DEBUG is 1 = TCP_NODELAY's number, too),
   * a short length is EINVAL, an unknown option ENOPROTOOPT. */
  short s = 1;
  if (setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &s, sizeof s) < 0) printf("short optlen: %s\n", strerror(errno));
  if (setsockopt(cfd, IPPROTO_TCP, 9999, &one, sizeof one) < 0) printf("unknown option: %s\n", strerror(errno));
  if (setsockopt(cfd, SOL_SOCKET, SO_ACCEPTCONN, &one, sizeof one) < 0) printf("set SO_ACCEPTCONN: %s\n", strerror(errno));
  /* SO_RCVBUF at run time: doubled again, and a read-back into a short buffer is truncated, not refused. */
  int big = 65536;
  setsockopt(cfd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  printf("accepted: rcvbuf now %d\n", getint(cfd, SOL_SOCKET, SO_RCVBUF));
  char small[2] = {0, 0};
  socklen_t sl = sizeof small;
  int r = getsockopt(cfd, SOL_SOCKET, SO_TYPE, small, &sl);
  printf("SO_TYPE into 2 bytes: %d, len %u, byte0 %d\n", r, (unsigned)sl, small[0]);
  write(sync[1], "g", 1);
  char buf[16];
  ssize_t n = read(cfd, buf, sizeof buf);
  write(cfd, buf, n);
  close(cfd);
  int st;
  waitpid(pid, &st, 0);
  close(lfd);
  printf("done, child status %d\n", WEXITSTATUS(st));
  return 0;
}
