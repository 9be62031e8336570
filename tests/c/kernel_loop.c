/* Never returns and never makes a syscall: only the wall-clock timeout stops it. */
#include <stdio.h>

int main(void) {
  printf("spinning\n");
  fflush(stdout);
  volatile unsigned long n = 0;
  for (;;) n++;
}
