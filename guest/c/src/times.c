/* times(2): one host call (host/kernel/times.ts). */
#include <sys/times.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(times) int __socklab_times(struct tms *, clock_t *);

clock_t times(struct tms *buf) {
  clock_t t = 0;
  if (__socklab_ret(__socklab_times(buf, &t)) < 0) return (clock_t)-1;
  return t;
}
