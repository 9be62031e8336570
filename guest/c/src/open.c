/* open, openat, creat and mkdir with their modes (docs/abi.md). WASI's
 * path_open and path_create_directory take no mode, so wasi-libc's open()
 * drops it and a file is made 0666 & ~umask whatever the program asked.
 * These are linked with --wrap (guest/c/sdk.json: the objects that define
 * them in wasi-libc define other calls too, so they cannot simply be
 * replaced) and go to socklab's own calls, which take Linux's flags and the
 * mode, apply O_CLOEXEC themselves and are traced as strace prints them.
 * The path is resolved here as wasi-libc resolves it (a preopen and a path
 * relative to it: __wasilibc_find_relpath_alloc), so every errno of
 * path_open stays; the program's own path and dirfd go along for the trace. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wasi/libc-find-relpath.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(openat) int __socklab_openat(int, const char *, size_t, int, unsigned int, int, const char *, size_t, int *);
SOCKLAB_IMPORT(creat) int __socklab_creat(const char *, size_t, unsigned int, int, const char *, size_t, int *);
SOCKLAB_IMPORT(mkdirat) int __socklab_mkdirat(int, const char *, size_t, unsigned int, int, const char *, size_t);
SOCKLAB_IMPORT(mkdir) int __socklab_mkdir(const char *, size_t, unsigned int, int, const char *, size_t);

int __wasilibc_find_abspath(const char *, const char **, const char **);

/* Linux's (x86-64) open flags. */
#define L_AT_FDCWD (-100)
#define L_O_WRONLY 01
#define L_O_RDWR 02
#define L_O_CREAT 0100
#define L_O_EXCL 0200
#define L_O_NOCTTY 0400
#define L_O_TRUNC 01000
#define L_O_APPEND 02000
#define L_O_NONBLOCK 04000
#define L_O_DSYNC 010000
#define L_O_ASYNC 020000
#define L_O_DIRECTORY 0200000
#define L_O_NOFOLLOW 0400000
#define L_O_CLOEXEC 02000000
#define L_O_SYNC 04010000
#define L_O_PATH 010000000

/* wasi-libc's flags as Linux's; -1 (EINVAL, no call made) for an access
 * mode wasi-libc's openat refuses. */
static int linux_flags(int oflag) {
  int f;
  switch (oflag & O_ACCMODE) {
    case O_RDONLY: f = 0; break;
    case O_WRONLY: f = L_O_WRONLY; break;
    case O_RDWR: f = L_O_RDWR; break;
    case O_EXEC: case O_SEARCH: f = L_O_PATH; break;
    default: return -1;
  }
  if (oflag & O_CREAT) f |= L_O_CREAT;
  if (oflag & O_EXCL) f |= L_O_EXCL;
  if (oflag & O_NOCTTY) f |= L_O_NOCTTY;
  if (oflag & O_TRUNC) f |= L_O_TRUNC;
  if (oflag & O_APPEND) f |= L_O_APPEND;
  if (oflag & O_NONBLOCK) f |= L_O_NONBLOCK;
  if (oflag & (O_SYNC | O_RSYNC)) f |= L_O_SYNC;
  else if (oflag & O_DSYNC) f |= L_O_DSYNC;
  if (oflag & O_ASYNC) f |= L_O_ASYNC;
  if (oflag & O_DIRECTORY) f |= L_O_DIRECTORY;
  if (oflag & O_NOFOLLOW) f |= L_O_NOFOLLOW;
  if (oflag & O_CLOEXEC) f |= L_O_CLOEXEC;
  return f;
}

/* The preopen and relative path a path names (relative ones from dirfd, or
 * the current directory for AT_FDCWD); *rel is malloc'd. -1 with errno when
 * wasi-libc finds none: ENOENT is left to the host (dirfd -1), so the call
 * is traced as Linux's would be. */
static int resolve(int dirfd, const char *path, char **rel, size_t *rel_len) {
  *rel = NULL;
  *rel_len = 0;
  if (dirfd != AT_FDCWD && path[0] != '/') {
    *rel = strdup(path);
    if (!*rel) return -1;
    *rel_len = strlen(path);
    return dirfd;
  }
  const char *prefix;
  size_t cap = 0;
  int fd = __wasilibc_find_relpath_alloc(path, &prefix, rel, &cap, 1);
  if (fd == -1 && errno != ENOENT) return -1;
  if (*rel) *rel_len = strlen(*rel);
  return fd;
}

