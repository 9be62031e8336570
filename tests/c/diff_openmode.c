/* open(2)'s mode and flags as Linux has them (tests/strace-diff.test.ts, tests/openmode.test.ts): open, openat,
 * creat, fopen, mkdir and mkdirat create with mode & ~umask (set-id and sticky bits kept), O_CLOEXEC is the
 * descriptor's FD_CLOEXEC from the open itself, relative paths from the current directory, and the errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test_tmp.h"

static void show(const char *what, const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) printf("%s: stat %s\n", what, strerror(errno));
  else printf("%s: %07o\n", what, (unsigned)st.st_mode);
}
static void res(const char *what, int r) {
  printf("%s: %d %s\n", what, r < 0 ? -1 : r >= 0 && r < 3 ? r : 3, r < 0 ? strerror(errno) : "");
}

int main(void) {
  char f[200], g[200], h[200], d[200], sd[200], notdir[220];
  tmp_path(f, sizeof f, "om_file");
  tmp_path(g, sizeof g, "om_creat");
  tmp_path(h, sizeof h, "om_excl");
  tmp_path(d, sizeof d, "om_dir");
  tmp_path(sd, sizeof sd, "om_sticky");
  snprintf(notdir, sizeof notdir, "%s/x", f);
  unlink(f), unlink(g), unlink(h), rmdir(sd);

  umask(022);
  int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  res("open 0600", fd);
  show("file", f);
  close(fd);
  fd = open(f, O_RDONLY | O_CLOEXEC);
  printf("O_CLOEXEC: FD_CLOEXEC=%d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC);
  close(fd);
  fd = open(f, O_RDWR | O_APPEND | O_NONBLOCK);
  /* (F_GETFL would differ: Linux adds O_LARGEFILE to every open file's flags.) */
  printf("no O_CLOEXEC: FD_CLOEXEC=%d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC);
  close(fd);
  fd = creat(g, 0640);
  res("creat 0640", fd);
  show("creat", g);
  close(fd);
  fd = openat(AT_FDCWD, h, O_RDWR | O_CREAT | O_EXCL | O_APPEND, 0755);
  res("openat excl 0755", fd);
  show("excl", h);
  close(fd);
  res("openat excl again", openat(AT_FDCWD, h, O_RDWR | O_CREAT | O_EXCL, 0600));
  /* An existing file keeps its mode: O_CREAT's mode is for new files only. */
  fd = open(h, O_WRONLY | O_CREAT, 0600);
  show("existing", h);
  close(fd);
  res("open missing", open("/nonexistent_om/x", O_RDONLY));
  res("open under a file", open(notdir, O_RDONLY));
  res("O_DIRECTORY on a file", open(f, O_RDONLY | O_DIRECTORY));

  res("mkdir 0700", mkdir(d, 0700));
  show("dir", d);
  res("mkdir again", mkdir(d, 0700));
  res("open dir O_WRONLY", open(d, O_WRONLY));
  res("mkdir sticky 01777", mkdir(sd, 01777));
  show("sticky dir", sd);
  int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  res("mkdirat 0751", mkdirat(dfd, "sub", 0751));
  fd = openat(dfd, "x", O_WRONLY | O_CREAT | O_NONBLOCK, 0604);
  res("openat dirfd 0604", fd);
  close(fd);
  res("openat bad dirfd", openat(99, "x", O_RDONLY));
  fd = open(f, O_RDONLY);
  res("openat file dirfd", openat(fd, "x", O_RDONLY));
  close(fd);

  /* Relative paths from the current directory, a stricter umask. */
  chdir(d);
  umask(077);
  fd = open("rel", O_WRONLY | O_CREAT | O_TRUNC, 0666);
  res("relative 0666 umask 077", fd);
  close(fd);
  show("rel", "rel");
  show("sub", "sub");
  show("x", "x");
  res("mkdirat cwd 0777", mkdirat(AT_FDCWD, "sub2", 0777));
  show("sub2", "sub2");
  FILE *fp = fopen("fopened", "w");
  fclose(fp);
  show("fopen", "fopened");
  umask(022);
  unlink("rel"), unlink("x"), unlink("fopened"), rmdir("sub"), rmdir("sub2");
  chdir("..");
  close(dfd);
  rmdir(d), rmdir(sd), unlink(f), unlink(g), unlink(h);
  return 0;
}
