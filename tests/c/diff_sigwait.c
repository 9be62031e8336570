/* sigwait, sigwaitinfo, sigtimedwait (rt_sigtimedwait) against Linux: a
 * pending signal taken at once with its siginfo, a timeout that expires
 * (EAGAIN), a bad timespec (EINVAL), a signal a child sends while the
 * parent waits, and a handled signal (SIGALRM from a timer) interrupting
 * the wait (EINTR). Prints what each call got. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The system call itself, for what glibc's wrappers never pass: a sigsetsize other than 8, a set outside memory. */
#ifdef __wasm__
__attribute__((import_module("socklab"), import_name("rt_sigtimedwait"))) int raw_sigtimedwait(const sigset_t *, siginfo_t *, const struct timespec *, unsigned, int *);
static int sys_sigtimedwait(const sigset_t *s, siginfo_t *i, const struct timespec *t, unsigned n) {
  int sig = 0;
  int e = raw_sigtimedwait(s, i, t, n, &sig);
  if (e) { errno = e; return -1; }
  return sig;
}
#else
#include <sys/syscall.h>
static int sys_sigtimedwait(const sigset_t *s, siginfo_t *i, const struct timespec *t, unsigned n) { return syscall(SYS_rt_sigtimedwait, s, i, t, n); }
#endif

static volatile sig_atomic_t alarms;
static volatile sig_atomic_t usr1_handled;
static void on_alrm(int sig) { alarms += sig == SIGALRM; }
static void on_usr1(int sig) { usr1_handled += sig == SIGUSR1; }

static void show(const char *what, int r) {
  printf("%s: %d%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  sigset_t set, chld;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTERM);
  /* SIGCHLD blocked too: a child's exit stays pending, out of the traces. */
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, NULL);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  /* A handler for a signal of the set: sigwait takes the signal, the handler never runs. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);

  /* Pending already: taken at once, the lowest first, with its siginfo. */
  kill(getpid(), SIGTERM);
  kill(getpid(), SIGUSR1);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int r = sigwaitinfo(&set, &si);
  show("sigwaitinfo", r);
  printf("si_signo=%d si_code=%d own_pid=%d si_uid=%u\n", si.si_signo, si.si_code, si.si_pid == getpid(), si.si_uid);
  struct timespec ts = {1, 0};
  r = sigtimedwait(&set, &si, &ts);
  show("sigtimedwait pending", r);
  printf("si_signo=%d\n", si.si_signo);

  /* Nothing pending: the timeout expires. */
  ts.tv_sec = 0;
  ts.tv_nsec = 200000000;
  r = sigtimedwait(&set, NULL, &ts);
  show("sigtimedwait timeout", r);
  ts.tv_nsec = 0;
  r = sigtimedwait(&set, NULL, &ts);
  show("sigtimedwait zero", r);
  ts.tv_nsec = 1000000000;
  r = sigtimedwait(&set, NULL, &ts);
  show("sigtimedwait bad nsec", r);

  /* A child's signal while the parent waits: the child sends it once the parent's byte came, as the parent
   * goes to wait (or has: already pending, the same call either way). */
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    close(fds[1]);
    read(fds[0], &c, 1);
    kill(getppid(), SIGHUP);
    _exit(0);
  }
  close(fds[0]);
  write(fds[1], "x", 1);
  int sig = 0;
  r = sigwait(&set, &sig);
  printf("sigwait: %d sig=%d\n", r, sig);
  waitpid(pid, NULL, 0);
  close(fds[1]);

  /* A handled signal not in the set interrupts the wait. */
  sa.sa_handler = on_alrm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {0, 200000}};
  setitimer(ITIMER_REAL, &it, NULL);
  ts.tv_sec = 5;
  ts.tv_nsec = 0;
  r = sigtimedwait(&set, &si, &ts);
  show("sigtimedwait interrupted", r);
  printf("alarms=%d usr1_handled=%d\n", (int)alarms, (int)usr1_handled);

  /* SIGKILL in the set is left out; an empty set with a zero timeout is EAGAIN. */
  sigset_t none;
  sigemptyset(&none);
  sigaddset(&none, SIGKILL);
  ts.tv_sec = 0;
  r = sigtimedwait(&none, NULL, &ts);
  show("sigtimedwait sigkill", r);
  show("sigsetsize 4", sys_sigtimedwait(&set, NULL, &ts, 4));
  show("set outside memory", sys_sigtimedwait((const sigset_t *)0xfffffff0u, NULL, &ts, 8));
  show("timeout outside memory", sys_sigtimedwait(&set, NULL, (const struct timespec *)0xfffffff0u, 8));
  return 0;
}
