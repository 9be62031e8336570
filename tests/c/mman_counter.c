/* A counter shared by a parent and its forked children (UNP vol. 2 ch. 12, APUE 15.9): in MAP_SHARED|MAP_ANONYMOUS
 * memory ("anon"), a MAP_SHARED mapping of /dev/zero ("zero") or of a file ("file", whose bytes read(2) then
 * shows). Three children each add in turn (waitpid orders them), then parent and a child take turns through
 * two pipes while both run; a MAP_PRIVATE page beside it stays each process's own (tests/mman.test.ts). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "anon";
  int fd = -1, flags = MAP_SHARED;
  char path[200];
  if (!strcmp(mode, "zero")) fd = open("/dev/zero", O_RDWR);
  else if (!strcmp(mode, "file")) {
    tmp_path(path, sizeof path, "mm_counter");
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, 4096);
  } else flags |= MAP_ANONYMOUS;
  volatile long *n = mmap(NULL, 4096, PROT_READ | PROT_WRITE, flags, fd, 0);
  volatile long *own = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (n == MAP_FAILED || own == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  if (fd >= 0) close(fd);
  *n = 1;
  for (int i = 0; i < 3; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      for (int k = 0; k < 1000; k++) (*n)++;
      *own = 100 + i;
      _exit(0);
    }
    waitpid(pid, NULL, 0);
    (*n) *= 2;
    printf("after child %d: %ld (own %ld)\n", i, *n, *own);
  }
  int up[2], down[2];
  pipe(up);
  pipe(down);
  char t = 'x';
  pid_t pid = fork();
  if (pid == 0) {
    for (int k = 0; k < 5; k++) {
      read(down[0], &t, 1);
      *n += 10;
      write(up[1], &t, 1);
    }
    _exit(0);
  }
  for (int k = 0; k < 5; k++) {
    *n += 1;
    write(down[1], &t, 1);
    read(up[0], &t, 1);
    printf("turn %d: %ld\n", k, *n);
  }
  waitpid(pid, NULL, 0);
  if (!strcmp(mode, "file")) {
    long v = 0;
    fd = open(path, O_RDONLY);
    pread(fd, &v, sizeof v, 0);
    printf("file holds: %ld\n", v);
    close(fd);
    unlink(path);
  }
  printf("final: %ld\n", *n);
  munmap((void *)n, 4096);
  return 0;
}
