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
/* wasi-libc's O_NOCTTY is 0; the SDK's open() passes this bit on as Linux's
 * O_NOCTTY, so the trace shows it as strace does (syslog's LOG_CONS open). */
#undef O_NOCTTY
#define O_NOCTTY 0x00800000
/* Signal-driven I/O (docs/abi.md): O_ASYNC is another bit open() ignores;
 * socklab's fcntl() translates it to Linux's 0x2000 (strace's FASYNC). */
#ifndef O_ASYNC
#define O_ASYNC 0x40000000
#endif
#ifndef FASYNC
#define FASYNC O_ASYNC
#endif
/* POSIX record locks (Linux's numbers; wasi-libc has struct flock but no
 * commands): fcntl(fd, F_SETLKW, &fl) with l_type F_RDLCK, F_WRLCK or F_UNLCK. */
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif
#define F_SETOWN 8
#define F_GETOWN 9
#define F_SETSIG 10
#define F_GETSIG 11
#define F_SETOWN_EX 15
#define F_GETOWN_EX 16
#define F_OWNER_TID 0
#define F_OWNER_PID 1
#define F_OWNER_PGRP 2
#define F_OWNER_GID 2
struct f_owner_ex {
  int type;
  int pid;
};
#endif

/* fchownat's AT_EMPTY_PATH, Linux's value (guest/c/src/owners.c passes it through; wasi-libc leaves it out). */
#if (defined(_GNU_SOURCE) || defined(_BSD_SOURCE)) && !defined(AT_EMPTY_PATH)
#define AT_EMPTY_PATH 0x1000
#endif
