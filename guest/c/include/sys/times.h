/* socklab guest SDK: <sys/times.h>. times(2) as a host call (guest/c/src/times.c,
 * docs/abi.md), in place of wasi-libc's wall-clock emulation (which needs
 * -D_WASI_EMULATED_PROCESS_CLOCKS and its own library). */
#ifndef _SOCKLAB_SYS_TIMES_H
#define _SOCKLAB_SYS_TIMES_H
#include <__typedef_clock_t.h>
#include <__struct_tms.h>
#ifdef __cplusplus
extern "C" {
#endif
clock_t times(struct tms *);
#ifdef __cplusplus
}
#endif
#endif
