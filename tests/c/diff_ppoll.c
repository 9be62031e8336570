/* ppoll / pselect install their signal mask for the wait only (ppoll(2),
 * select(2)): a signal the temporary mask lets through ends the wait with
 * EINTR (pending already or arriving during it) and its handler runs under
 * that mask; one only the temporary mask blocks is delivered once the old
 * mask is back. Timeouts are timespecs (NULL: none), EINVAL when invalid;
 * sigsetsize must be 8 unless the mask is NULL; the raw calls write the time
 * left back, the library calls leave the caller's timeout alone. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
/* No syscall(2) in the SDK: the host imports take what Linux's syscalls take. */
__attribute__((import_module("socklab"), import_name("ppoll"))) int socklab_ppoll(void *, unsigned long, void *, const void *, unsigned long, int *);
__attribute__((import_module("socklab"), import_name("pselect6"))) int socklab_pselect6(int, void *, void *, void *, void *, const void *, int *);
static int ret(int err, int n) {
  if (err) {
    errno = err;
    return -1;
  }
  return n;
}
static int raw_ppoll(struct pollfd *f, int n, struct timespec *t, const sigset_t *m, unsigned long size) {
  int r;
  return ret(socklab_ppoll(f, n, t, m, size, &r), r);
}
static int raw_pselect6(int n, fd_set *r, struct timespec *t, const void *data) {
  int k;
  return ret(socklab_pselect6(n, r, 0, 0, t, data, &k), k);
}
#else
#include <sys/syscall.h>
static int raw_ppoll(struct pollfd *f, int n, struct timespec *t, const sigset_t *m, unsigned long size) { return syscall(SYS_ppoll, f, n, t, m, size); }
static int raw_pselect6(int n, fd_set *r, struct timespec *t, const void *data) { return syscall(SYS_pselect6, n, r, 0, 0, t, data); }
#endif

static volatile sig_atomic_t usr1, alrm;
static volatile sig_atomic_t usr1_mask = -1, alrm_mask = -1;

