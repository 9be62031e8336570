/* socklab guest SDK: <sys/stat.h>. wasi-libc's, plus the file modes WASI
 * lacks: umask, chmod, fchmod, fchmodat over socklab's host calls, and
 * st_mode's permission bits in stat/fstat/lstat (guest/c/src/fsmode.c,
 * docs/abi.md). */
#include_next <sys/stat.h>
#ifndef _SOCKLAB_SYS_STAT_H
#define _SOCKLAB_SYS_STAT_H
#ifdef __cplusplus
extern "C" {
#endif
mode_t umask(mode_t);
int chmod(const char *, mode_t);
int fchmod(int, mode_t);
int fchmodat(int, const char *, mode_t, int);
#ifdef __cplusplus
}
#endif
#endif
