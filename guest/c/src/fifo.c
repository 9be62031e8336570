/* mkfifo, mkfifoat, mknod and mknodat (docs/abi.md): glibc makes them all
 * mknodat(2), and so does the SDK, with socklab's call that takes Linux's
 * mode (S_IFIFO|0666) and dev as strace prints them. The path is resolved as
 * open.c resolves it (a preopen and a path relative to it), the program's
 * own dirfd and path going along for the trace. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wasi/libc-find-relpath.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(mknodat) int __socklab_mknodat(int, const char *, size_t, unsigned int, unsigned int, int, const char *, size_t);

#define L_AT_FDCWD (-100)

int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev) {
  if (!path) {
    errno = EFAULT;
    return -1;
  }
  char *rel = NULL;
  size_t rel_len = 0;
  int wdir = dirfd;
  if (dirfd != AT_FDCWD && path[0] != '/') {
    rel = strdup(path);
    if (!rel) return -1;
    rel_len = strlen(path);
  } else {
    const char *prefix;
    size_t cap = 0;
    wdir = __wasilibc_find_relpath_alloc(path, &prefix, &rel, &cap, 1);
    /* No preopen holds it: ENOENT is the host's to give (wdir -1), so the call is traced as Linux's. */
    if (wdir == -1 && errno != ENOENT) return -1;
    if (rel) rel_len = strlen(rel);
  }
  /* Linux's dev_t encoding (glibc's makedev, 32 bits of it: majors and minors below 4096 and 1M). */
  unsigned int major = (unsigned int)(dev >> 8) & 0xfff, minor = (unsigned int)(dev & 0xff) | ((unsigned int)(dev >> 12) & 0xfff00);
  unsigned int ldev = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
  int err = __socklab_mknodat(dirfd == AT_FDCWD ? L_AT_FDCWD : dirfd, path, strlen(path), mode, ldev, wdir, rel ? rel : "", rel_len);
  free(rel);
  return __socklab_ret(err);
}

int mknod(const char *path, mode_t mode, dev_t dev) { return mknodat(AT_FDCWD, path, mode, dev); }

int mkfifoat(int dirfd, const char *path, mode_t mode) { return mknodat(dirfd, path, mode | S_IFIFO, 0); }

int mkfifo(const char *path, mode_t mode) { return mkfifoat(AT_FDCWD, path, mode); }
