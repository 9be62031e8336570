/* futex(2) itself (tests/posixsem.test.ts compares the output with gcc's
 * build): its errnos in Linux's order, a relative timeout, EINTR by a
 * handled signal, FUTEX_WAKE's count of woken waiters in shared memory, and
 * a private wake that does not reach a shared waiter. Natively it is
 * syscall(SYS_futex); under socklab the SDK's import. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

#ifdef __wasm__
__attribute__((import_module("socklab"), import_name("futex"))) int __socklab_futex(volatile uint32_t *, int, uint32_t, const struct timespec *, uint32_t *, uint32_t, int *);
static long futex(volatile uint32_t *a, int op, uint32_t val, const struct timespec *ts, uint32_t val3) {
  int n = 0;
  int err = __socklab_futex(a, op, val, ts, NULL, val3, &n);
  if (err) {
    errno = err;
    return -1;
  }
  return n;
}
#else
#include <sys/syscall.h>
static long futex(volatile uint32_t *a, int op, uint32_t val, const struct timespec *ts, uint32_t val3) {
  return syscall(SYS_futex, a, op, val, ts, NULL, val3);
}
#endif

static void report(const char *what, long r) {
  if (r == -1) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static uint32_t words[4];
  volatile uint32_t *w = words;
  struct timespec ten_ms = {0, 10000000}, bad = {0, 1000000000};
  const int P = FUTEX_PRIVATE_FLAG;
  report("wait, value differs", futex(w, FUTEX_WAIT | P, 1, NULL, 0));
  report("wait, unaligned", futex((volatile uint32_t *)((char *)words + 2), FUTEX_WAIT | P, 0, NULL, 0));
  report("wait, bad timeout", futex(w, FUTEX_WAIT | P, 0, &bad, 0));
  report("wait, CLOCK_REALTIME", futex(w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME | P, 0, &ten_ms, 0));
  report("wait_bitset, empty bitset", futex(w, FUTEX_WAIT_BITSET | P, 0, NULL, 0));
  report("unknown op", futex(w, 99 | P, 0, NULL, 0));
  report("wake, nobody", futex(w, FUTEX_WAKE | P, 1, NULL, 0));
  report("wait, 10 ms", futex(w, FUTEX_WAIT | P, 0, &ten_ms, 0));
  struct timespec past = {1, 0};
  report("wait_bitset, past", futex(w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | P, 0, &past, 0xffffffffu));

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  alarm(1);
  report("wait, interrupted", futex(w, FUTEX_WAIT | P, 0, NULL, 0));
  struct timespec five_s = {5, 0};
  alarm(1);
  report("wait 5 s, interrupted", futex(w, FUTEX_WAIT | P, 0, &five_s, 0));

  /* Two children wait on a shared word; each says so through a pipe first. */
  volatile uint32_t *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int fds[2];
  pipe(fds);
  pid_t kids[2];
  for (int i = 0; i < 2; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      write(fds[1], "w", 1);
      long r = futex(sh, FUTEX_WAIT, 0, NULL, 0);
      _exit(r == 0 ? 0 : 10 + errno);
    }
  }
  char ch;
  read(fds[0], &ch, 1);
  read(fds[0], &ch, 1);
  report("private wake of a shared waiter", futex(sh, FUTEX_WAKE | P, INT_MAX, NULL, 0));
  *sh = 1;
  long n = futex(sh, FUTEX_WAKE, INT_MAX, NULL, 0);
  /* Natively a child may reach its wait only after the store (EAGAIN): each child is either woken or saw the change. */
  int saw = 0, other = 0;
  for (int i = 0; i < 2; i++) {
    int st;
    waitpid(kids[i], &st, 0);
    if (WEXITSTATUS(st) == 10 + EAGAIN) saw++;
    else if (WEXITSTATUS(st) != 0) other++;
  }
  printf("woken or saw the change: %ld, other: %d\n", n + saw, other);

  /* A waiter killed in its wait is no longer one: the wake finds nobody. */
  *sh = 0;
  pid_t k = fork();
  if (k == 0) {
    write(fds[1], "w", 1);
    futex(sh, FUTEX_WAIT, 0, NULL, 0);
    _exit(1);
  }
  read(fds[0], &ch, 1);
  kill(k, SIGKILL);
  int st;
  waitpid(k, &st, 0);
  printf("killed: %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
  report("wake after the waiter died", futex(sh, FUTEX_WAKE, 1, NULL, 0));
  return 0;
}
