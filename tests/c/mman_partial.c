/* Parts of a MAP_SHARED|MAP_ANONYMOUS region unmapped in one process stay shared in the other, and the pages a
 * process still maps keep being shared both ways (tests/mman.test.ts). */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  m[0] = 'a'; m[4096] = 'b'; m[8192] = 'c';
  int pf[2]; pipe(pf);
  if (fork() == 0) {
    munmap(m, 4096);
    m[4096] = 'B';
    write(pf[1], "x", 1);
    sleep(0);
    m[8192] = 'C';
    _exit(0);
  }
  char t; read(pf[0], &t, 1);
  printf("%c %c\n", m[0], m[4096]);
  munmap(m + 4096, 4096);
  wait(NULL);
  printf("%c %c\n", m[0], m[8192]);
  return 0;
}
