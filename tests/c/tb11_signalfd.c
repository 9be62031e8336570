/* signalfd(2)'s EXAMPLES: SIGINT and SIGQUIT blocked, then read from a
 * signalfd: "Got SIGINT" for each SIGINT, and "Got SIGQUIT" ends the program.
 * The page waits for the terminal's Ctrl-C and Ctrl-\; here the signals come
 * from the program itself (kill) and from a child, while the parent is
 * blocked in read(), so every run sees the same. Then what the page's text
 * describes: a pending signal is taken once however often it came, a
 * nonblocking read of nothing is EAGAIN, a buffer shorter than a
 * signalfd_siginfo is EINVAL, poll() sees POLLIN, signalfd() on an existing
 * signalfd changes its mask, SIGKILL in the mask is silently left out, and a
 * signal outside the mask stays pending for sigpending(). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define handle_error(msg) do { perror(msg); exit(EXIT_FAILURE); } while (0)

static void show(const struct signalfd_siginfo *fdsi, pid_t from) {
  if (fdsi->ssi_signo == SIGINT)
    printf("Got SIGINT");
  else if (fdsi->ssi_signo == SIGQUIT)
    printf("Got SIGQUIT");
  else
    printf("Got signal %u", fdsi->ssi_signo);
  printf(" (code %d, from %s)\n", fdsi->ssi_code, (pid_t)fdsi->ssi_pid == from ? "the expected process" : "elsewhere");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGQUIT);
  /* Block signals so that they aren't handled according to their default dispositions. */
  if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1) handle_error("sigprocmask");
  int sfd = signalfd(-1, &mask, 0);
  if (sfd == -1) handle_error("signalfd");
  printf("sizeof(struct signalfd_siginfo) = %zu\n", sizeof(struct signalfd_siginfo));

  /* Twice the same signal while blocked: one pending instance. */
  kill(getpid(), SIGINT);
  kill(getpid(), SIGINT);
  struct pollfd pfd = {.fd = sfd, .events = POLLIN};
  int r = poll(&pfd, 1, 0);
  printf("poll: %d revents %#x\n", r, pfd.revents);
  struct signalfd_siginfo fdsi[4];
  ssize_t s = read(sfd, fdsi, sizeof fdsi);
  printf("read %zd bytes (%zd signals)\n", s, s / (ssize_t)sizeof(struct signalfd_siginfo));
  show(&fdsi[0], getpid());
  /* Nothing pending now. */
  int fl = signalfd(sfd, &mask, SFD_NONBLOCK);
  printf("signalfd on the same fd: %s\n", fl == sfd ? "same fd" : "other");
  struct pollfd none = {.fd = sfd, .events = POLLIN};
  r = poll(&none, 1, 0);
  printf("poll: %d revents %#x\n", r, none.revents);
  int nb = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  errno = 0;
  s = read(nb, fdsi, sizeof fdsi);
  printf("nonblocking read of nothing: %zd %s\n", s, strerror(errno));
  errno = 0;
  s = read(sfd, fdsi, sizeof fdsi[0] - 1);
  printf("short buffer: %zd %s\n", s, strerror(errno));
  close(nb);

  /* The page's loop: signals from a child while this process is blocked in read(). */
  pid_t first = fork();
  if (first == 0) {
    /* The child inherits the mask; each signal goes to the parent. */
    kill(getppid(), SIGINT);
    _exit(0);
  }
  waitpid(first, NULL, 0);
  pid_t pid = fork();
  if (pid == 0) {
    kill(getppid(), SIGQUIT);
    _exit(0);
  }
  for (;;) {
    s = read(sfd, &fdsi[0], sizeof(struct signalfd_siginfo));
    if (s != sizeof(struct signalfd_siginfo)) handle_error("read");
    show(&fdsi[0], fdsi[0].ssi_signo == SIGINT ? first : pid);
    if (fdsi[0].ssi_signo == SIGQUIT) break;
  }
  waitpid(pid, NULL, 0);

  /* A signal blocked but not in the mask stays pending; SIGKILL in a mask is left out. */
  sigset_t usr;
  sigemptyset(&usr);
  sigaddset(&usr, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr, NULL);
  kill(getpid(), SIGUSR1);
  sigaddset(&mask, SIGKILL);
  int k = signalfd(-1, &mask, SFD_NONBLOCK);
  errno = 0;
  s = read(k, fdsi, sizeof fdsi);
  printf("SIGUSR1 outside the mask: read %zd %s\n", s, strerror(errno));
  sigset_t pend;
  sigpending(&pend);
  printf("SIGUSR1 pending: %s\n", sigismember(&pend, SIGUSR1) ? "yes" : "no");
  /* Now in the mask: read through the signalfd. */
  signalfd(k, &usr, 0);
  s = read(k, fdsi, sizeof fdsi);
  printf("after changing the mask: read %zd\n", s);
  show(&fdsi[0], getpid());
  errno = 0;
  int bad = signalfd(0, &mask, 0);
  printf("signalfd on a non-signalfd fd: %d %s\n", bad, strerror(errno));
  errno = 0;
  bad = signalfd(-1, &mask, 077);
  printf("bad flags: %d %s\n", bad, strerror(errno));
  close(k);
  close(sfd);
  return 0;
}
