/* getrlimit, setrlimit, prlimit: all three are the prlimit64 system call,
 * as glibc makes them (strace shows prlimit64 for each). */
#include <stddef.h>
#include <unistd.h>
#include <sys/resource.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(prlimit64) int __socklab_prlimit64(int, int, const struct rlimit *, struct rlimit *);

int prlimit(pid_t pid, int resource, const struct rlimit *nw, struct rlimit *old) {
  return __socklab_ret(__socklab_prlimit64(pid, resource, nw, old));
}
int getrlimit(int resource, struct rlimit *rl) { return prlimit(0, resource, NULL, rl); }
int setrlimit(int resource, const struct rlimit *rl) { return prlimit(0, resource, rl, NULL); }

/* glibc's: the soft RLIMIT_NOFILE (wasi-libc's sysconf says -1, its getdtablesize is left out). */
int getdtablesize(void) {
  struct rlimit rl;
  return getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 0x7fffffff ? (int)rl.rlim_cur : 0x7fffffff;
}

/* sysconf(_SC_OPEN_MAX) is the soft RLIMIT_NOFILE, as glibc's; the SDK links with --wrap=sysconf, every
 * other name goes to wasi-libc's. */
long __real_sysconf(int);
long __wrap_sysconf(int name) {
  if (name == _SC_OPEN_MAX) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
    return rl.rlim_cur == RLIM_INFINITY ? -1 : (long)rl.rlim_cur;
  }
  return __real_sysconf(name);
}
