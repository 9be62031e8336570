/* The cases a traced clock_gettime's recorder (the fast path that writes a
 * binary record) must leave to the general path, each next to recorded
 * calls: an unknown clock (EINVAL), an out-of-memory and a NULL pointer
 * (EFAULT), the memory grown between two calls (the recorder's view of it
 * stale once), and a child blocked in read (its line unfinished) while the
 * parent's calls are recorded. clock_getres too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

int main(void) {
  struct timespec ts, res;
  __wasi_timestamp_t t;
  for (int i = 0; i < 40; i++) clock_gettime(i % 2 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("unknown clock: %d\n", __wasi_clock_time_get(77, 1, &t));
  printf("unknown clock (res): %d\n", __wasi_clock_res_get(77, &t));
  printf("beyond memory: %d\n", __wasi_clock_time_get(1, 1, (__wasi_timestamp_t *)0x7ffffff0));
  printf("NULL: %d\n", __wasi_clock_time_get(1, 1, NULL));
  /* The heap grows by 8 MiB: wasm memory.grow, every view of the old memory stale. */
  char *big = malloc(8 << 20);
  memset(big, 1, 8 << 20);
  clock_gettime(CLOCK_REALTIME, &ts);
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    char c = 0;
    if (read(fds[0], &c, 1) != 1) _exit(9);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    _exit(c);
  }
  for (int i = 0; i < 20; i++) clock_gettime(CLOCK_MONOTONIC, &ts);
  if (write(fds[1], "\3", 1) != 1) return 1;
  for (int i = 0; i < 5; i++) clock_gettime(CLOCK_MONOTONIC, &ts);
  int st = 0;
  waitpid(pid, &st, 0);
  printf("child %d, heap %d\n", WEXITSTATUS(st), big[100]);
  return 0;
}
