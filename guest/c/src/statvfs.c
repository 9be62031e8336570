/* statvfs and fstatvfs as glibc makes them: from statfs/fstatfs (socklab's
 * record, docs/abi.md "Owners and statvfs"), f_flag without ST_VALID,
 * f_favail = f_ffree, f_fsid from the two fsid words. */
#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>
#include "socklab_imports.h"

/* The host's record (host/wasi/ownercalls.ts writes it). */
struct socklab_statfs {
  unsigned int type, bsize;
  unsigned long long blocks, bfree, bavail, files, ffree;
  unsigned int fsid[2], namelen, frsize, flags, pad;
};
_Static_assert(sizeof(struct socklab_statfs) == 72, "socklab's statfs record");

SOCKLAB_IMPORT(statfs) int __socklab_statfs(const char *, struct socklab_statfs *, const char *);
SOCKLAB_IMPORT(fstatfs) int __socklab_fstatfs(int, struct socklab_statfs *);

extern char *__wasilibc_cwd;

#define L_ST_VALID 0x20

static void to_statvfs(const struct socklab_statfs *in, struct statvfs *out) {
  memset(out, 0, sizeof *out);
  out->f_bsize = in->bsize;
  out->f_frsize = in->frsize ? in->frsize : in->bsize;
  out->f_blocks = in->blocks;
  out->f_bfree = in->bfree;
  out->f_bavail = in->bavail;
  out->f_files = in->files;
  out->f_ffree = in->ffree;
  out->f_favail = in->ffree;
  out->f_fsid = in->fsid[0] ^ in->fsid[1];
  out->f_flag = in->flags & ~L_ST_VALID;
  out->f_namemax = in->namelen;
  out->f_type = in->type;
}

int statvfs(const char *restrict path, struct statvfs *restrict buf) {
  struct socklab_statfs s;
  if (!buf) {
    /* glibc's statvfs hands its own buffer to statfs: a NULL result faults in the C library, not the kernel. */
    errno = EFAULT;
    return -1;
  }
  if (__socklab_ret(__socklab_statfs(path, &s, __wasilibc_cwd)) < 0) return -1;
  to_statvfs(&s, buf);
  return 0;
}

int fstatvfs(int fd, struct statvfs *buf) {
  struct socklab_statfs s;
  if (!buf) {
    errno = EFAULT;
    return -1;
  }
  if (__socklab_ret(__socklab_fstatfs(fd, &s)) < 0) return -1;
  to_statvfs(&s, buf);
  return 0;
}
