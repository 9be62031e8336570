/* The file calls' arguments as strace -yy decodes them (tests/strace-diff.test.ts): lseek's whence (SEEK_SET,
 * SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE, an unknown one), fstat/stat's record, ftruncate, fsync, fdatasync,
 * getdents64, unlinkat (0, AT_REMOVEDIR), renameat, readlinkat, utimensat (UTIME_NOW, UTIME_OMIT), and their
 * error cases (EBADF, ENOENT, EINVAL). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test_tmp.h"
#ifndef SEEK_DATA /* wasi-libc has no names for them: Linux's values */
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

static void res(const char *what, long r) {
  printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

int main(void) {
  char f[200], g[200], d[200], missing[220], link[200];
  tmp_path(f, sizeof f, "dec_file_f");
  tmp_path(g, sizeof g, "dec_file_g");
  tmp_path(d, sizeof d, "dec_file_d");
  tmp_path(link, sizeof link, "dec_file_l");
  snprintf(missing, sizeof missing, "%s/dec_file_missing", tmp_dir());
  /* unlinkat, not unlink/rmdir: glibc's are their own syscalls, wasi-libc's are unlinkat */
  unlinkat(AT_FDCWD, f, 0); unlinkat(AT_FDCWD, g, 0); unlinkat(AT_FDCWD, link, 0); unlinkat(AT_FDCWD, d, AT_REMOVEDIR);

  int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
  res("write", write(fd, "hello", 5));
  res("lseek set", lseek(fd, 0, SEEK_SET));
  res("lseek cur", lseek(fd, 2, SEEK_CUR));
  res("lseek end", lseek(fd, -1, SEEK_END));
  res("lseek data", lseek(fd, 0, SEEK_DATA));
  res("lseek hole", lseek(fd, 0, SEEK_HOLE));
  res("lseek bad whence", lseek(fd, 0, 7));
  res("lseek negative", lseek(fd, -10, SEEK_SET));
  res("lseek ebadf", lseek(99, 0, SEEK_SET));

  struct stat st;
  res("fstat", fstat(fd, &st));
  res("fstat ebadf", fstat(99, &st));
  res("stat", stat(f, &st));
  res("stat enoent", stat(missing, &st));
  res("mkdir", mkdir(d, 0755));
  res("stat dir", stat(d, &st));
  res("stat dev", stat("/dev/null", &st));

  DIR *dir = opendir(d);
  int n = 0;
  while (dir && readdir(dir)) n++;
  res("readdir entries", n);
  if (dir) closedir(dir);

  res("ftruncate", ftruncate(fd, 3));
  res("ftruncate einval", ftruncate(fd, -1));
  res("ftruncate ebadf", ftruncate(99, 0));
  res("fsync", fsync(fd));
  res("fsync ebadf", fsync(99));
  res("fdatasync", fdatasync(fd));
  res("fdatasync ebadf", fdatasync(99));

  /* Set times, not UTIME_NOW/UTIME_OMIT: the SDK's futimens refuses those itself (EINVAL, no call). */
  struct timespec ts[2] = {{1, 2}, {3, 0}};
  res("futimens", futimens(fd, ts));
  res("futimens ebadf", futimens(99, ts));
  res("utimensat", utimensat(AT_FDCWD, f, ts, AT_SYMLINK_NOFOLLOW));
  res("utimensat enoent", utimensat(AT_FDCWD, missing, ts, 0));

  res("renameat", renameat(AT_FDCWD, f, AT_FDCWD, g));
  res("renameat enoent", renameat(AT_FDCWD, missing, AT_FDCWD, f));
  res("symlink", symlink("dec_file_g", link));
  char buf[64];
  res("readlinkat", readlinkat(AT_FDCWD, link, buf, sizeof buf));
  res("readlinkat einval", readlinkat(AT_FDCWD, g, buf, sizeof buf));
  res("readlinkat enoent", readlinkat(AT_FDCWD, missing, buf, sizeof buf));

  res("unlinkat", unlinkat(AT_FDCWD, g, 0));
  res("unlinkat link", unlinkat(AT_FDCWD, link, 0));
  res("unlinkat enoent", unlinkat(AT_FDCWD, missing, 0));
  res("unlinkat eisdir", unlinkat(AT_FDCWD, d, 0));
  res("unlinkat rmdir", unlinkat(AT_FDCWD, d, AT_REMOVEDIR));
  res("close", close(fd));
  return 0;
}
