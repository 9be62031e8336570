/* epoll_pwait / epoll_pwait2 install their signal mask for the wait only
 * (signal(7), epoll_wait(2)): a signal the temporary mask lets through ends
 * the wait with EINTR and its handler runs under that mask; a signal only the
 * temporary mask blocks stays pending and is delivered once the old mask is
 * back; a NULL mask is plain epoll_wait; sigsetsize must be 8. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
/* No syscall(2) in the SDK: the host import takes sigsetsize as Linux's syscall does. */
__attribute__((import_module("socklab"), import_name("epoll_pwait"))) int socklab_epoll_pwait(int, void *, int, int, const void *, unsigned long, int *);
static int raw_epoll_pwait(int ep, struct epoll_event *ev, int max, int timeout, const sigset_t *mask, unsigned long size) {
  int n;
  int err = socklab_epoll_pwait(ep, ev, max, timeout, mask, size, &n);
  if (err) {
    errno = err;
    return -1;
  }
  return n;
}
#else
#include <sys/syscall.h>
static int raw_epoll_pwait(int ep, struct epoll_event *ev, int max, int timeout, const sigset_t *mask, unsigned long size) {
  return syscall(SYS_epoll_pwait, ep, ev, max, timeout, mask, size);
}
#endif

static volatile sig_atomic_t usr1, usr2, alrm;
/* The mask each handler ran under: USR1/USR2/ALRM bits. */
static volatile sig_atomic_t usr1_mask = -1, alrm_mask = -1;

static int bits(void) {
  sigset_t m;
  sigprocmask(SIG_SETMASK, NULL, &m);
  return (sigismember(&m, SIGUSR1) ? 1 : 0) | (sigismember(&m, SIGUSR2) ? 2 : 0) | (sigismember(&m, SIGALRM) ? 4 : 0);
}
static void on_usr1(int s) { (void)s; usr1++; usr1_mask = bits(); }
static void on_usr2(int s) { (void)s; usr2++; }
static void on_alrm(int s) { (void)s; alrm++; alrm_mask = bits(); }

static void arm(int ms) {
  struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

static void result(const char *what, int n) {
  if (n < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, n);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sa.sa_handler = on_usr2;
  sigaction(SIGUSR2, &sa, NULL);
  sa.sa_handler = on_alrm;
  sigaction(SIGALRM, &sa, NULL);

  int ep = epoll_create1(0);
  int p[2];
  pipe(p);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]};
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
  struct epoll_event out[4];
  sigset_t both, only_usr2, only_alrm, none;
  sigemptyset(&both);
  sigaddset(&both, SIGUSR1);
  sigaddset(&both, SIGUSR2);
  sigemptyset(&only_usr2);
  sigaddset(&only_usr2, SIGUSR2);
  sigemptyset(&only_alrm);
  sigaddset(&only_alrm, SIGALRM);
  sigemptyset(&none);

  /* 1. USR1 pending and blocked; the temporary mask lets it through: EINTR at once, the handler runs under that mask (plus USR1 itself), the old mask comes back. */
  sigprocmask(SIG_BLOCK, &both, NULL);
  raise(SIGUSR1);
  result("pending USR1, mask []", epoll_pwait(ep, out, 4, -1, &none));
  printf("usr1=%d handler mask=%d mask after=%d\n", usr1, usr1_mask, bits());

  /* 2. Events ready win over a pending signal the mask lets through: the events come back, the old mask blocks USR1 again, it stays pending. */
  raise(SIGUSR1);
  write(p[1], "x", 1);
  result("ready pipe, pending USR1, mask []", epoll_pwait(ep, out, 4, -1, &none));
  sigset_t pend;
  sigpending(&pend);
  printf("usr1=%d USR1 pending=%d mask after=%d\n", usr1, sigismember(&pend, SIGUSR1), bits());
  /* A zero timeout never sleeps, so it does not see the signal either. */
  char c;
  read(p[0], &c, 1);
  result("timeout 0, pending USR1, mask []", epoll_pwait(ep, out, 4, 0, &none));
  sigprocmask(SIG_UNBLOCK, &both, NULL);
  printf("after unblocking: usr1=%d\n", usr1);

  /* 3. A signal arriving during the wait, let through by the temporary mask: EINTR, handler under the temporary mask. */
  sigprocmask(SIG_BLOCK, &only_alrm, NULL);
  arm(50);
  result("ALRM during wait, mask [USR2]", epoll_pwait(ep, out, 4, 2000, &only_usr2));
  printf("alrm=%d handler mask=%d mask after=%d\n", alrm, alrm_mask, bits());
  sigprocmask(SIG_UNBLOCK, &only_alrm, NULL);

  /* 4. A signal only the temporary mask blocks: the wait times out, and the handler runs once the old mask is back (before the next statement). */
  arm(50);
  result("ALRM during wait, mask [ALRM], 300 ms", epoll_pwait(ep, out, 4, 300, &only_alrm));
  printf("alrm=%d handler mask=%d mask after=%d\n", alrm, alrm_mask, bits());

  /* 5. The same with epoll_pwait2 and a timespec; then with a NULL timeout and a signal the mask lets through. */
  arm(50);
  struct timespec ts = {0, 300 * 1000 * 1000};
  result("epoll_pwait2, ALRM during wait, mask [ALRM]", epoll_pwait2(ep, out, 4, &ts, &only_alrm));
  printf("alrm=%d\n", alrm);
  arm(50);
  result("epoll_pwait2, no timeout, ALRM during wait, mask [USR2]", epoll_pwait2(ep, out, 4, NULL, &only_usr2));
  printf("alrm=%d\n", alrm);
  ts.tv_nsec = 1000000000;
  result("epoll_pwait2, tv_nsec 1e9", epoll_pwait2(ep, out, 4, &ts, NULL));

  /* 6. NULL mask: plain epoll_wait (sigsetsize is not looked at); a mask of the wrong size: EINVAL, checked before anything else. */
  write(p[1], "y", 1);
  result("NULL mask", raw_epoll_pwait(ep, out, 4, 0, NULL, 4));
  result("sigsetsize 4", raw_epoll_pwait(ep, out, 4, 0, &none, 4));
  result("sigsetsize 4, bad epfd", raw_epoll_pwait(-1, out, 4, 0, &none, 4));
  result("sigsetsize 8, bad epfd", raw_epoll_pwait(-1, out, 4, 0, &none, 8));
  printf("mask at the end=%d usr2=%d\n", bits(), usr2);
  return 0;
}
