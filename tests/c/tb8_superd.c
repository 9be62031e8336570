/* Comer & Stevens vol. III chapter 15's superd: one process offers several
 * services. A table (struct service: name, TCP or UDP, socket, function)
 * is walked at start-up to make each service's passive socket, fd2sv maps
 * a descriptor back to its entry, and one select() over all of them
 * dispatches: a TCP service's connection is accepted and handed to a
 * forked slave that runs the service's function and exits with its
 * result; a UDP service answers the datagram in the server process. Slaves
 * are reaped by a SIGCHLD handler installed with signal() (glibc: BSD
 * semantics), and a select() the signal interrupts (EINTR, never
 * restarted) is simply called again. The services: TCP echo, chargen,
 * daytime and time (as the book's table), and UDP echo and time. The
 * book's reaper loops on wait3(..., WNOHANG) >= 0, which spins while a
 * slave is still running (0); this one stops at 0, with waitpid. Each
 * service binds a port of the kernel's choosing here (the book adds a
 * portbase to the well-known one), and the client driver, which made
 * the table before forking superd, uses them one after the other. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UDP_SERV 0
#define TCP_SERV 1
#define NOSOCK -1
#define QLEN 5
#define LINELEN 72
#define UNIXEPOCH 2208988800UL

struct service {
  char *sv_name;
  char sv_useTCP;
  int sv_sock;
  int (*sv_func)(int);
  unsigned short sv_port; /* here: the port getsockname reports */
};

static void errexit(const char *what) {
  printf("superd: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int TCPechod(int fd) {
  char buf[BUFSIZ];
  int cc;
  while ((cc = read(fd, buf, sizeof buf))) {
    if (cc < 0) errexit("echo read");
    if (write(fd, buf, cc) < 0) errexit("echo write");
  }
  return 0;
}

/* TCPchargend: the rotating pattern of RFC 864 until the client goes (SIGPIPE ends the slave). */
static int TCPchargend(int fd) {
  char c, buf[LINELEN + 2];
  c = ' ';
  buf[LINELEN] = '\r';
  buf[LINELEN + 1] = '\n';
  while (1) {
    int i;
    for (i = 0; i < LINELEN; ++i) {
      buf[i] = c++;
      if (c > '~') c = ' ';
    }
    (void)write(fd, buf, LINELEN + 2);
  }
  return 0;
}

static int TCPdaytimed(int fd) {
  char *pts;
  time_t now;
  (void)time(&now);
  pts = ctime(&now);
  (void)write(fd, pts, strlen(pts));
  return 0;
}

static int TCPtimed(int fd) {
  time_t now;
  (void)time(&now);
  uint32_t t = htonl((uint32_t)((unsigned long)now + UNIXEPOCH));
  (void)write(fd, (char *)&t, sizeof(t));
  return 0;
}

static int UDPechod(int s) {
  char buf[4096]; /* the book's BUFSIZ is 8192 in glibc, 1024 in musl and wasi-libc: a size of its own here */
  struct sockaddr_in fsin;
  socklen_t alen = sizeof fsin;
  ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&fsin, &alen);
  if (n < 0) errexit("recvfrom");
  sendto(s, buf, n, 0, (struct sockaddr *)&fsin, alen);
  return 0;
}

static int UDPtimed(int s) {
  char buf[1];
  struct sockaddr_in fsin;
  socklen_t alen = sizeof fsin;
  if (recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&fsin, &alen) < 0) errexit("recvfrom");
  uint32_t t = htonl((uint32_t)((unsigned long)time(0) + UNIXEPOCH));
  sendto(s, (char *)&t, sizeof t, 0, (struct sockaddr *)&fsin, alen);
  return 0;
}

static struct service svent[] = {
    {"echo", TCP_SERV, NOSOCK, TCPechod, 0},
    {"chargen", TCP_SERV, NOSOCK, TCPchargend, 0},
    {"daytime", TCP_SERV, NOSOCK, TCPdaytimed, 0},
    {"time", TCP_SERV, NOSOCK, TCPtimed, 0},
    {"echo", UDP_SERV, NOSOCK, UDPechod, 0},
    {"time", UDP_SERV, NOSOCK, UDPtimed, 0},
    {0, 0, 0, 0, 0},
};

#define NOFILE 64
static struct service *fd2sv[NOFILE];

static void reaper(int sig) {
  int status;
  (void)sig;
  while (waitpid(-1, &status, WNOHANG) > 0)
    ;
}

static void doTCP(struct service *psv) {
  struct sockaddr_in fsin;
  socklen_t alen = sizeof(fsin);
  int ssock = accept(psv->sv_sock, (struct sockaddr *)&fsin, &alen);
  if (ssock < 0) errexit("accept");
  switch (fork()) {
  case 0:
    break;
  case -1:
    errexit("fork");
  default:
    (void)close(ssock);
    return; /* parent */
  }
  /* child */
  for (int fd = 0; fd < NOFILE; ++fd)
    if (fd2sv[fd]) (void)close(fd);
  exit(psv->sv_func(ssock));
}

