/* Signals (docs/abi.md): the dispositions live on the host, which decides
 * when a signal is delivered; a handler is guest code, run by the host
 * through the exported trampoline __socklab_sigtramp below, as a new call
 * on top of the interrupted one (Linux's signal frame). The SDK keeps the
 * C function pointers; the host keeps kinds, flags and masks. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include "socklab_imports.h"

#define NSIG_ 65
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int __socklab_proc_raise(int);
void __SIG_IGN(int sig) { (void)sig; }
void __SIG_ERR(int sig) { (void)sig; }

/* What the host reads and writes (struct socklab_ksigaction). */
struct ksigaction {
  uint32_t kind; /* 0 SIG_DFL, 1 SIG_IGN, 2 a handler */
  uint32_t handler;
  uint32_t flags;
  uint32_t restorer;
  uint64_t mask;
};
struct kitimer {
  uint64_t value_ns;
  uint64_t interval_ns;
};
SOCKLAB_IMPORT(rt_sigaction) int __socklab_rt_sigaction(int, const struct ksigaction *, struct ksigaction *);
SOCKLAB_IMPORT(rt_sigprocmask) int __socklab_rt_sigprocmask(int, const sigset_t *, sigset_t *);
SOCKLAB_IMPORT(rt_sigpending) int __socklab_rt_sigpending(sigset_t *);
SOCKLAB_IMPORT(rt_sigsuspend) int __socklab_rt_sigsuspend(const sigset_t *);
SOCKLAB_IMPORT(pause) int __socklab_pause(void);
SOCKLAB_IMPORT(kill) int __socklab_kill(int, int);
SOCKLAB_IMPORT(tgkill) int __socklab_tgkill(int, int, int);
SOCKLAB_IMPORT(gettid) int __socklab_gettid(int *);
SOCKLAB_IMPORT(alarm) int __socklab_alarm(unsigned, unsigned *);
SOCKLAB_IMPORT(setitimer) int __socklab_setitimer(int, const struct kitimer *, struct kitimer *);
SOCKLAB_IMPORT(getitimer) int __socklab_getitimer(int, struct kitimer *);

static struct sigaction actions[NSIG_];

void __socklab_sigtramp(int sig, int code, int pid, int uid, int status) __attribute__((export_name("__socklab_sigtramp")));
void __socklab_sigtramp(int sig, int code, int pid, int uid, int status) {
  if (sig <= 0 || sig >= NSIG_) return;
  struct sigaction a = actions[sig];
  if (a.sa_flags & SA_RESETHAND) {
    memset(&actions[sig], 0, sizeof actions[sig]);
  }
  int saved = errno; /* a handler leaves errno as it found it, as the kernel's frame does for registers */
  if (a.sa_flags & SA_SIGINFO) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    info.si_code = code;
    info.si_pid = pid;
    info.si_uid = uid;
    info.si_status = status;
    /* Linux's siginfo is a union: on wasm32, as on i386, si_band and si_fd lie where si_pid and si_uid do. */
    info.si_band = pid;
    info.si_fd = uid;
    if (a.sa_sigaction) a.sa_sigaction(sig, &info, NULL);
  } else if (a.sa_handler && a.sa_handler != SIG_IGN && a.sa_handler != SIG_DFL && a.sa_handler != SIG_ERR) {
    a.sa_handler(sig);
  }
  errno = saved;
}

int sigaction(int sig, const struct sigaction *__restrict act, struct sigaction *__restrict old) {
  if (sig <= 0 || sig >= NSIG_ || ((sig == SIGKILL || sig == SIGSTOP) && act)) {
    errno = EINVAL;
    return -1;
  }
  struct ksigaction k, *kp = NULL;
  if (act) {
    void (*h)(int) = act->sa_handler;
    k.kind = h == SIG_DFL ? 0 : h == SIG_IGN ? 1 : 2;
    k.handler = (uint32_t)(uintptr_t)h;
    /* glibc always adds SA_RESTORER; here the trampoline is the restorer. */
    k.flags = (uint32_t)act->sa_flags | SA_RESTORER;
    k.restorer = (uint32_t)(uintptr_t)&__socklab_sigtramp;
    k.mask = act->sa_mask;
    kp = &k;
  }
  struct ksigaction ko; /* the host writes the old action too, so the trace shows it as strace does */
  int err = __socklab_rt_sigaction(sig, kp, old ? &ko : NULL);
  if (err) { errno = err; return -1; }
  if (old) {
    *old = actions[sig];
    /* A disposition this image did not set (SIG_IGN kept across execve): the host's record of it. */
    void (*h)(int) = ko.kind == 0 ? SIG_DFL : ko.kind == 1 ? SIG_IGN : old->sa_handler;
    if (old->sa_handler != h) {
      memset(old, 0, sizeof *old);
      old->sa_handler = h;
      old->sa_flags = (int)(ko.flags & ~(uint32_t)SA_RESTORER);
      old->sa_mask = ko.mask;
    }
  }
  if (act) actions[sig] = *act;
  return 0;
}

