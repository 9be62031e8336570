// The run's memory budget (--max-total-memory): a process growing past it is
// killed; a fork whose copy would not fit fails with ENOMEM; memory comes back
// when a process exits.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void touch_mib(int n) {
  for (int i = 0; i < n; i++) {
    char *p = malloc(1 << 20);
    if (!p) { printf("malloc failed after %d MiB\n", i); exit(1); }
    memset(p, 1, 1 << 20);
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "grow") == 0) {
    for (int mib = 1;; mib++) {
      touch_mib(1);
      if (mib % 8 == 0) printf("%d MiB\n", mib);
    }
  }
  // fork: a parent holding 12 MiB forks children that hold their copy until told to exit.
  touch_mib(12);
  int go[2];
  if (pipe(go) < 0) return 1;
  int n = 0;
  for (;;) {
    pid_t c = fork();
    if (c < 0) { printf("fork %d: %s\n", n + 1, strerror(errno)); break; }
    if (c == 0) { char b; close(go[1]); read(go[0], &b, 1); _exit(0); }
    n++;
  }
  close(go[0]);
  close(go[1]);
  while (wait(NULL) > 0) {}
  // The children's memory is the run's again.
  pid_t c = fork();
  if (c == 0) _exit(7);
  int st;
  waitpid(c, &st, 0);
  printf("%d children, then one more after they exited: %s\n", n, c > 0 && WEXITSTATUS(st) == 7 ? "ok" : strerror(errno));
  return 0;
}