static void superd(int nfds, fd_set *afds) {
  fd_set rfds;
  (void)signal(SIGCHLD, reaper);
  while (1) {
    memcpy(&rfds, afds, sizeof(rfds));
    if (select(nfds, &rfds, (fd_set *)0, (fd_set *)0, (struct timeval *)0) < 0) {
      if (errno == EINTR) continue;
      errexit("select error");
    }
    for (int fd = 0; fd < nfds; ++fd)
      if (FD_ISSET(fd, &rfds)) {
        struct service *psv = fd2sv[fd];
        if (psv->sv_useTCP) doTCP(psv);
        else psv->sv_func(psv->sv_sock);
      }
  }
}

static struct service *find(const char *name, int tcp) {
  for (struct service *p = svent; p->sv_name; ++p)
    if (!strcmp(p->sv_name, name) && p->sv_useTCP == tcp) return p;
  return NULL;
}

static int client(const char *name, int tcp) {
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = htons(find(name, tcp)->sv_port);
  int s = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
  if (connect(s, (struct sockaddr *)&sin, sizeof sin) < 0) printf("connect %s: %s\n", name, strerror(errno));
  return s;
}

static size_t readall(int s, char *buf, size_t size) {
  size_t got = 0;
  ssize_t r;
  while (got < size && (r = read(s, buf + got, size - got)) > 0) got += r;
  return got;
}

static const char *near(uint32_t net) {
  long d = (long)time(0) - (long)((unsigned long)ntohl(net) - UNIXEPOCH);
  return d >= -2 && d <= 2 ? "within 2 seconds of ours" : "wrong";
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  fd_set afds;
  int nfds = 0;
  FD_ZERO(&afds);
  for (struct service *psv = &svent[0]; psv->sv_name; ++psv) {
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = INADDR_ANY;
    psv->sv_sock = socket(PF_INET, psv->sv_useTCP ? SOCK_STREAM : SOCK_DGRAM, 0);
    if (psv->sv_sock < 0 || psv->sv_sock >= NOFILE) errexit("socket");
    if (bind(psv->sv_sock, (struct sockaddr *)&sin, sizeof sin) < 0) errexit("bind");
    if (psv->sv_useTCP && listen(psv->sv_sock, QLEN) < 0) errexit("listen");
    socklen_t len = sizeof sin;
    getsockname(psv->sv_sock, (struct sockaddr *)&sin, &len);
    psv->sv_port = ntohs(sin.sin_port);
    fd2sv[psv->sv_sock] = psv;
    nfds = psv->sv_sock + 1 > nfds ? psv->sv_sock + 1 : nfds;
    FD_SET(psv->sv_sock, &afds);
    printf("%s/%s: a socket in the table\n", psv->sv_name, psv->sv_useTCP ? "tcp" : "udp");
  }
  pid_t pid = fork();
  if (pid == 0) superd(nfds, &afds);
  for (struct service *psv = &svent[0]; psv->sv_name; ++psv) close(psv->sv_sock);

  char buf[512];
  /* TCP echo: two writes, a half-close, everything back. */
  int s = client("echo", 1);
  write(s, "first line\n", 11);
  write(s, "second line\n", 12);
  shutdown(s, SHUT_WR);
  size_t n = readall(s, buf, sizeof buf);
  printf("echo/tcp: %zu bytes back: %.*s", n, (int)n, buf);
  close(s);
  /* chargen: two lines read, then the client closes while the slave still writes. */
  s = client("chargen", 1);
  n = readall(s, buf, 2 * (LINELEN + 2));
  printf("chargen/tcp: %zu bytes\n%.*s", n, (int)n, buf);
  close(s);
  /* daytime: ctime's 24 characters and a newline, then EOF. */
  s = client("daytime", 1);
  n = readall(s, buf, sizeof buf);
  printf("daytime/tcp: %zu bytes, %s\n", n, n == 25 && buf[24] == '\n' && buf[3] == ' ' && buf[7] == ' ' ? "ctime's format" : "something else");
  close(s);
  s = client("time", 1);
  n = readall(s, buf, sizeof buf);
  uint32_t t;
  memcpy(&t, buf, 4);
  printf("time/tcp: %zu bytes, %s\n", n, near(t));
  close(s);
  /* The UDP services, answered by superd itself. */
  s = client("echo", 0);
  send(s, "a datagram", 10, 0);
  n = recv(s, buf, sizeof buf, 0);
  printf("echo/udp: %.*s\n", (int)n, buf);
  close(s);
  s = client("time", 0);
  send(s, "?", 1, 0);
  n = recv(s, (char *)&t, sizeof t, 0);
  printf("time/udp: %zu bytes, %s\n", n, near(t));
  close(s);
  /* Another echo after all that: superd is still there, its slaves reaped or going. */
  s = client("echo", 1);
  write(s, "still there?\n", 13);
  shutdown(s, SHUT_WR);
  n = readall(s, buf, sizeof buf);
  printf("echo/tcp again: %.*s", (int)n, buf);
  close(s);
  /* superd never ends by itself. */
  kill(pid, SIGTERM);
  int st;
  waitpid(pid, &st, 0);
  printf("superd: %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exit status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  return 0;
}
