/* read(2) and write(2) as host calls of their own (host/wasi/core.ts), so a
 * trace shows them as strace shows a native program's: `read(3, "hi", 16)`,
 * not the `readv(3, [{iov_base="hi", iov_len=16}], 1)` that wasi-libc's
 * fd_read makes of them. Linked with --wrap (sdk.json), so libc's own callers
 * of read and write take them too, as glibc's do. */
#include <unistd.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(read) int __socklab_read(int, void *, size_t, size_t *);
SOCKLAB_IMPORT(write) int __socklab_write(int, const void *, size_t, size_t *);

ssize_t __wrap_read(int fd, void *buf, size_t count) {
  size_t n = 0;
  return __socklab_ret(__socklab_read(fd, buf, count, &n)) < 0 ? -1 : (ssize_t)n;
}

ssize_t __wrap_write(int fd, const void *buf, size_t count) {
  size_t n = 0;
  return __socklab_ret(__socklab_write(fd, buf, count, &n)) < 0 ? -1 : (ssize_t)n;
}
