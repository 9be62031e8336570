/* mmap(2) and friends as Linux has them (tests/strace-diff.test.ts, tests/mman.test.ts): a file read through
 * a mapping (TLPI 49), MAP_PRIVATE's copy-on-write that never reaches the file, a MAP_SHARED store that
 * read(2) sees at once, msync, partial munmap, /dev/zero, MAP_FIXED inside a mapping, and the errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test_tmp.h"

static void res(const char *what, int r) { printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : ""); }
static void mres(const char *what, void *p) { printf("%s: %s\n", what, p == MAP_FAILED ? strerror(errno) : "ok"); }

int main(void) {
  char f[200];
  tmp_path(f, sizeof f, "mm_file");
  unlink(f);
  int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
  char text[6000];
  for (int i = 0; i < (int)sizeof text; i++) text[i] = 'a' + i % 26;
  write(fd, text, sizeof text);

  /* The marker: the lines compared start here (glibc's start-up maps its libraries first). */
  res("munmap len 0", munmap(NULL, 0));

  /* Reading a file through a private mapping; stores stay in the process. */
  char *p = mmap(NULL, sizeof text, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  mres("private", p);
  printf("private[0..9]: %.10s, [4096]: %c, past the end: %d\n", p, p[4096], p[6500]);
  p[0] = 'X';
  char b[16] = {0};
  pread(fd, b, 10, 0);
  printf("file after a private store: %.10s\n", b);
  res("munmap private", munmap(p, sizeof text));

  /* A shared mapping at an offset: a store reaches read(2) at once, a write(2) reaches the mapping. */
  char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
  mres("shared", s);
  printf("shared[0..4]: %.5s\n", s);
  memcpy(s, "SHARED", 6);
  lseek(fd, 4096, SEEK_SET);
  memset(b, 0, sizeof b);
  read(fd, b, 8);
  printf("read after a shared store: %.8s\n", b);
  pwrite(fd, "written", 7, 4096 + 8);
  printf("mapping after pwrite: %.15s\n", s);
  s[2000] = '!';  /* past the file's end (6000 - 4096 = 1904): not the file's */
  res("msync", msync(s, 4096, MS_SYNC));
  printf("file size: %ld\n", (long)lseek(fd, 0, SEEK_END));
  res("mprotect read", mprotect(s, 4096, PROT_READ));
  res("madvise", madvise(s, 4096, MADV_WILLNEED));
  res("munmap shared", munmap(s, 4096));
  res("munmap again", munmap(s, 4096));
  res("msync unmapped", msync(s, 4096, MS_SYNC));
  res("mprotect unmapped", mprotect(s, 4096, PROT_READ));
  res("madvise unmapped", madvise(s, 4096, MADV_NORMAL));

  /* Anonymous memory: zeroed, partly unmapped, MAP_FIXED over a page of it, MADV_DONTNEED. */
  char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mres("anon", a);
  printf("anon zero: %d %d\n", a[0], a[3 * 4096 - 1]);
  memset(a, 7, 3 * 4096);
  res("munmap middle", munmap(a + 4096, 4096));
  char *fx = mmap(a + 2 * 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0);
  printf("fixed: %s %.3s\n", fx == a + 2 * 4096 ? "in place" : "moved", fx);
  res("madvise dontneed", madvise(a, 4096, MADV_DONTNEED));
  printf("after dontneed: %d\n", a[0]);
  res("munmap rest", munmap(a, 3 * 4096));

  int z = open("/dev/zero", O_RDWR);
  char *zp = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
  mres("/dev/zero", zp);
  printf("zero: %d\n", zp[100]);
  res("munmap zero", munmap(zp, 4096));

  /* Errors. */
  int ro = open(f, O_RDONLY), wo = open(f, O_WRONLY), sv[2], pf[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  pipe(pf);
  int dn = open("/dev/null", O_RDWR);
  mres("len 0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0));
  mres("bad fd", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 99, 0));
  mres("offset 1", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 1));
  mres("no type", mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0));
  mres("both types anon", mmap(NULL, 4096, PROT_READ, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  mres("no type file", mmap(NULL, 4096, PROT_READ, 0, fd, 0));
  mres("shared write on O_RDONLY", mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
  mres("O_WRONLY", mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, wo, 0));
  mres("socket", mmap(NULL, 4096, PROT_READ, MAP_SHARED, sv[0], 0));
  mres("pipe", mmap(NULL, 4096, PROT_READ, MAP_SHARED, pf[0], 0));
  mres("pipe write end", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, pf[1], 0));
  mres("/dev/null", mmap(NULL, 4096, PROT_READ, MAP_SHARED, dn, 0));
  mres("fixed unaligned", mmap((void *)0x10001, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
  char *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
  mres("shared read on O_RDONLY", r);
  res("mprotect write on O_RDONLY", mprotect(r, 4096, PROT_READ | PROT_WRITE));
  res("mprotect bad prot", mprotect(r, 4096, 0x100));
  res("mprotect unaligned", mprotect(r + 1, 4096, PROT_READ));
  res("munmap unaligned", munmap(r + 1, 4096));
  res("msync both", msync(r, 4096, MS_SYNC | MS_ASYNC));
  res("msync bad flag", msync(r, 4096, 8));
  res("madvise bad", madvise(r, 4096, 77));
  res("madvise unaligned", madvise(r + 1, 4096, MADV_NORMAL));
  res("mlockall 0", mlockall(0));
  res("munmap ro", munmap(r, 4096));
  close(fd);
  unlink(f);
  return 0;
}
