/* What a program may not do in /dev under socklab (tests/devnodes.test.ts, docs/abi.md "Device files"):
 * Linux lets root create and remove names there; socklab keeps the kernel's names, refusing as it would
 * refuse a non-root user (EACCES), and /dev itself is a mount point (EBUSY). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void res(const char *what, int r) {
  printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  res("create /dev/new", open("/dev/new", O_CREAT | O_WRONLY, 0644));
  res("unlink /dev/null", unlink("/dev/null"));
  res("rename /dev/zero", rename("/dev/zero", "/tmp/zero"));
  res("rename into /dev", rename("/tmp", "/dev/tmp"));
  res("mkdir /dev/d", mkdir("/dev/d", 0755));
  res("symlink /dev/l", symlink("/tmp", "/dev/l"));
  res("link /dev/null", link("/dev/null", "/tmp/null"));
  res("rmdir /dev", rmdir("/dev"));
  res("rename /dev", rename("/dev", "/olddev"));
  int fd = open("/dev/null", O_WRONLY);
  res("open /dev/null", fd >= 0 ? 0 : -1);
  res("write still", (int)write(fd, "x", 1));
  /* /dev/stdout: fd 1's own description (a pipe to the host). */
  int out = open("/dev/stdout", O_WRONLY);
  res("open /dev/stdout", out >= 0 ? 0 : -1);
  dprintf(out, "through /dev/stdout\n");
  res("open /dev/stdin O_NOFOLLOW", open("/dev/stdin", O_RDONLY | O_NOFOLLOW));
  struct stat st, st1;
  res("stat /dev/stdout", stat("/dev/stdout", &st));
  fstat(1, &st1);
  printf("stat /dev/stdout is fd 1's file: %d\n", st.st_ino == st1.st_ino && st.st_dev == st1.st_dev && st.st_mode == st1.st_mode);
  return 0;
}
