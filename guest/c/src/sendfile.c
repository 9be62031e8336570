/* sendfile(2) and its 64-bit name: one host call (host/wasi/sendfile.ts). */
#include <sys/sendfile.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(sendfile) int __socklab_sendfile(int, int, off_t *, size_t, size_t *);

ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count) {
  size_t n = 0;
  int r = __socklab_ret(__socklab_sendfile(out_fd, in_fd, offset, count, &n));
  return r < 0 ? -1 : (ssize_t)n;
}
ssize_t sendfile64(int out_fd, int in_fd, off_t *offset, size_t count) { return sendfile(out_fd, in_fd, offset, count); }
