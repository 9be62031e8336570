/* The socket calls of <sys/socket.h>, <poll.h> and select(), over the host's
 * socklab imports. They replace wasi-libc's versions (linked before libc). */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
#include "socklab_imports.h"

int socket(int domain, int type, int protocol) {
  int fd;
  int e = __socklab_socket(domain, type, protocol, &fd);
  return e ? __socklab_ret(e) : fd;
}
int socketpair(int domain, int type, int protocol, int fds[2]) {
  return __socklab_ret(__socklab_socketpair(domain, type, protocol, fds));
}
int bind(int fd, const struct sockaddr *a, socklen_t len) { return __socklab_ret(__socklab_bind(fd, a, len)); }
int listen(int fd, int backlog) { return __socklab_ret(__socklab_listen(fd, backlog)); }
int accept4(int fd, struct sockaddr *__restrict a, socklen_t *__restrict len, int flags) {
  int nfd;
  int e = __socklab_accept4(fd, a, len, flags, &nfd);
  return e ? __socklab_ret(e) : nfd;
}
/* accept(2) has an import of its own: the trace shows accept(fd, addr, [len]), as strace does for glibc's accept(). */
int accept(int fd, struct sockaddr *__restrict a, socklen_t *__restrict len) {
  int nfd;
  int e = __socklab_accept(fd, a, len, &nfd);
  return e ? __socklab_ret(e) : nfd;
}
int connect(int fd, const struct sockaddr *a, socklen_t len) { return __socklab_ret(__socklab_connect(fd, a, len)); }
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *a, socklen_t alen) {
  size_t n;
  int e = __socklab_sendto(fd, buf, len, flags, a, alen, &n);
  return e ? __socklab_ret(e) : (ssize_t)n;
}
ssize_t send(int fd, const void *buf, size_t len, int flags) { return sendto(fd, buf, len, flags, 0, 0); }
ssize_t recvfrom(int fd, void *__restrict buf, size_t len, int flags, struct sockaddr *__restrict a, socklen_t *__restrict alen) {
  size_t n;
  int e = __socklab_recvfrom(fd, buf, len, flags, a, alen, &n);
  return e ? __socklab_ret(e) : (ssize_t)n;
}
ssize_t recv(int fd, void *buf, size_t len, int flags) { return recvfrom(fd, buf, len, flags, 0, 0); }
ssize_t sendmsg(int fd, const struct msghdr *m, int flags) {
  size_t n;
  int e = __socklab_sendmsg(fd, m, flags, &n);
  return e ? __socklab_ret(e) : (ssize_t)n;
}
ssize_t recvmsg(int fd, struct msghdr *m, int flags) {
  size_t n;
  int e = __socklab_recvmsg(fd, m, flags, &n);
  return e ? __socklab_ret(e) : (ssize_t)n;
}
int sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags) {
  int n;
  int e = __socklab_sendmmsg(fd, v, vlen, flags, &n);
  return e ? __socklab_ret(e) : n;
}
int recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags, struct timespec *timeout) {
  int n;
  int e = __socklab_recvmmsg(fd, v, vlen, flags, timeout, &n);
  return e ? __socklab_ret(e) : n;
}
int shutdown(int fd, int how) { return __socklab_ret(__socklab_shutdown(fd, how)); }
int sockatmark(int fd) {
  int v = 0;
  int e = __socklab_ioctl(fd, 0x8905 /* SIOCATMARK */, &v);
  return e ? __socklab_ret(e) : v;
}
int getsockname(int fd, struct sockaddr *__restrict a, socklen_t *__restrict len) { return __socklab_ret(__socklab_getsockname(fd, a, len)); }
int getpeername(int fd, struct sockaddr *__restrict a, socklen_t *__restrict len) { return __socklab_ret(__socklab_getpeername(fd, a, len)); }
int setsockopt(int fd, int level, int name, const void *v, socklen_t len) { return __socklab_ret(__socklab_setsockopt(fd, level, name, v, len)); }
int getsockopt(int fd, int level, int name, void *__restrict v, socklen_t *__restrict len) { return __socklab_ret(__socklab_getsockopt(fd, level, name, v, len)); }

int poll(struct pollfd *fds, nfds_t n, int timeout) {
  int ready;
  int e = __socklab_poll(fds, n, timeout, &ready);
  return e ? __socklab_ret(e) : ready;
}

int select(int n, fd_set *__restrict r, fd_set *__restrict w, fd_set *__restrict x, struct timeval *__restrict t) {
  int ready;
  int e = __socklab_select(n, r, w, x, t, &ready);
  return e ? __socklab_ret(e) : ready;
}

/* The raw calls write the time left back to the timeout; POSIX's const one
 * is left alone by passing a copy, as glibc does. The kernel's sigset_t is 8 bytes. */
int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *t, const sigset_t *mask) {
  struct timespec copy;
  if (t) copy = *t;
  int ready;
  int e = __socklab_ppoll(fds, n, t ? &copy : 0, mask, sizeof(sigset_t), &ready);
  return e ? __socklab_ret(e) : ready;
}

int pselect(int n, fd_set *__restrict r, fd_set *__restrict w, fd_set *__restrict x, const struct timespec *__restrict t, const sigset_t *__restrict mask) {
  struct timespec copy;
  if (t) copy = *t;
  /* pselect6's sixth argument: { const sigset_t *ss; size_t ss_len; }. */
  struct { const sigset_t *ss; size_t len; } data = {mask, sizeof(sigset_t)};
  int ready;
  int e = __socklab_pselect6(n, r, w, x, t ? &copy : 0, &data, &ready);
  return e ? __socklab_ret(e) : ready;
}

int gethostname(char *name, size_t len) { return __socklab_ret(__socklab_gethostname(name, len)); }
