/* pipe, pipe2, dup, dup2, dup3 and fcntl over socklab's
 * host calls (docs/abi.md). The host takes Linux's O_* and F_* values;
 * programs use wasi-libc's O_* (open() hands them to WASI), so flags are
 * translated here, both ways. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <unistd.h>
#include "socklab_imports.h"

#define L_O_WRONLY 1
#define L_O_RDWR 2
#define L_O_APPEND 0x400
#define L_O_NONBLOCK 0x800
#define L_O_ASYNC 0x2000
#define L_O_CLOEXEC 0x80000

static int to_linux(int flags) {
  return (flags & O_APPEND ? L_O_APPEND : 0) | (flags & O_NONBLOCK ? L_O_NONBLOCK : 0) | (flags & O_ASYNC ? L_O_ASYNC : 0) | (flags & O_CLOEXEC ? L_O_CLOEXEC : 0);
}

int pipe2(int fds[2], int flags) {
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) {
    errno = EINVAL;
    return -1;
  }
  return __socklab_ret(__socklab_pipe2(fds, to_linux(flags)));
}

int pipe(int fds[2]) {
  return __socklab_ret(__socklab_pipe2(fds, 0));
}

int dup(int fd) {
  int r;
  int err = __socklab_dup(fd, &r);
  return err ? __socklab_ret(err) : r;
}

int dup2(int fd, int newfd) {
  int err = __socklab_dup2(fd, newfd);
  return err ? __socklab_ret(err) : newfd;
}

int dup3(int fd, int newfd, int flags) {
  if (flags & ~O_CLOEXEC) {
    errno = EINVAL;
    return -1;
  }
  int err = __socklab_dup3(fd, newfd, to_linux(flags));
  return err ? __socklab_ret(err) : newfd;
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int arg = 0;
  /* Commands that take an int; the others a pointer (a wasm32 pointer is an int). */
  if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_SETFD || cmd == F_SETFL || cmd == F_SETOWN || cmd == F_SETSIG) arg = va_arg(ap, int);
  /* struct f_owner_ex *, struct flock *. */
  if (cmd == F_SETOWN_EX || cmd == F_GETOWN_EX || cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW) arg = (int)(intptr_t)va_arg(ap, void *);
  va_end(ap);
  /* glibc asks F_GETOWN_EX for F_GETOWN (a group's id would pass for an error), so traces show that call. */
  if (cmd == F_GETOWN) {
    struct f_owner_ex ex;
    int r = fcntl(fd, F_GETOWN_EX, &ex);
    if (r < 0) return r;
    return ex.type == F_OWNER_GID ? -ex.pid : ex.pid;
  }
  /* The status flags, and the access mode the program passed (Linux ignores it; strace prints it: O_RDWR|O_NONBLOCK). */
  if (cmd == F_SETFL) arg = to_linux(arg & (O_APPEND | O_NONBLOCK | O_ASYNC)) | ((arg & O_ACCMODE) == O_RDWR ? L_O_RDWR : (arg & O_ACCMODE) == O_WRONLY ? L_O_WRONLY : 0);
  int r;
  int err = __socklab_fcntl(fd, cmd, arg, &r);
  if (err) return __socklab_ret(err);
  if (cmd == F_GETFL) {
    int acc = (r & 3) == L_O_RDWR ? O_RDWR : (r & 3) == L_O_WRONLY ? O_WRONLY : O_RDONLY;
    return acc | (r & L_O_APPEND ? O_APPEND : 0) | (r & L_O_NONBLOCK ? O_NONBLOCK : 0) | (r & L_O_ASYNC ? O_ASYNC : 0);
  }
  return r;
}


/* ioctl: the requests in <sys/ioctl.h> take a pointer to an int; the host
 * answers the rest with ENOTTY. */
int ioctl(int fd, int req, ...) {
  va_list ap;
  va_start(ap, req);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  return __socklab_ret(__socklab_ioctl(fd, req, arg));
}
