/* socklab guest SDK: <signal.h>. wasi-libc refuses it unless
 * _WASI_EMULATED_SIGNAL is defined; socklab supplies signal(), raise() and
 * sigaction() itself and tells the host how SIGPIPE is handled, so a write
 * to a closed socket kills the process or fails with EPIPE as on Linux. */
#ifndef _WASI_EMULATED_SIGNAL
#define _WASI_EMULATED_SIGNAL
#endif
#include_next <signal.h>
#ifndef _SOCKLAB_SIGNAL_H
#define _SOCKLAB_SIGNAL_H
#include <__typedef_sigset_t.h>
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
/* wasi-libc leaves these out ("WASI has no sigaction"); Linux's shapes. */
union sigval {
  int sival_int;
  void *sival_ptr;
};
typedef struct {
  int si_signo;
  int si_errno;
  int si_code;
  int si_pid;
  unsigned si_uid;
  int si_status;
  void *si_addr;
  long si_band;
  union sigval si_value;
  int si_fd;
  int __pad[19];
} siginfo_t;
/* si_code of signal-driven I/O (F_SETSIG): the reason, and si_band's POLL* bits. */
#ifndef POLL_IN
#define POLL_IN 1
#define POLL_OUT 2
#define POLL_MSG 3
#define POLL_ERR 4
#define POLL_PRI 5
#define POLL_HUP 6
#endif
struct sigaction {
  union {
    void (*sa_handler)(int);
    void (*sa_sigaction)(int, siginfo_t *, void *);
  } __sa_handler;
  sigset_t sa_mask;
  int sa_flags;
  void (*sa_restorer)(void);
};
#define sa_handler __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction
int sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
int sigemptyset(sigset_t *);
int sigfillset(sigset_t *);
int sigaddset(sigset_t *, int);
int sigdelset(sigset_t *, int);
int sigismember(const sigset_t *, int);
int sigprocmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int pthread_sigmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int sigpending(sigset_t *);
int sigsuspend(const sigset_t *);
int kill(pid_t, int);
int killpg(pid_t, int);
#ifdef _GNU_SOURCE
int tgkill(pid_t tgid, pid_t tid, int sig);
#endif
#ifndef SIG_BLOCK
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#endif
#ifndef SI_USER
#define SI_USER 0
#define SI_KERNEL 128
#define SI_TKILL (-6)
#endif
#ifndef SA_RESTART
#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#endif
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif
#ifndef CLD_EXITED
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#endif
#ifdef __cplusplus
}
#endif
#endif

/* The alternate signal stack (guest/c/src/sigaltstack.c): recorded and reported as Linux does, but
 * handlers run on the guest's own stack (docs/abi.md). */
#ifndef _SOCKLAB_SIGNAL_ALTSTACK
#define _SOCKLAB_SIGNAL_ALTSTACK
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
struct sigaltstack {
  void *ss_sp;
  int ss_flags;
  size_t ss_size;
};
typedef struct sigaltstack stack_t;
#ifndef SS_ONSTACK
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define SS_FLAG_BITS SS_AUTODISARM
#endif
#ifndef MINSIGSTKSZ
#define MINSIGSTKSZ 2048
#define SIGSTKSZ 8192
#endif
int sigaltstack(const stack_t *__restrict, stack_t *__restrict);
#ifdef __cplusplus
}
#endif
#endif

/* Synchronous signals (guest/c/src/signal.c): rt_sigtimedwait as glibc calls it. */
#ifndef _SOCKLAB_SIGNAL_WAIT
#define _SOCKLAB_SIGNAL_WAIT
#include <time.h>
#ifdef __cplusplus
extern "C" {
#endif
int sigtimedwait(const sigset_t *__restrict, siginfo_t *__restrict, const struct timespec *__restrict);
int sigwaitinfo(const sigset_t *__restrict, siginfo_t *__restrict);
int sigwait(const sigset_t *__restrict, int *__restrict);
#ifdef __cplusplus
}
#endif
#endif