static mode_t mode_arg(int oflag, va_list ap) {
  /* As glibc, the mode is read only when the call uses it. */
  return (oflag & O_CREAT) ? va_arg(ap, mode_t) : 0;
}

static int do_openat(int dirfd, const char *path, int oflag, mode_t mode, int creat) {
  int flags = linux_flags(oflag);
  if (flags < 0) {
    errno = EINVAL;
    return -1;
  }
  if (!path) {
    errno = EFAULT;
    return -1;
  }
  char *rel;
  size_t rel_len;
  int wdir = resolve(dirfd, path, &rel, &rel_len);
  if (wdir == -1 && errno != ENOENT) return -1;
  const char *r = rel ? rel : "";
  int fd = -1, err;
  size_t len = strlen(path);
  if (creat) err = __socklab_creat(path, len, mode, wdir, r, rel_len, &fd);
  else err = __socklab_openat(dirfd == AT_FDCWD ? L_AT_FDCWD : dirfd, path, len, flags, mode, wdir, r, rel_len, &fd);
  free(rel);
  if (err) {
    errno = err;
    return -1;
  }
  return fd;
}

int __wrap_open(const char *path, int oflag, ...) {
  va_list ap;
  va_start(ap, oflag);
  mode_t mode = mode_arg(oflag, ap);
  va_end(ap);
  return do_openat(AT_FDCWD, path, oflag, mode, 0);
}

int __wrap_openat(int dirfd, const char *path, int oflag, ...) {
  va_list ap;
  va_start(ap, oflag);
  mode_t mode = mode_arg(oflag, ap);
  va_end(ap);
  return do_openat(dirfd, path, oflag, mode, 0);
}

int __wrap_creat(const char *path, mode_t mode) {
  return do_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode, 1);
}

/* fopen, freopen and truncate: Linux's fopen creates with 0666. */
int __wrap___wasilibc_open_nomode(const char *path, int oflag) {
  return do_openat(AT_FDCWD, path, oflag, 0666, 0);
}

/* opendir and the other callers that found their preopen already: the
 * preopened "/" is AT_FDCWD in the trace, with the absolute path. */
int __wrap___wasilibc_nocwd_openat_nomode(int dirfd, const char *path, int oflag) {
  int flags = linux_flags(oflag);
  if (flags < 0) {
    errno = EINVAL;
    return -1;
  }
  const char *prefix, *rest;
  int root = __wasilibc_find_abspath("/", &prefix, &rest);
  int fd = -1, err;
  size_t pl = strlen(path);
  if (root >= 0 && dirfd == root) {
    char abs[pl + 2];
    abs[0] = '/';
    memcpy(abs + 1, path, pl + 1);
    if (pl == 1 && path[0] == '.') abs[1] = 0;
    err = __socklab_openat(L_AT_FDCWD, abs, strlen(abs), flags, 0666, dirfd, path, pl, &fd);
  } else err = __socklab_openat(dirfd, path, pl, flags, 0666, dirfd, path, pl, &fd);
  if (err) {
    errno = err;
    return -1;
  }
  return fd;
}

/* mkdir(2) (at: 0) or mkdirat(2). */
static int do_mkdirat(int at, int dirfd, const char *path, mode_t mode) {
  if (!path) {
    errno = EFAULT;
    return -1;
  }
  char *rel;
  size_t rel_len;
  int wdir = resolve(dirfd, path, &rel, &rel_len);
  if (wdir == -1 && errno != ENOENT) return -1;
  const char *r = rel ? rel : "";
  size_t len = strlen(path);
  int err = !at ? __socklab_mkdir(path, len, mode, wdir, r, rel_len) : __socklab_mkdirat(dirfd == AT_FDCWD ? L_AT_FDCWD : dirfd, path, len, mode, wdir, r, rel_len);
  free(rel);
  return __socklab_ret(err);
}

int __wrap_mkdir(const char *path, mode_t mode) { return do_mkdirat(0, AT_FDCWD, path, mode); }

int __wrap_mkdirat(int dirfd, const char *path, mode_t mode) { return do_mkdirat(1, dirfd, path, mode); }
