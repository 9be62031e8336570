/* socklab guest SDK: <errno.h>. wasi-libc's numbers stay; Linux errnos WASI
 * has no number for are added from 128 (docs/abi.md). */
#include_next <errno.h>
#ifndef _SOCKLAB_ERRNO_H
#define _SOCKLAB_ERRNO_H
#define ESOCKTNOSUPPORT 128
#define EPFNOSUPPORT 129
#define ESHUTDOWN 130
#define ETOOMANYREFS 131
#define EHOSTDOWN 132
#endif
