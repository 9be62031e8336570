/* open(..., O_CLOEXEC): wasi-libc's open drops the bit (WASI has no
 * close-on-exec), so a descriptor Linux closes at execve would survive it.
 * Linked with --wrap: every open/openat reaches this before wasi-libc's own
 * __wasilibc_nocwd_openat_nomode, which opens without the bit; the new
 * descriptor is then marked FD_CLOEXEC (traced as that fcntl). */
#include <fcntl.h>

int __real___wasilibc_nocwd_openat_nomode(int, const char *, int);

int __wrap___wasilibc_nocwd_openat_nomode(int dirfd, const char *path, int oflag) {
  int fd = __real___wasilibc_nocwd_openat_nomode(dirfd, path, oflag & ~O_CLOEXEC);
  if (fd >= 0 && (oflag & O_CLOEXEC)) fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}
