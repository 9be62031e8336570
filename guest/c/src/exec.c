/* execve(2) and the exec family on socklab's host call (docs/abi.md): the
 * path is resolved here, as open() resolves it (the preopened "/" and the
 * current directory), and the host reads the module file there and replaces
 * the process's image. execvp/execlp search PATH as glibc does; a file that
 * is not a WebAssembly module fails with ENOEXEC (no /bin/sh fallback: there
 * is no shell). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/libc-find-relpath.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(execve) int __socklab_execve(const char *, size_t, int, const char *, size_t, char *const *, char *const *);

extern char **environ;

int execve(const char *path, char *const argv[], char *const envp[]) {
  const char *prefix;
  char *rel = NULL;
  size_t rel_len = 0;
  /* An empty path names nothing; one under no directory is not there: the host says ENOENT (dirfd -1), so the call is traced. */
  int named = path && *path;
  int dirfd = named ? __wasilibc_find_relpath_alloc(path, &prefix, &rel, &rel_len, 1) : -1;
  if (dirfd == -1 && named && errno != ENOENT) return -1;
  int err = __socklab_execve(path, path ? strlen(path) : 0, dirfd, rel ? rel : "", rel ? strlen(rel) : 0, argv, envp);
  free(rel);
  errno = err;
  return -1;
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

/* glibc's __execvpe: a name without '/' is tried in each PATH entry (an
 * empty entry is the current directory); EACCES is remembered, ENOENT-like
 * failures go on to the next entry, any other error ends the search. */
int execvpe(const char *file, char *const argv[], char *const envp[]) {
  if (!file || !*file) { errno = ENOENT; return -1; }
  if (strchr(file, '/')) return execve(file, argv, envp);
  const char *path = getenv("PATH");
  if (!path) path = "/bin:/usr/bin";
  size_t flen = strlen(file);
  int eacces = 0;
  for (const char *p = path;; ) {
    const char *end = strchrnul(p, ':');
    size_t dlen = (size_t)(end - p);
    char buf[dlen + 1 + flen + 1];
    memcpy(buf, p, dlen);
    size_t at = dlen;
    if (dlen) buf[at++] = '/';
    memcpy(buf + at, file, flen + 1);
    execve(buf, argv, envp);
    switch (errno) {
      case EACCES: eacces = 1; /* fall through */
      case ENOENT: case ESTALE: case ENOTDIR: case ENODEV: case ETIMEDOUT: break;
      default: return -1;
    }
    if (!*end) break;
    p = end + 1;
  }
  if (eacces) errno = EACCES;
  return -1;
}

int execvp(const char *file, char *const argv[]) { return execvpe(file, argv, environ); }

/* The list forms: arguments up to the NULL (execle: then envp). */
#define COLLECT_ARGS(arg0, last)                                  \
  size_t n = 1;                                                   \
  va_list ap;                                                     \
  va_start(ap, arg0);                                             \
  while (va_arg(ap, const char *)) n++;                           \
  va_end(ap);                                                     \
  char *argv[n + 1];                                              \
  argv[0] = (char *)arg0;                                         \
  va_start(ap, arg0);                                             \
  for (size_t i = 1; i <= n; i++) argv[i] = va_arg(ap, char *);   \
  last;                                                           \
  va_end(ap);

int execl(const char *path, const char *arg0, ...) {
  COLLECT_ARGS(arg0, (void)0)
  return execve(path, argv, environ);
}
int execlp(const char *file, const char *arg0, ...) {
  COLLECT_ARGS(arg0, (void)0)
  return execvp(file, argv);
}
int execle(const char *path, const char *arg0, ...) {
  char *const *envp;
  COLLECT_ARGS(arg0, envp = va_arg(ap, char *const *))
  return execve(path, argv, envp);
}
