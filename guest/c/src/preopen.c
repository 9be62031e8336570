/* Linux's fd numbers: the first fd a program opens is 3. WASI puts the
 * preopened "/" at fd 3 and wasi-libc finds it by scanning fd_prestat_get
 * from 3 up; for a module built with this SDK socklab places "/" at the top
 * of the fd table instead (host/wasi/files.ts installPreopen), and this file
 * registers it with wasi-libc the first time a path finds no preopen,
 * through socklab.preopen: nothing runs at startup.
 *
 * The hook is __wasilibc_find_relpath_alloc, which wasi-libc's preopens.c
 * calls (a weak reference) for every path when it is linked; the SDK links
 * it with -Wl,-u (guest/c/sdk.json). wasi-libc defines it beside chdir(),
 * so chdir() is defined here too. The current directory is the kernel's
 * (host/wasi/cwd.ts: fork copies it, execve keeps it); wasi-libc's
 * __wasilibc_cwd, which relative paths are joined to, follows it: chdir,
 * fchdir and getcwd hand the kernel's path back, and so does the preopen
 * call at an image's first path (an image exec'd after a chdir). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/libc.h>
#include <wasi/libc-find-relpath.h>
#include "socklab_imports.h"

extern char *__wasilibc_cwd;
static int cwd_owned;
int __socklab_set_cwd(char *cwd);
int __socklab_sync_cwd(const char *path);
SOCKLAB_IMPORT(chdir) int __socklab_chdir(const char *, char *, size_t, size_t *);
SOCKLAB_IMPORT(getcwd) int __socklab_getcwd(char *, size_t, size_t *);

/* Length of path joined to the current directory (with its NUL), when relative. */
static size_t absolute_len(const char *path) {
  return strlen(__wasilibc_cwd) + 1 + strlen(path) + 1;
}
/* path joined to the current directory into buf (absolute_len bytes) when relative. */
static const char *absolute(const char *path, char *buf) {
  if (path[0] == '/') return path;
  if (path[0] == 0 || strcmp(path, ".") == 0 || strcmp(path, "./") == 0) return __wasilibc_cwd;
  while (path[0] == '.' && path[1] == '/') path += 2;
  size_t cl = strlen(__wasilibc_cwd), pl = strlen(path);
  int slash = cl == 0 || __wasilibc_cwd[cl - 1] != '/';
  memcpy(buf, __wasilibc_cwd, cl);
  if (slash) buf[cl] = '/';
  memcpy(buf + cl + slash, path, pl + 1);
  return buf;
}

/* No static state here: this object is always linked (-Wl,-u), and data of
 * its own would move the heap of every SDK program. Whether "/" is
 * registered is wasi-libc's table itself: nothing matches until it is. */
int __wasilibc_find_relpath_alloc(const char *path, const char **abs_prefix, char **relative_buf, size_t *relative_buf_len, int can_realloc) {
  char buf[path[0] == '/' ? 1 : absolute_len(path)];
  const char *abs = absolute(path, buf);
  const char *rel;
  int fd = __wasilibc_find_abspath(abs, abs_prefix, &rel);
  if (fd == -1) {
    int root;
    char cwd[PATH_MAX];
    size_t n;
    if (__socklab_preopen_cwd(&root, cwd, sizeof cwd, &n) != 0) {
      errno = ENOENT;
      return -1;
    }
    __wasilibc_register_preopened_fd(root, "/");
    if (strcmp(cwd, __wasilibc_cwd) != 0 && __socklab_sync_cwd(cwd) != 0) return -1;
    /* The path was joined to the image's first idea of the current directory ("/"). */
    if (path[0] != '/') return __wasilibc_find_relpath_alloc(path, abs_prefix, relative_buf, relative_buf_len, can_realloc);
    fd = __wasilibc_find_abspath(abs, abs_prefix, &rel);
    if (fd == -1) return -1;
  }
  /* Linux: an empty path names nothing, not the current directory. Passed on
   * empty, so the host says ENOENT (wasi-libc would turn a failure here into
   * ENOTCAPABLE). */
  if (path[0] == 0) rel = "";
  size_t n = strlen(rel) + 1;
  if (*relative_buf_len < n) {
    if (!can_realloc) {
      errno = ERANGE;
      return -1;
    }
    char *nb = realloc(*relative_buf, n);
    if (!nb) {
      errno = ENOMEM;
      return -1;
    }
    *relative_buf = nb;
    *relative_buf_len = n;
  }
  memcpy(*relative_buf, rel, n);
  return fd;
}

int chdir(const char *path) {
  char cwd[PATH_MAX];
  size_t n;
  if (__socklab_ret(__socklab_chdir(path, cwd, sizeof cwd, &n)) < 0) return -1;
  return __socklab_sync_cwd(cwd);
}

/* glibc's getcwd: the syscall into buf (or a PATH_MAX buffer, trimmed, for getcwd(NULL, 0)); EINVAL for a size of 0
 * with a buffer, before any call. The kernel's answer is wasi-libc's current directory from then on. */
char *__wrap_getcwd(char *buf, size_t size) {
  char *own = NULL;
  int trim = !buf && size == 0;
  if (!buf) {
    size_t cap = size ? size : PATH_MAX;
    if (!(own = malloc(cap))) {
      errno = ENOMEM;
      return NULL;
    }
    buf = own;
    size = cap;
  } else if (size == 0) {
    errno = EINVAL;
    return NULL;
  }
  size_t n;
  if (__socklab_ret(__socklab_getcwd(buf, size, &n)) < 0) {
    free(own);
    return NULL;
  }
  if (strcmp(buf, __wasilibc_cwd) != 0 && __socklab_sync_cwd(buf) != 0) {
    free(own);
    return NULL;
  }
  if (trim) {
    char *t = realloc(own, n);
    if (t) buf = t;
  }
  return buf;
}

/* Makes a copy of the kernel's path (chdir, fchdir, getcwd, an image's first path) wasi-libc's current directory. */
int __socklab_sync_cwd(const char *path) {
  char *cwd = strdup(path);
  if (!cwd) {
    errno = ENOMEM;
    return -1;
  }
  return __socklab_set_cwd(cwd);
}

/* Makes cwd (malloc'd, absolute) the current directory: chdir, and fchdir (prctl.c). */
int __socklab_set_cwd(char *cwd) {
  char *old = __wasilibc_cwd;
  __wasilibc_cwd = cwd;
  if (cwd_owned) free(old);
  cwd_owned = 1;
  return 0;
}
