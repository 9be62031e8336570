// Signals with handlers run in the guest: raise/kill to self, sigprocmask +
// sigpending + sigsuspend, SA_RESETHAND, SA_SIGINFO, a handler that calls
// write(), SIGCHLD with si_pid/si_status, kill of a child with SIGTERM, and
// alarm ending pause().
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static volatile int got_usr1, got_alrm, chld_pid, chld_status, chld_code;

static void on_usr1(int sig) {
  got_usr1++;
  const char msg[] = "handler: write from a handler\n";
  write(1, msg, sizeof msg - 1);
  (void)sig;
}
static void on_alrm(int sig) { got_alrm++; (void)sig; }
static void on_chld(int sig, siginfo_t *si, void *ctx) {
  (void)sig; (void)ctx;
  chld_pid = si->si_pid;
  chld_status = si->si_status;
  chld_code = si->si_code;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, NULL) < 0) perror("sigaction");
  raise(SIGUSR1);
  printf("after raise: got_usr1=%d\n", got_usr1);
  kill(getpid(), SIGUSR1);
  printf("after kill: got_usr1=%d\n", got_usr1);

  // Blocked: pending, not delivered, until unblocked.
  sigset_t set, old, pend;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, &old);
  raise(SIGUSR1);
  sigpending(&pend);
  printf("blocked: pending=%d got_usr1=%d\n", sigismember(&pend, SIGUSR1), got_usr1);
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("unblocked: got_usr1=%d\n", got_usr1);
  sigpending(&pend);
  printf("pending now=%d\n", sigismember(&pend, SIGUSR1));

  // sigsuspend with SIGUSR1 blocked around it: the alarm wakes it.
  signal(SIGALRM, on_alrm);
  sigprocmask(SIG_BLOCK, &set, &old);
  alarm(1);
  sigset_t wait_mask;
  sigemptyset(&wait_mask);
  int r = sigsuspend(&wait_mask);
  printf("sigsuspend=%d errno=%s got_alrm=%d\n", r, errno == EINTR ? "EINTR" : strerror(errno), got_alrm);
  sigprocmask(SIG_SETMASK, NULL, &old);
  printf("mask restored: usr1 blocked=%d\n", sigismember(&old, SIGUSR1));
  sigprocmask(SIG_UNBLOCK, &set, NULL);

  // pause() ended by an alarm; alarm returns the time left of the previous one.
  alarm(5);
  unsigned left = alarm(1);
  printf("alarm left=%u\n", left);
  r = pause();
  printf("pause=%d errno=%s got_alrm=%d\n", r, errno == EINTR ? "EINTR" : "?", got_alrm);

  // SA_RESETHAND: the second SIGUSR2 takes the default action (checked in a child).
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR2);
  struct sigaction now;
  sigaction(SIGUSR2, NULL, &now);
  printf("resethand: handler reset=%d\n", now.sa_handler == SIG_DFL);

  // SIGCHLD with SA_SIGINFO.
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  pid_t c = fork();
  if (c == 0) _exit(7);
  int st;
  while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
  printf("sigchld: from child=%d status=%d code=%s exit=%d\n", chld_pid == c, chld_status, chld_code == CLD_EXITED ? "CLD_EXITED" : "?", WEXITSTATUS(st));

  // kill a child with SIGTERM.
  signal(SIGCHLD, SIG_DFL);
  c = fork();
  if (c == 0) {
    for (;;) pause();
  }
  kill(c, SIGTERM);
  waitpid(c, &st, 0);
  printf("child: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
  r = kill(99999, 0);
  printf("kill(99999)=%d errno=%s\n", r, errno == ESRCH ? "ESRCH" : "?");
  r = kill(getpid(), 1000);
  printf("kill bad sig=%d errno=%s\n", r, errno == EINVAL ? "EINVAL" : "?");
  return 0;
}
