/* Bad pointers and lengths reach the host: each call must fail with EFAULT
 * (or EBADF/EINVAL) and the process must go on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#define BAD ((void *)0xfffffff0u)

static void show(const char *what, int r) { printf("%s: %s\n", what, r ? strerror(r) : "ok"); }

int main(void) {
  size_t n;
  __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
  show("fd_write bad iovec array", __wasi_fd_write(1, BAD, 1, &n));
  __wasi_ciovec_t badbuf = {(const uint8_t *)BAD, 100};
  show("fd_write bad buffer", __wasi_fd_write(1, &badbuf, 1, &n));
  __wasi_ciovec_t huge = {(const uint8_t *)"x", 0x7ffffff0u};
  show("fd_write length past memory", __wasi_fd_write(1, &huge, 1, &n));
  show("fd_write bad nwritten", __wasi_fd_write(1, &iov, 1, BAD));
  show("fd_write bad fd", __wasi_fd_write(99, &iov, 1, &n));
  __wasi_timestamp_t t;
  show("clock_time_get bad out", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, BAD));
  show("clock_time_get bad clock", __wasi_clock_time_get(77, 1, &t));
  show("random_get bad buffer", __wasi_random_get(BAD, 64));
  show("args_sizes_get bad out", __wasi_args_sizes_get(BAD, BAD));
  errno = 0;
  ssize_t r = read(0, BAD, 32);
  printf("read into bad buffer: %zd %s\n", r, strerror(errno));
  printf("still alive\n");
  return 0;
}
