/* socklab guest SDK: <sys/time.h>. wasi-libc's, plus the interval timers
 * WASI lacks: setitimer/getitimer(ITIMER_REAL) on socklab's clock deliver
 * SIGALRM (docs/abi.md); ITIMER_VIRTUAL and ITIMER_PROF fail with ENOSYS. */
#include_next <sys/time.h>
#ifndef _SOCKLAB_SYS_TIME_H
#define _SOCKLAB_SYS_TIME_H
#ifdef __cplusplus
extern "C" {
#endif
#ifndef ITIMER_REAL
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
struct itimerval {
  struct timeval it_interval;
  struct timeval it_value;
};
#endif
int setitimer(int, const struct itimerval *__restrict, struct itimerval *__restrict);
int getitimer(int, struct itimerval *);
#ifdef __cplusplus
}
#endif
#endif
