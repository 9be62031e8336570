/* System V message queues and semaphores (host/kernel/sysvipc.ts), and
 * ftok(3) as glibc computes it. */
#include <stdarg.h>
#include <stddef.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include "socklab_imports.h"

/* The host reads and writes these layouts at fixed offsets. */
_Static_assert(sizeof(struct ipc_perm) == 28, "ipc_perm");
_Static_assert(offsetof(struct msqid_ds, msg_stime) == 32 && offsetof(struct msqid_ds, msg_qbytes) == 64 && offsetof(struct msqid_ds, msg_lrpid) == 72 && sizeof(struct msqid_ds) == 80, "msqid_ds");
_Static_assert(offsetof(struct semid_ds, sem_otime) == 32 && offsetof(struct semid_ds, sem_nsems) == 48 && sizeof(struct semid_ds) == 56, "semid_ds");
_Static_assert(sizeof(struct sembuf) == 6, "sembuf");

SOCKLAB_IMPORT(msgget) int __socklab_msgget(key_t, int, int *);
SOCKLAB_IMPORT(msgsnd) int __socklab_msgsnd(int, const void *, size_t, int);
SOCKLAB_IMPORT(msgrcv) int __socklab_msgrcv(int, void *, size_t, long, int, int *);
SOCKLAB_IMPORT(msgctl) int __socklab_msgctl(int, int, struct msqid_ds *);
SOCKLAB_IMPORT(semget) int __socklab_semget(key_t, int, int, int *);
SOCKLAB_IMPORT(semop) int __socklab_semop(int, struct sembuf *, size_t);
SOCKLAB_IMPORT(semtimedop) int __socklab_semtimedop(int, struct sembuf *, size_t, const struct timespec *);
SOCKLAB_IMPORT(semctl) int __socklab_semctl(int, int, int, unsigned long, int *);

key_t ftok(const char *path, int id) {
  struct stat st;
  if (stat(path, &st) < 0) return -1;
  return (key_t)((st.st_ino & 0xffff) | ((st.st_dev & 0xff) << 16) | ((id & 0xffu) << 24));
}

int msgget(key_t key, int flags) {
  int id = -1;
  return __socklab_ret(__socklab_msgget(key, flags, &id)) ? -1 : id;
}
int msgsnd(int id, const void *msgp, size_t size, int flags) { return __socklab_ret(__socklab_msgsnd(id, msgp, size, flags)); }
ssize_t msgrcv(int id, void *msgp, size_t size, long type, int flags) {
  int n = -1;
  return __socklab_ret(__socklab_msgrcv(id, msgp, size, type, flags, &n)) ? -1 : n;
}
int msgctl(int id, int cmd, struct msqid_ds *buf) { return __socklab_ret(__socklab_msgctl(id, cmd, buf)); }

int semget(key_t key, int nsems, int flags) {
  int id = -1;
  return __socklab_ret(__socklab_semget(key, nsems, flags, &id)) ? -1 : id;
}
int semop(int id, struct sembuf *sops, size_t nsops) { return __socklab_ret(__socklab_semop(id, sops, nsops)); }
int semtimedop(int id, struct sembuf *sops, size_t nsops, const struct timespec *timeout) {
  return __socklab_ret(__socklab_semtimedop(id, sops, nsops, timeout));
}

/* The caller's union semun, as the programs declare it: va_arg takes it as the ABI passes such a union. */
union __socklab_semun { int val; struct semid_ds *buf; unsigned short *array; };

/* glibc's semctl: the fourth argument only for the commands that take one. */
int semctl(int id, int num, int cmd, ...) {
  unsigned long arg = 0;
  switch (cmd) {
  case SETVAL: case GETALL: case SETALL: case IPC_STAT: case IPC_SET: case IPC_INFO: case SEM_STAT: case SEM_INFO: {
    va_list ap;
    va_start(ap, cmd);
    union __socklab_semun u = va_arg(ap, union __socklab_semun);
    arg = cmd == SETVAL ? (unsigned long)(unsigned)u.val : (unsigned long)u.array;
    va_end(ap);
    break;
  }
  }
  int r = -1;
  return __socklab_ret(__socklab_semctl(id, num, cmd, arg, &r)) ? -1 : r;
}
