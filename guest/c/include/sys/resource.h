/* socklab guest SDK: <sys/resource.h>. wasi-libc refuses it unless
 * _WASI_EMULATED_PROCESS_CLOCKS is defined; socklab programs include it
 * for struct rusage (wait3, wait4), so it is defined here. */
#ifndef _WASI_EMULATED_PROCESS_CLOCKS
#define _WASI_EMULATED_PROCESS_CLOCKS
#endif
#include_next <sys/resource.h>