static int bits(void) {
  sigset_t m;
  sigprocmask(SIG_SETMASK, NULL, &m);
  return (sigismember(&m, SIGUSR1) ? 1 : 0) | (sigismember(&m, SIGUSR2) ? 2 : 0) | (sigismember(&m, SIGALRM) ? 4 : 0);
}
static void on_usr1(int s) { (void)s; usr1++; usr1_mask = bits(); }
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
  sa.sa_handler = on_alrm;
  sigaction(SIGALRM, &sa, NULL);

  int p[2];
  pipe(p);
  sigset_t usr1_set, only_usr2, only_alrm, none;
  sigemptyset(&usr1_set);
  sigaddset(&usr1_set, SIGUSR1);
  sigemptyset(&only_usr2);
  sigaddset(&only_usr2, SIGUSR2);
  sigemptyset(&only_alrm);
  sigaddset(&only_alrm, SIGALRM);
  sigemptyset(&none);
  struct pollfd rd = {.fd = p[0], .events = POLLIN};
  struct pollfd wr = {.fd = p[1], .events = POLLOUT | POLLIN};
  fd_set r;

  /* 1. Ready at once: the count and revents; the library call leaves the timeout as it was. */
  write(p[1], "x", 1);
  struct timespec one = {1, 0};
  result("ppoll ready pipe", ppoll(&rd, 1, &one, &only_usr2));
  printf("revents=%#x timeout after={%ld, %ld}\n", rd.revents, (long)one.tv_sec, one.tv_nsec);
  result("ppoll write end, NULL timeout, NULL mask", ppoll(&wr, 1, NULL, NULL));
  printf("revents=%#x\n", wr.revents);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  result("pselect ready pipe", pselect(p[0] + 1, &r, NULL, NULL, &one, &only_usr2));
  printf("isset=%d timeout after={%ld, %ld}\n", FD_ISSET(p[0], &r), (long)one.tv_sec, one.tv_nsec);
  char c;
  read(p[0], &c, 1);

  /* 2. Timeouts: nothing ready. */
  struct timespec ms50 = {0, 50 * 1000 * 1000}, zero = {0, 0};
  result("ppoll 50 ms", ppoll(&rd, 1, &ms50, &none));
  result("ppoll zero timeout", ppoll(&rd, 1, &zero, &none));
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  result("pselect 50 ms", pselect(p[0] + 1, &r, NULL, NULL, &ms50, NULL));
  printf("isset=%d\n", FD_ISSET(p[0], &r));

  /* 3. A pending USR1 the old mask blocks and the temporary one lets through: EINTR at once, the handler under the temporary mask, the old mask back. */
  sigprocmask(SIG_BLOCK, &usr1_set, NULL);
  raise(SIGUSR1);
  result("ppoll pending USR1, mask []", ppoll(&rd, 1, NULL, &none));
  printf("usr1=%d handler mask=%d mask after=%d\n", usr1, usr1_mask, bits());
  raise(SIGUSR1);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  result("pselect pending USR1, mask []", pselect(p[0] + 1, &r, NULL, NULL, NULL, &none));
  printf("usr1=%d handler mask=%d mask after=%d\n", usr1, usr1_mask, bits());
  /* Ready beats a pending signal; a zero timeout never sleeps, so it does not see the signal either. */
  raise(SIGUSR1);
  write(p[1], "y", 1);
  result("ppoll ready, pending USR1, mask []", ppoll(&rd, 1, &one, &none));
  read(p[0], &c, 1);
  result("ppoll zero timeout, pending USR1, mask []", ppoll(&rd, 1, &zero, &none));
  sigset_t pend;
  sigpending(&pend);
  printf("usr1=%d USR1 pending=%d mask after=%d\n", usr1, sigismember(&pend, SIGUSR1), bits());
  sigprocmask(SIG_UNBLOCK, &usr1_set, NULL);
  printf("after unblocking: usr1=%d\n", usr1);

  /* 4. A signal arriving during the wait, let through by the temporary mask: EINTR. */
  sigprocmask(SIG_BLOCK, &only_alrm, NULL);
  arm(50);
  result("ppoll ALRM during wait, mask [USR2]", ppoll(&rd, 1, NULL, &only_usr2));
  printf("alrm=%d handler mask=%d mask after=%d\n", alrm, alrm_mask, bits());
  arm(50);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  struct timespec two = {2, 0};
  result("pselect ALRM during wait, mask [USR2]", pselect(p[0] + 1, &r, NULL, NULL, &two, &only_usr2));
  printf("alrm=%d handler mask=%d mask after=%d isset=%d\n", alrm, alrm_mask, bits(), FD_ISSET(p[0], &r));
  sigprocmask(SIG_UNBLOCK, &only_alrm, NULL);

  /* 5. A signal only the temporary mask blocks: the wait times out, the handler runs once the old mask is back. */
  arm(50);
  struct timespec ms300 = {0, 300 * 1000 * 1000};
  result("ppoll ALRM during wait, mask [ALRM], 300 ms", ppoll(&rd, 1, &ms300, &only_alrm));
  printf("alrm=%d handler mask=%d mask after=%d\n", alrm, alrm_mask, bits());
  arm(50);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  result("pselect ALRM during wait, mask [ALRM], 300 ms", pselect(p[0] + 1, &r, NULL, NULL, &ms300, &only_alrm));
  printf("alrm=%d handler mask=%d mask after=%d\n", alrm, alrm_mask, bits());

  /* 6. Bad timeouts and bad descriptors. */
  struct timespec neg = {-1, 0}, big_ns = {0, 1000000000};
  result("ppoll tv_sec -1", ppoll(&rd, 1, &neg, &none));
  result("ppoll tv_nsec 1e9", ppoll(&rd, 1, &big_ns, NULL));
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  result("pselect tv_sec -1", pselect(p[0] + 1, &r, NULL, NULL, &neg, &none));
  result("pselect nfds -1", pselect(-1, &r, NULL, NULL, &zero, NULL));
  struct pollfd nv = {.fd = 99, .events = POLLIN};
  result("ppoll fd 99", ppoll(&nv, 1, &zero, &none));
  printf("revents=%#x\n", nv.revents);
  /* select skips descriptors past the fd array (64 until a higher fd is used,
     and inherited through fork and exec): grow it so fd 99 is checked
     whatever the parent's table was (diff_select_fdtable covers the rest). */
  dup2(p[0], 100);
  close(100);
  FD_ZERO(&r);
  FD_SET(99, &r);
  result("pselect fd 99", pselect(100, &r, NULL, NULL, &zero, NULL));

  /* 7. The raw calls: sigsetsize must be 8 unless the mask is NULL; the time left is written back. */
  struct timespec t = {1, 0};
  result("raw ppoll sigsetsize 4", raw_ppoll(&rd, 1, &t, &none, 4));
  result("raw ppoll NULL mask, sigsetsize 4", raw_ppoll(&rd, 1, &zero, NULL, 4));
  struct { const sigset_t *ss; size_t len; } data = {&none, 4};
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  result("raw pselect6 sigsetsize 4", raw_pselect6(p[0] + 1, &r, &t, &data));
  data.ss = NULL;
  result("raw pselect6 NULL mask, sigsetsize 4", raw_pselect6(p[0] + 1, &r, &zero, &data));
  result("raw pselect6 NULL data", raw_pselect6(p[0] + 1, &r, &zero, NULL));
  write(p[1], "z", 1);
  struct timespec t1 = {1, 0};
  result("raw ppoll ready", raw_ppoll(&rd, 1, &t1, &none, 8));
  /* No time passes within a call on the virtual clock, a little does natively. */
  printf("time left within the timeout: %d\n", t1.tv_sec * 1000000000LL + t1.tv_nsec <= 1000000000LL && t1.tv_nsec >= 0);
  struct timespec t2 = {0, 100 * 1000 * 1000};
  data.ss = &none;
  data.len = 8;
  FD_ZERO(&r);
  FD_SET(p[1], &r);
  result("raw pselect6 times out", raw_pselect6(p[1] + 1, &r, &t2, &data));
  printf("time left: {%ld, %ld}\n", (long)t2.tv_sec, t2.tv_nsec);
  printf("mask at the end=%d\n", bits());
  return 0;
}
