/* Shared by tests/c/diff_errno_*.c: one line per case, "case ret errno-name",
 * compared exactly between a native gcc build and socklab
 * (tests/errno-diff.test.ts). BADP is a pointer the kernel cannot read:
 * past the end of linear memory under socklab, an unmapped page natively. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#ifdef __wasi__
#define BADP ((void *)(uintptr_t)0xfffffff0u)
#else
#define BADP ((void *)(uintptr_t)1)
#endif

static const char *ename(int e) {
  switch (e) {
#define N(x) case x: return #x;
    N(EPERM) N(ENOENT) N(EINTR) N(EBADF) N(EAGAIN) N(ENOMEM) N(EACCES) N(EFAULT) N(EBUSY) N(EEXIST) N(ENOTDIR)
    N(EISDIR) N(EINVAL) N(ENFILE) N(EMFILE) N(ENOTTY) N(ESPIPE) N(EPIPE) N(ERANGE) N(ENAMETOOLONG) N(ENOSYS)
    N(ELOOP) N(ENOTSOCK) N(EDESTADDRREQ) N(EMSGSIZE) N(EPROTOTYPE) N(ENOPROTOOPT) N(EPROTONOSUPPORT)
    N(ESOCKTNOSUPPORT) N(EOPNOTSUPP) N(EPFNOSUPPORT) N(EAFNOSUPPORT) N(EADDRINUSE) N(EADDRNOTAVAIL)
    N(ENETDOWN) N(ENETUNREACH) N(ECONNABORTED) N(ECONNRESET) N(ENOBUFS) N(EISCONN) N(ENOTCONN) N(ESHUTDOWN)
    N(ETIMEDOUT) N(ECONNREFUSED) N(EHOSTUNREACH) N(EALREADY) N(EINPROGRESS) N(EOVERFLOW) N(EDOM) N(ENOSPC) N(EXDEV) N(EPROTO) N(ENODEV)
#undef N
  }
  static char buf[32];
  snprintf(buf, sizeof buf, "errno%d", e);
  return buf;
}

/* A result: the value, or -1 and the errno's name. */
static void show(const char *name, long r) {
  if (r < 0) printf("%s -1 %s\n", name, ename(errno));
  else printf("%s %ld -\n", name, r);
  errno = 0;
}

/* A result that is a new fd (its number is not the point): "fd", and the fd is closed. */
static void showfd(const char *name, int r) {
  if (r < 0) printf("%s -1 %s\n", name, ename(errno));
  else {
    printf("%s fd -\n", name);
    close(r);
  }
  errno = 0;
}

/* The bad fds each call is tried with: -1, one never opened, one closed (500: above every fd the programs open,
 * so no later call reuses it) and, for a non-socket, the reading end of bad_pipe. bad_fds() makes them. */
static int bad_pipe[2], bad_closed;
static int badfd[4];
static const char *const badname[4] = {"fd-1", "fd1000", "closedfd", "pipefd"};
static char bad_label[96];
static void bad_fds(void) {
  if (pipe(bad_pipe) != 0) return;
  bad_closed = dup2(bad_pipe[0], 500);
  close(bad_closed);
  badfd[0] = -1;
  badfd[1] = 1000;
  badfd[2] = bad_closed;
  badfd[3] = bad_pipe[0];
}
/* One line per bad fd (the first n of badfd): expr sees it as fd. */
#define EACH_BAD_OF(n, label, expr)                                          \
  for (int bad_i = 0; bad_i < (n); bad_i++) {                                \
    int fd = badfd[bad_i];                                                   \
    snprintf(bad_label, sizeof bad_label, "%s-%s", label, badname[bad_i]);   \
    show(bad_label, (expr));                                                 \
  }
