/* signal(), sigaction() and raise(): a process-local table, as wasi-libc's
 * emulation keeps, plus one thing the host must know: how SIGPIPE is
 * handled, so a write to a closed stream kills the process by default or
 * fails with EPIPE when SIGPIPE is ignored, as on Linux; and how SIGTERM
 * is handled, for the end of a run with services. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "socklab_imports.h"

#define NSIG_ 65
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int __socklab_proc_raise(int);
void __SIG_IGN(int sig) { (void)sig; }
void __SIG_ERR(int sig) { (void)sig; }

static void (*handlers[NSIG_])(int);

/* SIGTERM's disposition too: when a run ends, socklab stops the services
 * still running with SIGTERM, and one that ignores or handles it gets
 * SIGKILL after a grace period. */
static int tell_host(int sig, void (*h)(int)) {
  if (sig == SIGPIPE) return __socklab_sigpipe(h == SIG_IGN ? 1 : 0);
  if (sig == SIGTERM || sig == SIGCHLD) return __socklab_sigaction(sig, h == SIG_IGN ? 1 : (h && h != SIG_DFL && h != SIG_ERR) ? 2 : 0);
  return 0;
}

void (*signal(int sig, void (*h)(int)))(int) {
  if (sig <= 0 || sig >= NSIG_ || sig == SIGKILL || sig == SIGSTOP) {
    errno = EINVAL;
    return SIG_ERR;
  }
  void (*old)(int) = handlers[sig];
  handlers[sig] = h;
  tell_host(sig, h);
  return old;
}

int sigaction(int sig, const struct sigaction *__restrict act, struct sigaction *__restrict old) {
  if (sig <= 0 || sig >= NSIG_ || ((sig == SIGKILL || sig == SIGSTOP) && act)) {
    errno = EINVAL;
    return -1;
  }
  if (old) {
    memset(old, 0, sizeof *old);
    old->sa_handler = handlers[sig];
  }
  if (act) {
    handlers[sig] = act->sa_handler;
    tell_host(sig, act->sa_handler);
  }
  return 0;
}

int raise(int sig) {
  if (sig <= 0 || sig >= NSIG_) {
    errno = EINVAL;
    return -1;
  }
  void (*h)(int) = handlers[sig];
  if (h == SIG_IGN) return 0;
  if (h && h != SIG_DFL && h != SIG_ERR) {
    h(sig);
    return 0;
  }
  /* Default action: let the host end the process with this signal. */
  __socklab_proc_raise(sig);
  return 0;
}

int sigemptyset(sigset_t *s) { *s = 0; return 0; }
int sigfillset(sigset_t *s) { *s = ~0ULL; return 0; }
int sigaddset(sigset_t *s, int sig) {
  if (sig <= 0 || sig >= NSIG_) { errno = EINVAL; return -1; }
  ((unsigned char *)s)[(sig - 1) / 8] |= (unsigned char)(1u << ((sig - 1) % 8));
  return 0;
}
int sigdelset(sigset_t *s, int sig) {
  if (sig <= 0 || sig >= NSIG_) { errno = EINVAL; return -1; }
  ((unsigned char *)s)[(sig - 1) / 8] &= (unsigned char)~(1u << ((sig - 1) % 8));
  return 0;
}
int sigismember(const sigset_t *s, int sig) {
  if (sig <= 0 || sig >= NSIG_) { errno = EINVAL; return -1; }
  return (((const unsigned char *)s)[(sig - 1) / 8] >> ((sig - 1) % 8)) & 1;
}
