// Hostile guest for tests/sec-adversary2.test.ts: each mode attacks one host
// resource; the host must end the run with a reason and bounded memory.
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int depth_sink;
static int recurse(int n) {
  volatile char pad[256];
  pad[0] = (char)n;
  depth_sink = pad[0];
  return recurse(n + 1) + pad[0];
}
static void on_sig_recurse(int s) { (void)s; recurse(0); }
static volatile long hits;
static void on_sig_count(int s) { (void)s; hits++; }

static long arg(int argc, char **argv, int i, long def) { return argc > i ? atol(argv[i]) : def; }

static int listener(unsigned short port, int backlog) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, backlog)) { perror("listen"); exit(1); }
  return l;
}
static int connect_to(unsigned short port, int nonblock) {
  int c = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
  if (c < 0) return -1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(c, (struct sockaddr *)&a, sizeof a) && errno != EINPROGRESS) { int e = errno; close(c); errno = e; return -1; }
  return c;
}

int main(int argc, char **argv) {
  const char *m = argc > 1 ? argv[1] : "";
  static char buf[65536];
  if (!strcmp(m, "recurse")) return recurse(0);
  if (!strcmp(m, "sigrecurse")) { signal(SIGUSR1, on_sig_recurse); kill(getpid(), SIGUSR1); return 0; }
  if (!strcmp(m, "tcpfill")) {
    // The peer is accepted but never reads: nonblocking writes stop at the buffers, a blocking one waits.
    int l = listener(7000, 1), c = connect_to(7000, 1), s = accept(l, 0, 0);
    long total = 0; ssize_t n;
    while ((n = write(c, buf, sizeof buf)) > 0) total += n;
    printf("tcpfill: %s after %s\n", strerror(errno), total > 0 && total < (64L << 20) ? "a bounded amount" : "an unbounded amount");
    fflush(stdout);
    fcntl(c, F_SETFL, 0);
    write(c, buf, sizeof buf);  // blocks forever: nobody reads
    return s;
  }
  if (!strcmp(m, "udpflood")) {
    int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7001), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(r, (struct sockaddr *)&a, sizeof a);
    long n = arg(argc, argv, 2, 1000000), ok = 0;
    for (long i = 0; i < n; i++) if (sendto(s, buf, 1400, 0, (struct sockaddr *)&a, sizeof a) == 1400) ok++;
    int q = 0; ioctl(r, FIONREAD, &q);
    printf("udpflood: %ld sent, first queued datagram %d bytes\n", ok, q);
    return 0;
  }
  if (!strcmp(m, "backlog")) {
    int l = listener(7002, 8);
    long n = arg(argc, argv, 2, 10000), ok = 0, again = 0;
    for (long i = 0; i < n; i++) {
      int c = connect_to(7002, 1);
      if (c >= 0) ok++;
      else if (errno == EAGAIN || errno == EMFILE) { again++; if (errno == EMFILE) break; }
    }
    printf("backlog: %ld started, %ld refused\n", ok, again);
    return l < 0;
  }
  if (!strcmp(m, "scm")) {
    // Send both ends of a socketpair over itself until the kernel says no; nobody receives.
    int sv[2];
    if (socketpair(AF_UNIX, strcmp(argc > 2 ? argv[2] : "", "dgram") ? SOCK_STREAM : SOCK_DGRAM, 0, sv)) { perror("socketpair"); return 1; }
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    long sent = 0;
    for (long i = 0; i < 1000000; i++) {
      char c = 'x';
      struct iovec iov = {&c, 1};
      union { struct cmsghdr h; char b[CMSG_SPACE(2 * sizeof(int))]; } u;
      struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
      struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
      cm->cmsg_level = SOL_SOCKET; cm->cmsg_type = SCM_RIGHTS; cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
      memcpy(CMSG_DATA(cm), sv, sizeof sv);
      if (sendmsg(sv[0], &mh, 0) != 1) break;
      sent++;
    }
    printf("scm: stopped by %s\n", strerror(errno));
    close(sv[0]); close(sv[1]);
    // The cycle is now unreachable; new sockets must still be creatable.
    int k = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("scm: after close, socket() %s\n", k >= 0 ? "works" : strerror(errno));
    return sent == 0;
  }
  if (!strcmp(m, "pipe")) {
    int p[2]; pipe(p); fcntl(p[1], F_SETFL, O_NONBLOCK);
    long total = 0; ssize_t n;
    while ((n = write(p[1], buf, sizeof buf)) > 0) total += n;
    printf("pipe: %s after %ld bytes\n", strerror(errno), total);
    fflush(stdout);
    fcntl(p[1], F_SETFL, 0);
    write(p[1], buf, 1);
    return 0;
  }
  if (!strcmp(m, "timerfd")) {
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {{0, 1}, {0, 1}};
    timerfd_settime(t, 0, &its, 0);
    unsigned long long exp = 0, sum = 0;
    long n = arg(argc, argv, 2, 100000);
    for (long i = 0; i < n; i++) { read(t, &exp, 8); sum += exp; }
    printf("timerfd: %ld reads, expirations %s\n", n, sum >= (unsigned long long)n ? "counted" : "lost");
    return 0;
  }
  if (!strcmp(m, "itimer")) {
    signal(SIGALRM, on_sig_count);
    struct itimerval it = {{0, 1}, {0, 1}};
    setitimer(ITIMER_REAL, &it, 0);
    long n = arg(argc, argv, 2, 100000);
    for (long i = 0; i < n; i++) getppid();
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, 0);
    printf("itimer: %s\n", hits > 0 ? "signals delivered" : "no signal");
    return 0;
  }
  if (!strcmp(m, "sigstorm")) {
    signal(SIGUSR1, on_sig_count);
    long n = arg(argc, argv, 2, 1000000);
    for (long i = 0; i < n; i++) kill(getpid(), SIGUSR1);
    printf("sigstorm: %s\n", hits == n ? "every signal handled" : "signals lost");
    return 0;
  }
  if (!strcmp(m, "epoll")) {
    int ep = epoll_create1(0);
    long n = arg(argc, argv, 2, 60000), reg = 0;
    for (long i = 0; i < n; i++) {
      int e = eventfd(1, 0);
      if (e < 0) break;
      struct epoll_event ev = {.events = EPOLLIN, .data.fd = e};
      if (epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) == 0) reg++;
    }
    static struct epoll_event out[1024];
    long got = 0;
    for (int k = 0; k < 100; k++) got += epoll_wait(ep, out, 1024, 0);
    printf("epoll: %ld registered, %ld events in 100 waits\n", reg, got);
    return 0;
  }
  if (!strcmp(m, "pollhuge")) {
    struct pollfd p = {0, POLLIN, 0};
    int r1 = poll(&p, 0x7fffffff, 0); int e1 = errno;
    int r2 = poll((struct pollfd *)0xfffff000, 4096, 0); int e2 = errno;
    int r3 = select(0x7fffffff, 0, 0, 0, &(struct timeval){0, 0}); int e3 = errno;
    int r4 = select(1 << 20, (fd_set *)0xffff0000, 0, 0, &(struct timeval){0, 0}); int e4 = errno;
    printf("poll huge: %d %s; poll past memory: %d %s; select huge: %d %s; select set past memory: %d %s\n",
           r1, r1 < 0 ? strerror(e1) : "", r2, r2 < 0 ? strerror(e2) : "", r3, r3 < 0 ? strerror(e3) : "", r4, r4 < 0 ? strerror(e4) : "");
    return 0;
  }
  if (!strcmp(m, "iov")) {
    static struct iovec iov[1025];
    for (int i = 0; i < 1025; i++) { iov[i].iov_base = buf; iov[i].iov_len = 0x7fffffff; }
    int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); fcntl(sv[0], F_SETFL, O_NONBLOCK);
    int p[2]; pipe(p); fcntl(p[1], F_SETFL, O_NONBLOCK);
    int d = open("/dev/null", O_WRONLY);
    ssize_t a = writev(sv[0], iov, 1024); int ea = errno;
    ssize_t b = writev(p[1], iov, 1024); int eb = errno;
    ssize_t c = writev(d, iov, 1024); int ec = errno;
    ssize_t e = writev(sv[0], iov, 1025); int ee = errno;
    ssize_t f = readv(sv[1], iov, 1024); int ef = errno;
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 1024};
    ssize_t g = sendmsg(sv[0], &mh, 0); int eg = errno;
    printf("iov: socket %zd %s; pipe %zd %s; null %zd %s; 1025 %zd %s; readv %zd %s; sendmsg %zd %s\n",
           a, a < 0 ? strerror(ea) : "", b, b < 0 ? strerror(eb) : "", c, c < 0 ? strerror(ec) : "",
           e, e < 0 ? strerror(ee) : "", f, f < 0 ? strerror(ef) : "", g, g < 0 ? strerror(eg) : "");
    return 0;
  }
  if (!strcmp(m, "syscalls")) {
    long n = arg(argc, argv, 2, 10000000);
    for (long i = 0; i < n; i++) getppid();
    return 0;
  }
  if (!strcmp(m, "bulk")) {
    // A long TCP transfer between a forked writer and a reader.
    long total = arg(argc, argv, 2, 256L << 20);
    int l = listener(7003, 1);
    pid_t pid = fork();
    if (pid == 0) {
      int c = connect_to(7003, 0);
      for (long left = total; left > 0;) { ssize_t w = write(c, buf, left < (long)sizeof buf ? left : (long)sizeof buf); if (w <= 0) return 1; left -= w; }
      close(c);
      return 0;
    }
    int s = accept(l, 0, 0);
    long got = 0; ssize_t r;
    while ((r = read(s, buf, sizeof buf)) > 0) got += r;
    waitpid(pid, 0, 0);
    printf("bulk: %s\n", got == total ? "all received" : "short");
    return 0;
  }
  if (!strcmp(m, "gai")) {
    size_t n = (size_t)arg(argc, argv, 2, 1 << 20);
    char *name = malloc(n + 1);
    memset(name, 'a', n); name[n] = 0;
    for (size_t i = 63; i < n; i += 64) name[i] = '.';
    struct addrinfo *res = 0;
    int r = getaddrinfo(name, "80", 0, &res);
    int r2 = getaddrinfo("127.0.0.1", name, 0, &res);
    printf("gai: %s; as a service: %s\n", r ? gai_strerror(r) : "resolved", r2 ? gai_strerror(r2) : "resolved");
    return 0;
  }
  if (!strcmp(m, "stdout")) {
    long total = arg(argc, argv, 2, 1L << 30);
    memset(buf, 'x', sizeof buf);
    for (long left = total; left > 0; left -= sizeof buf) if (write(1, buf, sizeof buf) < 0) return 1;
    return 0;
  }
  if (!strcmp(m, "forkloop")) {
    long n = arg(argc, argv, 2, 100000), maxpid = 0, failed = 0;
    for (long i = 0; i < n; i++) {
      pid_t p = fork();
      if (p == 0) _exit(0);
      if (p < 0) { failed++; continue; }
      if (p > maxpid) maxpid = p;
      if (waitpid(p, 0, 0) != p) { printf("forkloop: waitpid failed\n"); return 1; }
    }
    printf("forkloop: %ld forks, %ld failed\n", n, failed);
    return 0;
  }
  if (!strcmp(m, "zombies")) {
    // Children exit and are never waited for.
    long n = arg(argc, argv, 2, 100000), failed = 0; int first = 0;
    for (long i = 0; i < n; i++) {
      pid_t p = fork();
      if (p == 0) _exit(0);
      if (p < 0) { if (!failed++) first = errno; }
    }
    printf("zombies: %ld failed, first %s\n", failed, failed ? strerror(first) : "none");
    return 0;
  }
  if (!strcmp(m, "forever")) {
    struct timespec ts = {1, 0};
    for (;;) nanosleep(&ts, 0);
  }
  if (!strcmp(m, "spin")) {
    for (;;) depth_sink++;
  }
  fprintf(stderr, "unknown mode %s\n", m);
  return 2;
}
