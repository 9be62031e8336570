/* What a broken jump does (tests/setjmp.test.ts): usage: setjmp_bad garbage|returned|evicted|raise
 * garbage: longjmp with a jmp_buf no setjmp filled; returned: into a signal handler that has returned;
 * evicted first|last: to the first or the last of 1100 live jmp_bufs (socklab keeps 1024); raise: si_code of raise() in a handler. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf in_handler;

static void h(int sig) {
  (void)sig;
  if (setjmp(in_handler) != 0) {
    printf("jumped into the returned handler\n");
    exit(3);
  }
}

static void info(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  printf("si_code %d\n", si->si_code);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *what = argc > 1 ? argv[1] : "garbage";
  if (!strcmp(what, "garbage")) {
    jmp_buf b;
    memset(b, 0x5a, sizeof b);
    printf("jumping\n");
    longjmp(b, 1);
  }
  if (!strcmp(what, "returned")) {
    signal(SIGUSR1, h);
    raise(SIGUSR1);
    printf("jumping\n");
    longjmp(in_handler, 1);
  }
  if (!strcmp(what, "evicted")) {
    jmp_buf *bufs = malloc(1100 * sizeof(jmp_buf));
    for (int i = 0; i < 1100; i++)
      if (setjmp(bufs[i]) != 0) {
        printf("jumped\n");
        return 0;
      }
    printf("jumping\n");
    longjmp(bufs[argc > 2 && !strcmp(argv[2], "first") ? 0 : 1099], 1);
  }
  if (!strcmp(what, "raise")) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    return 0;
  }
  printf("jumping to the first\n");
  return 1;
}
