/* socklab guest SDK: <unistd.h>. wasi-libc's, plus the calls WASI lacks and
 * socklab provides (docs/abi.md): pipe, pipe2, dup, dup2, dup3, getpid,
 * getppid. */
#include_next <unistd.h>
#ifndef _SOCKLAB_UNISTD_H
#define _SOCKLAB_UNISTD_H
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int dup(int fd);
int dup2(int fd, int newfd);
int dup3(int fd, int newfd, int flags);
pid_t getpid(void);
pid_t getppid(void);

#ifdef __cplusplus
}
#endif
#endif