/* glibc's signal(): BSD semantics, the handler stays and calls restart. */
void (*signal(int sig, void (*h)(int)))(int) {
  struct sigaction a, old;
  memset(&a, 0, sizeof a);
  a.sa_handler = h;
  sigaddset(&a.sa_mask, sig); /* as glibc's, which blocks sig while its handler runs */
  a.sa_flags = SA_RESTART;
  if (sigaction(sig, &a, &old) < 0) return SIG_ERR;
  return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *__restrict set, sigset_t *__restrict old) {
  return __socklab_ret(__socklab_rt_sigprocmask(how, set, old));
}
int pthread_sigmask(int how, const sigset_t *__restrict set, sigset_t *__restrict old) {
  return __socklab_rt_sigprocmask(how, set, old);
}
int sigpending(sigset_t *set) { return __socklab_ret(__socklab_rt_sigpending(set)); }
int sigsuspend(const sigset_t *mask) { return __socklab_ret(__socklab_rt_sigsuspend(mask)); }
int pause(void) { return __socklab_ret(__socklab_pause()); }
int kill(pid_t pid, int sig) { return __socklab_ret(__socklab_kill(pid, sig)); }
int killpg(pid_t pgrp, int sig) {
  if (pgrp < 0) { errno = EINVAL; return -1; }
  return kill(-pgrp, sig);
}
/* glibc's raise: getpid, then tgkill to the calling thread (si_code SI_TKILL). One thread: its tid is the pid. */
int raise(int sig) {
  pid_t pid = getpid();
  return __socklab_ret(__socklab_tgkill(pid, pid, sig));
}
int tgkill(pid_t tgid, pid_t tid, int sig) { return __socklab_ret(__socklab_tgkill(tgid, tid, sig)); }
pid_t gettid(void) {
  int tid = 0;
  __socklab_gettid(&tid);
  return tid;
}

unsigned alarm(unsigned secs) {
  unsigned prev = 0;
  __socklab_alarm(secs, &prev);
  return prev;
}

static uint64_t tv_ns(const struct timeval *tv) { return (uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)tv->tv_usec * 1000ull; }
static void ns_tv(uint64_t ns, struct timeval *tv) {
  tv->tv_sec = (time_t)(ns / 1000000000ull);
  tv->tv_usec = (suseconds_t)((ns % 1000000000ull + 999) / 1000);
  if (tv->tv_usec >= 1000000) { tv->tv_sec++; tv->tv_usec -= 1000000; }
}
int setitimer(int which, const struct itimerval *__restrict nv, struct itimerval *__restrict ov) {
  struct kitimer k, o;
  if (nv) {
    if (nv->it_value.tv_usec < 0 || nv->it_value.tv_usec >= 1000000 || nv->it_interval.tv_usec < 0 || nv->it_interval.tv_usec >= 1000000) { errno = EINVAL; return -1; }
    k.value_ns = tv_ns(&nv->it_value);
    k.interval_ns = tv_ns(&nv->it_interval);
  }
  int err = __socklab_setitimer(which, nv ? &k : NULL, ov ? &o : NULL);
  if (err) { errno = err; return -1; }
  if (ov) { ns_tv(o.value_ns, &ov->it_value); ns_tv(o.interval_ns, &ov->it_interval); }
  return 0;
}
int getitimer(int which, struct itimerval *cur) {
  struct kitimer o;
  int err = __socklab_getitimer(which, &o);
  if (err) { errno = err; return -1; }
  ns_tv(o.value_ns, &cur->it_value);
  ns_tv(o.interval_ns, &cur->it_interval);
  return 0;
}

int sigemptyset(sigset_t *s) { *s = 0; return 0; }
int sigfillset(sigset_t *s) { *s = ~0ULL; return 0; }
int sigaddset(sigset_t *s, int sig) {
  if (sig <= 0 || sig >= NSIG_) { errno = EINVAL; return -1; }
  *s |= 1ULL << (sig - 1);
  return 0;
}
int sigdelset(sigset_t *s, int sig) {
  if (sig <= 0 || sig >= NSIG_) { errno = EINVAL; return -1; }
  *s &= ~(1ULL << (sig - 1));
  return 0;
}
int sigismember(const sigset_t *s, int sig) {
  if (sig <= 0 || sig >= NSIG_) { errno = EINVAL; return -1; }
  return (int)((*s >> (sig - 1)) & 1);
}

/* sigtimedwait, sigwaitinfo and sigwait as glibc's: one rt_sigtimedwait
 * (the host takes the signal, sigcalls.ts); sigwait passes a siginfo of its
 * own as glibc's does, retries EINTR and returns the error number instead
 * of setting errno. */
SOCKLAB_IMPORT(rt_sigtimedwait) int __socklab_rt_sigtimedwait(const sigset_t *, siginfo_t *, const struct timespec *, unsigned, int *);
int sigtimedwait(const sigset_t *__restrict set, siginfo_t *__restrict info, const struct timespec *__restrict ts) {
  int sig = 0;
  int err = __socklab_rt_sigtimedwait(set, info, ts, sizeof(sigset_t), &sig);
  if (err) { errno = err; return -1; }
  return sig;
}
int sigwaitinfo(const sigset_t *__restrict set, siginfo_t *__restrict info) { return sigtimedwait(set, info, NULL); }
int sigwait(const sigset_t *__restrict set, int *__restrict sig) {
  siginfo_t si;
  int r;
  do r = sigtimedwait(set, &si, NULL);
  while (r < 0 && errno == EINTR);
  if (r < 0) return errno;
  *sig = r;
  return 0;
}
