/* prctl(2) and fchdir(2): host calls (host/kernel/prctl.ts, docs/abi.md).
 * prctl's arguments after the option are unsigned longs, as glibc reads them. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(prctl) int __socklab_prctl(int, unsigned long, unsigned long, unsigned long, unsigned long, int *);
SOCKLAB_IMPORT(fchdir) int __socklab_fchdir(int, char *, size_t, size_t *);

int prctl(int option, ...) {
  va_list ap;
  va_start(ap, option);
  unsigned long a2 = va_arg(ap, unsigned long), a3 = va_arg(ap, unsigned long), a4 = va_arg(ap, unsigned long), a5 = va_arg(ap, unsigned long);
  va_end(ap);
  int r = 0;
  if (__socklab_ret(__socklab_prctl(option, a2, a3, a4, a5, &r)) < 0) return -1;
  return r;
}

/* The current directory is the kernel's (preopen.c): the host checks the fd as Linux's fchdir does and writes its
 * directory's path, which becomes wasi-libc's too. */
int __socklab_sync_cwd(const char *path);

int fchdir(int fd) {
  char path[PATH_MAX];
  size_t n = 0;
  if (__socklab_ret(__socklab_fchdir(fd, path, sizeof path, &n)) < 0) return -1;
  return __socklab_sync_cwd(path);
}
