/* socklab guest SDK: <sys/sendfile.h>. sendfile(2) as a host call (docs/abi.md);
 * off_t is 64 bits on wasm32, so sendfile64 is the same call, as on a 64-bit glibc. */
#ifndef _SOCKLAB_SYS_SENDFILE_H
#define _SOCKLAB_SYS_SENDFILE_H
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
ssize_t sendfile64(int out_fd, int in_fd, off_t *offset, size_t count);
#ifdef __cplusplus
}
#endif
#endif
