/* The host's socket calls (docs/abi.md): each returns 0 or a guest errno. */
#ifndef SOCKLAB_IMPORTS_H
#define SOCKLAB_IMPORTS_H
#include <stdint.h>
#include <sys/socket.h>

#define SOCKLAB_IMPORT(name) __attribute__((import_module("socklab"), import_name(#name)))

SOCKLAB_IMPORT(socket) int __socklab_socket(int, int, int, int *);
SOCKLAB_IMPORT(socketpair) int __socklab_socketpair(int, int, int, int *);
SOCKLAB_IMPORT(bind) int __socklab_bind(int, const void *, socklen_t);
SOCKLAB_IMPORT(listen) int __socklab_listen(int, int);
SOCKLAB_IMPORT(accept4) int __socklab_accept4(int, void *, socklen_t *, int, int *);
SOCKLAB_IMPORT(accept) int __socklab_accept(int, void *, socklen_t *, int *);
SOCKLAB_IMPORT(connect) int __socklab_connect(int, const void *, socklen_t);
SOCKLAB_IMPORT(sendto) int __socklab_sendto(int, const void *, size_t, int, const void *, socklen_t, size_t *);
SOCKLAB_IMPORT(recvfrom) int __socklab_recvfrom(int, void *, size_t, int, void *, socklen_t *, size_t *);
SOCKLAB_IMPORT(sendmsg) int __socklab_sendmsg(int, const struct msghdr *, int, size_t *);
SOCKLAB_IMPORT(recvmsg) int __socklab_recvmsg(int, struct msghdr *, int, size_t *);
SOCKLAB_IMPORT(sendmmsg) int __socklab_sendmmsg(int, struct mmsghdr *, unsigned int, int, int *);
SOCKLAB_IMPORT(recvmmsg) int __socklab_recvmmsg(int, struct mmsghdr *, unsigned int, int, void *, int *);
SOCKLAB_IMPORT(shutdown) int __socklab_shutdown(int, int);
SOCKLAB_IMPORT(getsockname) int __socklab_getsockname(int, void *, socklen_t *);
SOCKLAB_IMPORT(getpeername) int __socklab_getpeername(int, void *, socklen_t *);
SOCKLAB_IMPORT(setsockopt) int __socklab_setsockopt(int, int, int, const void *, socklen_t);
SOCKLAB_IMPORT(getsockopt) int __socklab_getsockopt(int, int, int, void *, socklen_t *);
SOCKLAB_IMPORT(poll) int __socklab_poll(void *, unsigned long, int, int *);
SOCKLAB_IMPORT(select) int __socklab_select(int, void *, void *, void *, void *, int *);
SOCKLAB_IMPORT(ppoll) int __socklab_ppoll(void *, unsigned long, void *, const void *, unsigned long, int *);
SOCKLAB_IMPORT(pselect6) int __socklab_pselect6(int, void *, void *, void *, void *, const void *, int *);
SOCKLAB_IMPORT(getaddrinfo) int __socklab_getaddrinfo(const char *, const char *, const void *, void *, size_t, int *);
SOCKLAB_IMPORT(getnameinfo) int __socklab_getnameinfo(const void *, socklen_t, char *, socklen_t, char *, socklen_t, int);
SOCKLAB_IMPORT(gethostname) int __socklab_gethostname(char *, size_t);
SOCKLAB_IMPORT(sigpipe) int __socklab_sigpipe(int);
SOCKLAB_IMPORT(sigaction) int __socklab_sigaction(int, int);
SOCKLAB_IMPORT(pipe2) int __socklab_pipe2(int *, int);
SOCKLAB_IMPORT(dup) int __socklab_dup(int, int *);
SOCKLAB_IMPORT(dup2) int __socklab_dup2(int, int);
SOCKLAB_IMPORT(dup3) int __socklab_dup3(int, int, int);
SOCKLAB_IMPORT(fcntl) int __socklab_fcntl(int, int, int, int *);
SOCKLAB_IMPORT(preopen_cwd) int __socklab_preopen_cwd(int *, char *, size_t, size_t *);
SOCKLAB_IMPORT(getpid) int __socklab_getpid(int *);
SOCKLAB_IMPORT(getppid) int __socklab_getppid(int *);
SOCKLAB_IMPORT(epoll_create) int __socklab_epoll_create(int, int *);
SOCKLAB_IMPORT(epoll_create1) int __socklab_epoll_create1(int, int *);
SOCKLAB_IMPORT(epoll_ctl) int __socklab_epoll_ctl(int, int, int, void *);
SOCKLAB_IMPORT(epoll_wait) int __socklab_epoll_wait(int, void *, int, int, int *);
SOCKLAB_IMPORT(epoll_pwait) int __socklab_epoll_pwait(int, void *, int, int, const void *, size_t, int *);
SOCKLAB_IMPORT(epoll_pwait2) int __socklab_epoll_pwait2(int, void *, int, const void *, const void *, size_t, int *);
SOCKLAB_IMPORT(eventfd2) int __socklab_eventfd2(unsigned int, int, int *);
SOCKLAB_IMPORT(timerfd_create) int __socklab_timerfd_create(int, int, int *);
SOCKLAB_IMPORT(timerfd_settime) int __socklab_timerfd_settime(int, int, const void *, void *);
SOCKLAB_IMPORT(timerfd_gettime) int __socklab_timerfd_gettime(int, void *);
SOCKLAB_IMPORT(signalfd4) int __socklab_signalfd4(int, const void *, unsigned int, int, int *);
SOCKLAB_IMPORT(ioctl) int __socklab_ioctl(int, int, void *);

/* Sets errno from a host result and returns the POSIX -1 / 0. */
#include <errno.h>
static inline int __socklab_ret(int err) {
  if (err) { errno = err; return -1; }
  return 0;
}
#endif
