/* File owners over socklab's host calls (docs/abi.md, "Owners and statvfs"):
 * chown, fchown, lchown, fchownat as Linux's system calls (glibc makes each
 * its own call). stat()'s st_uid and st_gid: guest/c/src/fsmode.c. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(chown) int __socklab_chown(const char *, unsigned int, unsigned int, const char *);
SOCKLAB_IMPORT(lchown) int __socklab_lchown(const char *, unsigned int, unsigned int, const char *);
SOCKLAB_IMPORT(fchown) int __socklab_fchown(int, unsigned int, unsigned int);
SOCKLAB_IMPORT(fchownat) int __socklab_fchownat(int, const char *, unsigned int, unsigned int, int, const char *);

/* wasi-libc's current directory (relative paths are the host's to resolve from it). */
extern char *__wasilibc_cwd;

#define L_AT_FDCWD (-100)
#define L_AT_SYMLINK_NOFOLLOW 0x100
#define L_AT_REMOVEDIR 0x200
#define L_AT_SYMLINK_FOLLOW 0x400
#define L_AT_EMPTY_PATH 0x1000

int chown(const char *path, uid_t uid, gid_t gid) {
  return __socklab_ret(__socklab_chown(path, uid, gid, __wasilibc_cwd));
}

int lchown(const char *path, uid_t uid, gid_t gid) {
  return __socklab_ret(__socklab_lchown(path, uid, gid, __wasilibc_cwd));
}

int fchown(int fd, uid_t uid, gid_t gid) {
  return __socklab_ret(__socklab_fchown(fd, uid, gid));
}

/* wasi-libc's AT_* values as Linux's (the kernel checks the flags: unknown bits are EINVAL there). */
static int linux_at_flags(int f) {
  int out = f & ~(AT_SYMLINK_NOFOLLOW | AT_SYMLINK_FOLLOW | AT_REMOVEDIR | L_AT_EMPTY_PATH);
  if (f & AT_SYMLINK_NOFOLLOW) out |= L_AT_SYMLINK_NOFOLLOW;
  if (f & AT_SYMLINK_FOLLOW) out |= L_AT_SYMLINK_FOLLOW;
  if (f & AT_REMOVEDIR) out |= L_AT_REMOVEDIR;
  if (f & L_AT_EMPTY_PATH) out |= L_AT_EMPTY_PATH;
  return out;
}

int fchownat(int fd, const char *path, uid_t uid, gid_t gid, int flag) {
  return __socklab_ret(__socklab_fchownat(fd == AT_FDCWD ? L_AT_FDCWD : fd, path, uid, gid, linux_at_flags(flag), __wasilibc_cwd));
}
