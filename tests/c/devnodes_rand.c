/* /dev/urandom and /dev/random under socklab (tests/devnodes.test.ts): bytes from the run's seeded generator,
 * printed in hex; a forked child reads its own. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void dump(const char *what, const char *path, int n) {
  unsigned char b[32];
  int fd = open(path, O_RDONLY);
  if (fd < 0 || read(fd, b, n) != n) {
    printf("%s: failed\n", what);
    return;
  }
  printf("%s:", what);
  for (int i = 0; i < n; i++) printf(" %02x", b[i]);
  printf("\n");
  close(fd);
}

int main(void) {
  dump("urandom", "/dev/urandom", 32);
  dump("random", "/dev/random", 16);
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    dump("child", "/dev/urandom", 16);
    return 0;
  }
  waitpid(c, NULL, 0);
  return 0;
}
