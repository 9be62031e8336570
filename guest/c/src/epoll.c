/* epoll, eventfd, timerfd and signalfd over socklab's host calls (docs/abi.md,
 * "Event loops"). Flags are Linux's values in the SDK's headers, so they go
 * to the host unchanged. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include "socklab_imports.h"

static int fd_result(int err, int fd) {
  return err ? __socklab_ret(err) : fd;
}

int epoll_create(int size) {
  int fd;
  int err = __socklab_epoll_create(size, &fd);
  return fd_result(err, fd);
}

int epoll_create1(int flags) {
  int fd;
  int err = __socklab_epoll_create1(flags, &fd);
  return fd_result(err, fd);
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) {
  return __socklab_ret(__socklab_epoll_ctl(epfd, op, fd, event));
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout) {
  int n;
  int err = __socklab_epoll_wait(epfd, events, maxevents, timeout, &n);
  return err ? __socklab_ret(err) : n;
}

/* sigset_t is the kernel's 8-byte set in this SDK (__typedef_sigset_t.h): the mask goes to the host as it is. */
_Static_assert(sizeof(sigset_t) == 8, "the host reads an 8-byte sigset");
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout, const sigset_t *sigmask) {
  int n;
  int err = __socklab_epoll_pwait(epfd, events, maxevents, timeout, sigmask, sizeof(sigset_t), &n);
  return err ? __socklab_ret(err) : n;
}

/* wasi-libc's struct timespec (i64 tv_sec, long tv_nsec) is the layout the host reads. */
int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents, const struct timespec *timeout, const sigset_t *sigmask) {
  int n;
  int err = __socklab_epoll_pwait2(epfd, events, maxevents, timeout, sigmask, sizeof(sigset_t), &n);
  return err ? __socklab_ret(err) : n;
}

int eventfd(unsigned int initval, int flags) {
  int fd;
  int err = __socklab_eventfd2(initval, flags, &fd);
  return fd_result(err, fd);
}

int eventfd_read(int fd, eventfd_t *value) {
  return read(fd, value, sizeof *value) == sizeof *value ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value) {
  return write(fd, &value, sizeof value) == sizeof value ? 0 : -1;
}

/* wasi-libc's clockid_t points at a clock object; the host takes Linux's numbers. */
static int linux_clock(clockid_t c) {
  if (c == CLOCK_REALTIME) return 0;
  if (c == CLOCK_MONOTONIC) return 1;
#ifdef CLOCK_PROCESS_CPUTIME_ID
  if (c == CLOCK_PROCESS_CPUTIME_ID) return 2;
#endif
#ifdef CLOCK_THREAD_CPUTIME_ID
  if (c == CLOCK_THREAD_CPUTIME_ID) return 3;
#endif
  uintptr_t v = (uintptr_t)c;
  return v < 64 ? (int)v : -1;
}

int timerfd_create(clockid_t clockid, int flags) {
  int fd;
  int err = __socklab_timerfd_create(linux_clock(clockid), flags, &fd);
  return fd_result(err, fd);
}

int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value) {
  return __socklab_ret(__socklab_timerfd_settime(fd, flags, new_value, old_value));
}

int timerfd_gettime(int fd, struct itimerspec *curr_value) {
  return __socklab_ret(__socklab_timerfd_gettime(fd, curr_value));
}

int signalfd(int fd, const sigset_t *mask, int flags) {
  int nfd;
  int err = __socklab_signalfd4(fd, mask, sizeof(sigset_t), flags, &nfd);
  return fd_result(err, nfd);
}
_Static_assert(sizeof(struct signalfd_siginfo) == 128, "struct signalfd_siginfo is 128 bytes, as the host writes it");
