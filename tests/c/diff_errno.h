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
    N(ETIMEDOUT) N(ECONNREFUSED) N(EHOSTUNREACH) N(EALREADY) N(EINPROGRESS) N(EOVERFLOW) N(EDOM) N(ENOSPC) N(EXDEV)
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
