// Signal-driven I/O (UNP ch. 24-25): F_SETOWN/F_GETOWN round trips (a pid,
// a negative number, which f_setown takes when any pid or group has it; errors), F_SETOWN_EX/F_GETOWN_EX, F_SETSIG/
// F_GETSIG, the ioctl forms; SIGURG for urgent data on TCP and AF_UNIX
// (the handler reads the byte with recv(MSG_OOB), with and without
// SO_OOBINLINE) between forked processes; SIGIO on a listener's accept
// readiness with F_SETSIG's siginfo; a signal-driven UDP echo server whose
// SIGIO handler drains with MSG_DONTWAIT.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int urg_count, urg_byte, urg_err, io_count, io_code, io_band, io_fd, io_signo;
static int urg_fd;

static void on_urg(int sig) {
  (void)sig;
  char c;
  int n = recv(urg_fd, &c, 1, MSG_OOB);
  urg_count++;
  if (n == 1) urg_byte = c;
  else urg_err = errno;
}
static void on_io(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  io_count++;
  io_signo = sig;
  io_code = si->si_code;
  io_band = (int)si->si_band;
  io_fd = si->si_fd;
}

static void handle(int sig, void (*h)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}
static void handle_info(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_io;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void owners(void) {
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  printf("owner at first: %d\n", fcntl(u, F_GETOWN));
  int r = fcntl(u, F_SETOWN, getpid());
  printf("F_SETOWN pid: %d, F_GETOWN is pid: %d\n", r, fcntl(u, F_GETOWN) == getpid());
  // A negative number is a process group; f_setown takes any number a process uses, and
  // F_GETOWN says 0 while no group has it (a child's pid: it leads no group).
  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  r = fcntl(u, F_SETOWN, -child);
  printf("F_SETOWN -child: %d, F_GETOWN: %d\n", r, fcntl(u, F_GETOWN));
  struct f_owner_ex ex;
  fcntl(u, F_GETOWN_EX, &ex);
  printf("F_GETOWN_EX: type %d, pid %d\n", ex.type, ex.pid);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  fcntl(u, F_SETOWN, getpid());
  errno = 0;
  r = fcntl(u, F_SETOWN, child);
  printf("F_SETOWN to a reaped child: %d %s; owner kept: %d\n", r, strerror(errno), fcntl(u, F_GETOWN) == getpid());
  errno = 0;
  r = fcntl(99, F_SETOWN, getpid());
  printf("F_SETOWN on fd 99: %d %s\n", r, strerror(errno));
  ex.type = 7;
  ex.pid = getpid();
  errno = 0;
  r = fcntl(u, F_SETOWN_EX, &ex);
  printf("F_SETOWN_EX type 7: %d %s\n", r, strerror(errno));
  ex.type = F_OWNER_PID;
  fcntl(u, F_SETOWN_EX, &ex);
  printf("F_SETOWN_EX pid: F_GETOWN is pid: %d\n", fcntl(u, F_GETOWN) == getpid());
  r = fcntl(u, F_SETOWN, 0);
  printf("F_SETOWN 0: %d, F_GETOWN: %d\n", r, fcntl(u, F_GETOWN));
  printf("F_GETSIG: %d\n", fcntl(u, F_GETSIG));
  errno = 0;
  r = fcntl(u, F_SETSIG, 65);
  printf("F_SETSIG 65: %d %s\n", r, strerror(errno));
  r = fcntl(u, F_SETSIG, SIGUSR1);
  printf("F_SETSIG SIGUSR1: %d, F_GETSIG: %d\n", r, fcntl(u, F_GETSIG));
  int v = getpid();
  ioctl(u, FIOSETOWN, &v);
  v = 0;
  ioctl(u, SIOCGPGRP, &v);
  printf("FIOSETOWN/SIOCGPGRP: %d\n", v == getpid());
  v = 0;
  ioctl(u, SIOCSPGRP, &v);
  printf("SIOCSPGRP 0: F_GETOWN %d\n", fcntl(u, F_GETOWN));
  printf("O_ASYNC before: %d\n", (fcntl(u, F_GETFL) & O_ASYNC) != 0);
  fcntl(u, F_SETFL, fcntl(u, F_GETFL) | O_ASYNC);
  printf("O_ASYNC after F_SETFL: %d\n", (fcntl(u, F_GETFL) & O_ASYNC) != 0);
  v = 0;
  ioctl(u, FIOASYNC, &v);
  printf("O_ASYNC after FIOASYNC 0: %d\n", (fcntl(u, F_GETFL) & O_ASYNC) != 0);
  int p[2];
  pipe(p);
  errno = 0;
  r = ioctl(p[0], FIOGETOWN, &v);
  printf("FIOGETOWN on a pipe: %d %s\n", r, strerror(errno));
  printf("F_SETOWN on a pipe: %d\n", fcntl(p[0], F_SETOWN, getpid()));
  close(p[0]);
  close(p[1]);
  close(u);
}

// The child sends "ab", the urgent byte "X", then "cd", and closes.
static void oob_sender(int s) {
  send(s, "ab", 2, 0);
  send(s, "X", 1, MSG_OOB);
  send(s, "cd", 2, 0);
  close(s);
  _exit(0);
}

// The parent waits (SIGURG blocked outside sigsuspend) for SIGURG, then reads the stream to EOF.
static void oob_receiver(const char *what, int s, int inline_) {
  urg_fd = s;
  urg_count = urg_byte = urg_err = 0;
  if (inline_) setsockopt(s, SOL_SOCKET, SO_OOBINLINE, &inline_, sizeof inline_);
  sigset_t none;
  sigemptyset(&none);
  while (!urg_count) sigsuspend(&none);
  char buf[64];
  int total = 0, n;
  while ((n = read(s, buf + total, sizeof buf - 1 - total)) > 0) total += n;
  buf[total] = 0;
  int st;
  wait(&st);
  printf("%s%s: SIGURG %d, urgent byte '%c', recv(MSG_OOB) error %s, in-band \"%s\"\n", what, inline_ ? " OOBINLINE" : "", urg_count, urg_byte ? urg_byte : '-', urg_err ? strerror(urg_err) : "none", buf);
}

static void tcp_oob(int inline_) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  bind(l, (struct sockaddr *)&a, sizeof a);
  socklen_t len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  listen(l, 1);
  // SIGIO with F_SETSIG's siginfo when a connection is ready to accept.
  io_count = 0;
  fcntl(l, F_SETOWN, getpid());
  fcntl(l, F_SETSIG, SIGIO);
  fcntl(l, F_SETFL, O_ASYNC);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) _exit(1);
    // Wait for the parent's go: its owner is set on the accepted socket.
    char go;
    if (read(c, &go, 1) != 1) _exit(2);
    oob_sender(c);
  }
  sigset_t none;
  sigemptyset(&none);
  while (!io_count) sigsuspend(&none);
  printf("listener SIGIO: signo %s, si_code %d, si_band 0x%x, si_fd is the listener: %d\n", io_signo == SIGIO ? "SIGIO" : "?", io_code, io_band, io_fd == l);
  int s = accept(l, NULL, NULL);
  fcntl(s, F_SETOWN, getpid());
  write(s, "g", 1);
  oob_receiver("TCP", s, inline_);
  close(s);
  close(l);
}

