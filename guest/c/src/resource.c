/* getrlimit, setrlimit, prlimit: all three are the prlimit64 system call,
 * as glibc makes them (strace shows prlimit64 for each). */
#include <stddef.h>
#include <sys/resource.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(prlimit64) int __socklab_prlimit64(int, int, const struct rlimit *, struct rlimit *);

int prlimit(pid_t pid, int resource, const struct rlimit *nw, struct rlimit *old) {
  return __socklab_ret(__socklab_prlimit64(pid, resource, nw, old));
}
int getrlimit(int resource, struct rlimit *rl) { return prlimit(0, resource, NULL, rl); }
int setrlimit(int resource, const struct rlimit *rl) { return prlimit(0, resource, rl, NULL); }
