/* socklab guest SDK: <sys/resource.h>. wasi-libc refuses it unless
 * _WASI_EMULATED_PROCESS_CLOCKS is defined; socklab programs include it
 * for struct rusage (wait3, wait4), so it is defined here. wasi-libc also
 * leaves out the resource limits ("WASI has none"): socklab has them
 * (docs/abi.md), with Linux's numbers and struct rlimit's 64-bit fields. */
#ifndef _WASI_EMULATED_PROCESS_CLOCKS
#define _WASI_EMULATED_PROCESS_CLOCKS
#endif
#include_next <sys/resource.h>
#ifndef _SOCKLAB_SYS_RESOURCE_H
#define _SOCKLAB_SYS_RESOURCE_H
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef RLIMIT_NOFILE
typedef unsigned long long rlim_t;
struct rlimit {
  rlim_t rlim_cur;
  rlim_t rlim_max;
};
#define RLIM_INFINITY (~0ULL)
#define RLIM_SAVED_CUR RLIM_INFINITY
#define RLIM_SAVED_MAX RLIM_INFINITY
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIMIT_NLIMITS 16
#define RLIM_NLIMITS RLIMIT_NLIMITS
#define RLIM64_INFINITY RLIM_INFINITY
#define rlimit64 rlimit
#define rlim64_t rlim_t
#define getrlimit64 getrlimit
#define setrlimit64 setrlimit
#define prlimit64 prlimit
#endif

int getrlimit(int, struct rlimit *);
int setrlimit(int, const struct rlimit *);
int prlimit(pid_t, int, const struct rlimit *, struct rlimit *);

#ifdef __cplusplus
}
#endif
#endif
