/* File operations in a directory (argv[1], default /tmp): create, write,
 * read, seek, stat, rename, readdir, unlink, mkdir/rmdir, and the errors
 * Linux gives for the wrong ones. One line per check. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[512];
static const char *at(const char *dir, const char *name) { snprintf(path, sizeof path, "%s/%s", dir, name); return path; }
static void check(const char *what, int ok) { printf("%s: %s\n", what, ok ? "ok" : strerror(errno)); }
static void expect_err(const char *what, int r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "unexpected success"); }

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "/tmp";
  int fd = open(at(dir, "a.txt"), O_CREAT | O_TRUNC | O_RDWR, 0644);
  check("create a.txt", fd >= 0);
  check("write 11 bytes", write(fd, "hello world", 11) == 11);
  check("seek to 6", lseek(fd, 6, SEEK_SET) == 6);
  char buf[32] = {0};
  check("read 5 after seek", read(fd, buf, sizeof buf) == 5 && !strcmp(buf, "world"));
  check("seek end", lseek(fd, 0, SEEK_END) == 11);
  check("pwrite at 0", pwrite(fd, "J", 1, 0) == 1);
  memset(buf, 0, sizeof buf);
  check("pread 5 at 0", pread(fd, buf, 5, 0) == 5 && !strcmp(buf, "Jello"));
  struct stat st;
  check("fstat size 11 regular", fstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode));
  check("ftruncate 4", ftruncate(fd, 4) == 0 && fstat(fd, &st) == 0 && st.st_size == 4);
  check("close", close(fd) == 0);
  expect_err("close again", close(fd));

  fd = open(at(dir, "a.txt"), O_WRONLY | O_APPEND);
  check("append", fd >= 0 && write(fd, "!!", 2) == 2 && close(fd) == 0);
  check("stat after append", stat(at(dir, "a.txt"), &st) == 0 && st.st_size == 6);
  expect_err("create exclusive existing", open(at(dir, "a.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644));
  expect_err("open missing", open(at(dir, "missing.txt"), O_RDONLY));
  char b2[512];
  snprintf(b2, sizeof b2, "%s/a.txt/x", dir);
  expect_err("path through a file", open(b2, O_RDONLY));

  check("mkdir sub", mkdir(at(dir, "sub"), 0755) == 0);
  expect_err("mkdir sub again", mkdir(at(dir, "sub"), 0755));
  snprintf(b2, sizeof b2, "%s/sub/b.txt", dir);
  check("rename into sub", rename(at(dir, "a.txt"), b2) == 0);
  expect_err("stat old name", stat(at(dir, "a.txt"), &st));
  check("stat new name", stat(b2, &st) == 0 && st.st_size == 6);
  expect_err("rmdir non-empty", rmdir(at(dir, "sub")));
  expect_err("unlink a directory", unlink(at(dir, "sub")));
  expect_err("write to a directory", open(at(dir, "sub"), O_WRONLY));

  DIR *d = opendir(at(dir, "sub"));
  check("opendir", d != NULL);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) { printf("entry: %s\n", e->d_name); n++; }
  if (d) closedir(d);
  printf("entries: %d\n", n);

  check("symlink", symlink("sub/b.txt", at(dir, "link")) == 0);
  char target[64] = {0};
  check("readlink", readlink(at(dir, "link"), target, sizeof target - 1) == 9 && !strcmp(target, "sub/b.txt"));
  check("stat through link", stat(at(dir, "link"), &st) == 0 && st.st_size == 6);
  check("lstat link", lstat(at(dir, "link"), &st) == 0 && S_ISLNK(st.st_mode));
  check("unlink link", unlink(at(dir, "link")) == 0);
  check("unlink file", unlink(b2) == 0);
  check("rmdir sub", rmdir(at(dir, "sub")) == 0);
  expect_err("rmdir missing", rmdir(at(dir, "sub")));
  return 0;
}
