/* socklab guest SDK: <sys/timerfd.h>, Linux's values; the timers run on
 * the run's clock (virtual by default) (docs/abi.md). */
#ifndef _SOCKLAB_SYS_TIMERFD_H
#define _SOCKLAB_SYS_TIMERFD_H
#include <time.h>
#ifdef __cplusplus
extern "C" {
#endif

#define TFD_CLOEXEC 02000000
#define TFD_NONBLOCK 04000
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2

/* wasi-libc's clockid_t is a pointer (CLOCK_REALTIME, CLOCK_MONOTONIC);
 * the other Linux clocks timerfd takes are their numbers. */
#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME ((clockid_t)7)
#endif
#ifndef CLOCK_REALTIME_ALARM
#define CLOCK_REALTIME_ALARM ((clockid_t)8)
#endif
#ifndef CLOCK_BOOTTIME_ALARM
#define CLOCK_BOOTTIME_ALARM ((clockid_t)9)
#endif

int timerfd_create(clockid_t clockid, int flags);
int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value);
int timerfd_gettime(int fd, struct itimerspec *curr_value);

#ifdef __cplusplus
}
#endif
#endif
