/* fork(), the wait family, getpid() and getppid() on socklab's host calls
 * (docs/abi.md). fork suspends the caller; the host copies the process and
 * both return from the same call: the child's pid in the parent, 0 in the
 * child. */
#define _WASI_EMULATED_PROCESS_CLOCKS
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(fork) int __socklab_fork(int *);
SOCKLAB_IMPORT(wait4) int __socklab_wait4(int, int *, int, void *, int *);
SOCKLAB_IMPORT(getpid) int __socklab_getpid(int *);
SOCKLAB_IMPORT(getppid) int __socklab_getppid(int *);

/* glibc decides how stdout is buffered at its first use: by lines on a
 * terminal, else in blocks of st_blksize (4096 for a pipe). wasi-libc's
 * musl writes the first line out before it looks, so a program whose
 * output goes to a pipe or a file printed that line once where Linux holds
 * it: APUE 8.3's printf before fork() prints twice there. Decided before
 * main, as glibc's first printf would, leaving errno as main expects it. */
static unsigned char stdout_buf[4096 + 8];
static void __socklab_stdout_buffering(void) {
  int saved = errno;
  if (!isatty(STDOUT_FILENO)) setvbuf(stdout, (char *)stdout_buf, _IOFBF, sizeof stdout_buf);
  errno = saved;
}

/* socklab grows the pages where it saves a suspended call's stack past the
 * guest's memory at its first blocking call (host/kernel/process.ts). The
 * malloc of an older wasi-libc (Debian's) takes all the memory there is at
 * its first call, from __heap_base up, as its initial heap: started before
 * main, it never takes those pages. The SDK links this object always
 * (-Wl,-u,__socklab_heap_first in guest/c/sdk.json), and `used` keeps the
 * constructor through wasm-ld's --gc-sections: -u alone loads the object but
 * drops a constructor nothing else reaches, so a program calling nothing of
 * this file (no fork, wait, getpid) ran without it, its heap overlapping
 * those pages. Freed at once, the block goes back to the top chunk, so no
 * address moves. */
__attribute__((constructor, used)) void __socklab_heap_first(void) {
  /* volatile: clang drops a malloc whose block is only freed. */
  void *volatile p = malloc(1);
  free(p);
  __socklab_stdout_buffering();
}

pid_t fork(void) {
  int pid = -1;
  int err = __socklab_fork(&pid);
  if (err) { errno = err; return -1; }
  return pid;
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru) {
  int got = -1;
  /* socklab counts no per-process resource usage: a zeroed rusage. */
  if (ru) memset(ru, 0, sizeof *ru);
  int err = __socklab_wait4(pid, status, options, ru, &got);
  if (err) { errno = err; return -1; }
  return got;
}
pid_t wait3(int *status, int options, struct rusage *ru) { return wait4(-1, status, options, ru); }
pid_t waitpid(pid_t pid, int *status, int options) { return wait4(pid, status, options, 0); }
pid_t wait(int *status) { return wait4(-1, status, 0, 0); }

pid_t getpid(void) {
  int pid = 0;
  __socklab_getpid(&pid);
  return pid;
}
/* getuid and the other credential calls: guest/c/src/creds.c. */

pid_t getppid(void) {
  int pid = 0;
  __socklab_getppid(&pid);
  return pid;
}
