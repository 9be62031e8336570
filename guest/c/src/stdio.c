/* fdopen as glibc makes it: the descriptor's access mode first
 * (fcntl(F_GETFL), a failure such as EBADF returned as is), and EINVAL
 * for a read stream on a descriptor open only for writing; then
 * wasi-libc's own __fdopen (musl's, whose weak fdopen this replaces). musl
 * asks nothing for a read-only stream ("r"); for a stream that writes it
 * asks isatty, whose fd_fdstat_get is already the F_GETFL a trace shows,
 * so that one is not asked twice. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

FILE *__fdopen(int fd, const char *mode);

FILE *fdopen(int fd, const char *mode) {
  if (mode[0] == 'r' && !strchr(mode, '+')) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return NULL;
    if ((fl & O_ACCMODE) == O_WRONLY) {
      errno = EINVAL;
      return NULL;
    }
  }
  return __fdopen(fd, mode);
}
