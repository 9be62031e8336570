/* Bad buffer addresses in read/write and their vector forms, against
 * Linux. A range of 0 bytes is never a fault, whatever its address
 * (write(fd, bad, 0) is 0; an empty iovec's base is not looked at). A
 * regular file's readv/writev/preadv/pwritev move what comes before the
 * first unreachable byte (and fail with EFAULT only when that is nothing),
 * while pipes and sockets fail the whole call. A buffer that runs off the
 * end of memory is moved up to that end. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#ifndef __wasm__
#include <sys/mman.h>
#endif
#include "test_tmp.h"

#define BAD ((void *)0xFFFFFF00UL)
#define SHOW(x) do { errno = 0; long r_ = (long)(x); printf("%-44s %ld%s%s\n", #x, r_, r_ < 0 ? " " : "", r_ < 0 ? strerror(errno) : ""); } while (0)

/* 8 bytes that end where memory ends: the last 8 of wasm's linear memory, or of a page whose next page is unmapped. */
static char *edge(void) {
#ifdef __wasm__
  return (char *)(__builtin_wasm_memory_size(0) * 65536 - 8);
#else
  char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(m + 4096, 4096);
  return m + 4096 - 8;
#endif
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char path[256], g[4], big[300];
  memset(big, 'x', sizeof big);
  int f = open(tmp_path(path, sizeof path, "iov_fault.bin"), O_CREAT | O_TRUNC | O_RDWR, 0644);
  int p[2], s[2], d[2];
  pipe(p);
  socketpair(AF_UNIX, SOCK_STREAM, 0, s);
  socketpair(AF_UNIX, SOCK_DGRAM, 0, d);

  printf("-- zero-length ranges at a bad address\n");
  char abc[4] = "abc";
  struct iovec z[2] = {{abc, 3}, {BAD, 0}};
  SHOW(write(p[1], BAD, 0));
  SHOW(write(s[0], BAD, 0));
  SHOW(send(s[0], BAD, 0, 0));
  SHOW(write(f, BAD, 0));
  SHOW(writev(p[1], z, 2));
  SHOW(writev(s[0], z, 2));
  SHOW(writev(d[0], z, 2));
  SHOW(writev(f, z, 2));
  SHOW(read(p[0], BAD, 0));
  SHOW(read(f, BAD, 0));
  SHOW(recv(s[1], BAD, 0, MSG_DONTWAIT));
  SHOW(readv(p[0], z, 2));
  SHOW(readv(s[1], z, 2));
  SHOW(readv(d[1], z, 2));

  printf("-- a good buffer, then a bad one\n");
  struct iovec gb[2] = {{g, 4}, {BAD, 100}};
  struct iovec ggb[3] = {{g, 4}, {g, 4}, {BAD, 100}};
  struct iovec bg[2] = {{BAD, 100}, {g, 4}};
  SHOW(write(f, big, 300));
  SHOW(lseek(f, 0, SEEK_SET));
  SHOW(readv(f, gb, 2));
  SHOW(lseek(f, 0, SEEK_CUR));
  SHOW(writev(f, ggb, 3));
  SHOW(lseek(f, 0, SEEK_CUR));
  SHOW(writev(f, bg, 2));
  SHOW(readv(f, bg, 2));
  SHOW(pwritev(f, ggb, 3, 0));
  SHOW(preadv(f, gb, 2, 0));
  SHOW(writev(p[1], gb, 2));
  SHOW(writev(s[0], gb, 2));
  SHOW(writev(d[0], gb, 2));
  SHOW(write(p[1], big, 10));
  SHOW(readv(p[0], gb, 2));
  SHOW(write(d[0], big, 10));
  SHOW(readv(d[1], gb, 2));

  printf("-- a buffer that runs off the end of memory\n");
  char *e = edge();
  struct iovec ge[2] = {{g, 4}, {e, 100}};
  SHOW(lseek(f, 0, SEEK_SET));
  SHOW(writev(f, ge, 2));
  SHOW(write(f, e, 100));
  SHOW(lseek(f, 0, SEEK_SET));
  SHOW(read(f, e, 100));
  SHOW(readv(f, ge, 2));
  SHOW(lseek(f, 0, SEEK_END));
  unlink(path);
  return 0;
}
