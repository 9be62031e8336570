/* File modes over socklab's host calls (docs/abi.md): umask, chmod, fchmod,
 * fchmodat, and stat()'s st_mode with its permission bits. WASI preview1's
 * filestat has no mode: socklab writes Linux's st_mode into the padding
 * after its filetype (offset 20, 0 when unknown; a device's st_rdev at 17
 * and 18), and this file's fstat and
 * __wasilibc_nocwd_fstatat (which stat, lstat and fstatat reach) replace
 * wasi-libc's, which make st_mode from the filetype alone. They call
 * socklab's fstat and fstatat (WASI's, plus st_uid and st_gid written to a
 * second buffer: the filestat has no room left; guest/c/src/owners.c). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <wasi/api.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(umask) int __socklab_umask(unsigned int, unsigned int *);
SOCKLAB_IMPORT(chmod) int __socklab_chmod(const char *, unsigned int, const char *);
SOCKLAB_IMPORT(fchmod) int __socklab_fchmod(int, unsigned int);
SOCKLAB_IMPORT(fchmodat) int __socklab_fchmodat(int, const char *, unsigned int, int, const char *);
SOCKLAB_IMPORT(fstat) int __socklab_fstat(int, __wasi_filestat_t *, unsigned int owner[2]);
SOCKLAB_IMPORT(fstatat) int __socklab_fstatat(int, int, const char *, size_t, __wasi_filestat_t *, unsigned int owner[2]);

/* wasi-libc's current directory (relative paths are the host's to resolve from it). */
extern char *__wasilibc_cwd;

#define L_AT_FDCWD (-100)
#define L_AT_SYMLINK_NOFOLLOW 0x100

mode_t umask(mode_t mask) {
  unsigned int old = 0;
  __socklab_umask(mask, &old);
  return old;
}

int chmod(const char *path, mode_t mode) {
  return __socklab_ret(__socklab_chmod(path, mode, __wasilibc_cwd));
}

int fchmod(int fd, mode_t mode) {
  return __socklab_ret(__socklab_fchmod(fd, mode));
}

int fchmodat(int fd, const char *path, mode_t mode, int flag) {
  /* glibc refuses other flags itself, without a system call. */
  if (flag & ~AT_SYMLINK_NOFOLLOW) {
    errno = EINVAL;
    return -1;
  }
  return __socklab_ret(__socklab_fchmodat(fd == AT_FDCWD ? L_AT_FDCWD : fd, path, mode, flag ? L_AT_SYMLINK_NOFOLLOW : 0, __wasilibc_cwd));
}

static struct timespec ts(__wasi_timestamp_t t) {
  return (struct timespec){.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
}

/* wasi-libc's to_public_stat, with the mode and owner socklab adds. */
static void to_stat(const __wasi_filestat_t *in, const unsigned int owner[2], struct stat *out) {
  unsigned int mode;
  memcpy(&mode, (const unsigned char *)in + 20, 4);
  *out = (struct stat){
      .st_dev = in->dev, .st_ino = in->ino, .st_nlink = in->nlink, .st_size = in->size,
      .st_atim = ts(in->atim), .st_mtim = ts(in->mtim), .st_ctim = ts(in->ctim),
      .st_uid = owner[0], .st_gid = owner[1],
  };
  /* A device's major and minor, in the padding after filetype (offsets 17 and 18): musl's makedev for numbers < 256. */
  const unsigned char *pad = (const unsigned char *)in;
  out->st_rdev = ((dev_t)pad[17] << 8) | pad[18];
  if (mode) {
    out->st_mode = mode;
    return;
  }
  switch (in->filetype) {
    case __WASI_FILETYPE_BLOCK_DEVICE: out->st_mode = S_IFBLK; break;
    case __WASI_FILETYPE_CHARACTER_DEVICE: out->st_mode = S_IFCHR; break;
    case __WASI_FILETYPE_DIRECTORY: out->st_mode = S_IFDIR; break;
    case __WASI_FILETYPE_REGULAR_FILE: out->st_mode = S_IFREG; break;
    case __WASI_FILETYPE_SOCKET_DGRAM:
    case __WASI_FILETYPE_SOCKET_STREAM: out->st_mode = S_IFSOCK; break;
    case __WASI_FILETYPE_SYMBOLIC_LINK: out->st_mode = S_IFLNK; break;
  }
}

int fstat(int fd, struct stat *buf) {
  __wasi_filestat_t st;
  memset(&st, 0, sizeof st);
  unsigned int owner[2] = {0, 0};
  int e = __socklab_fstat(fd, &st, owner);
  if (e) {
    errno = e;
    return -1;
  }
  to_stat(&st, owner, buf);
  return 0;
}

int __wasilibc_nocwd_fstatat(int fd, const char *path, struct stat *buf, int flag) {
  __wasi_filestat_t st;
  memset(&st, 0, sizeof st);
  unsigned int owner[2] = {0, 0};
  int e = __socklab_fstatat(fd, flag & AT_SYMLINK_NOFOLLOW ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, strlen(path), &st, owner);
  if (e) {
    errno = e;
    return -1;
  }
  to_stat(&st, owner, buf);
  return 0;
}
