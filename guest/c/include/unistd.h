/* socklab guest SDK: <unistd.h>. wasi-libc's, plus the process calls
 * socklab provides (docs/abi.md): fork, getpid, getppid. */
#ifndef _WASI_EMULATED_GETPID
#define _WASI_EMULATED_GETPID
#endif
#include_next <unistd.h>
#ifndef _SOCKLAB_UNISTD_H
#define _SOCKLAB_UNISTD_H
#ifdef __cplusplus
extern "C" {
#endif
pid_t fork(void);
pid_t getppid(void);
#ifdef __cplusplus
}
#endif
#endif
