/* APUE 14.8's file copy through two mappings: the source mapped PROT_READ, the destination grown with
 * ftruncate and mapped MAP_SHARED, memcpy in chunks, munmap; then the copy read back with read(2), and a
 * forked child's store through a shared mapping it never unmaps, which its exit writes back for the parent's
 * pread and mapping to see (tests/mman.test.ts). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define COPYINCR (16 * 4096)

int main(void) {
  char src[200], dst[200];
  tmp_path(src, sizeof src, "mm_src");
  tmp_path(dst, sizeof dst, "mm_dst");
  int fdin = open(src, O_RDWR | O_CREAT | O_TRUNC, 0644);
  static char buf[100000];
  for (int i = 0; i < (int)sizeof buf; i++) buf[i] = "0123456789abcdef"[(i * 7) % 16];
  write(fdin, buf, sizeof buf);
  int fdout = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0644);
  off_t size = sizeof buf;
  if (ftruncate(fdout, size) < 0) return 1;
  off_t fsz = 0;
  while (fsz < size) {
    size_t copysz = size - fsz > COPYINCR ? COPYINCR : size - fsz;
    void *s = mmap(0, copysz, PROT_READ, MAP_SHARED, fdin, fsz);
    void *d = mmap(0, copysz, PROT_READ | PROT_WRITE, MAP_SHARED, fdout, fsz);
    if (s == MAP_FAILED || d == MAP_FAILED) {
      perror("mmap");
      return 1;
    }
    memcpy(d, s, copysz);
    munmap(s, copysz);
    munmap(d, copysz);
    fsz += copysz;
  }
  static char back[100000];
  lseek(fdout, 0, SEEK_SET);
  ssize_t n = read(fdout, back, sizeof back);
  printf("copied %ld bytes, equal: %d\n", (long)n, memcmp(buf, back, sizeof buf) == 0);
  /* A child's store through a shared file mapping it never unmaps: its exit writes it back. */
  char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fdout, 0);
  pid_t pid = fork();
  if (pid == 0) {
    memcpy(m, "child was here", 14);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  char head[15] = {0};
  pread(fdout, head, 14, 0);
  printf("after the child: %s / mapping: %.14s\n", head, m);
  unlink(src);
  unlink(dst);
  return 0;
}
