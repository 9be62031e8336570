/* socklab guest SDK: <fcntl.h>. wasi-libc's, with what textbook programs use
 * and WASI leaves out: F_DUPFD, F_DUPFD_CLOEXEC, and an O_CLOEXEC that is not
 * 0, so pipe2(fds, O_CLOEXEC) and dup3 can tell it. The other O_* keep
 * wasi-libc's values (open() passes them to WASI); socklab's fcntl() and
 * pipe2() translate them to Linux's for the host (docs/abi.md). */
#include_next <fcntl.h>
#ifndef _SOCKLAB_FCNTL_H
#define _SOCKLAB_FCNTL_H
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
/* A bit wasi-libc's open() ignores (neither fd flags, oflags, nor access). */
#undef O_CLOEXEC
#define O_CLOEXEC 0x20000000
#endif
