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
/* Newer wasi-libcs define chmod, fchmod and fchmodat (failing) in the same
 * object as open() and stat(), so the SDK's cannot take those names at link
 * time: programs call the SDK's under names of its own. */
#define umask __socklab_umask_fn
#define chmod __socklab_chmod_fn
#define fchmod __socklab_fchmod_fn
#define fchmodat __socklab_fchmodat_fn
mode_t umask(mode_t);
int chmod(const char *, mode_t);
int fchmod(int, mode_t);
int fchmodat(int, const char *, mode_t, int);
/* Named pipes (guest/c/src/fifo.c). wasi-libc's S_IFIFO is its S_IFSOCK
 * (WASI has no FIFO); stat's st_mode is Linux's, so S_IFIFO is too (and
 * S_IFMT, made of the S_IF* bits, becomes Linux's 0170000). */
#undef S_IFIFO
#define S_IFIFO 0010000
int mkfifo(const char *, mode_t);
int mkfifoat(int, const char *, mode_t);
int mknod(const char *, mode_t, dev_t);
int mknodat(int, const char *, mode_t, dev_t);
#ifdef __cplusplus
}
#endif
#endif
