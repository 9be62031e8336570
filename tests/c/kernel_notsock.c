/* WASI's own socket calls on fds that are not sockets: each answers ENOTSOCK
 * (node:wasi crashed on the first one). */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static const char *name(int e) {
  return e == __WASI_ERRNO_NOTSOCK ? "ENOTSOCK" : e == __WASI_ERRNO_BADF ? "EBADF" : e == 0 ? "success" : strerror(e);
}

int main(void) {
  char buf[8];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  __wasi_roflags_t ro;
  __wasi_fd_t nfd;
  printf("sock_recv on stdin: %s\n", name(__wasi_sock_recv(0, &iov, 1, 0, &n, &ro)));
  printf("sock_send on stdout: %s\n", name(__wasi_sock_send(1, &ciov, 1, 0, &n)));
  printf("sock_accept on the preopened dir: %s\n", name(__wasi_sock_accept(3, 0, &nfd)));
  printf("sock_shutdown on stderr: %s\n", name(__wasi_sock_shutdown(2, __WASI_SDFLAGS_WR)));
  printf("sock_recv on a closed fd: %s\n", name(__wasi_sock_recv(42, &iov, 1, 0, &n, &ro)));
  return 0;
}
