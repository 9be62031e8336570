/* socklab guest SDK: <sys/ipc.h>, System V IPC as Linux has it (docs/abi.md).
 * wasi-libc has none. struct ipc_perm is wasm32's: 28 bytes. */
#ifndef _SOCKLAB_SYS_IPC_H
#define _SOCKLAB_SYS_IPC_H
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ipc_perm {
  key_t __key;
  uid_t uid;
  gid_t gid;
  uid_t cuid;
  gid_t cgid;
  mode_t mode;
  unsigned short __seq;
  unsigned short __pad2;
};
#define __ipc_perm_key __key
#define __ipc_perm_seq __seq

#define IPC_PRIVATE ((key_t)0)
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_NOWAIT 04000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3

/* glibc's formula: the low 16 bits of st_ino, the low 8 of st_dev, and id's low 8. */
key_t ftok(const char *path, int id);

#ifdef __cplusplus
}
#endif
#endif