static void unix_oob(int inline_) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  fcntl(sv[0], F_SETOWN, getpid());
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    oob_sender(sv[1]);
  }
  close(sv[1]);
  oob_receiver("AF_UNIX", sv[0], inline_);
  close(sv[0]);
}

// The echo server's state: its socket and what the handler has echoed.
static int echo_fd;
static volatile int echoed;
static void on_echo(int sig) {
  (void)sig;
  char buf[64];
  struct sockaddr_in from;
  for (;;) {
    socklen_t fl = sizeof from;
    int n = recvfrom(echo_fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    if (n < 0) break;  // EAGAIN: drained
    sendto(echo_fd, buf, n, 0, (struct sockaddr *)&from, fl);
    echoed++;
  }
}

static void udp_echo(void) {
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  bind(u, (struct sockaddr *)&a, sizeof a);
  socklen_t len = sizeof a;
  getsockname(u, (struct sockaddr *)&a, &len);
  echo_fd = u;
  handle(SIGIO, on_echo);
  fcntl(u, F_SETOWN, getpid());
  fcntl(u, F_SETFL, fcntl(u, F_GETFL) | O_ASYNC);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    int bad = 0;
    for (int i = 0; i < 5; i++) {
      char msg[16], back[16];
      int n = snprintf(msg, sizeof msg, "line %d", i);
      sendto(c, msg, n, 0, (struct sockaddr *)&a, sizeof a);
      int m = recv(c, back, sizeof back, 0);
      if (m != n || memcmp(msg, back, n)) bad++;
    }
    _exit(bad);
  }
  sigset_t none;
  sigemptyset(&none);
  while (echoed < 5) sigsuspend(&none);
  // The last datagram can raise a SIGIO while the handler for the one before runs and drains it:
  // that SIGIO stays pending (blocked outside sigsuspend) and would run on_echo in setsig_self's
  // sigsuspend, on the socket that reuses this fd, echoing its datagram to itself for ever.
  // O_ASYNC off, then SIG_IGN discards a pending SIGIO (POSIX), whatever the scheduler did.
  fcntl(u, F_SETFL, fcntl(u, F_GETFL) & ~O_ASYNC);
  signal(SIGIO, SIG_IGN);
  handle_info(SIGIO);
  int st;
  waitpid(pid, &st, 0);
  printf("UDP echo: echoed %d, client mismatches %d\n", echoed, WEXITSTATUS(st));
  close(u);
}

// F_SETSIG to SIGUSR1: si_code POLL_IN, si_band POLLIN|POLLRDNORM, si_fd.
static void setsig_self(void) {
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  bind(u, (struct sockaddr *)&a, sizeof a);
  socklen_t len = sizeof a;
  getsockname(u, (struct sockaddr *)&a, &len);
  handle_info(SIGUSR1);
  int fd = dup(u);  // si_fd is the fd O_ASYNC was set through
  fcntl(u, F_SETOWN, getpid());
  fcntl(u, F_SETSIG, SIGUSR1);
  fcntl(fd, F_SETFL, O_ASYNC);
  io_count = 0;
  sendto(u, "x", 1, 0, (struct sockaddr *)&a, sizeof a);
  sigset_t none;
  sigemptyset(&none);
  while (!io_count) sigsuspend(&none);
  printf("F_SETSIG SIGUSR1: signo %d, si_code %d, si_band 0x%x, si_fd is the dup: %d\n", io_signo, io_code, io_band, io_fd == fd);
  close(fd);
  close(u);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  owners();
  handle(SIGURG, on_urg);
  handle_info(SIGIO);
  // SIGURG and SIGIO are taken only inside sigsuspend, so the output does not depend on timing.
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGURG);
  sigaddset(&block, SIGIO);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, NULL);
  tcp_oob(0);
  tcp_oob(1);
  unix_oob(0);
  unix_oob(1);
  udp_echo();
  setsig_self();
  return 0;
}
